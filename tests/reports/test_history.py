"""Issue 15: only closed years publish, each kind of agency has its deadline, history as it happened."""

import csv
import io
from datetime import date
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency, AgencyKind, validate_month_day
from disclosure.models import ChannelKind
from reports import dashboard
from reports.deadlines import date_state, report_deadline
from reports.models import AnnualReport, ReportEvent, ReportSource, ReportStatus, ReportVersion
from reports.services import report_create, report_draft_text, report_publish
from tests.factories import PASSWORD, make_agency, make_staff
from tests.reports.base import COMPLETE_TEXT, ReportSetup
from tests.reports.records import make_channel, make_item

NOV_29_2026 = date(2026, 11, 29)


def make_transcribed(setup, **fields):
    """The 2016 report of ``setup.agency`` entered from its published text."""
    fields = {
        "overview": "2016年，我局召开专题会议1次。",
        "proactive_text": "共公开信息52条。",
        "problems": "公开不够及时。",
        "entered_figures": {"proactive.total": 52, "meetings": 1},
        **fields,
    }
    return report_create(
        report=AnnualReport(
            agency=setup.agency, year=2016, source=ReportSource.TRANSCRIBED, **fields
        ),
        by=setup.clerk,
    )


class ClosedYearTests(ReportSetup, TestCase):
    """A report covers the whole year: preview any time, publish from 1 January of the next."""

    def test_the_running_year_is_refused_with_the_day_publishing_opens(self):
        report = self.make_report(2026, signature_date=date(2026, 11, 29))
        with self.assertRaises(ValidationError) as caught:
            report_publish(report=report, by=self.head, today=NOV_29_2026)
        self.assertEqual(caught.exception.code, "year_not_ended")
        self.assertIn("2026年度尚未结束", caught.exception.messages[0])
        self.assertIn("2027年1月1日起可以发布", caught.exception.messages[0])
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.DRAFT)
        self.assertFalse(ReportVersion.objects.exists())

    def test_31_december_is_still_refused_and_1_january_publishes(self):
        report = self.make_report(2026)
        with self.assertRaises(ValidationError):
            report_publish(report=report, by=self.head, today=date(2026, 12, 31))
        version = report_publish(report=report, by=self.head, today=date(2027, 1, 1))
        self.assertEqual(version.published_on, date(2027, 1, 1))

    def test_last_year_publishes_on_the_same_day(self):
        version = report_publish(report=self.make_report(2025), by=self.head, today=NOV_29_2026)
        self.assertEqual((version.number, version.published_on), (1, NOV_29_2026))

    def test_a_correction_stays_possible_even_for_a_report_published_before_its_year_ended(self):
        # As the old code let happen: version 1 of 2026 frozen on 29 November 2026.
        report = self.make_report(2026)
        report_publish(report=report, by=self.head, today=date(2027, 1, 2))
        AnnualReport.objects.filter(pk=report.pk).update(licensing=4)
        second = report_publish(
            report=report, by=self.head, reason="补充行政许可数量", today=NOV_29_2026
        )
        self.assertEqual((second.number, second.snapshot["figures"]["table2"]["licensing"]), (2, 4))


class PublicationDateTests(ReportSetup, TestCase):
    """A report entered for a past year keeps the day it was really published."""

    def test_a_past_report_records_its_real_publication_date(self):
        report = self.make_report(2017, signature_date=date(2018, 2, 28))
        version = report_publish(
            report=report, by=self.head, published_on=date(2018, 2, 28), today=NOV_29_2026
        )
        self.assertEqual(version.publication_date, date(2018, 2, 28))
        self.assertTrue(version.entered_later)
        self.assertIn("实际发布日期2018年2月28日", report.events.first().note)
        page = self.client.get("/reports/test-bureau/2017/")
        self.assertContains(page, "第1版，发布于 2018年2月28日")
        self.assertContains(page, "录入本平台")

    def test_a_date_in_the_future_or_before_the_year_ended_is_refused(self):
        report = self.make_report(2024)
        for day, code in (
            (date(2026, 11, 30), "date_future"),
            (date(2024, 12, 31), "date_before_year_end"),
        ):
            with self.subTest(day=day), self.assertRaises(ValidationError) as caught:
                report_publish(report=report, by=self.head, published_on=day, today=NOV_29_2026)
            self.assertEqual(caught.exception.code, code)
        self.assertFalse(ReportVersion.objects.exists())

    def test_published_today_shows_no_entry_note(self):
        version = report_publish(report=self.make_report(2025), by=self.head)
        self.assertFalse(version.entered_later)
        self.assertNotContains(self.client.get("/reports/test-bureau/2025/"), "录入本平台")


class DeadlineByKindTests(SimpleTestCase):
    """《条例》第四十九条: governments 31 March, departments 31 January, towns by province (default 31 January)."""

    def agency(self, kind, custom=""):
        return Agency(name="某机构", kind=kind, report_deadline=custom)

    def test_defaults_per_kind_and_the_override(self):
        cases = [
            (AgencyKind.GOVERNMENT, "", date(2026, 3, 31)),
            (AgencyKind.DEPARTMENT, "", date(2026, 1, 31)),
            (AgencyKind.TOWNSHIP, "", date(2026, 1, 31)),
            (AgencyKind.TOWNSHIP, "02-28", date(2026, 2, 28)),
            (AgencyKind.DEPARTMENT, "03-31", date(2026, 3, 31)),
        ]
        for kind, custom, due in cases:
            with self.subTest(kind=kind, custom=custom):
                self.assertEqual(report_deadline(self.agency(kind, custom), 2025), due)

    def test_the_rule_text_names_the_kind(self):
        self.assertIn("3月31日", self.agency(AgencyKind.GOVERNMENT).report_deadline_rule)
        self.assertIn(
            "向本级政府信息公开工作主管部门提交",
            self.agency(AgencyKind.DEPARTMENT).report_deadline_rule,
        )
        self.assertIn("本省", self.agency(AgencyKind.TOWNSHIP).report_deadline_rule)
        self.assertIn("2月28日", self.agency(AgencyKind.TOWNSHIP, "02-28").report_deadline_rule)

    def test_a_month_day_that_is_not_a_day_of_every_year_is_refused(self):
        for bad in ("02-29", "02-30", "13-01", "0131", "abc"):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                validate_month_day(bad)
        validate_month_day("01-31")

    def test_lateness_follows_the_agency(self):
        report = AnnualReport(year=2025, agency=self.agency(AgencyKind.GOVERNMENT))
        county = date_state(report, NOV_29_2026, published_on=date(2026, 2, 26))
        self.assertEqual(county.state, "on_time")
        self.assertIn("按期发布", county.message)
        report.agency = self.agency(AgencyKind.DEPARTMENT)
        department = date_state(report, NOV_29_2026, published_on=date(2026, 2, 26))
        self.assertEqual((department.state, department.days), ("published_late", 26))
        self.assertIn("2026年1月31日", department.message)

    def test_banner_states_around_the_year(self):
        report = AnnualReport(year=2025, agency=self.agency(AgencyKind.GOVERNMENT))
        cases = [
            (date(2025, 11, 29), "not_open", "2026年1月1日起可以发布"),
            (date(2026, 3, 1), "open", "还有30天"),
            (date(2026, 4, 2), "late", "已超过发布截止日（2026年3月31日）2天"),
        ]
        for today, state, words in cases:
            with self.subTest(today=today):
                found = date_state(report, today)
                self.assertEqual(found.state, state)
                self.assertIn(words, found.message)
        self.assertFalse(date_state(report, date(2025, 11, 29)).can_publish)


class DeadlineDisplayTests(ReportSetup, TestCase):
    def government(self, slug):
        agency = make_agency(name=f"{slug}人民政府", slug=slug, kind=AgencyKind.GOVERNMENT)
        return agency, make_staff(agency, Role.HEAD)

    def test_board_and_banner_use_the_agencys_deadline(self):
        government, head = self.government("gov")
        report = report_create(report=AnnualReport(agency=government, year=2025), by=head)
        rows = dashboard.deadlines(head, NOV_29_2026)
        self.assertEqual([row.due for row in rows], [date(2026, 3, 31)])
        self.client.login(username=head.username, password=PASSWORD)
        change = self.client.get(f"/admin/reports/annualreport/{report.pk}/change/")
        self.assertContains(change, "发布截止日（2026年3月31日）")
        self.assertContains(change, "县级以上人民政府")
        self.assertNotContains(change, "2026年1月31日")

    def test_list_shows_a_county_government_publishing_on_26_february_as_on_time(self):
        government, head = self.government("county")
        for agency, by, words in (
            (government, head, "已于2026年2月26日按期发布（截止日2026年3月31日）"),
            (self.agency, self.head, "晚于截止日（2026年1月31日）26天"),
        ):
            report = report_create(
                report=AnnualReport(
                    agency=agency, year=2025, signature_date=date(2026, 2, 26), **COMPLETE_TEXT
                ),
                by=by,
            )
            report_publish(report=report, by=by, published_on=date(2026, 2, 26), today=NOV_29_2026)
            self.client.login(username=by.username, password=PASSWORD)
            with self.subTest(agency=agency.name):
                self.assertContains(self.client.get("/admin/reports/annualreport/"), words)


class TranscribedReportTests(ReportSetup, TestCase):
    """A past report entered from its published text: the text as printed, figures where known."""

    def make_transcribed(self, **fields):
        return make_transcribed(self, **fields)

    def test_figures_are_what_staff_entered_never_computed_from_records(self):
        portal = make_channel(self.agency, "政府网站", kind=ChannelKind.PORTAL)
        for _ in range(3):
            make_item(self.agency, published=date(2016, 5, 1), channels=[portal])
        report = self.make_transcribed()
        version = report_publish(
            report=report, by=self.head, published_on=date(2017, 3, 1), today=NOV_29_2026
        )
        figures = version.snapshot["figures"]
        self.assertEqual(figures["proactive"]["total"], 52)
        self.assertIsNone(figures["proactive"]["by_category"]["policy"])
        self.assertIsNone(figures["proactive"]["portal"])
        self.assertEqual(figures["entered"], ["proactive.total", "meetings"])

    def test_publishing_needs_the_original_date(self):
        with self.assertRaises(ValidationError) as caught:
            report_publish(report=self.make_transcribed(), by=self.head, today=NOV_29_2026)
        self.assertEqual(caught.exception.code, "date_required")
        self.assertIn("原报告的实际发布日期", caught.exception.messages[0])

    def test_the_page_marks_entered_figures_and_says_what_is_not_known(self):
        report_publish(
            report=self.make_transcribed(),
            by=self.head,
            published_on=date(2017, 3, 1),
            today=NOV_29_2026,
        )
        page = self.client.get("/reports/test-bureau/2016/")
        self.assertContains(page, "共公开信息52条。")
        self.assertContains(page, "原文未载明")
        self.assertContains(page, "据已发布的原文录入")
        self.assertContains(page, 'title="工作人员手工录入"', count=2)
        self.assertNotContains(page, "<svg")  # no months or outcomes to draw
        data = self.client.get("/reports/test-bureau/2016.json").json()
        self.assertEqual(data["proactive"]["total"], 52)
        self.assertIsNone(data["proactive"]["by_category"]["work"])
        rows = list(
            csv.reader(
                io.StringIO(
                    self.client.get("/reports/test-bureau/2016.csv").content.decode("utf-8-sig")
                )
            )
        )
        self.assertIn(
            ["据原文录入", "主动公开政府信息总数", "原文载明", "52", "proactive.total"], rows
        )
        self.assertIn(["据原文录入", "工作动态", "原文未载明", "", "proactive.work"], rows)
        self.assertFalse(any(row[4] == "applications.carried_over" for row in rows))

    def test_only_free_form_years_and_no_generated_draft(self):
        with self.assertRaises(ValidationError):
            report_create(
                report=AnnualReport(agency=self.agency, year=2019, source=ReportSource.TRANSCRIBED),
                by=self.clerk,
            )
        with self.assertRaises(ValidationError) as caught:
            report_draft_text(report=self.make_transcribed(), by=self.clerk)
        self.assertEqual(caught.exception.code, "transcribed")

    def test_the_admin_form_keeps_blank_figures_unknown(self):
        report = self.make_transcribed(entered_figures={})
        self.client.login(username=self.clerk.username, password=PASSWORD)
        url = f"/admin/reports/annualreport/{report.pk}/change/"
        page = self.client.get(url)
        self.assertContains(page, "原文载明的数据")
        data = {
            "source": "transcribed",
            "preface": "",
            "overview": "概述。",
            "proactive_text": "",
            "requests_text": "",
            "proposals_text": "",
            "problems": "问题。",
            "legacy_headings": "",
            "figure_proactive_total": "71",
            "figure_proactive_policy": "",
            "figure_meetings": "0",
            "signature_name": "",
            "signature_date": "",
            "catalog_item": "",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
            "_continue": "1",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        report.refresh_from_db()
        self.assertEqual(report.entered_figures, {"proactive.total": 71, "meetings": 0})


class PublishPageTests(ReportSetup, TestCase):
    def test_the_head_enters_the_original_date_of_a_transcribed_report(self):
        report = make_transcribed(self)
        self.client.login(username=self.head.username, password=PASSWORD)
        url = f"/admin/reports/annualreport/{report.pk}/publish/"
        self.assertContains(self.client.get(url), "发布日期（必填）")
        refused = self.client.post(url, {"published_on": ""})
        self.assertContains(refused, "据原文录入的报告须填写原报告的实际发布日期。")
        self.assertFalse(ReportVersion.objects.exists())
        response = self.client.post(url, {"published_on": "2017-03-01"})
        self.assertRedirects(response, "/reports/test-bureau/2016/", fetch_redirect_response=False)
        self.assertEqual(report.versions.get().published_on, date(2017, 3, 1))

    def test_a_date_before_the_year_ended_is_refused_on_the_page(self):
        report = self.make_report(2024)
        self.client.login(username=self.head.username, password=PASSWORD)
        response = self.client.post(
            f"/admin/reports/annualreport/{report.pk}/publish/",
            {"published_on": "2024-12-30"},
            follow=True,
        )
        self.assertContains(response, "早于2024年度结束")
        self.assertFalse(ReportVersion.objects.exists())

    def test_this_years_report_offers_no_button_and_says_when(self):
        year = timezone.localdate().year  # never ended, whatever day the suite runs
        report = self.make_report(year, signature_date=date(year, 1, 1))
        self.client.login(username=self.head.username, password=PASSWORD)
        url = f"/admin/reports/annualreport/{report.pk}/publish/"
        page = self.client.get(url)
        self.assertContains(page, f"{year + 1}年1月1日起可以发布")
        self.assertNotContains(page, "确认发布")
        response = self.client.post(url, {"published_on": ""}, follow=True)
        self.assertContains(response, f"{year}年度尚未结束")
        self.assertFalse(ReportVersion.objects.exists())


class PreviewBannerTests(ReportSetup, TestCase):
    def test_the_preview_states_the_agencys_deadline(self):
        self.agency.kind = AgencyKind.GOVERNMENT
        self.agency.save()
        report = self.make_report(2020)  # long past: late whatever day the suite runs
        self.client.login(username=self.head.username, password=PASSWORD)
        preview = self.client.get(f"/admin/reports/annualreport/{report.pk}/preview/")
        self.assertContains(preview, "已超过发布截止日（2021年3月31日）")
        self.assertNotContains(preview, "截止日（）")


class ArchiveTests(ReportSetup, TestCase):
    def test_every_year_with_a_report_including_one_known_only_from_the_catalog(self):
        report_publish(report=self.make_report(2025), by=self.head)
        item = make_item(self.agency, published=date(2019, 1, 18))
        report_create(
            report=AnnualReport(
                agency=self.agency, year=2018, source=ReportSource.TRANSCRIBED, catalog_item=item
            ),
            by=self.clerk,
        )
        AnnualReport.objects.create(agency=self.agency, year=2024, format="2021")  # a bare draft
        with self.assertNumQueries(2):  # the reports, the site's agency for the header
            response = self.client.get("/reports/")
        html = response.content.decode()
        self.assertIn('href="/reports/test-bureau/2025/"', html)
        self.assertIn(f'href="{item.get_absolute_url()}"', html)
        self.assertIn("2019年1月18日发布于公开目录，全文尚未录入本平台", html)
        self.assertNotIn("2024年度报告", html)
        self.assertLess(html.index("2025年度报告"), html.index("2018年度报告"))

    def test_a_report_known_from_the_catalog_is_not_due_any_more(self):
        item = make_item(self.agency, published=date(2019, 1, 18))
        report_create(
            report=AnnualReport(
                agency=self.agency, year=2018, source=ReportSource.TRANSCRIBED, catalog_item=item
            ),
            by=self.clerk,
        )
        self.assertEqual(dashboard.deadlines(self.clerk, NOV_29_2026), [])

    def test_the_catalog_item_must_be_the_agencys_and_published(self):
        other = make_item(make_agency(), published=date(2019, 1, 18))
        with self.assertRaises(ValidationError):
            report_create(
                report=AnnualReport(agency=self.agency, year=2018, catalog_item=other),
                by=self.clerk,
            )


class EventTests(ReportSetup, TestCase):
    def test_publishing_a_past_report_is_recorded_with_its_date(self):
        report = self.make_report(2020)
        report_publish(
            report=report, by=self.head, published_on=date(2021, 1, 30), today=timezone.localdate()
        )
        event = report.events.get(kind=ReportEvent.Kind.PUBLISHED)
        self.assertIn("2021年1月30日", event.note)


class KindMigrationTests(TestCase):
    def test_an_installed_district_government_becomes_a_government(self):
        district = make_agency(name="某区人民政府", kind=AgencyKind.DEPARTMENT)
        unit = make_agency(name="某区某局", parent=district)
        alone = make_agency(name="单独的机构")
        import_module("agencies.migrations.0003_report_deadline").governments_first(apps, None)
        kinds = dict(
            Agency.objects.filter(pk__in=[district.pk, unit.pk, alone.pk]).values_list("pk", "kind")
        )
        self.assertEqual(
            kinds,
            {
                district.pk: AgencyKind.GOVERNMENT,
                unit.pk: AgencyKind.DEPARTMENT,
                alone.pk: AgencyKind.DEPARTMENT,
            },
        )


class AgencySettingTests(TestCase):
    """The district administrator sets a town's deadline as the province rules."""

    def post(self, town, **changes):
        data = {
            "name": town.name,
            "short_name": town.short_name,
            "slug": town.slug,
            "parent": town.parent_id,
            "sort_order": 100,
            "code": town.code,
            "index_pattern": town.index_pattern,
            "office_hours": town.office_hours,
            "phone": town.phone,
            "kind": AgencyKind.TOWNSHIP,
            "notice_number_pattern": town.notice_number_pattern,
            "report_deadline": "",
            "handles_proposals": "on",
            **changes,
        }
        return self.client.post(f"/admin/agencies/agency/{town.pk}/change/", data)

    def test_a_towns_deadline_is_set_and_a_wrong_day_refused(self):
        district = make_agency(name="某区人民政府", kind=AgencyKind.GOVERNMENT)
        town = make_agency(name="某镇人民政府", parent=district, kind=AgencyKind.TOWNSHIP)
        self.client.force_login(make_staff(district, Role.DISTRICT_ADMIN))
        form = self.client.get(f"/admin/agencies/agency/{town.pk}/change/")
        self.assertContains(form, "年报发布截止日")
        refused = self.post(town, report_deadline="02-30")
        self.assertContains(refused, "请按“月-日”填写")
        self.assertEqual(self.post(town, report_deadline="02-28").status_code, 302)
        town.refresh_from_db()
        self.assertEqual(town.report_deadline_in(2025), date(2026, 2, 28))
