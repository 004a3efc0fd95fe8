from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts.models import AuditEvent, Role
from disclosure.models import Category
from reports.models import AnnualReport, ReportEvent, ReportFormat, ReportStatus, ReportVersion
from reports.services import report_create, report_draft_text, report_publish
from tests.factories import make_staff
from tests.reports.base import ReportSetup
from tests.reports.records import make_application, make_item


class ReportCreateTests(ReportSetup, TestCase):
    def test_format_follows_the_year(self):
        self.assertEqual(self.make_report(2017).format, ReportFormat.LEGACY)
        self.assertEqual(self.make_report(2020).format, ReportFormat.TRIAL_2019)
        report = self.make_report(2025)
        self.assertEqual(report.format, ReportFormat.NATIONAL_2021)
        self.assertEqual(report.status, ReportStatus.DRAFT)
        self.assertEqual(report.events.get().kind, ReportEvent.Kind.CREATED)

    def test_refuses_a_second_report_for_the_same_year(self):
        self.make_report(2025)
        with self.assertRaises(ValidationError) as caught:
            self.make_report(2025)
        self.assertEqual(caught.exception.code, "duplicate")

    def test_refuses_a_year_that_has_not_started(self):
        with self.assertRaises(ValidationError) as caught:
            self.make_report(2099)
        self.assertEqual(caught.exception.code, "future_year")

    def test_refuses_a_format_that_does_not_match_the_year(self):
        with self.assertRaises(ValidationError):
            self.make_report(2025, format=ReportFormat.LEGACY)

    def test_refuses_staff_of_another_agency(self):
        stranger = make_staff(None)
        with self.assertRaises(ValidationError) as caught:
            report_create(report=AnnualReport(agency=self.agency, year=2025), by=stranger)
        self.assertEqual(caught.exception.code, "forbidden")


class DraftTextTests(ReportSetup, TestCase):
    def test_generates_sentences_from_the_figures_into_empty_sections_only(self):
        for category, n in ((Category.POLICY, 4), (Category.WORK, 40), (Category.OTHER, 27)):
            for _ in range(n):
                make_item(self.agency, published=date(2025, 5, 1), category=category)
        report = self.make_report(2025, complete=False, problems="我们自己写的问题。")
        report, filled = report_draft_text(report=report, by=self.clerk)
        self.assertIn(
            "本年度主动公开政府信息71条，其中政策类4条、工作动态40条、其他27条。",
            report.overview_proactive,
        )
        self.assertIn("本年度未收到政府信息公开申请。", report.overview_requests)
        self.assertIn("信息处理费", report.other_matters)
        self.assertEqual(report.problems, "我们自己写的问题。")
        self.assertNotIn("problems", filled)
        self.assertEqual(report.events.first().kind, ReportEvent.Kind.DRAFTED)

    def test_reviewer_may_not_write_the_draft(self):
        reviewer = make_staff(self.agency, Role.REVIEWER)
        with self.assertRaises(ValidationError):
            report_draft_text(report=self.make_report(), by=reviewer)


class PublishTests(ReportSetup, TestCase):
    def test_head_publishes_a_frozen_first_version(self):
        report = self.make_report(2025, licensing=3)
        version = report_publish(report=report, by=self.head)
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.PUBLISHED)
        self.assertEqual(version.number, 1)
        self.assertEqual(version.snapshot["figures"]["table2"]["licensing"], 3)
        self.assertEqual(report.events.first().kind, ReportEvent.Kind.PUBLISHED)
        self.assertTrue(AuditEvent.objects.filter(event=AuditEvent.Event.REPORT_PUBLISHED).exists())

    def test_clerk_may_not_publish(self):
        with self.assertRaises(ValidationError) as caught:
            report_publish(report=self.make_report(), by=self.clerk)
        self.assertEqual(caught.exception.code, "forbidden")
        self.assertFalse(ReportVersion.objects.exists())

    def test_failing_checks_block_publishing(self):
        report = self.make_report(2025, other_matters="无。")
        with self.assertRaises(ValidationError) as caught:
            report_publish(report=report, by=self.head)
        self.assertEqual(caught.exception.code, "checks_failed")
        self.assertIn("信息处理费", caught.exception.messages[0])
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.DRAFT)

    def test_a_correction_needs_a_reason_and_keeps_the_old_version(self):
        report = self.make_report(2025, licensing=3)
        first = report_publish(report=report, by=self.head)
        AnnualReport.objects.filter(pk=report.pk).update(licensing=5)
        with self.assertRaises(ValidationError) as caught:
            report_publish(report=report, by=self.head)
        self.assertEqual(caught.exception.code, "reason_required")
        second = report_publish(report=report, by=self.head, reason="行政许可数量统计有误")
        self.assertEqual(second.number, 2)
        self.assertEqual(second.supersedes, first)
        first.refresh_from_db()
        self.assertEqual(first.snapshot["figures"]["table2"]["licensing"], 3)
        self.assertEqual(second.snapshot["figures"]["table2"]["licensing"], 5)
        self.assertEqual(list(ReportVersion.objects.current()), [second])
        self.assertEqual(report.events.first().kind, ReportEvent.Kind.CORRECTED)


class FreezeTests(ReportSetup, TestCase):
    def test_records_changed_after_publishing_do_not_change_the_published_report(self):
        make_item(self.agency, published=date(2025, 3, 1))
        report = self.make_report(2025)
        version = report_publish(report=report, by=self.head)
        make_item(self.agency, published=date(2025, 4, 1))
        make_application(self.agency, received=date(2025, 5, 1))
        AnnualReport.objects.filter(pk=report.pk).update(problems="改过的文字。")
        response = self.client.get("/reports/test-bureau/2025.json")
        self.assertEqual(response.json()["proactive"]["total"], 1)
        self.assertEqual(response.json()["table3"]["new"]["total"], 0)
        self.assertEqual(response.json()["narrative"]["problems"], COMPLETE_PROBLEMS)
        version.refresh_from_db()
        self.assertEqual(version.snapshot["figures"]["proactive"]["total"], 1)
        # The draft (what a correction would publish) follows the records.
        from reports.documents import build_snapshot

        draft = build_snapshot(AnnualReport.objects.get(pk=report.pk))
        self.assertEqual(draft["figures"]["proactive"]["total"], 2)
        self.assertEqual(draft["narrative"]["problems"], "改过的文字。")

    def test_a_published_version_refuses_to_be_saved_or_deleted(self):
        version = report_publish(report=self.make_report(), by=self.head)
        version.reason = "偷偷修改"
        with self.assertRaises(ValidationError):
            version.save()
        with self.assertRaises(ValidationError):
            version.delete()

    def test_fee_amount_keeps_four_decimals(self):
        report = self.make_report(2025, fees_10k_yuan=Decimal("0.0150"))
        version = report_publish(report=report, by=self.head)
        self.assertEqual(version.snapshot["figures"]["table2"]["fees_10k_yuan"], "0.0150")


COMPLETE_PROBLEMS = "公开不够及时。下一年度将加强培训。"


class CarryOverAcrossReportsTests(ReportSetup, TestCase):
    def test_warns_when_this_years_carried_over_differs_from_last_years_published_report(self):
        application = make_application(self.agency, received=date(2024, 12, 28))
        report_publish(report=self.make_report(2024), by=self.head)  # 四 = 1, frozen
        from reports.documents import build_snapshot

        this_year = self.make_report(2025)
        self.assertEqual(
            [c for c in build_snapshot(this_year)["checks"] if c["code"] == "carry_over"], []
        )
        # The record is changed afterwards: it was in fact answered in 2024.
        application.outcome, application.closed_on, application.status = (
            "granted",
            date(2024, 12, 30),
            "replied",
        )
        application.save()
        warnings = [c for c in build_snapshot(this_year)["checks"] if c["code"] == "carry_over"]
        self.assertEqual(warnings[0]["level"], "warning")
        self.assertIn("相差-1件", warnings[-1]["message"])
        # A warning does not block publishing.
        self.assertEqual(report_publish(report=this_year, by=self.head).number, 1)


class TrialFormatTests(ReportSetup, TestCase):
    def test_2019_format_prints_its_own_table_two_and_a_single_other_row(self):
        make_application(
            self.agency,
            received=date(2020, 3, 1),
            closed=date(2020, 3, 9),
            outcome="other.unpaid_fee",
        )
        make_application(
            self.agency, received=date(2020, 4, 1), closed=date(2020, 4, 9), outcome="other.other"
        )
        report = self.make_report(
            2020, services=6, procurement_count=2, procurement_10k_yuan=Decimal("35.5")
        )
        report_publish(report=report, by=self.head)
        response = self.client.get("/reports/test-bureau/2020/")
        self.assertContains(response, "其他对外管理服务事项")
        self.assertContains(response, "第二十条第（九）项")
        self.assertContains(response, '<td colspan="2">35.5</td>', html=True)
        self.assertNotContains(response, "35.5000")
        html = response.content.decode()
        row = html.split('<tr data-key="other.no_correction+other.unpaid_fee+other.other">')[
            1
        ].split("</tr>")[0]
        self.assertIn("（六）其他处理", row)
        self.assertIn('<td class="num">2</td>', row)
