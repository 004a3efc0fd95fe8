import pytest

from tests.factories import make_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_the_agency_phone_in_the_guide(page):
    district = make_agency(name="吴忠市利通区人民政府", slug="ltq")
    make_agency(
        name="吴忠市利通区安全生产监督管理局", slug="ltq-ajj", parent=district, phone="0953-2666295"
    )
    page.goto("/")
    assert "吴忠市利通区人民政府" in page.locator(".site-name").inner_text()
    page.get_by_role("navigation", name="政府信息公开栏目").get_by_role(
        "link", name="公开指南"
    ).click()
    page.get_by_role("link", name="吴忠市利通区安全生产监督管理局").click()
    assert page.locator("h1").inner_text().startswith("吴忠市利通区安全生产监督管理局")
    assert page.locator("dd.phone").inner_text() == "0953-2666295"
    assert page.js_errors == []
