"""Recounting the catalog tallies: the report's monthly :class:`~disclosure.models.ChannelTally`
(items per channel) and :class:`~disclosure.models.CategoryTally` (items per category), and the
catalog tree's :class:`~disclosure.models.CategoryTotal` (items per category, all months) and
:class:`~disclosure.models.TopicTally` (items per topic), and report table 二's
:class:`~disclosure.models.NormativeBalance` (规章 and 行政规范性文件 per year).

On PostgreSQL triggers keep them as items and their channel links change (migrations 0007, 0009,
0013, 0016 and 0017); a recount is only needed after loading rows with the triggers off (the
benchmark's COPY) or to check them.
"""

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Greatest, TruncMonth

from disclosure.models import (
    CategoryTally,
    CategoryTotal,
    ChannelTally,
    Item,
    ItemStatus,
    NormativeBalance,
    TopicTally,
    Validity,
)

ENDED = (Validity.REPEALED, Validity.EXPIRED)


def normative_balances(item_model=Item):
    """{(agency_id, doc_kind, year): [issued, repealed, in_force]} counted from the items.

    The rows NormativeBalance holds (see there): a year appears when a document was formed or
    ended in it. ``item_model`` lets migration 0017 count with its historical model. Three
    aggregate queries over the published normative documents.
    """
    documents = item_model.objects.filter(status=ItemStatus.PUBLISHED).exclude(doc_kind="")
    ended = Q(validity__in=ENDED, validity_changed_on__isnull=False)
    # (year of the event, issued, repealed, in_force from that year on) per kind of event.
    events = (
        (documents.filter(formed_date__isnull=False), ExtractYear("formed_date"), (1, 0, 1)),
        (documents.filter(ended), ExtractYear("validity_changed_on"), (0, 1, 0)),
        # A document stops being in force from the later of its forming and its ending.
        (
            documents.filter(ended, formed_date__isnull=False),
            Greatest(ExtractYear("formed_date"), ExtractYear("validity_changed_on")),
            (0, 0, -1),
        ),
    )
    flows = {}
    for rows, year, (issued, repealed, in_force) in events:
        for row in (
            rows.annotate(event_year=year)
            .values("agency_id", "doc_kind", "event_year")
            .annotate(n=Count("id"))
            .order_by()
        ):
            key = (row["agency_id"], row["doc_kind"], int(row["event_year"]))
            flow = flows.setdefault(key, [0, 0, 0])
            flow[0] += issued * row["n"]
            flow[1] += repealed * row["n"]
            flow[2] += in_force * row["n"]
    balances, running, group = {}, 0, None
    for key in sorted(flows):
        if key[:2] != group:
            group, running = key[:2], 0
        issued, repealed, change = flows[key]
        running += change
        balances[key] = [issued, repealed, running]
    return balances


@transaction.atomic
def rebuild():
    """Recount every row of the tallies from the published items; returns the number of rows."""
    ChannelTally.objects.all().delete()
    links = (
        Item.channels.through.objects.filter(item__status=ItemStatus.PUBLISHED)
        .annotate(month=TruncMonth("item__published_date"))
        .values("item__agency_id", "channel_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    ChannelTally.objects.bulk_create(
        (
            ChannelTally(
                agency_id=row["item__agency_id"],
                channel_id=row["channel_id"],
                month=row["month"],
                items=row["n"],
            )
            for row in links.iterator()
        ),
        batch_size=2000,
    )
    CategoryTally.objects.all().delete()
    items = (
        Item.objects.published()
        .annotate(month=TruncMonth("published_date"))
        .values("agency_id", "category", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    CategoryTally.objects.bulk_create(
        (
            CategoryTally(
                agency_id=row["agency_id"],
                category=row["category"],
                month=row["month"],
                items=row["n"],
            )
            for row in items.iterator()
        ),
        batch_size=2000,
    )
    CategoryTotal.objects.all().delete()
    totals = (
        Item.objects.published().values("agency_id", "category").annotate(n=Count("id")).order_by()
    )
    CategoryTotal.objects.bulk_create(
        (
            CategoryTotal(agency_id=row["agency_id"], category=row["category"], items=row["n"])
            for row in totals.iterator()
        ),
        batch_size=2000,
    )
    TopicTally.objects.all().delete()
    topics = (
        Item.objects.published()
        .filter(topic__isnull=False)
        .values("agency_id", "topic_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    TopicTally.objects.bulk_create(
        (
            TopicTally(agency_id=row["agency_id"], topic_id=row["topic_id"], items=row["n"])
            for row in topics.iterator()
        ),
        batch_size=2000,
    )
    NormativeBalance.objects.all().delete()
    NormativeBalance.objects.bulk_create(
        (
            NormativeBalance(
                agency_id=agency,
                doc_kind=kind,
                year=year,
                issued=issued,
                repealed=repealed,
                in_force=in_force,
            )
            for (agency, kind, year), (issued, repealed, in_force) in normative_balances().items()
        ),
        batch_size=2000,
    )
    return sum(
        model.objects.count()
        for model in (ChannelTally, CategoryTally, CategoryTotal, TopicTally, NormativeBalance)
    )
