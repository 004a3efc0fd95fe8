from datetime import date

from accounts.models import Role
from reports.models import AnnualReport
from reports.services import report_create
from tests.factories import make_agency, make_staff

COMPLETE_TEXT = {
    "overview": "本年度全面推进政务公开工作。",
    "problems": "公开不够及时。下一年度将加强培训。",
    "other_matters": "本年度未收取信息处理费。",
}


class ReportSetup:
    """An agency with a clerk and a head, and helpers to make reports ready to publish."""

    def setUp(self):
        self.agency = make_agency(name="测试局", slug="test-bureau")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)

    def make_report(self, year=2025, complete=True, **fields):
        if complete:
            fields = {**COMPLETE_TEXT, **fields}
            if year <= 2018:
                fields.pop("other_matters", None)
        fields.setdefault("signature_date", date(year + 1, 1, 20))
        return report_create(
            report=AnnualReport(agency=self.agency, year=year, **fields), by=self.clerk
        )
