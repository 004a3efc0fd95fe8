"""A clerk drafts an item, a reviewer publishes it, the public finds it by a two-character term."""

import pytest

from accounts.models import Role
from disclosure.models import Channel, Item, ItemStatus
from tests.factories import PASSWORD, make_agency, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in(new_page, username):
    """Each actor in a browser of their own (see ``new_page``), signed in to the admin."""
    page = new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


def test_clerk_drafts_reviewer_publishes_public_finds_it(new_page):
    agency = make_agency(name="某区应急管理局", slug="yjj", code="000014349")
    Channel.objects.create(agency=agency, name="政府门户网站", kind="portal")
    make_staff(agency, Role.CLERK, username="clerk1")
    make_staff(agency, Role.REVIEWER, username="reviewer1")

    page = clerk = signed_in(new_page, "clerk1")
    page.goto("/admin/disclosure/item/add/")
    page.fill("#id_title", "关于做好汛期防汛救灾工作的通知")
    page.fill("#id_summary", "部署今年汛期的防汛救灾和安全防范工作。")
    page.fill("#id_formed_date", "2024-06-03")
    page.fill("#id_document_number", "某应急发[2024]7号")
    page.select_option("#id_category", "work")
    page.select_option("#id_genre", "notice")
    page.check("text=政府门户网站")
    page.click("input[name=_continue]")
    page.wait_for_selector(".object-tools >> text=提交审核")
    item = Item.objects.get()
    assert item.document_number == "某应急发〔2024〕7号"
    page.click(".object-tools >> text=提交审核")
    page.click("input[value='确认提交审核']")
    page.wait_for_selector(".messagelist >> text=已提交审核")

    page = reviewer = signed_in(new_page, "reviewer1")
    page.goto(f"/admin/disclosure/item/{item.pk}/change/")
    page.click(".object-tools >> text=保密审查与发布")
    page.fill("#id_opinion", "不涉及国家秘密、商业秘密和个人隐私，同意公开。")
    page.click("input[value='确认保密审查与发布']")
    page.wait_for_selector(".messagelist >> text=已发布，索引号")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED

    page = public = new_page()
    page.goto("/catalog/")
    page.fill("input[name=q]", "防汛")
    page.click("button[type=submit]")
    page.wait_for_selector("text=共 1 条")
    assert page.locator("mark", has_text="防汛").count() >= 1
    page.click("text=关于做好汛期防汛救灾工作的通知")
    page.wait_for_selector(f"text={item.index_number}")
    assert page.locator("text=某应急发〔2024〕7号").count() >= 1
    assert clerk.js_errors == reviewer.js_errors == public.js_errors == []
