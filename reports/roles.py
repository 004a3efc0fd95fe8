"""What each role may do with annual reports (shipped as groups by a data migration).

Clerks draft; the OGI office head publishes (``reports.services.report_publish`` checks the
role for the report's agency as well as this permission).
"""

from accounts.models import Role

_DRAFT = [
    "reports.view_annualreport",
    "reports.add_annualreport",
    "reports.change_annualreport",
    "reports.view_reportversion",
    "reports.view_reportevent",
]

ROLE_PERMISSIONS = {
    Role.CLERK: _DRAFT,
    Role.REVIEWER: ["reports.view_annualreport", "reports.view_reportversion"],
    Role.HEAD: [*_DRAFT, "reports.publish_annualreport"],
    Role.DISTRICT_ADMIN: [*_DRAFT, "reports.publish_annualreport"],
}
