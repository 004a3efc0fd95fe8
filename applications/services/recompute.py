"""Deadlines after the calendar changes: when staff enter (or correct) a year's holiday schedule,
every open application whose due date was provisional, missing or near that year is recomputed,
with an event row for each one whose date moved."""

from datetime import date

from django.db import transaction
from django.db.models import Q

from applications.models import Application, EventKind
from applications.services.steps import Change, local_today, set_due


@transaction.atomic
def deadlines_recompute(*, year, by=None) -> int:
    """Recompute open applications affected by ``year``'s schedule; the number that changed.

    Affected: a provisional or missing due date, or a period that may cross that year (a notice
    reaches into the December before and the January after)."""
    near = Q(due_date__gte=date(year - 1, 12, 1), clock_start__lte=date(year + 1, 1, 31))
    rows = (
        Application.objects.open()
        .filter(Q(due_provisional=True) | Q(due_date__isnull=True) | near)
        .select_for_update(of=("self",))
        .select_related("agency")
        .order_by("pk")
    )
    today, changed = local_today(), 0
    for application in rows:
        old_due, was_provisional = application.due_date, application.due_provisional
        if not set_due(application):
            continue
        application.save(update_fields=["due_date", "due_provisional"])
        before = "暂定期限" if was_provisional else "原期限"
        Change(application, by, application.status, old_due).record(
            EventKind.RECALCULATED,
            on=today,
            note=f"录入{year}年放假安排后重算（{before}{old_due or '无'}）",
        )
        changed += 1
    return changed


def on_schedule_entered(sender, *, year, by=None, **kwargs):
    return deadlines_recompute(year=year, by=by)
