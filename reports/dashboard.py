"""Unpublished annual reports on the shared staff deadline board (due 31 January)."""

from django.urls import reverse

from accounts import access
from reports.models import AnnualReport, ReportStatus, publication_deadline
from workdays.deadlines import Deadline


def deadlines(user, today):
    """Draft reports of the user's agencies, each due on 31 January of the following year. One query."""
    rows = (access.scope(AnnualReport.objects.filter(status=ReportStatus.DRAFT), user)
            .values_list("pk", "year", "agency__name"))
    return [
        Deadline(
            due=publication_deadline(year), kind="年度报告",
            title=f"{year}年政府信息公开工作年度报告",
            url=reverse("admin:reports_annualreport_change", args=[pk]),
            agency=agency, status=ReportStatus.DRAFT.label,
        )
        for pk, year, agency in rows
    ]
