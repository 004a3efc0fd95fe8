"""Recounting the catalog tallies: the report's monthly :class:`~disclosure.models.ChannelTally`
(items per channel) and :class:`~disclosure.models.CategoryTally` (items per category), and the
catalog tree's :class:`~disclosure.models.CategoryTotal` (items per category, all months) and
:class:`~disclosure.models.TopicTally` (items per topic).

On PostgreSQL triggers keep them as items and their channel links change (migrations 0007, 0009,
0013 and 0016); a recount is only needed after loading rows with the triggers off (the benchmark's COPY)
or to check them.
"""

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from disclosure.models import (
    CategoryTally,
    CategoryTotal,
    ChannelTally,
    Item,
    ItemStatus,
    TopicTally,
)


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
    return sum(
        model.objects.count() for model in (ChannelTally, CategoryTally, CategoryTotal, TopicTally)
    )
