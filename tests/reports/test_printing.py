"""Issue 15: figures printed as agencies print them, a narrative draft that is true, headings from the agency."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from reports.documents import plain_decimal
from reports.models import AnnualReport
from reports.narrative import draft
from reports.services import report_create, report_draft_text, report_publish
from reports.tables import legacy_sections
from tests.reports.base import ReportSetup
from tests.reports.records import make_appeal, make_application, make_channel, make_item

NOV_29_2026 = date(2026, 11, 29)


class PlainDecimalTests(SimpleTestCase):
    def test_amounts_print_without_trailing_zeros(self):
        cases = [
            ("0.0000", "0"),
            ("7545.0000", "7545"),
            ("7730.2800", "7730.28"),
            ("4068.2080", "4068.208"),
            ("0.0500", "0.05"),
            ("120", "120"),
            ("100.0000", "100"),
        ]
        for stored, printed in cases:
            with self.subTest(stored=stored):
                self.assertEqual(plain_decimal(stored), printed)


class FeePrintingTests(ReportSetup, TestCase):
    def test_page_prints_the_exact_value_and_the_exports_keep_four_decimals(self):
        report = self.make_report(2025, fees_10k_yuan=Decimal("7730.28"))
        report_publish(report=report, by=self.head, today=NOV_29_2026)
        page = self.client.get("/reports/test-bureau/2025/")
        self.assertContains(page, '<td colspan="3">7730.28</td>', html=True)
        self.assertNotContains(page, "7730.2800")
        data = self.client.get("/reports/test-bureau/2025.json").json()
        self.assertEqual(data["table2"]["fees_10k_yuan"], "7730.2800")
        rows = list(
            csv.reader(
                io.StringIO(
                    self.client.get("/reports/test-bureau/2025.csv").content.decode("utf-8-sig")
                )
            )
        )
        fee = [row for row in rows if row[4] == "table2.fees_10k_yuan"]
        self.assertEqual(fee[0][3], "7730.2800")

    def test_zero_fees_print_as_0(self):
        report_publish(report=self.make_report(2025), by=self.head, today=NOV_29_2026)
        self.assertContains(
            self.client.get("/reports/test-bureau/2025/"), '<td colspan="3">0</td>', html=True
        )


class AppealSentenceTests(ReportSetup, TestCase):
    def test_cases_carried_over_are_not_counted_as_filed_this_year(self):
        old = make_application(
            self.agency, received=date(2024, 10, 1), closed=date(2024, 10, 20), outcome="granted"
        )
        new = make_application(
            self.agency, received=date(2025, 2, 1), closed=date(2025, 2, 20), outcome="granted"
        )
        make_appeal(old, kind="reconsideration", filed=date(2024, 12, 1))  # still pending in 2025
        make_appeal(
            new,
            kind="reconsideration",
            filed=date(2025, 3, 1),
            decided=date(2025, 5, 1),
            result="upheld",
        )
        make_appeal(
            old,
            kind="litigation_direct",
            filed=date(2024, 11, 1),
            decided=date(2025, 4, 1),
            result="corrected",
        )
        report = self.make_report(2025, complete=False)
        report_draft_text(report=report, by=self.clerk)
        report.refresh_from_db()
        self.assertIn(
            "新收行政复议案件1件、上年结转1件，新收行政诉讼案件0件、上年结转1件。",
            report.overview_requests,
        )
        self.assertNotIn("被申请行政复议2件", report.overview_requests)


class PortalSentenceTests(ReportSetup, TestCase):
    def test_the_portal_sentence_counts_the_website_channel_only(self):
        portal = make_channel(self.agency, "区政府门户网站", kind="portal")
        wechat = make_channel(self.agency, "政务微信", kind="wechat")
        make_item(self.agency, published=date(2017, 3, 1), channels=[portal, wechat])
        make_item(self.agency, published=date(2017, 4, 1), channels=[portal])
        make_item(self.agency, published=date(2017, 5, 1), channels=[wechat])
        report = self.make_report(
            2017, proactive_text="共{proactive.total}条，栏目落实公开发布信息{proactive.portal}条。"
        )
        version = report_publish(report=report, by=self.head, today=NOV_29_2026)
        self.assertIn(
            "共3条，栏目落实公开发布信息2条。", version.snapshot["narrative"]["proactive_text"]
        )
        generated = draft(report, version.snapshot["figures"])
        self.assertIn("在政府网站发布信息{proactive.portal}条", generated["proactive_text"])


class LegacyHeadingTests(ReportSetup, TestCase):
    def test_standard_headings_not_the_reference_agencys_wording(self):
        headings = [h for h, _ in legacy_sections(2017)]
        self.assertEqual(
            headings,
            [
                "一、概述",
                "二、主动公开政府信息情况",
                "三、依申请公开政府信息情况",
                "四、人大代表建议和政协提案办理结果公开情况",
                "五、存在问题与2018年工作思路",
            ],
        )

    def test_an_agency_without_proposals_has_no_proposals_section(self):
        self.agency.handles_proposals = False
        self.agency.save()
        report = self.make_report(2017, proposals_text="不应出现的文字。")
        version = report_publish(report=report, by=self.head, today=NOV_29_2026)
        self.assertEqual(
            [h for h, _ in version.snapshot["sections"]],
            [
                "一、概述",
                "二、主动公开政府信息情况",
                "三、依申请公开政府信息情况",
                "四、存在问题与2018年工作思路",
            ],
        )
        page = self.client.get("/reports/test-bureau/2017/")
        self.assertNotContains(page, "建议和政协提案办理结果")
        self.assertNotContains(page, "不应出现的文字。")

    def test_headings_as_a_published_report_printed_them(self):
        printed = (
            "一、概述\n二、主动公开政府信息与政务情况\n三、依申请公开\n四、建议提案\n五、问题与打算"
        )
        version = report_publish(
            report=self.make_report(2017, legacy_headings=printed), by=self.head, today=NOV_29_2026
        )
        self.assertEqual(
            version.snapshot["sections"][1], ["二、主动公开政府信息与政务情况", "proactive_text"]
        )
        self.assertContains(
            self.client.get("/reports/test-bureau/2017/"), "<h2>五、问题与打算</h2>", html=True
        )

    def test_a_heading_list_of_the_wrong_length_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            report_create(
                report=AnnualReport(
                    agency=self.agency, year=2016, legacy_headings="一、概述\n二、其他"
                ),
                by=self.clerk,
            )
        self.assertIn("共5行", caught.exception.messages[0])

    def test_the_draft_names_the_agency(self):
        other = self.make_report(2016, complete=False)
        generated = draft(
            other, {"applications": {"received": 0}, "proposals": {}, "proactive": {}}
        )
        self.assertIn("测试局2016年政府信息公开工作年度报告", generated["preface"])
        self.assertNotIn("我局", "".join(generated.values()))
