"""政策解读 both ways: a clerk links a 解读 to its policy with the admin's search widget, a
reviewer publishes it, and the public goes from the policy to its 解读 and back."""

from datetime import date

import pytest

from accounts.models import Role
from disclosure import services
from disclosure.models import Channel, DocKind, Item, ItemStatus, Topic
from tests.browser.test_catalog_journey import signed_in
from tests.factories import make_agency, make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POLICY = "关于印发《某区危险化学品重大危险源监督管理办法》的通知"


def test_policy_and_its_interpretation_link_both_ways(new_page):
    district = make_agency(name="某区人民政府", slug="qzf")
    agency = make_agency(name="某区应急管理局", slug="yjj", parent=district)
    portal = Channel.objects.create(agency=agency, name="政府门户网站", kind="portal")
    clerk = make_staff(agency, Role.CLERK, username="clerk1")
    reviewer = make_staff(agency, Role.REVIEWER, username="reviewer1")
    topic = Topic.objects.get(name="行政规范性文件")
    policy = services.item_create(
        agency=agency,
        by=clerk,
        title=POLICY,
        summary="规范重大危险源的辨识、登记和监控。",
        document_number="某应急发〔2024〕15号",
        formed_date=date(2024, 5, 10),
        category="policy",
        doc_kind=DocKind.NORMATIVE,
        topic=topic,
        genre="notice",
        channels=[portal],
    )
    services.item_submit(item=policy, by=clerk)
    services.item_review(item=policy, by=reviewer, opinion="同意公开")
    services.item_publish(item=policy, by=reviewer, published_date=date(2024, 5, 15))

    page = signed_in(new_page, "clerk1")
    page.goto("/admin/disclosure/item/add/")
    page.fill("#id_title", "《某区危险化学品重大危险源监督管理办法》政策解读")
    page.fill("#id_summary", "解读办法的制定背景和主要内容。")
    page.fill("#id_formed_date", "2024-05-15")
    page.select_option("#id_category", "policy")
    page.select_option("#id_genre", "interpretation")
    page.select_option("#id_interpretation_kind", "text")
    page.check("text=政府门户网站")
    # The searchable widget: typing part of the 文号 finds the policy.
    page.click("#id_interprets + .select2 .select2-selection")
    page.fill(".select2-search__field", "2024〕15")
    page.click(f".select2-results__option >> text={POLICY}")
    assert page.input_value("#id_interprets") == str(policy.pk)
    page.locator("#id_body").click()  # leave the widget (it keeps its container open)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert errors == [], errors
    page.wait_for_selector(".object-tools >> text=提交审核")
    interpretation = Item.objects.get(genre="interpretation")
    assert interpretation.interprets_id == policy.pk
    page.click(".object-tools >> text=提交审核")
    page.click("input[value='确认提交审核']")
    page.wait_for_selector(".messagelist >> text=已提交审核")

    page = signed_in(new_page, "reviewer1")
    page.goto(f"/admin/disclosure/item/{interpretation.pk}/review/")
    page.fill("#id_opinion", "不涉及国家秘密，同意公开。")
    page.click("input[value='确认保密审查与发布']")
    page.wait_for_selector(".messagelist >> text=已发布，索引号")
    interpretation.refresh_from_db()
    assert interpretation.status == ItemStatus.PUBLISHED

    for public in (new_page(), new_page(viewport={"width": 390, "height": 844}, is_mobile=True)):
        public.goto(policy.get_absolute_url())
        block = public.locator("section.interpretations")
        assert block.is_visible()
        assert "文字解读" in block.inner_text()
        # Under the metadata block, above the document's title.
        meta_box = public.locator("table.item-meta").bounding_box()
        block_box = block.bounding_box()
        title_box = public.locator("h1.item-title").bounding_box()
        assert meta_box["y"] + meta_box["height"] <= block_box["y"] < title_box["y"]
        block.get_by_role("link", name="《某区危险化学品重大危险源监督管理办法》政策解读").click()
        public.wait_for_url(f"**{interpretation.get_absolute_url()}")
        back = public.locator(".interpretation-of")
        assert "本文解读" in back.inner_text()
        back.get_by_role("link", name=POLICY).click()
        public.wait_for_url(f"**{policy.get_absolute_url()}")
        public.goto("/catalog/?interpretation=yes")
        assert public.get_by_role("link", name=POLICY).is_visible()
        assert public.js_errors == []
