"""Journey: staff record a proposal and its reply, publish it, and the public finds it under its session."""

import pytest

from accounts.models import Role
from accounts.services import staff_create
from proposals.models import AnswerClass, Body, Proposal, Session
from tests.factories import PASSWORD, make_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT = "13955556666"


def restore_migrated_rows():
    """An earlier transactional test may have flushed what data migrations seeded: the answer
    classes. (Role groups need no restoring: they come back with the serialized rows or, after
    a plain flush, from the post_migrate sync.)"""
    AnswerClass.objects.get_or_create(code="A", defaults={"name": "已解决或基本解决"})


def pick(page, field_id, text):
    """Choose an option in one of the admin's autocomplete (select2) boxes."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-results__option", has_text=text).first.click()


def step(page, label):
    page.locator("a.proposal-step", has_text=label).click()


def test_staff_publish_a_reply_that_the_public_finds_under_its_session(page):
    restore_migrated_rows()
    # One officer does every step: the 负责人 has turned four eyes off for the office.
    agency = make_agency(
        name="吴忠市利通区应急管理局",
        short_name="利通区应急局",
        slug="ltq-yjj",
        self_review_allowed=True,
    )
    staff_create(
        username="yjj_head",
        name="朱局长",
        password=PASSWORD,
        memberships=[(agency, Role.HEAD), (agency, Role.REVIEWER)],
    )
    session = Session.objects.create(
        name="利通区第十届人民代表大会第三次会议",
        short_name="区十届人大三次会议",
        body=Body.NPC,
        year=2024,
    )

    page.goto("/admin/login/")
    page.fill("#id_username", "yjj_head")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.locator("#user-tools").wait_for()
    page.goto("/admin/proposals/proposal/add/")
    pick(page, "id_session", "三次会议")
    page.select_option("#id_kind", "npc_suggestion")
    page.fill("#id_number", "8")
    page.fill("#id_title", "关于加快老旧小区燃气管道改造的建议")
    page.fill("#id_content", "建议加快改造进度。")
    page.fill("#id_proposer", "丁志强")
    page.fill("#id_proposer_contact", f"{CONTACT} 利通区胜利路1号")
    pick(page, "id_lead_unit", "应急管理局")
    page.fill("#id_assigned_date", "2024-02-20")
    page.click("input[name=_continue]")
    assert "答复期限 2024年5月20日" in page.locator(".proposal-status").inner_text()

    step(page, "录入答复")
    page.fill("#id_reply_number", "利应急函〔2024〕8号")
    page.select_option("#id_answer_class", label="A类（已解决或基本解决）")
    page.fill("#id_reply_text", "丁志强代表：\n您的建议收悉，已将燃气管道改造列入年度计划。")
    page.fill("#id_signatory", "朱局长")
    page.click("input[type=submit]")
    assert "已完成" in page.locator(".messagelist").inner_text()

    step(page, "提交公开审核")
    page.check("input[name=mode][value=full]")
    page.click("input[type=submit]")
    step(page, "公开审核")
    page.check("input[name=approved][value='1']")
    assert page.is_checked("input[name=publish_now]")  # approve and publish in one step
    page.click("input[type=submit]")
    assert Proposal.objects.get().is_published

    page.goto("/")
    page.get_by_role("navigation", name="政府信息公开栏目").get_by_role(
        "link", name="建议提案办理"
    ).click()
    page.get_by_role("link", name="查看各届次办理情况汇总").click()
    page.get_by_role("link", name=session.name).click()
    assert "利通区第十届人民代表大会第三次会议办理情况" in page.content()
    page.get_by_role("link", name="关于加快老旧小区燃气管道改造的建议").click()
    text = page.locator("main").inner_text()
    assert "已将燃气管道改造列入年度计划" in text
    assert "丁志强" in text
    assert CONTACT not in page.content()
    assert page.js_errors == []
