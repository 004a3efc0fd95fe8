"""A citizen applies on a phone, staff accept and reply, the citizen reads the reply."""

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.factories import PASSWORD, make_agency, make_staff
from workdays.models import CalendarYear, SpecialDay
from workdays.seeding import seed_from_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def restore_migration_data():
    """An earlier transactional test may have flushed what data migrations load: the holiday
    calendar. (Role groups need no restoring: they come back with the serialized rows or, after
    a plain flush, from the post_migrate sync.)"""
    if not CalendarYear.objects.exists():
        seed_from_package(SpecialDay, CalendarYear)


def test_citizen_applies_on_a_phone_and_reads_the_reply(phone_page, page, settings):
    settings.ZWGK_APPLY_MIN_SECONDS = 0  # the robot fills the form faster than a person
    restore_migration_data()
    agency = make_agency(name="某区应急管理局")
    make_staff(agency, Role.CLERK, username="clerk-apply")

    # The citizen, on a 390 px wide phone.
    citizen = phone_page
    citizen.goto("/apply/")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    citizen.get_by_label("向哪个机关申请").select_option(label="某区应急管理局")
    assert citizen.locator("[data-org-fields]").is_hidden()
    citizen.get_by_label("申请人姓名").fill("钱市民")
    citizen.get_by_label("证件号码").fill("110101199003071230")  # wrong check digit
    citizen.get_by_label("联系电话").fill("13812345678")
    citizen.get_by_label("所需政府信息的名称").fill("2025年度危险化学品企业专项检查方案")
    citizen.get_by_label("我已阅读并同意").check()
    citizen.get_by_role("button", name="提交申请").click()
    assert "校验位不正确" in citizen.locator("#field-id_number").inner_text()
    assert (
        citizen.get_by_label("所需政府信息的名称").input_value()
        == "2025年度危险化学品企业专项检查方案"
    )
    citizen.get_by_label("证件号码").fill("110101199003071233")
    citizen.get_by_label("我已阅读并同意").check()
    citizen.get_by_role("button", name="提交申请").click()
    number = citizen.get_by_test_id("tracking-number").inner_text()
    code = citizen.get_by_test_id("query-code").inner_text()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390

    # Staff accept and reply.
    page.goto("/admin/login/")
    page.fill("#id_username", "clerk-apply")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.locator("#user-tools").wait_for()
    page.goto("/admin/applications/application/")
    page.get_by_role("link", name=number).click()
    assert "138****5678" in page.content()
    assert "13812345678" not in page.content()
    for step in ("转入审核", "受理办理"):
        page.locator(".case-steps").get_by_role("button", name=step, exact=True).click()
    page.locator(".case-steps").get_by_role("link", name="答复", exact=True).click()
    page.get_by_label("予以公开").check()
    page.get_by_role("button", name="预览答复书").click()
    page.get_by_role("button", name="出具答复书").click()
    assert "答复书已出具" in page.content()

    # The citizen looks the reply up.
    citizen.goto("/apply/status/")
    citizen.get_by_label("申请编号").fill(number)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    assert citizen.get_by_test_id("status").inner_text() == "已答复"
    text = citizen.locator("main").inner_text()
    assert f"公开〔{timezone.localdate().year}〕第1号" in text
    assert "予以公开" in text
    assert "钱市民" not in text
