"""A citizen follows a filtered catalog view: by RSS, read in the browser, or by e-mail."""

import os
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from subscriptions.models import Subscription
from tests.disclosure.builders import Desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Where the screenshots go when ZWGK_SCREENSHOTS names a folder (for looking at them).
SHOTS = os.environ.get("ZWGK_SCREENSHOTS")


def shot(page, name, full_page=True):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def catalog():
    desk = Desk(name="某区应急管理局", slug="yjj", code="000014349")
    other = Desk(name="某区教育局", slug="jyj", code="000014350")
    desk.publish(
        "关于印发安全生产约谈制度的通知", category="policy", published_date=date(2024, 4, 5)
    )
    desk.publish("关于开展汛期安全检查的通知", category="policy", published_date=date(2024, 6, 3))
    desk.publish("区应急局开展烟花爆竹安全检查", category="work", published_date=date(2024, 2, 1))
    other.publish("关于做好校园安全工作的通知", category="policy", published_date=date(2024, 3, 2))
    return desk


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_feed_of_a_filtered_view_shows_only_its_items_styled(device, new_page, live_server):
    desk = catalog()
    options = (
        {"viewport": {"width": 1366, "height": 900}}
        if device == "desktop"
        else {
            "viewport": {"width": 390, "height": 844},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    )
    page = new_page(**options)
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"/catalog/agency/{desk.agency.slug}/")
    page.click("summary:has-text('高级检索')")
    page.select_option("select[name=category]", "policy")
    page.click(".catalog-filter button[type=submit]")
    page.wait_for_selector("text=共 2 条")

    page.click("a.feed-link")
    page.wait_for_url("**/catalog/agency/yjj/feed/?category=policy")
    titles = page.locator("item > title")
    assert titles.all_text_contents() == [
        "关于开展汛期安全检查的通知",
        "关于印发安全生产约谈制度的通知",
    ]
    # Laid out by feed.css: a heading and a list, not the browser's raw-text view of XML.
    assert page.locator("pre").count() == 0
    heading = page.locator("channel > title")
    assert heading.text_content() == "某区应急管理局 · 政策类 · 法定主动公开内容"
    assert heading.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert titles.first.evaluate("e => getComputedStyle(e).display") == "block"
    assert page.locator("item > link").first.is_hidden()
    assert "校园安全" not in page.content() and "烟花爆竹" not in page.content()
    # (An XML document has no body to measure a full-page screenshot by.)
    shot(page, f"feed-styled-{device}", full_page=False)

    page.go_back()
    page.click("text=如何订阅")
    page.wait_for_selector("h1:has-text('如何订阅')")
    assert page.input_value("#feed-url").endswith("/catalog/agency/yjj/feed/?category=policy")
    preview = page.locator(".feed-preview li a").all_inner_texts()
    assert preview == ["关于开展汛期安全检查的通知", "关于印发安全生产约谈制度的通知"]
    shot(page, f"feed-help-{device}")
    assert csp_errors == [] and page.js_errors == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_subscribe_by_mail_confirm_receive_and_unsubscribe(device, new_page, live_server):
    """From an agency's catalog page to a confirmed subscription, a digest and a one-click exit;
    the mails are caught by Django's locmem outbox, which the live server thread shares."""
    desk = catalog()
    options = (
        {"viewport": {"width": 1366, "height": 900}}
        if device == "desktop"
        else {
            "viewport": {"width": 390, "height": 844},
            "device_scale_factor": 2,
            "is_mobile": True,
            "has_touch": True,
        }
    )
    page = new_page(**options)
    page.goto(f"/catalog/agency/{desk.agency.slug}/?category=policy")
    page.click("text=邮件订阅")
    page.wait_for_selector("h1:has-text('邮件订阅')")
    assert page.input_value("#id_agency") == str(desk.agency.pk)
    assert page.input_value("#id_category") == "policy"
    page.fill("#id_email", "citizen@example.com")
    shot(page, f"subscribe-form-{device}")
    page.click("button:has-text('发送确认邮件')")
    page.wait_for_selector("h1:has-text('请查收确认邮件')")
    shot(page, f"subscribe-requested-{device}")
    (confirmation,) = mail.outbox
    assert confirmation.to == ["citizen@example.com"]
    confirm = re.search(r"http://\S+/subscriptions/confirm/\S+/", confirmation.body).group(0)

    page.goto(confirm)
    shot(page, f"subscribe-confirm-{device}")
    page.click("button:has-text('确认订阅')")
    page.wait_for_selector("h1:has-text('订阅成功')")
    assert "某区应急管理局 · 政策类" in page.inner_text("main")
    shot(page, f"subscribe-confirmed-{device}")

    desk.publish("关于加强森林防火的通知", category="policy", published_date=timezone.localdate())
    desk.publish("区应急局召开防火工作会", category="work", published_date=timezone.localdate())
    call_command("send_subscriptions", site_url=live_server.url, stdout=StringIO())
    digest = mail.outbox[-1]
    assert "关于加强森林防火的通知" in digest.body and "防火工作会" not in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in digest.body

    page.goto(unsubscribe)
    shot(page, f"unsubscribe-{device}")
    page.click("button:has-text('退订')")
    page.wait_for_selector("h1:has-text('已退订')")
    shot(page, f"unsubscribed-{device}")
    assert not Subscription.objects.exists()
    assert page.js_errors == []
