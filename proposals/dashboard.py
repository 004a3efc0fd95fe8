"""Open proposals for the shared staff deadline board (see ``workdays.deadlines``)."""

from django.urls import reverse

from proposals import access
from proposals.models import Proposal
from workdays.deadlines import Deadline


def deadlines(user, today):
    """Open proposals where one of the user's agencies is lead unit or co-unit. One query."""
    rows = (
        access.visible(user, Proposal.objects.open())
        .select_related("session", "lead_unit")
        .only(
            "id",
            "kind",
            "number",
            "title",
            "due_date",
            "status",
            "session__name",
            "session__short_name",
            "lead_unit__name",
        )
    )
    return [
        Deadline(
            due=p.due_date,
            kind=p.get_kind_display(),
            title=f"{p.session.label}{p.number_label}：{p.title}",
            url=reverse("admin:proposals_proposal_change", args=[p.pk]),
            agency=p.lead_unit.name,
            status=p.get_status_display(),
        )
        for p in rows.order_by("due_date")
    ]
