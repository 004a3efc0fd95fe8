"""Subscriber counts for staff: how many addresses follow an agency or a topic, never which."""

from django.db.models import Count, Q

from accounts import access
from agencies.models import Agency
from subscriptions.models import Subscription

_COUNTS = {
    "confirmed": Count("id", filter=Q(confirmed_at__isnull=False)),
    "pending": Count("id", filter=Q(confirmed_at__isnull=True)),
}


def counts_by_agency(user):
    """[{agency name, confirmed, pending}] for the agencies ``user`` works for, busiest first."""
    rows = Subscription.objects.filter(agency__isnull=False)
    ids = access.agency_ids(user)
    if ids is not access.ALL:
        rows = rows.filter(agency_id__in=ids)
    rows = list(rows.values("agency_id").annotate(**_COUNTS).order_by("-confirmed", "agency_id"))
    names = dict(
        Agency.objects.filter(pk__in=[row["agency_id"] for row in rows]).values_list("id", "name")
    )
    return [{**row, "name": names[row["agency_id"]]} for row in rows]


def counts_by_topic():
    """[{topic, confirmed, pending}] of the subscriptions to a 主题分类 across all agencies."""
    return list(
        Subscription.objects.filter(agency__isnull=True)
        .values("topic__name", "topic__parent__name")
        .annotate(**_COUNTS)
        .order_by("-confirmed", "topic__name")
    )
