"""Unpublished items on the staff deadline board: Art. 26 gives 20 working days from forming."""

from datetime import timedelta

from django.urls import reverse

from accounts import access
from disclosure import services
from disclosure.models import Item, ItemStatus
from workdays.calendar import UnknownCalendarYear, WorkdayCalendar
from workdays.deadlines import Deadline

PUBLISH_WITHIN_WORKDAYS = 20
BOARD_LIMIT = 200  # the oldest first; a backlog bigger than this is a problem to fix, not to list


def _step_for(user, item):
    """A reviewer goes straight from the board to the review page of an item waiting for them."""
    if item.status == ItemStatus.IN_REVIEW and access.has_role(
        user, item.agency_id, *services.REVIEWERS
    ):
        return "admin:disclosure_item_review"
    return "admin:disclosure_item_change"


def deadlines(user, today):
    """Three queries: the items (with their agency), then the calendar of their span."""
    items = list(
        access.scope(Item.objects.unpublished(), user)
        .filter(formed_date__isnull=False)
        .select_related("agency")
        .only(
            "id",
            "title",
            "status",
            "formed_date",
            "agency_id",
            "agency__name",
            "agency__short_name",
        )
        .order_by("formed_date", "id")[:BOARD_LIMIT]
    )
    if not items:
        return []
    first = min(item.formed_date for item in items)
    last = max(item.formed_date for item in items) + timedelta(
        days=2 * PUBLISH_WITHIN_WORKDAYS + 31
    )
    calendar = WorkdayCalendar.load(first, last)
    rows = []
    for item in items:
        try:
            due = calendar.add(item.formed_date, PUBLISH_WITHIN_WORKDAYS)
        except UnknownCalendarYear:
            # Four calendar weeks stand in; the board marks the row "calendar not entered".
            due = item.formed_date + timedelta(days=28)
        rows.append(
            Deadline(
                due=due,
                kind="主动公开",
                title=item.title,
                url=reverse(_step_for(user, item), args=[item.pk]),
                agency=item.agency.display_name,
                status=item.get_status_display(),
            )
        )
    return rows
