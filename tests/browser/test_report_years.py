"""The head publishes last year's report and is refused for this year's; table 三 on a phone and on paper.

Years are counted from the server's today (``timezone.localdate()``), whatever day the suite runs:
last year has always ended, this year never has.
"""

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from reports.models import AnnualReport, ReportVersion
from reports.services import report_create, report_publish
from tests.factories import PASSWORD, make_agency, make_staff
from tests.reports.base import COMPLETE_TEXT
from tests.reports.records import make_application, make_channel, make_item

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Where the screenshots go when ZWGK_SCREENSHOTS names a folder (for looking at them).
SHOTS = os.environ.get("ZWGK_SCREENSHOTS")


def shot(page, name, **options):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), **options)


def login(page, username):
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")


def ready_report(agency, by, year):
    return report_create(
        report=AnnualReport(
            agency=agency, year=year, signature_date=date(year, 12, 31), **COMPLETE_TEXT
        ),
        by=by,
    )


def test_head_publishes_last_year_and_is_refused_this_year(page):
    this_year = timezone.localdate().year
    agency = make_agency(name="年度测试局", slug="years")
    head = make_staff(agency, Role.HEAD, username="years_head")
    current = ready_report(agency, head, this_year)
    last = ready_report(agency, head, this_year - 1)
    login(page, "years_head")

    page.goto(f"/admin/reports/annualreport/{current.pk}/change/")
    assert f"{this_year}年度尚未结束" in page.locator("#report-deadline").inner_text()
    page.goto(f"/admin/reports/annualreport/{current.pk}/preview/")
    assert f"{this_year + 1}年1月1日起可以发布" in page.locator(".report-banner").inner_text()
    page.goto(f"/admin/reports/annualreport/{current.pk}/publish/")
    assert f"{this_year + 1}年1月1日起可以发布" in page.locator("#publish-refused").inner_text()
    assert page.get_by_role("button", name="确认发布").count() == 0

    page.goto(f"/admin/reports/annualreport/{last.pk}/publish/")
    assert page.get_by_label("发布日期").input_value() == timezone.localdate().isoformat()
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url(f"**/reports/years/{this_year - 1}/")
    assert f"{this_year - 1}年政府信息公开工作年度报告" in page.locator("main").inner_text()
    assert ReportVersion.objects.filter(report=last).count() == 1
    assert not ReportVersion.objects.filter(report=current).exists()
    assert page.js_errors == []


def published_report():
    agency = make_agency(name="吴忠市利通区测试局", slug="phone")
    head = make_staff(agency, Role.HEAD)
    portal = make_channel(agency, "政府门户网站", kind="portal")
    make_item(agency, published=date(2025, 6, 1), category="policy", channels=[portal])
    for n, outcome in enumerate(("granted", "partial", "denied.third_party", "unable.not_held")):
        make_application(
            agency,
            received=date(2025, 3, 2 + n),
            closed=date(2025, 3, 20),
            outcome=outcome,
            applicant_type=("natural_person", "commercial")[n % 2],
        )
    report = ready_report(agency, head, 2025)
    AnnualReport.objects.filter(pk=report.pk).update(fees_10k_yuan="7730.28")
    report_publish(report=report, by=head, published_on=date(2026, 1, 26), today=date(2026, 11, 29))


def test_table_three_on_a_phone_keeps_its_labels_in_view(phone_page):
    published_report()
    page = phone_page
    page.goto("/reports/phone/2025/")
    assert not page.locator(".report-table-3").is_visible()
    assert "{#" not in page.locator("main").inner_text()
    compact = page.locator(".report-table-3-compact")
    assert compact.is_visible()
    page.locator("h2", has_text="三、收到和处理政府信息公开申请情况").evaluate(
        "el => el.scrollIntoView()"
    )
    shot(page, "table3-phone-top", full_page=False)
    label = compact.locator('th[scope="row"]', has_text="4.保护第三方合法权益")
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    assert box["width"] >= 140  # 9.5rem: a label reads in lines of several characters
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # only the table scrolls
    shot(page, "table3-phone", full_page=False)
    wrapper = page.locator(".table3-compact")
    wrapper.evaluate("el => el.scrollLeft = el.scrollWidth")
    after = label.bounding_box()
    assert abs(after["x"] - box["x"]) < 1  # the label column stays while the figures scroll
    total = compact.locator("tr.row-data", has=page.locator("th", has_text="4.保护第三方合法权益"))
    assert total.locator("td").last.inner_text() == "1"
    shot(page, "table3-phone-scrolled", full_page=False)


def test_the_printed_form_keeps_the_full_table(page, tmp_path):
    published_report()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/reports/phone/2025/")
    assert page.locator(".report-table-3").is_visible()
    assert not page.locator(".report-table-3-compact").is_visible()
    assert page.locator(".report-table-2").get_by_text("7730.28", exact=True).count() == 1
    shot(page, "report-desktop", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".report-table-3").is_visible()
    assert not page.locator(".report-table-3-compact").is_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    if SHOTS:
        # A4 pages as PNG, to look at: the form as it prints.
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(Path(SHOTS) / "report-a4")], check=True
        )
