import csv
import io
from datetime import date

from django.test import TestCase

from accounts.models import Role
from reports.models import AnnualReport, ReportVersion
from reports.services import report_publish
from tests.factories import PASSWORD, make_agency, make_staff
from tests.reports.base import ReportSetup
from tests.reports.records import make_application, make_channel, make_item


class PublicReportPageTests(ReportSetup, TestCase):
    def setUp(self):
        super().setUp()
        channel = make_channel(self.agency, "政府门户网站")
        make_item(self.agency, published=date(2025, 2, 3), category="policy", channels=[channel])
        make_application(
            self.agency,
            received=date(2025, 3, 1),
            closed=date(2025, 3, 10),
            outcome="granted",
            applicant_type="commercial",
        )
        self.report = self.make_report(
            2025, licensing=2, overview_proactive="共{proactive.total}条。"
        )
        self.version = report_publish(report=self.report, by=self.head)

    def test_page_shows_the_tables_and_the_narrative(self):
        with self.assertNumQueries(2):  # the versions, the site's agency for the header
            response = self.client.get("/reports/test-bureau/2025/")
        self.assertContains(response, "2025年政府信息公开工作年度报告")
        self.assertContains(response, "共1条。")
        self.assertContains(
            response, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        )
        self.assertContains(response, '<tr data-key="granted">')
        self.assertContains(response, "<svg", count=3)
        self.assertContains(response, 'href="/reports/test-bureau/2025.json"')
        self.assertNotContains(response, "style=")

    def test_json_has_the_design_keys(self):
        with self.assertNumQueries(1):
            data = self.client.get("/reports/test-bureau/2025.json").json()
        self.assertEqual(data["table3"]["granted"]["commercial"], 1)
        self.assertEqual(data["table3"]["new"]["total"], 1)
        self.assertEqual(
            set(data["table3"]["new"]),
            {
                "natural_person",
                "commercial",
                "research",
                "public_welfare",
                "legal_service",
                "other_org",
                "total",
            },
        )
        self.assertEqual(len(data["table3"]), 25)
        self.assertEqual(data["table2"]["licensing"], 2)
        self.assertEqual(
            set(data["table2"]["rules"]), {"issued", "repealed", "in_force", "published"}
        )
        self.assertEqual(data["table2"]["fees_10k_yuan"], "0.0000")
        self.assertEqual(
            set(data["table4"]), {"reconsideration", "litigation_direct", "litigation_after"}
        )
        self.assertEqual(data["proactive"]["by_category"]["policy"], 1)
        self.assertEqual(data["proactive"]["by_channel"], [["政府门户网站", 1]])
        self.assertEqual(data["version"]["number"], 1)

    def test_csv_has_every_table(self):
        response = self.client.get("/reports/test-bureau/2025.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        keys = {row[4] for row in rows[1:]}
        self.assertIn("table3.granted.commercial", keys)
        self.assertIn("table2.fees_10k_yuan", keys)
        self.assertIn("table4.litigation_after.total", keys)
        self.assertEqual(sum(1 for k in keys if k.startswith("table3.")), 25 * 7)
        self.assertIn(
            ["表三", "（一）予以公开", "商业企业", "1", "table3.granted.commercial"], rows
        )

    def test_archive_lists_published_reports_only(self):
        AnnualReport.objects.create(agency=self.agency, year=2024, format="2021")
        with self.assertNumQueries(2):
            response = self.client.get("/reports/")
        self.assertContains(response, "/reports/test-bureau/2025/")
        self.assertNotContains(response, "/reports/test-bureau/2024/")

    def test_drafts_and_unknown_reports_are_not_found(self):
        AnnualReport.objects.create(agency=self.agency, year=2024, format="2021")
        for url in (
            "/reports/test-bureau/2024/",
            "/reports/test-bureau/2024.json",
            "/reports/nope/2025/",
            "/reports/test-bureau/2025/v9/",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_a_correction_keeps_the_old_version_reachable(self):
        AnnualReport.objects.filter(pk=self.report.pk).update(licensing=4)
        report_publish(report=self.report, by=self.head, reason="许可数量更正")
        self.assertEqual(
            self.client.get("/reports/test-bureau/2025.json").json()["table2"]["licensing"], 4
        )
        old = self.client.get("/reports/test-bureau/2025/v1/")
        self.assertContains(old, "此为旧版本")
        self.assertContains(self.client.get("/reports/test-bureau/2025/"), "许可数量更正")


class StaffWorkflowTests(ReportSetup, TestCase):
    def setUp(self):
        super().setUp()
        self.report = self.make_report(2025, complete=False)

    def login(self, user):
        self.client.login(username=user.username, password=PASSWORD)

    def test_change_page_shows_checks_and_the_deadline(self):
        self.login(self.clerk)
        response = self.client.get(f"/admin/reports/annualreport/{self.report.pk}/change/")
        self.assertContains(response, "勾稽检查")
        self.assertContains(response, "“五、存在的主要问题及改进情况”尚未填写")
        self.assertContains(response, "发布截止日（2026年1月31日）")

    def test_generate_the_first_draft_from_the_admin(self):
        self.login(self.clerk)
        response = self.client.post(f"/admin/reports/annualreport/{self.report.pk}/draft-text/")
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        self.assertIn("本年度主动公开政府信息0条", self.report.overview_proactive)

    def test_preview_is_the_page_that_will_be_published(self):
        AnnualReport.objects.filter(pk=self.report.pk).update(
            problems="问题。", overview="概述。", other_matters="本年度未收取信息处理费。"
        )
        self.login(self.head)
        preview = self.client.get(f"/admin/reports/annualreport/{self.report.pk}/preview/")
        self.assertContains(preview, "草稿预览")
        response = self.client.post(f"/admin/reports/annualreport/{self.report.pk}/publish/")
        self.assertRedirects(response, "/reports/test-bureau/2025/", fetch_redirect_response=False)
        public = self.client.get("/reports/test-bureau/2025/")
        marker = '<article class="report-document"'
        draft_html = preview.content.decode().split(marker)[1].split("</article>")[0]
        public_html = public.content.decode().split(marker)[1].split("</article>")[0]
        self.assertEqual(draft_html, public_html)

    def test_clerk_cannot_publish_and_sees_why(self):
        AnnualReport.objects.filter(pk=self.report.pk).update(
            problems="问题。", overview="概述。", other_matters="本年度未收取信息处理费。"
        )
        self.login(self.clerk)
        self.assertContains(
            self.client.get(f"/admin/reports/annualreport/{self.report.pk}/publish/"),
            "只有本机构的负责人",
        )
        self.client.post(f"/admin/reports/annualreport/{self.report.pk}/publish/")
        self.assertFalse(ReportVersion.objects.exists())

    def test_failing_checks_are_shown_and_nothing_is_published(self):
        self.login(self.head)
        response = self.client.post(
            f"/admin/reports/annualreport/{self.report.pk}/publish/", follow=True
        )
        self.assertContains(response, "未通过勾稽检查")
        self.assertFalse(ReportVersion.objects.exists())

    def test_staff_of_another_agency_cannot_preview(self):
        other = make_staff(make_agency(), Role.HEAD)
        self.login(other)
        response = self.client.get(f"/admin/reports/annualreport/{self.report.pk}/preview/")
        self.assertEqual(response.status_code, 403)

    def test_add_form_refuses_a_future_year_without_losing_input(self):
        self.login(self.clerk)
        response = self.client.post(
            "/admin/reports/annualreport/add/",
            {"agency": self.agency.pk, "year": 2099, "format": ""},
        )
        self.assertContains(response, "2099年度尚未开始")

    def test_any_period_figures_for_staff(self):
        make_item(self.agency, published=date(2025, 2, 1))
        make_item(self.agency, published=date(2025, 5, 1))
        self.login(self.clerk)
        response = self.client.get(
            "/admin/reports/annualreport/period/",
            {"agency": self.agency.pk, "start": "2025-01-01", "end": "2025-03-31"},
        )
        self.assertContains(response, "主动公开政府信息 <strong>1</strong> 条")
        self.assertContains(response, "按自然年统计")  # a quarter has no year-end document counts
        bad = self.client.get(
            "/admin/reports/annualreport/period/",
            {"agency": self.agency.pk, "start": "2025-05-01", "end": "2025-03-31"},
        )
        self.assertContains(bad, "开始日期不能晚于结束日期")


class WorkbenchTests(ReportSetup, TestCase):
    def test_draft_reports_appear_on_the_deadline_board_until_published(self):
        report = self.make_report(2025)
        self.client.login(username=self.clerk.username, password=PASSWORD)
        self.assertContains(self.client.get("/admin/"), "2025年政府信息公开工作年度报告")
        report_publish(report=report, by=self.head)
        self.assertNotContains(self.client.get("/admin/"), "2025年政府信息公开工作年度报告")


class DistrictReportTests(ReportSetup, TestCase):
    def test_district_report_sums_its_units(self):
        district = make_agency(name="某区人民政府", slug="district")
        self.agency.parent = district
        self.agency.save()
        make_item(self.agency, published=date(2025, 3, 1))
        make_item(district, published=date(2025, 3, 2))
        admin = make_staff(district, Role.DISTRICT_ADMIN)
        from reports.services import report_create

        report = report_create(
            report=AnnualReport(
                agency=district,
                year=2025,
                covers_units=True,
                overview="概述。",
                problems="问题。",
                other_matters="本年度未收取信息处理费。",
            ),
            by=admin,
        )
        report_publish(report=report, by=admin)
        data = self.client.get("/reports/district/2025.json").json()
        self.assertTrue(data["covers_units"])
        self.assertEqual(data["proactive"]["total"], 2)
        self.assertContains(self.client.get("/reports/"), "含下属机构汇总")


class AdminAddTests(ReportSetup, TestCase):
    def test_clerk_starts_a_report_and_the_format_follows_the_year(self):
        self.client.login(username=self.clerk.username, password=PASSWORD)
        response = self.client.post(
            "/admin/reports/annualreport/add/",
            {"agency": self.agency.pk, "year": 2020, "format": ""},
        )
        report = AnnualReport.objects.get(agency=self.agency, year=2020)
        self.assertRedirects(
            response,
            f"/admin/reports/annualreport/{report.pk}/change/",
            fetch_redirect_response=False,
        )
        self.assertEqual(report.format, "2019")
        self.assertEqual(report.events.get().by, self.clerk)
        change = self.client.get(f"/admin/reports/annualreport/{report.pk}/change/")
        self.assertContains(change, "其他对外管理服务事项上一年项目数量")

    def test_quarter_links_on_the_period_page(self):
        self.client.login(username=self.clerk.username, password=PASSWORD)
        response = self.client.get(
            "/admin/reports/annualreport/period/",
            {"agency": self.agency.pk, "start": "2025-01-01", "end": "2025-12-31"},
        )
        self.assertContains(response, "第一季度")
