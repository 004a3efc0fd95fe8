"""GB/T 37668 (WCAG 2.1 AA): axe-core finds nothing serious; the application form works by keyboard."""

import time
from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from disclosure.models import Item
from reports.models import AnnualReport

# serialized_rollback: the demo needs the holiday calendars that migrations load.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious(page):
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def key_pages():
    call_command("seed_demo", stdout=StringIO())
    pages = {
        "首页": "/",
        "目录": "/catalog/",
        "目录树节点": "/catalog/category/policy/",
        "检索结果": "/catalog/?q=安全生产",
        "申请表": "/apply/",
        "进度查询": "/apply/status/",
        "年度报告": "/reports/",
        "如何订阅": "/catalog/feed/help/",
        "邮件订阅": "/subscriptions/",
    }
    item = Item.objects.published().order_by("pk").first()
    if item is not None:
        pages["信息详情"] = reverse("disclosure:item_detail", args=[item.pk])
    policy = Item.objects.published().filter(interpretations__isnull=False).first()
    if policy is not None:
        pages["政策文件及其解读"] = policy.get_absolute_url()
        pages["政策解读"] = policy.interpretations.published().first().get_absolute_url()
    pages["公开制度"] = reverse("disclosure:rules", args=["ltq-ajj"])
    report = AnnualReport.objects.order_by("pk").first()
    if report is not None and hasattr(report, "get_absolute_url"):
        pages["报告详情"] = report.get_absolute_url()
    return pages


def test_key_pages_have_no_serious_or_critical_violations(page):
    found = {}
    for name, url in key_pages().items():
        page.goto(url)
        problems = serious(page)
        if problems:
            found[name] = problems
    assert found == {}


def test_axe_reports_a_real_problem(page):
    """Guards the test above: an unlabelled field and an image without text are found."""
    page.goto("/healthz")
    page.set_content("<html lang='zh'><title>t</title><main><input><img src='x.png'></main></html>")
    assert serious(page)


def test_application_form_can_be_completed_with_the_keyboard_alone(page, settings):
    call_command("seed_demo", stdout=StringIO())
    page.goto("/apply/")
    form = page.locator("form.apply-form")
    answers = {
        "申请人姓名": "张三",
        "证件号码": "110101199003071233",
        "联系电话": "13812345678",
        "所需政府信息": "2017年安全生产执法检查计划",
        "用途": "了解情况",
    }
    # Walk the form with Tab only, typing into the fields we recognise by their label.
    page.locator("body").focus()
    seen = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const el = document.activeElement;
                 // The header's search form comes first on every page: walk past it.
                 if (!el || !el.form || !el.form.classList.contains('apply-form')) return null;
                 const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
                 return {tag: el.tagName, type: el.type, label: label, name: el.name,
                         focusVisible: getComputedStyle(el).outlineStyle !== 'none'
                            || getComputedStyle(el).boxShadow !== 'none'}; }"""
        )
        if info is None:
            continue
        assert info["focusVisible"], f"no visible focus on {info['name']}"
        if info["name"] == "agency" and info["tag"] == "SELECT":
            page.keyboard.press("ArrowDown")
        for prefix, text in answers.items():
            if info["label"].startswith(prefix) and info["name"] not in seen:
                page.keyboard.type(text)
                seen.add(info["name"])
        if info["name"] == "consent" and "consent" not in seen:
            page.keyboard.press("Space")
            seen.add("consent")
        if info["tag"] == "BUTTON" and info["type"] == "submit":
            break
    assert {"name", "id_number", "phone", "description", "consent"} <= seen, seen
    assert form.locator("input[name=website]").input_value() == ""
    time.sleep(max(0, _min_fill_seconds() + 0.5))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The receipt, or the form again with its errors.
    page.locator("[data-testid=tracking-number], .errorlist, .form-errors").first.wait_for()
    if "/apply/receipt/" not in page.url:
        page.screenshot(path="/tmp/security-shots/keyboard-apply-failed.png", full_page=True)
    assert "/apply/receipt/" in page.url, page.locator(".errorlist, .form-errors").all_inner_texts()
    assert page.js_errors == []


def _min_fill_seconds():
    try:
        from applications.views import min_fill_seconds
    except ImportError:
        return 3
    return min_fill_seconds()


def test_key_pages_reflow_at_200_percent_zoom(browser, live_server):
    """200 % zoom on a 1280 px screen is a 640 px CSS viewport: nothing may need sideways scrolling."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 640, "height": 800},
        device_scale_factor=2,
    )
    page = context.new_page()
    try:
        overflowing = {}
        for name, url in key_pages().items():
            page.goto(url)
            extra = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if extra > 1:
                overflowing[name] = extra
        assert overflowing == {}
    finally:
        context.close()
