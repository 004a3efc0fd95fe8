"""The applicant never loses the receipt (issue 14): a double submit on a slow phone connection, the
error summary on a phone, the printed 受理回执, and a provisional (暂定) due date.

Set ZWGK_SCREENS to a folder to keep the screenshots these tests take (they are always taken, so
a page that fails to render fails the test)."""

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from accounts.models import Role
from applications import services
from applications.models import Application
from tests.browser.test_apply import restore_migration_data
from tests.factories import PASSWORD, make_agency, make_staff
from workdays.models import CalendarYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keep(path, name):
    folder = os.environ.get("ZWGK_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / name)


def shot(page, tmp_path, name, full_page=True):
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10_000
    keep(path, name)


def fill_form(page, name="钱市民"):
    page.get_by_label("向哪个机关申请").select_option(label="某区应急管理局")
    page.get_by_label("申请人姓名").fill(name)
    page.get_by_label("证件号码").fill("110101199003071233")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("电子邮箱").fill("qian@example.com")
    page.get_by_label("所需政府信息的名称").fill("2025年度危险化学品企业专项检查方案")
    page.get_by_label("我已阅读并同意").check()


@pytest.fixture
def agency(settings):
    settings.ZWGK_APPLY_MIN_SECONDS = 0  # the robot fills the form faster than a person
    restore_migration_data()
    # Today the next year is not entered yet (the package carries up to 2026): the due date of
    # an application received now is provisional whenever its period reaches December.
    CalendarYear.objects.filter(year__gt=2026).delete()
    return make_agency(name="某区应急管理局", phone="0953-7654321", address="某区政务服务中心3楼")


def test_phone_double_submit_with_a_delayed_response_shows_one_application_and_the_code(
    phone_page, agency, tmp_path
):
    citizen = phone_page
    citizen.goto("/apply/")
    fill_form(citizen)

    # Every POST of the form reaches the server at once, but its answer reaches the phone only
    # 2 s later (a slow mobile connection); the applicant taps again after 0.7 s.
    held = []

    def slow_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)  # the server has done its work
        held.append((time.monotonic() + 2.0, route, response))

    citizen.route("**/apply/", slow_answer)
    button = citizen.get_by_role("button", name="提交申请")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Raw taps: a locator click would wait for the first navigation to finish.
    citizen.touchscreen.tap(x, y)
    citizen.wait_for_timeout(700)
    citizen.touchscreen.tap(x, y)
    deadline = time.monotonic() + 15
    delivered = 0
    while delivered < 2 and time.monotonic() < deadline:
        citizen.wait_for_timeout(50)
        for item in list(held):
            if time.monotonic() >= item[0]:
                held.remove(item)
                delivered += 1
                # The first navigation may have been cancelled by the second tap.
                with contextlib.suppress(Exception):
                    item[1].fulfill(response=item[2])
    assert delivered == 2  # both posts reached the server

    citizen.get_by_test_id("query-code").wait_for()
    number = citizen.get_by_test_id("tracking-number").inner_text()
    code = citizen.get_by_test_id("query-code").inner_text()
    application = Application.objects.get()  # exactly one
    assert application.tracking_number == number
    assert services.code_matches(application, code)
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    assert "发送回执到我的邮箱" in citizen.content()
    shot(citizen, tmp_path, "receipt-390.png")

    # Reloading the receipt keeps the code (within its 24 hours).
    citizen.reload()
    assert citizen.get_by_test_id("query-code").inner_text() == code


def test_phone_validation_error_moves_focus_to_the_error_summary(phone_page, agency, tmp_path):
    citizen = phone_page
    citizen.goto("/apply/")
    fill_form(citizen)
    citizen.get_by_label("联系电话").fill("123")
    citizen.get_by_label("所需政府信息的名称").fill("")
    citizen.get_by_role("button", name="提交申请").click()
    citizen.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    box = citizen.evaluate("""() => {
        const r = document.getElementById('error-summary').getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, height: window.innerHeight};
    }""")
    assert -2 <= box["top"] < box["height"]  # on screen, not the top of the privacy notice
    summary = citizen.locator("#error-summary")
    assert "联系电话" in summary.inner_text()
    assert "所需政府信息的名称" in summary.inner_text()
    shot(citizen, tmp_path, "error-summary-390.png", full_page=False)  # what the phone shows
    summary.get_by_role("link", name="联系电话").first.click()
    assert citizen.evaluate("document.activeElement.id") == "id_phone"
    assert not Application.objects.exists()


def test_printed_acceptance_receipt_and_provisional_status(page, phone_page, agency, tmp_path):
    make_staff(agency, Role.CLERK, username="clerk-receipt")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", "clerk-receipt")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/applications/application/register/")
    page.get_by_label("受理机构").select_option(label="某区应急管理局")
    page.get_by_label("申请方式").select_option(label="信函")
    today = time.strftime("%Y-%m-%d")
    page.get_by_label("提交/寄出/发送/来电日期").fill(today)
    page.get_by_label("签收日期（信函）").fill(today)
    page.get_by_label("申请人姓名").fill("孙某")
    page.get_by_label("证件号码").fill("110101199003071233")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("电子邮箱").fill("sun@example.com")
    page.get_by_label("通信地址").fill("某区某街道8号")
    page.get_by_label("所需政府信息的名称").fill("某区2026年度安全生产执法检查计划")
    page.get_by_label("纸质", exact=True).check()
    page.get_by_label("邮寄", exact=True).check()
    page.get_by_role("button", name="登记").click()

    # Straight to the printable receipt, code included.
    assert page.url.endswith("/receipt/")
    number = page.get_by_test_id("tracking-number").inner_text()
    code = page.get_by_test_id("query-code").inner_text()
    application = Application.objects.get(tracking_number=number)
    assert services.code_matches(application, code)
    assert application.due_provisional  # the period reaches December 2026 weekends
    assert "（暂定）" in page.get_by_test_id("due-date").inner_text()
    shot(page, tmp_path, "acceptance-receipt-1280.png")

    pdf = tmp_path / "acceptance-receipt.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "acceptance-receipt-print")],
        check=True,
    )
    pages = sorted(tmp_path.glob("acceptance-receipt-print*.png"))
    assert len(pages) == 1  # one A4 sheet
    keep(pages[0], "acceptance-receipt-print.png")
    keep(pdf, "acceptance-receipt.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert code in text and number in text and "打印受理回执" not in text
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, tmp_path, "acceptance-receipt-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Staff see 暂定 wherever the date shows: the register, the case page, the deadline board.
    for url, name in (
        ("/admin/applications/application/", "admin-list"),
        (f"/admin/applications/application/{application.pk}/change/", "admin-case"),
        ("/admin/", "deadline-board"),
    ):
        page.goto(url)
        assert "暂定" in page.locator("#content").inner_text()
        shot(page, tmp_path, f"provisional-{name}-1280.png", full_page=False)
    phone = phone_page

    # The applicant looks the application up: the due date is marked 暂定.
    for viewport, width in ((phone, 390), (page, 1280)):
        viewport.goto("/apply/status/")
        viewport.get_by_label("申请编号").fill(number)
        viewport.get_by_label("查询码").fill(code)
        viewport.get_by_role("button", name="查询").click()
        assert "（暂定）" in viewport.locator("main").inner_text()
        assert viewport.evaluate("document.documentElement.scrollWidth") <= width
        shot(viewport, tmp_path, f"status-provisional-{width}.png")

    # And the web receipt of an online application at desktop width.
    page.goto("/apply/")
    fill_form(page, name="周市民")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_test_id("query-code").wait_for()
    shot(page, tmp_path, "receipt-1280.png")
    phone.goto(f"/admin/applications/application/{application.pk}/receipt/")
    assert "/admin/login/" in phone.url
