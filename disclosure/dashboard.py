"""Unpublished items on the staff deadline board: Art. 26 gives 20 working days from forming."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from accounts import access
from disclosure import services
from disclosure.models import INTERPRETATION_WORKDAYS, DocKind, Item, ItemStatus, Validity
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


@dataclass(frozen=True)
class AwaitingInterpretation:
    """A published 行政规范性文件 without a published 解读, and the day its 解读 was due."""

    item: Item
    due: date | None  # None: the calendar of that year is not entered
    overdue: bool


def awaiting_interpretation(user, today):
    """Published, valid 行政规范性文件 of the user's agencies that no published 解读 points to yet.

    Imported history is left out: its 解读, if any, stayed on the old site. Three queries: the
    documents, then the calendar of their span.
    """
    interpreted = Exists(Item.objects.published().filter(interprets_id=OuterRef("pk")))
    items = list(
        access.scope(Item.objects.published(), user)
        .filter(doc_kind=DocKind.NORMATIVE, validity=Validity.VALID, imported=False)
        .exclude(interpreted)
        .select_related("agency")
        .only(
            "id",
            "title",
            "document_number",
            "published_date",
            "agency__name",
            "agency__short_name",
        )
        .order_by("published_date", "id")[:BOARD_LIMIT]
    )
    if not items:
        return []
    calendar = WorkdayCalendar.load(
        items[0].published_date, max(item.published_date for item in items) + timedelta(days=31)
    )
    rows = []
    for item in items:
        try:
            due = calendar.add(item.published_date, INTERPRETATION_WORKDAYS)
        except UnknownCalendarYear:
            due = None
        rows.append(AwaitingInterpretation(item, due, due is not None and due < today))
    return rows
