"""Upkeep of :class:`~disclosure.models.ChannelTally`: the report's channel counts per month."""

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from disclosure.models import ChannelTally, Item, ItemStatus

# One statement on PostgreSQL and SQLite alike; the increment happens under the row's lock, so
# two publications of the same agency-month never lose a count.
_UPSERT = """
INSERT INTO disclosure_channeltally (agency_id, channel_id, month, items) VALUES (%s, %s, %s, %s)
ON CONFLICT (agency_id, channel_id, month) DO UPDATE SET items = disclosure_channeltally.items + excluded.items
"""

_DECREMENT = """
UPDATE disclosure_channeltally SET items = items - %s WHERE agency_id = %s AND channel_id = %s AND month = %s
"""


def add_links(links, delta=1):
    """Count ``delta`` for each (agency_id, channel_id, published_date) link."""
    totals = {}
    for agency_id, channel_id, published in links:
        key = (agency_id, channel_id, published.replace(day=1))
        totals[key] = totals.get(key, 0) + delta
    if totals:
        with connection.cursor() as cursor:
            if delta > 0:
                cursor.executemany(_UPSERT, [(*key, n) for key, n in totals.items()])
            else:  # the row exists (the item was counted when published); never below zero
                cursor.executemany(_DECREMENT, [(-n, *key) for key, n in totals.items()])


def add_item(item, delta, channel_ids=None):
    """Count a published ``item`` ``delta`` times on each of its channels (or ``channel_ids``)."""
    if channel_ids is None:
        channel_ids = list(item.channels.values_list("pk", flat=True))
    add_links([(item.agency_id, pk, item.published_date) for pk in channel_ids], delta)


@transaction.atomic
def rebuild():
    """Recount every row from the published items (after a bulk load, or to repair)."""
    ChannelTally.objects.all().delete()
    links = (
        Item.channels.through.objects.filter(item__status=ItemStatus.PUBLISHED)
        .annotate(month=TruncMonth("item__published_date"))
        .values("item__agency_id", "channel_id", "month").annotate(n=Count("id")).order_by()
    )
    ChannelTally.objects.bulk_create(
        (ChannelTally(agency_id=row["item__agency_id"], channel_id=row["channel_id"], month=row["month"],
                      items=row["n"]) for row in links.iterator()),
        batch_size=2000,
    )
    return ChannelTally.objects.count()
