"""The 2017 report of the demo agency reproduces the reference report, computed from the records."""

import io
from datetime import date

from django.core.management import call_command
from django.test import TestCase

from disclosure.models import Item
from reports.models import AnnualReport, ReportStatus
from reports.tables import NARRATIVE_FIELDS

REFERENCE_CHANNELS = {
    "宁夏日报",
    "吴忠日报",
    "利通区政府门户网站",
    "新华·利通政务通手机报",
    "“多彩利通”微信平台",
    "利通周讯报刊",
    "局政务公开栏",
}


class ReferenceReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def test_json_reproduces_the_reference_figures(self):
        data = self.client.get("/reports/ltq-ajj/2017.json").json()
        self.assertEqual(data["format"], "legacy")
        self.assertEqual(data["proactive"]["total"], 71)
        self.assertEqual(data["proactive"]["by_category"], {"policy": 4, "work": 40, "other": 27})
        self.assertEqual({name for name, _ in data["proactive"]["by_channel"]}, REFERENCE_CHANNELS)
        self.assertEqual(data["applications"]["received"], 0)
        self.assertEqual(data["proposals"]["total"], 0)
        self.assertEqual((data["meetings"], data["trainings"]), (1, 1))
        self.assertEqual(
            data["signature"], {"name": "吴忠市利通区安全生产监督管理局", "date": "2018-02-28"}
        )

    def test_page_reproduces_the_reference_layout_and_narrative(self):
        response = self.client.get("/reports/ltq-ajj/2017/")
        html = response.content.decode()
        headings = [
            "吴忠市利通区安全生产监督管理局",
            "2017年政府信息公开工作年度报告",
            "一、概述",
            "（一）政府信息与政务公开机制建设和人员设置情况",
            "（三）召开政府信息与政务公开工作会议及业务培训情况",
            "二、主动公开政府信息与政务情况",
            "三、依申请公开政府信息情况",
            "四、各级人大代表建议和政协提案办理结果公开情况",
            "五、存在问题与2018年工作思路",
        ]
        positions = [html.index(h) for h in headings] + [html.rindex("2018年2月28日")]
        self.assertEqual(positions, sorted(positions))
        self.assertIn(
            "主动公开政府信息71条。其中：政策类信息4条，工作动态40条，其他信息27条。", html
        )
        self.assertIn("召开政务公开工作专题会议1次，举办局政务公开业务培训1次。", html)
        self.assertIn("2017年，我局没有接到公众、企业法人或其他组织要求公开政府信息的申请。", html)
        self.assertIn("2017年，我局没有接到各级人大代表建议和政协提案。", html)
        self.assertIn("一是公开政府信息不够及时", html)

    def test_figures_come_from_the_records_not_from_the_text(self):
        report = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2017)
        self.assertEqual(report.status, ReportStatus.PUBLISHED)
        self.assertIn("{proactive.total}", report.proactive_text)
        self.assertNotIn("71", report.proactive_text)

    def test_the_2017_report_carries_its_real_publication_date(self):
        version = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2017).versions.get()
        self.assertEqual(
            version.publication_date, date(2018, 2, 28)
        )  # the date its text is signed with
        self.assertContains(
            self.client.get("/reports/ltq-ajj/2017/"), "第1版，发布于 2018年2月28日"
        )
        self.assertEqual(
            self.client.get("/reports/ltq-ajj/2017.json").json()["version"]["published_on"],
            "2018-02-28",
        )

    def test_the_portal_sentence_counts_the_portal_channel(self):
        html = self.client.get("/reports/ltq-ajj/2017/").content.decode()
        self.assertIn("在利通区政府门户网站“安全生产”栏目落实公开发布信息71条", html)
        report = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2017)
        self.assertIn("{proactive.portal}", report.proactive_text)

    def test_the_archive_shows_every_year_without_inventing_the_2018_text(self):
        html = self.client.get("/reports/").content.decode()
        item = Item.objects.get(
            agency__slug="ltq-ajj", title="利通区安全生产监督管理局2018年政府信息公开工作年度报告"
        )
        self.assertEqual(item.body.strip(), f"{item.title}。")  # the catalog knows only the title
        self.assertIn('href="/reports/ltq-ajj/2017/"', html)
        self.assertIn(f'href="{item.get_absolute_url()}"', html)
        self.assertIn("全文尚未录入本平台", html)
        report = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2018)
        self.assertEqual(
            (report.source, report.catalog_item, report.status), ("transcribed", item, "draft")
        )
        self.assertEqual([getattr(report, f) for f in NARRATIVE_FIELDS[report.format]], [""] * 6)
        self.assertEqual(report.entered_figures, {})
        self.assertEqual(self.client.get("/reports/ltq-ajj/2018/").status_code, 404)

    def test_the_2025_report_is_a_generated_draft_in_the_national_format(self):
        report = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2025)
        self.assertEqual((report.status, report.format), (ReportStatus.DRAFT, "2021"))
        self.assertIn("本年度主动公开政府信息", report.overview_proactive)
        self.assertEqual(self.client.get("/reports/ltq-ajj/2025/").status_code, 404)

    def test_seeding_twice_changes_nothing(self):
        call_command("seed_demo", stdout=io.StringIO())
        report = AnnualReport.objects.get(agency__slug="ltq-ajj", year=2017)
        self.assertEqual(report.versions.count(), 1)
        self.assertEqual(AnnualReport.objects.filter(agency__slug="ltq-ajj").count(), 3)
