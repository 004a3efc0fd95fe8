"""A citizen finds documents from any page: the header search (desktop and phone), the catalog
tree, 当前位置, and a repealed document's banner, 字号 and 打印 on its page."""

from datetime import date

import pytest

from disclosure import services
from disclosure.models import Topic, Validity
from tests.disclosure.builders import Desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def crumbs(page):
    """The steps of 当前位置 (the › between them are drawn by CSS)."""
    assert page.locator(".breadcrumb .breadcrumb-lead").inner_text() == "当前位置："
    return page.locator(".breadcrumb li").all_inner_texts()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def catalog():
    district = Desk(name="某某区人民政府", slug="qzf", short_name="区政府", code="000014360")
    desk = Desk(
        name="某区应急管理局",
        slug="yjj",
        short_name="区应急局",
        code="000014361",
        parent=district.agency,
    )
    rules_topic = Topic.objects.get_or_create(
        parent=Topic.objects.get_or_create(parent=None, name="法规、规章和规范性文件")[0],
        name="行政规范性文件",
    )[0]
    items = {
        "inspection": desk.publish("关于开展安全生产大检查的通知", category="work"),
        "normative": desk.publish(
            "某区危险化学品安全管理办法",
            summary="规范危险化学品的储存和使用。",
            category="policy",
            topic=rules_topic,
            published_date=date(2018, 4, 2),
        ),
        "district": district.publish(
            "区政府关于安全生产工作的意见", category="policy", summary="部署全区工作。"
        ),
    }
    for n in range(3):
        desk.publish(f"第{n + 1}季度工作动态", category="work", summary="工作动态。")
    return {"district": district, "desk": desk, "topic": rules_topic, **items}


def test_header_search_on_a_desktop_scoped_to_the_agency_then_the_whole_site(new_page, catalog):
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(catalog["inspection"].get_absolute_url())
    header = page.locator("header .site-search")
    assert header.is_visible()
    assert header.get_by_label("本机构（区应急局）").is_checked()
    header.get_by_label("检索关键词").fill("安全生产")
    header.get_by_role("button", name="检索").click()
    page.wait_for_selector(".result-count")
    assert "共 1 条" in page.locator(".result-count").inner_text()
    assert page.locator(".catalog-table mark", has_text="安全生产").count() >= 1
    # The same words in the whole site find the district's document too.
    header = page.locator("header .site-search")
    assert header.get_by_label("检索关键词").input_value() == "安全生产"
    header.get_by_label("全站").check()
    header.get_by_role("button", name="检索").click()
    page.wait_for_selector(".result-count >> text=共 2 条")
    assert crumbs(page) == ["首页", "法定主动公开内容", "检索结果"]
    # The tree and the (folded) advanced search stay beside and above the results on a desktop.
    assert page.locator(".catalog-tree nav").is_visible()
    assert not page.locator(".advanced-search form").is_visible()
    # One character: a hint, not "共 0 条".
    header = page.locator("header .site-search")
    header.get_by_label("检索关键词").fill("安")
    header.get_by_role("button", name="检索").click()
    page.wait_for_selector(".search-hint")
    assert "至少需要两个字" in page.locator(".search-hint").inner_text()
    assert page.locator("text=共 0 条").count() == 0
    assert page.js_errors == []


def test_header_search_on_a_phone_shows_results_first(new_page, catalog):
    page = new_page(**PHONE)
    page.goto("/guide/yjj/")
    header = page.locator("header .site-search")
    assert header.is_visible()
    header.get_by_label("检索关键词").fill("工作动态")
    header.get_by_role("button", name="检索").click()
    page.wait_for_selector(".result-count")
    assert "共 3 条" in page.locator(".result-count").inner_text()
    # Tree and filters are folded: the first result is on the first screen.
    assert not page.locator(".catalog-tree nav").is_visible()
    assert not page.locator(".advanced-search form").is_visible()
    first = page.locator(".catalog-table tbody tr").first.bounding_box()
    assert first["y"] + first["height"] < 844
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The filters are one tap away.
    page.locator(".advanced-search > summary").click()
    assert page.locator(".advanced-search select[name=category]").is_visible()
    assert page.js_errors == []


def test_the_catalog_tree_leads_to_a_list_in_one_click_each(new_page, catalog):
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto("/catalog/")
    tree = page.locator(".catalog-tree")
    assert tree.locator("a[aria-current=page]").inner_text().split() == ["全部机构", "6"]
    tree.get_by_role("link", name="区应急局 5").click()
    page.wait_for_url("**/catalog/agency/yjj/")
    assert "共 5 条" in page.locator(".result-count").inner_text()
    tree = page.locator(".catalog-tree")
    tree.get_by_role("link", name="法规、规章和规范性文件 1").click()
    page.wait_for_url(f"**/catalog/agency/yjj/topic/{catalog['topic'].parent_id}/")
    tree = page.locator(".catalog-tree")
    tree.get_by_role("link", name="行政规范性文件 1").click()
    page.wait_for_url(f"**/catalog/agency/yjj/topic/{catalog['topic'].pk}/")
    assert page.locator(".catalog-table tbody tr").count() == 1
    assert "某区危险化学品安全管理办法" in page.locator(".catalog-table").inner_text()
    assert crumbs(page) == ["首页", "法定主动公开内容", "区应急局", "行政规范性文件"]
    # The address is the node: opened again (a bookmark), it shows the same list.
    bookmark = page.url
    other = new_page()
    other.goto(bookmark)
    assert "某区危险化学品安全管理办法" in other.locator(".catalog-table").inner_text()
    # Breadcrumbs lead back up.
    page.locator(".breadcrumb").get_by_role("link", name="区应急局").click()
    page.wait_for_url("**/catalog/agency/yjj/")
    # On a phone the tree folds above the list and opens with one tap.
    phone = new_page(**PHONE)
    phone.goto("/catalog/category/policy/")
    assert not phone.locator(".catalog-tree nav").is_visible()
    tree_box = phone.locator(".catalog-tree").bounding_box()
    assert tree_box["y"] < phone.locator(".catalog-table").bounding_box()["y"]
    phone.locator(".catalog-tree > summary").click()
    phone.locator(".catalog-tree").get_by_role("link", name="区政府 1").click()
    phone.wait_for_url("**/catalog/agency/qzf/")
    assert page.js_errors == other.js_errors == phone.js_errors == []


def test_a_repealed_document_has_a_banner_font_sizes_and_print(new_page, catalog):
    desk, item = catalog["desk"], catalog["normative"]
    services.item_set_validity(
        item=item, by=desk.reviewer, validity=Validity.REPEALED, changed_on=date(2021, 6, 30)
    )
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(item.get_absolute_url())
    banner = page.locator(".validity-banner")
    assert banner.is_visible()
    assert "本文件已废止（2021年6月30日起），仅供查阅，不再作为执行依据。" in banner.inner_text()
    assert crumbs(page) == ["首页", "法定主动公开内容", "区应急局", "某区危险化学品安全管理办法"]
    # 字号: larger text, remembered on the next document page.
    body = page.locator(".item-summary p").first
    medium = float(body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    page.get_by_role("button", name="大").click()
    large = float(body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert large > medium
    assert page.get_by_role("button", name="大").get_attribute("aria-pressed") == "true"
    page.goto(catalog["inspection"].get_absolute_url())
    assert page.locator("html").get_attribute("data-font-size") == "large"
    page.get_by_role("button", name="小").click()
    small = float(
        page.locator(".item-summary p").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
    )
    assert small < medium
    # 打印 opens the browser's print dialog; printed, the page is the document alone.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    for hidden in (".site-header", ".column-nav", ".breadcrumb", ".reading-tools", ".related"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".item-title").is_visible()
    assert page.locator(".item-meta").is_visible()
    assert page.js_errors == []
