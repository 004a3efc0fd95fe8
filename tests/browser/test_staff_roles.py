"""Each role's home and main task in the staff admin, on a desktop and on a phone.

信息员 submits a draft in one click, 审核人 goes from the workbench straight to the review page
with the text in view and publishes, 负责人 publishes a proposal reply after approving it in one
step, 区级管理员 is reminded of a missing holiday calendar and can enter it, 安全管理员 reads
the second-factor devices in Chinese. axe-core finds nothing serious on the way; the workbench,
the review page and the reply page fit a 390 px phone.
"""

from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from applications.models import Application
from config.admin_site import missing_calendar_year
from disclosure.models import Item, ItemStatus
from proposals.models import Proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Gongkai@2017demo"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 390, "height": 844}


def serious(page):
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def login(new_page, username, viewport=None):
    page = new_page(viewport=viewport or {"width": 1366, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#user-tools").wait_for()
    return page


def test_each_role_finds_its_next_task_at_home_and_does_it(new_page):
    call_command("seed_demo", stdout=StringIO())
    problems = {}

    # 信息员: own name in the header, no calendar alert unless a deadline needs the year.
    clerk = login(new_page, "ajj_clerk")
    assert "王信息" in clerk.locator("#user-tools").inner_text()
    assert "AJJ_CLERK" not in clerk.locator("#user-tools").inner_text()
    problems["信息员 工作台"] = serious(clerk)
    draft = Item.objects.get(status=ItemStatus.DRAFT, agency__short_name="利通区安监局")
    clerk.get_by_role("link", name=draft.title).click()
    problems["公开信息 编辑"] = serious(clerk)
    clerk.get_by_role("button", name="保存并提交审核").click()
    assert "待审核人处理" in clerk.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert draft.status == ItemStatus.IN_REVIEW
    clerk.goto(f"/admin/disclosure/item/{draft.pk}/change/")
    assert "待审核人处理" in clerk.locator(".next-waiting").inner_text()
    assert clerk.get_by_role("link", name="保密审查与发布").count() == 0

    # 审核人: from the workbench straight to the review page, the text beside the form.
    reviewer = login(new_page, "ajj_reviewer")
    problems["审核人 工作台"] = serious(reviewer)
    reviewer.get_by_role("link", name=draft.title).click()
    assert reviewer.url.endswith(f"/admin/disclosure/item/{draft.pk}/review/")
    text = reviewer.locator(".review-text").inner_text()
    assert draft.title in text and "正文" in text and "附件" in text
    assert "完整性检查" in reviewer.locator(".review-side").inner_text()
    problems["保密审查与发布"] = serious(reviewer)
    reviewer.get_by_role("button", name="确认保密审查与发布").click()
    assert "已发布，索引号" in reviewer.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED

    # 负责人: approves a proposal reply the 信息员 submitted for publication, and publishes it in
    # one step (four eyes: who submitted it may not approve it).
    proposal = Proposal.objects.filter(status="replied", publication_status="none").first()
    clerk.goto(f"/admin/proposals/proposal/{proposal.pk}/change/")
    clerk.locator("a.proposal-step", has_text="提交公开审核").click()
    clerk.check("input[name=mode][value=full]")
    clerk.get_by_role("button", name="提交公开审核").click()
    assert "已完成" in clerk.locator(".messagelist").inner_text()
    head = login(new_page, "ajj_head")
    problems["负责人 工作台"] = serious(head)
    head.goto(f"/admin/proposals/proposal/{proposal.pk}/change/")
    head.locator("a.proposal-step", has_text="公开审核").click()
    head.check("input[name=approved][value='1']")
    assert head.is_checked("input[name=publish_now]")
    problems["公开审核"] = serious(head)
    head.get_by_role("button", name="公开审核").click()
    proposal.refresh_from_db()
    assert proposal.is_published

    # 区级管理员: the calendar reminder (late in the year) leads to the entry page.
    admin = login(new_page, "ltq_admin")
    problems["区级管理员 工作台"] = serious(admin)
    if missing_calendar_year(timezone.localdate()):
        admin.get_by_role("link", name="现在录入").click()
        assert "/admin/workdays/" in admin.url
        problems["录入放假安排"] = serious(admin)

    # 安全管理员: the devices list and the requests, in Chinese.
    TOTPDevice.objects.create(user=User.objects.get(username="ajj_clerk"), name="手机")
    security = login(new_page, "anquan_demo")
    problems["安全管理员 工作台"] = serious(security)
    home = security.locator("#content").inner_text()
    assert "动态口令设备" in home and "TOTP" not in home and "Otp_Totp" not in home
    security.get_by_role("link", name="动态口令设备").first.click()
    headers = security.locator("#result_list thead").inner_text()
    assert "工作人员" in headers and "设备名称" in headers
    problems["动态口令设备"] = serious(security)

    assert {name: found for name, found in problems.items() if found} == {}
    for page in (clerk, reviewer, head, admin, security):
        assert page.js_errors == []


def test_the_workbench_the_review_page_and_the_reply_page_fit_a_phone(new_page):
    call_command("seed_demo", stdout=StringIO())
    item = Item.objects.filter(status=ItemStatus.IN_REVIEW).first()
    application = Application.objects.filter(status="handling").first()
    reviewer = login(new_page, "ajj_reviewer", viewport=PHONE)
    clerk = login(new_page, "ajj_clerk", viewport=PHONE)
    wide = {}
    for name, page, url in (
        ("工作台", reviewer, "/admin/"),
        ("保密审查与发布", reviewer, f"/admin/disclosure/item/{item.pk}/review/"),
        ("答复", clerk, f"/admin/applications/application/{application.pk}/reply/"),
        ("申请", clerk, f"/admin/applications/application/{application.pk}/change/"),
    ):
        page.goto(url)
        if sideways(page) > 1:
            wide[name] = sideways(page)
    assert wide == {}
    assert serious(clerk) == []
