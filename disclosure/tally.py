"""Recounting :class:`~disclosure.models.ChannelTally`, the report's channel counts per month.

On PostgreSQL triggers keep the tally as items and their channel links change (migration 0007);
a recount is only needed after loading rows with the triggers off (the benchmark's COPY) or to
check them.
"""

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from disclosure.models import ChannelTally, Item, ItemStatus


@transaction.atomic
def rebuild():
    """Recount every row from the published items; returns the number of rows."""
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
