"""Open applications on the shared staff deadline board (see ``workdays.deadlines``)."""

from django.urls import reverse

from accounts import access
from applications.models import Application, Status
from workdays.deadlines import Deadline


def deadlines(user, today):
    """Open applications of the user's agencies by due date; one query after the access check."""
    rows = (
        access.scope(Application.objects.open(), user)
        .filter(due_date__isnull=False)
        .values_list(
            "pk",
            "tracking_number",
            "due_date",
            "status",
            "agency__name",
            "description",
            "due_provisional",
        )
    )
    return [
        Deadline(
            due=due,
            kind="依申请公开",
            title=f"{number} {description[:30]}",
            url=reverse("admin:applications_application_change", args=[pk]),
            agency=agency,
            status=Status(status).label,
            provisional=provisional,
        )
        for pk, number, due, status, agency, description, provisional in rows
    ]
