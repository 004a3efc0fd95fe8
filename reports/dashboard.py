"""Unpublished annual reports on the shared staff deadline board (due by each agency's deadline)."""

from django.urls import reverse

from accounts import access
from reports.deadlines import report_deadline
from reports.models import AnnualReport, ReportStatus
from workdays.deadlines import Deadline


def deadlines(user, today):
    """Draft reports of the user's agencies, each due on its agency's deadline. One query.

    A report already published outside the platform (a catalog item, its text not yet entered)
    is not due any more and stays off the board.
    """
    reports = access.scope(
        AnnualReport.objects.filter(status=ReportStatus.DRAFT, catalog_item__isnull=True), user
    ).select_related("agency")
    return [
        Deadline(
            due=report_deadline(report.agency, report.year),
            kind="年度报告",
            title=f"{report.year}年政府信息公开工作年度报告",
            url=reverse("admin:reports_annualreport_change", args=[report.pk]),
            agency=report.agency.name,
            status=ReportStatus.DRAFT.label,
        )
        for report in reports
    ]
