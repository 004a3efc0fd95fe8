"""Catalog figures for the annual report: aggregated in SQL, a fixed number of queries."""

from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import ExtractMonth

from disclosure.models import (
    INTERPRETATION_WORKDAYS,
    Category,
    CategoryTally,
    ChannelTally,
    DocKind,
    Item,
    ItemStatus,
    NormativeBalance,
    Validity,
)
from workdays.calendar import UnknownCalendarYear, WorkdayCalendar


def proactive_counts(*, agency_ids, start, end):
    """Published items with ``published_date`` in [start, end] (two queries).

    ``by_channel`` counts an item once on each channel it went out on, so its sum may exceed
    ``total``; channels are ordered by count, then name. ``by_channel_kind`` adds the same
    counts up per kind of channel (``portal``: the government website, what a report's
    "栏目落实公开发布信息" sentence counts).
    """
    by_category = dict.fromkeys(Category.values, 0)
    by_month = dict.fromkeys(range(1, 13), 0)
    if connection.vendor == "postgresql" and start.day == 1 and (end + timedelta(days=1)).day == 1:
        # Whole months (a report year): read the tallies PostgreSQL's triggers keep (migrations
        # 0007 and 0009), a few rows per agency and month, instead of every item of the period
        # (the district's 100,000 a year) and every item-channel link.
        for row in (
            CategoryTally.objects.filter(agency_id__in=agency_ids, month__range=(start, end))
            .values("category", "month")
            .annotate(n=Sum("items"))
            .order_by()
        ):
            by_category[row["category"]] += row["n"]
            by_month[row["month"].month] += row["n"]
        channel_rows = [
            (row["channel__name"], row["channel__kind"], row["n"])
            for row in ChannelTally.objects.filter(
                agency_id__in=agency_ids, month__range=(start, end)
            )
            .values("channel__name", "channel__kind")
            .annotate(n=Sum("items"))
            .filter(n__gt=0)
        ]
    else:
        items = Item.objects.published().filter(
            agency_id__in=agency_ids, published_date__range=(start, end)
        )
        for row in (
            items.annotate(month=ExtractMonth("published_date"))
            .values("category", "month")
            .annotate(n=Count("id"))
            .order_by()
        ):
            by_category[row["category"]] += row["n"]
            by_month[row["month"]] += row["n"]
        channel_rows = [
            (row["channels__name"], row["channels__kind"], row["n"])
            for row in items.filter(channels__isnull=False)
            .values("channels__name", "channels__kind")
            .annotate(n=Count("id"))
            .order_by()
        ]
    by_name, by_kind = {}, {}
    for name, kind, n in channel_rows:
        by_name[name] = by_name.get(name, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n
    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "by_channel": sorted(by_name.items(), key=lambda pair: (-pair[1], pair[0])),
        "by_channel_kind": by_kind,
        "by_month": by_month,
    }


def normative_document_counts(*, agency_ids, year):
    """Table 二, 第二十条第（一）项: 规章 and 行政规范性文件 (one query).

    Definitions, over published catalog items of the agencies:
    - issued (本年制发件数): formed (成文) between 1 Jan and 31 Dec of ``year``;
    - repealed (本年废止件数): declared 废止 or 失效 with ``validity_changed_on`` in ``year``;
    - in_force (现行有效件数): formed on or before 31 Dec of ``year`` and not declared 废止 or
      失效 on or before that day.

    On PostgreSQL the figures come from the yearly balances its triggers keep (NormativeBalance,
    migration 0017): one row per agency and kind, however many documents the agencies made over
    the years. Elsewhere they are counted from the items.
    """
    empty = {"issued": 0, "repealed": 0, "in_force": 0}
    result = {"rules": dict(empty), "normative_docs": dict(empty)}
    keys = {DocKind.RULE: "rules", DocKind.NORMATIVE: "normative_docs"}
    if connection.vendor == "postgresql":
        # The latest row on or before the year: its in_force is the year's closing balance; its
        # issued and repealed are the year's only when it is the year's own row.
        for kind, row_year, issued, repealed, in_force in (
            NormativeBalance.objects.filter(agency_id__in=agency_ids, year__lte=year)
            .order_by("agency_id", "doc_kind", "-year")
            .distinct("agency_id", "doc_kind")
            .values_list("doc_kind", "year", "issued", "repealed", "in_force")
        ):
            figures = result[keys[kind]]
            figures["in_force"] += in_force
            if row_year == year:
                figures["issued"] += issued
                figures["repealed"] += repealed
        return result
    first, last = date(year, 1, 1), date(year, 12, 31)
    ended = Q(validity__in=[Validity.REPEALED, Validity.EXPIRED])
    rows = (
        Item.objects.published()
        .normative()
        .filter(agency_id__in=agency_ids)
        .values("doc_kind")
        .order_by()
        # Counting agency (never null), not id: every column read is then in the partial index
        # item_normative and the database answers from the index alone.
        .annotate(
            issued=Count("agency", filter=Q(formed_date__range=(first, last))),
            repealed=Count("agency", filter=ended & Q(validity_changed_on__range=(first, last))),
            in_force=Count(
                "agency",
                filter=Q(formed_date__lte=last) & ~(ended & Q(validity_changed_on__lte=last)),
            ),
        )
    )
    for row in rows:
        result[keys[row["doc_kind"]]] = {k: row[k] for k in empty}
    return result


def interpretation_counts(*, agency_ids, year):
    """行政规范性文件 published in ``year`` and their 解读 (the narrative draft's sentence).

    ``published``: documents published in the year; ``interpreted``: those a published 解读
    points to; ``in_time``: of those, the ones whose first 解读 came out at the latest
    INTERPRETATION_WORKDAYS working days after the document; ``without``: those with none yet.
    One query for the documents, two for the calendar; a year whose calendar is not entered
    counts a 解读 as in time only when it came out the same day.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = list(
        Item.objects.published()
        .filter(
            agency_id__in=agency_ids,
            doc_kind=DocKind.NORMATIVE,
            published_date__range=(first, last),
        )
        .annotate(
            first_interpretation=Min(
                "interpretations__published_date",
                filter=Q(interpretations__status=ItemStatus.PUBLISHED),
            )
        )
        .values_list("published_date", "first_interpretation")
        .order_by()
    )
    interpreted = [(day, first_out) for day, first_out in rows if first_out is not None]
    in_time = 0
    if interpreted:
        calendar = WorkdayCalendar.load(first, last + timedelta(days=31))
        for day, first_out in interpreted:
            try:
                in_time += first_out <= calendar.add(day, INTERPRETATION_WORKDAYS)
            except UnknownCalendarYear:
                in_time += first_out <= day
    return {
        "published": len(rows),
        "interpreted": len(interpreted),
        "in_time": in_time,
        "without": len(rows) - len(interpreted),
    }


def ogi_rules(agency):
    """An agency's 政府信息公开制度: its published items marked as such, oldest first."""
    return (
        Item.objects.published()
        .filter(agency=agency, ogi_rule=True)
        .only("id", "title", "summary", "document_number", "published_date")
        .order_by("published_date", "id")
    )
