"""In a real browser: a forgotten password by printed letter, two people, and the login notice.

Covers what the client tests cannot: the buttons sit in forms that really submit (no nesting in
the admin's change form), the pages break no CSP rule, and the member sees the notice.
"""

import re

import pytest

from accounts.duties import admin_role_grant
from accounts.models import AdminRole, Role
from tests.factories import PASSWORD, make_agency, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NEW = "Selbst-Gesetzt-2026"


def login(browser, live_server, username, password=PASSWORD):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on(
        "console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/**")
    return page, errors


def test_letter_reset_by_two_people_and_the_member_is_told(browser, live_server, settings):
    settings.ZWGK_STAFF_2FA = False
    district = make_agency(name="甲区人民政府", slug="jia")
    agency = make_agency(name="甲区应急局", slug="jia-yjj", parent=district)
    member = make_staff(agency, Role.CLERK, username="clerk")
    make_staff(district, Role.DISTRICT_ADMIN, username="jia_admin")
    security = make_staff(username="anquan")
    admin_role_grant(user=security, role=AdminRole.SECURITY)

    admin_page, errors = login(browser, live_server, "jia_admin")
    admin_page.goto(f"/admin/accounts/user/{member.pk}/change/")
    admin_page.get_by_role("link", name="发送设置密码链接").click()
    admin_page.get_by_label("打印交接函（须另一名管理员批准）").check()
    admin_page.get_by_label("原因").fill("本人没有单位邮箱")
    admin_page.get_by_role("button", name="提交").click()
    recovery_url = admin_page.url
    assert "待批准" in admin_page.content()

    approver, approver_errors = login(browser, live_server, "anquan")
    approver.goto(recovery_url)
    approver.get_by_role("button", name="批准并查看核对码").click()
    code = approver.locator(".recovery-code-value").inner_text().replace(" ", "")
    assert re.fullmatch(r"[2-9A-Z]{8}", code)

    admin_page.goto(recovery_url)
    admin_page.locator(".recovery-actions a.button").click()
    admin_page.get_by_role("button", name="生成交接函").click()
    letter = admin_page.locator(".letter").inner_text()
    assert code not in letter and code[:4] not in letter
    link = re.search(r"/admin/security/set-password/\S+/", letter).group(0)

    member_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = member_context.new_page()
    page.goto(link)
    page.get_by_label("核对码").fill(code)
    page.locator("#id_new_password1").fill(NEW)
    page.get_by_label("再次输入新密码").fill(NEW)
    page.get_by_role("button", name="设置密码").click()
    page.wait_for_url("**/admin/login/**")
    assert "密码已设置" in page.content()
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(NEW)
    page.get_by_role("button", name="登录").click()
    notice = page.locator(".messagelist").inner_text()
    assert "jia_admin" in notice and "anquan" in notice and "通过该链接设置密码" in notice
    page.goto(link)
    assert "此链接无效" in page.content()
    assert errors == [] and approver_errors == []
