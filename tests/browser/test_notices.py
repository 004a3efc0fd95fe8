"""A clerk takes a paper application received by post to a 部分公开 reply and prints it; every
outcome group's notice prints on one A4 sheet and reads on a 390 px phone.

Set ZWGK_SCREENS=/some/folder to keep the pictures: each notice as its printed A4 page (PDF from
Chromium, rasterised with pdftoppm when it is installed) and as a phone screenshot.
"""

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Application, FeeMethod, NoticeKind, Outcome, PauseKind, Status
from tests.applications.builders import applicant, register
from tests.browser.test_a11y import serious
from tests.browser.test_apply import restore_migration_data
from tests.factories import PASSWORD, make_agency, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = {
    "name": "吴忠市利通区安全生产监督管理局",
    "short_name": "利通区安监局",
    "ogi_office": "局办公室",
    "phone": "0953-2021234",
    "address": "吴忠市利通区裕民街1号",
    "reconsideration_body": "吴忠市利通区人民政府",
    "litigation_court": "吴忠市利通区人民法院",
    "notice_number_pattern": "吴利安公开〔{year}〕第{seq}号",
}


class Clicks:
    """Counts the clicks a clerk makes (typing is not a click)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def login(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def keep_screens(page, name, phone=None):
    """With ZWGK_SCREENS set: the A4 page as PNG (pdftoppm) and the phone view."""
    folder = os.environ.get("ZWGK_SCREENS")
    if not folder:
        return
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / f"{name}-a4.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf), str(out / f"{name}-a4")], check=True
        )  # one PNG per page: NAME-a4-1.png, NAME-a4-2.png
        pdf.unlink()
    if phone is not None:
        phone.screenshot(path=str(out / f"{name}-phone.png"), full_page=True)


def shot(page, name):
    folder = os.environ.get("ZWGK_SCREENS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_paper_application_to_a_partial_reply_and_print(page, phone_page, settings):
    restore_migration_data()
    agency = make_agency(**AGENCY, slug="ltq-ajj-notices")
    make_staff(agency, Role.CLERK, username="clerk-notices")
    login(page, "clerk-notices")

    # Registered from the letter: sent on one day, signed for on the next.
    today = timezone.localdate()
    page.goto("/admin/applications/application/register/")
    page.get_by_label("受理机构").select_option(label=AGENCY["name"])
    page.get_by_label("申请方式").select_option(label="信函")
    page.get_by_label("提交/寄出/发送/来电日期").fill(today.isoformat())
    page.get_by_label("签收日期（信函）").fill(today.isoformat())
    page.get_by_label("申请人姓名（法人或其他组织填联系人姓名）").fill("张三")
    page.get_by_label("证件号码").fill("110101199003071233")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("通信地址").fill("宁夏回族自治区吴忠市利通区某路1号")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill(
        "关于开展“安全生产月”活动的通知。。"
    )
    page.locator("[name=form][value=paper]").check()
    page.locator("[name=delivery][value=post]").check()
    page.get_by_role("button", name="登记").click()
    assert "已登记" in page.content(), page.locator(".errorlist, .errornote").all_inner_texts()
    application = Application.objects.get()
    # Registering a paper application lands on its printable 受理回执, code included; the case
    # page is one link away.
    assert application.tracking_number in page.get_by_test_id("tracking-number").inner_text()
    page.get_by_test_id("query-code").wait_for()
    page.get_by_role("link", name="返回申请办理页").click()
    page.locator(".case-steps").wait_for()

    # From the case page to the issued reply, counting clicks.
    click = Clicks()
    steps = page.locator(".case-steps")
    shot(page, "case-page-1280")
    click(steps.get_by_role("button", name="转入审核", exact=True))
    click(steps.get_by_role("button", name="受理办理", exact=True))
    assert "办理中" in page.locator(".application-case").inner_text()
    before_reply = click.count
    click(steps.get_by_role("link", name="答复", exact=True))
    click(page.get_by_label("部分公开"))
    # Choosing 部分公开 shows its fields and puts the cursor in the first: no click to type.
    assert page.evaluate("document.activeElement.id") == "id_withheld"
    page.keyboard.type("通知附件中企业联系人的姓名和手机号码")
    click(page.get_by_label("理由（写入答复书）"))
    page.keyboard.type("上述内容属于个人信息，公开会损害相关人员的个人隐私。")
    click(page.get_by_role("button", name="预览答复书"))
    shot(page, "reply-page-1280")
    login(phone_page, "clerk-notices")
    phone_page.goto(page.url)
    shot(phone_page, "reply-page-390")
    wide = phone_page.evaluate("""[...document.querySelectorAll('#content-main *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    assert serious(page) == [], "reply page"
    preview = page.locator("#preview .notice-sheet").inner_text()
    assert "申请获取“关于开展‘安全生产月’活动的通知”。" in preview
    assert "不予公开的内容及理由：通知附件中企业联系人的姓名和手机号码" in preview
    application.refresh_from_db()
    assert application.status == Status.HANDLING  # previewed, not answered
    click(page.get_by_role("button", name="出具答复书"))
    reply_clicks = click.count - before_reply
    assert "答复书已出具" in page.content()
    application.refresh_from_db()
    assert (application.status, application.outcome, application.closed_on) == (
        Status.REPLIED,
        Outcome.PARTIAL,
        today,
    )
    number = f"吴利安公开〔{today.year}〕第1号"
    assert number in page.content()

    # Print: the A4 page without the toolbar, on one sheet.
    with page.expect_popup() as popup:
        click(page.get_by_role("link", name="打印（A4）"))
    sheet = popup.value
    sheet.wait_for_load_state()
    assert serious(sheet) == [], "printed notice"
    sheet.emulate_media(media="print")
    assert sheet.locator(".toolbar").is_hidden()
    text = sheet.locator(".notice-sheet").inner_text()
    assert number in text and "政府信息公开申请答复书" in text
    assert f"{today.year}年{today.month}月{today.day}日" in text
    assert "向吴忠市利通区人民政府申请行政复议" in text
    assert "13812345678" not in text
    assert pdf_pages(sheet.pdf(format="A4", prefer_css_page_size=True)) in (1, 2)
    total = click.count
    print(
        f"\nclicks: reply page {reply_clicks}, case page to issued {total - 1}, with print {total}"
    )
    assert reply_clicks <= 5
    assert total - 1 <= 7  # 转入审核, 受理办理, 答复, 部分公开, 理由, 预览, 出具
    assert not page.js_errors


def _case(agency, clerk, received, **register_extra):
    application = register(
        agency,
        clerk,
        received,
        person=applicant(name="张三"),
        description="关于开展“安全生产月”活动的通知，以及2025年度安全生产检查计划。",
        **register_extra,
    )
    services.application_review(application=application, by=clerk, on=received)
    return services.application_accept(application=application, by=clerk, on=received)


REASONS = {
    Outcome.GRANTED: {"reason": "所申请的通知和检查计划共2份文件，作为本答复书附件一并送达"},
    Outcome.PARTIAL: {
        "withheld": "检查计划附件中被检查企业联系人的姓名和手机号码",
        "ground": "denied.third_party",
        "reason": "上述内容属于个人信息，公开会对相关人员的个人隐私造成损害",
    },
    Outcome.STATE_SECRET: {"reason": "该检查计划中涉及重点目标防护的部分已依法定密为秘密级"},
    Outcome.NOT_HELD: {"reason": "本机关检索了2024年以来的发文目录、收文登记和档案，未找到该通知"},
    Outcome.COMPLAINT: {
        "reason": "您要求本机关查处某企业的违法行为，属于举报事项，本机关已转交执法监察大队依法处理"
    },
}


def test_one_notice_per_outcome_group_prints_on_a4_and_reads_on_a_phone(page, phone_page):
    restore_migration_data()
    agency = make_agency(**AGENCY, slug="ltq-ajj-groups")
    clerk = make_staff(agency, Role.CLERK, username="clerk-groups")
    login(page, "clerk-groups")
    login(phone_page, "clerk-groups")
    received, on = date(2026, 3, 2), date(2026, 3, 20)
    notices = {}
    for group, outcome in [
        ("1-granted", Outcome.GRANTED),
        ("2-partial", Outcome.PARTIAL),
        ("3-denied", Outcome.STATE_SECRET),
        ("4-unable", Outcome.NOT_HELD),
        ("5-not-processed", Outcome.COMPLAINT),
    ]:
        draft = services.application_reply_draft(
            application=_case(agency, clerk, received),
            by=clerk,
            outcome=outcome,
            on=on,
            **REASONS[outcome],
        )
        notices[group] = services.notice_issue(notice=draft, by=clerk, on=on)
    # （六）其他处理: no correction in time.
    application = register(agency, clerk, received, person=applicant(name="张三"))
    services.application_review(application=application, by=clerk, on=received)
    services.application_request_correction(
        application=application,
        by=clerk,
        on=date(2026, 3, 3),
        days=10,
        items="请写明所需文件的名称或者文号",
    )
    notices["7-correction"] = services.notice_issue(
        notice=application.notices.get(kind=NoticeKind.CORRECTION), by=clerk, on=date(2026, 3, 3)
    )
    draft = services.application_reply_draft(
        application=application, by=clerk, outcome=Outcome.NO_CORRECTION, on=date(2026, 3, 18)
    )
    notices["6-other"] = services.notice_issue(notice=draft, by=clerk, on=date(2026, 3, 18))
    application = _case(agency, clerk, received)
    services.application_extend(
        application=application,
        by=make_staff(agency, Role.HEAD),
        days=15,
        on=date(2026, 3, 25),
        reason="所需信息分散在三个年度的档案中",
    )
    notices["8-extension"] = services.notice_issue(
        notice=application.notices.get(kind=NoticeKind.EXTENSION), by=clerk, on=date(2026, 3, 25)
    )
    application = _case(agency, clerk, received)
    services.application_pause(
        application=application,
        by=clerk,
        kind=PauseKind.THIRD_PARTY,
        party="宁夏某化工有限公司",
        on=date(2026, 3, 4),
    )
    notices["9-consultation"] = services.notice_issue(
        notice=application.notices.get(kind=NoticeKind.CONSULTATION), by=clerk, on=date(2026, 3, 4)
    )
    application = _case(agency, clerk, received)
    services.application_fee_notice(
        application=application, by=clerk, method=FeeMethod.BY_PAGE, pages=120, on=date(2026, 3, 4)
    )
    notices["10-fee"] = services.notice_issue(
        notice=application.notices.get(kind=NoticeKind.FEE), by=clerk, on=date(2026, 3, 4)
    )

    for name, notice in notices.items():
        url = f"/admin/applications/application/notice/{notice.pk}/print/"
        page.goto(url)
        page.emulate_media(media="print")
        sheet = page.locator(".notice-sheet")
        assert notice.number in sheet.inner_text()
        assert "{#" not in page.content() and "{%" not in page.content()
        # One A4 sheet; a long reply may run onto a second, never more.
        assert pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) in (1, 2), name
        phone_page.goto(url)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name}: {width}px wide on a 390px phone"
        size = phone_page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.notice-body p')).fontSize)"
        )
        assert size >= 15, f"{name}: body text {size}px on a phone"
        keep_screens(page, name, phone_page)
    assert not page.js_errors
