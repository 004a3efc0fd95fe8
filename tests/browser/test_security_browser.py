"""In a real browser: no Content-Security-Policy violation and no request leaving the site."""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from disclosure.models import Item
from reports.models import AnnualReport
from tests.factories import PASSWORD

# serialized_rollback: the demo needs the holiday calendars that migrations load.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def public_urls():
    call_command("seed_demo", stdout=StringIO())
    urls = [
        "/",
        "/guide/",
        "/rules/",
        "/catalog/",
        "/apply/",
        "/apply/status/",
        "/proposals/",
        "/reports/",
        "/no-such-page/",
    ]
    item = Item.objects.published().order_by("pk").first()
    if item is not None:
        urls.append(reverse("disclosure:item_detail", args=[item.pk]))
    report = AnnualReport.objects.order_by("pk").first()
    if report is not None and hasattr(report, "get_absolute_url"):
        urls.append(report.get_absolute_url())
    return urls


def watch(page):
    """Collects CSP violations (console and DOM event) and every URL the page requests."""
    violations, requests = [], []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    page.on("request", lambda request: requests.append(request.url))
    return violations, requests


def test_public_pages_break_no_csp_rule_and_request_only_the_site(page, live_server):
    violations, requests = watch(page)
    for url in public_urls():
        # goto waits for the load event: every style sheet, script and image of the page has
        # been requested and any refusal reported. Not "networkidle": Playwright can lose that
        # state when the renderer is slow (a loaded machine) and then waits for it in vain.
        page.goto(url)
        page.locator("main").wait_for()
        # Pick up violations reported to the page as events too (e.g. blocked inline styles).
        assert page.evaluate("document.querySelectorAll('[style]').length") == 0, url
    assert violations == [], violations
    assert page.js_errors == []
    site = urlsplit(live_server.url).netloc
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != site
    ]
    assert foreign == [], foreign
    assert any("/static/" in url for url in requests)


def test_the_watcher_does_see_a_violation(page):
    """Guards the two tests above: a blocked foreign image must show up as a violation."""
    violations, _ = watch(page)
    page.goto("/healthz")
    # Waits for the report itself, not a fixed time (a loaded machine may take longer).
    with page.expect_console_message(lambda msg: "Content Security Policy" in msg.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<img src=\"https://cdn.example/x.png\">')"
        )
    assert violations, "CSP violations are not being collected"


def test_admin_works_under_the_csp(page, live_server):
    violations, requests = watch(page)
    call_command("seed_demo", stdout=StringIO())
    User.objects.create_superuser("yingji", password=PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill("yingji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#user-tools").wait_for()
    urls = [
        reverse("admin:disclosure_item_changelist"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_auditevent_changelist"),
    ]
    item = Item.objects.order_by("pk").first()
    if item is not None:
        urls.append(reverse("admin:disclosure_item_change", args=[item.pk]))
    user = User.objects.get(username="yingji")
    urls.append(reverse("admin:accounts_user_change", args=[user.pk]))
    for url in urls:
        page.goto(url)  # the load event, as above
        page.locator("#content").wait_for()
        assert page.locator("#content").count() == 1, url
    # The collapsible fieldset and the admin's JavaScript still work under the policy.
    page.goto(reverse("admin:accounts_user_change", args=[user.pk]))
    page.get_by_text("应急权限（仅限运维）").click()
    assert page.locator("#id_is_superuser").is_visible()
    assert violations == [], violations
    assert page.js_errors == []
    site = urlsplit(live_server.url).netloc
    assert [
        url
        for url in requests
        if urlsplit(url).netloc not in ("", site) and urlsplit(url).scheme.startswith("http")
    ] == []
