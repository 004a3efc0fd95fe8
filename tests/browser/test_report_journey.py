"""The head fills the narrative, sees a failing check, fixes it, publishes; the public sees it."""

from datetime import date

import pytest

from accounts.models import Role
from reports.models import AnnualReport, ReportVersion
from reports.services import report_create
from tests.factories import PASSWORD, make_agency, make_staff
from tests.reports.records import make_application, make_channel, make_item

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_head_publishes_the_annual_report(page):
    agency = make_agency(name="旅程测试局", slug="journey")
    head = make_staff(agency, Role.HEAD, username="journey_head")
    portal = make_channel(agency, "政府门户网站")
    for category, n in (("policy", 2), ("work", 3)):
        for _ in range(n):
            make_item(agency, published=date(2025, 6, 1), category=category, channels=[portal])
    make_application(agency, received=date(2025, 3, 2), closed=date(2025, 3, 20), outcome="granted")
    report = report_create(report=AnnualReport(agency=agency, year=2025), by=head)

    page.goto("/admin/login/")
    page.get_by_label("用户名").fill("journey_head")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/reports/annualreport/{report.pk}/change/")
    with page.expect_navigation():
        page.get_by_role("button", name="生成文字初稿（只填写空白部分）").click()
    assert (
        "本年度主动公开政府信息5条，其中政策类2条、工作动态3条、其他0条。"
        in page.locator("#id_overview_proactive").input_value()
    )

    # The head writes the problems and replaces 六 with a text that forgets the fee statement.
    page.locator("#id_problems").fill("信息公开及时性有待提高，下一年度加强审核流程管理。")
    page.locator("#id_other_matters").fill("本年度建议提案办理情况良好。")
    page.locator("#id_licensing").fill("12")
    page.locator("#id_signature_date").fill("2026-01-20")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并继续编辑").click()
    checks = page.locator("#report-checks")
    assert "须说明本年度信息处理费的收取情况" in checks.inner_text()

    page.goto(f"/admin/reports/annualreport/{report.pk}/publish/")
    assert page.get_by_role("button", name="确认发布").count() == 0
    assert "请先修正未通过的检查项" in page.content()

    page.goto(f"/admin/reports/annualreport/{report.pk}/change/")
    page.locator("#id_other_matters").fill("本年度未收取信息处理费。本年度建议提案办理情况良好。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并继续编辑").click()
    assert "全部检查通过" in page.locator("#report-checks").inner_text()

    page.goto(f"/admin/reports/annualreport/{report.pk}/preview/")
    assert "草稿预览" in page.content()
    page.goto(f"/admin/reports/annualreport/{report.pk}/publish/")
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url("**/reports/journey/2025/")
    assert ReportVersion.objects.filter(report=report).count() == 1

    body = page.locator("main").inner_text()
    assert "2025年政府信息公开工作年度报告" in body
    assert "本年度未收取信息处理费。" in body
    assert "2026年1月20日" in body
    granted = page.locator('tr[data-key="granted"] td').all_inner_texts()
    assert granted[0] == "1" and granted[-1] == "1"
    assert page.locator("svg").count() == 3
    assert page.js_errors == []

    data = page.request.get("/reports/journey/2025.json").json()
    assert data["proactive"]["total"] == 5
    assert data["table2"]["licensing"] == 12
    assert data["table3"]["granted"]["total"] == 1
    assert data["narrative"]["problems"].startswith("信息公开及时性有待提高")
