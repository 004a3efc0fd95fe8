"""The subscription mails. Every one carries a one-click unsubscribe link (RFC 8058 headers too)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from disclosure.models import Category
from subscriptions.tokens import confirm_token, link_lifetime, unsubscribe_token

SUBJECT_PREFIX = "【政务公开订阅】"


def describe(subscription):
    """What the subscription follows, in words: "某局 · 安全生产 · 政策类"."""
    parts = []
    if subscription.agency_id:
        parts.append(subscription.agency.name)
    if subscription.topic_id:
        parts.append(str(subscription.topic))
    if subscription.category:
        parts.append(Category(subscription.category).label)
    return " · ".join(parts)


def catalog_query(subscription):
    """The catalog filters of the subscription (the same filter code selects its items)."""
    return {
        name: value
        for name, value in (
            ("agency", subscription.agency_id),
            ("topic", subscription.topic_id),
            ("category", subscription.category),
        )
        if value
    }


def catalog_url(subscription, site_url):
    return f"{site_url}{reverse('disclosure:item_list')}?{urlencode(catalog_query(subscription))}"


def unsubscribe_url(subscription, site_url):
    return site_url + reverse("subscriptions:unsubscribe", args=[unsubscribe_token(subscription)])


def _message(subscription, *, subject, template, context, site_url):
    unsubscribe = unsubscribe_url(subscription, site_url)
    body = render_to_string(
        template,
        {
            **context,
            "subscription": subscription,
            "label": describe(subscription),
            "unsubscribe_url": unsubscribe,
            "site_url": site_url,
        },
    )
    return EmailMessage(
        subject=SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs offer their own one-click button, which POSTs
            # "List-Unsubscribe=One-Click" to this address without cookies or a login.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def confirmation(subscription, *, site_url):
    return _message(
        subscription,
        subject="请确认您的邮件订阅",
        template="subscriptions/mail_confirm.txt",
        context={
            "confirm_url": site_url
            + reverse("subscriptions:confirm", args=[confirm_token(subscription)]),
            "hours": int(link_lifetime().total_seconds() // 3600),
        },
        site_url=site_url,
    )


def already_subscribed(subscription, *, site_url):
    return _message(
        subscription,
        subject="您已订阅此内容",
        template="subscriptions/mail_already.txt",
        context={"catalog_url": catalog_url(subscription, site_url)},
        site_url=site_url,
    )


def digest(subscription, *, items, more, site_url):
    return _message(
        subscription,
        subject=f"{describe(subscription)}：{len(items) + more} 条新发布的信息",
        template="subscriptions/mail_digest.txt",
        context={
            "items": items,
            "more": more,
            "catalog_url": catalog_url(subscription, site_url),
        },
        site_url=site_url,
    )
