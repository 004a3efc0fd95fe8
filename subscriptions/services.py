"""E-mail subscriptions: request (double opt-in), confirm, unsubscribe (links: ``tokens``)."""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.masking import mask_email
from applications import pii
from disclosure.models import ItemEvent, ItemEventKind
from subscriptions import mails, tokens
from subscriptions.models import Subscription

log = logging.getLogger(__name__)


def subscription_key(*, email, agency=None, topic=None, category=""):
    """The keyed digest of an address and what it follows (one row per address and content)."""
    what = (
        f"{email.strip().lower()}|{getattr(agency, 'pk', '')}|{getattr(topic, 'pk', '')}|{category}"
    )
    return pii.blind_index(what, field="subscription")


def latest_publication():
    """The id of the newest 发布 event: what a new subscriber has already "seen"."""
    return (
        ItemEvent.objects.filter(kind=ItemEventKind.PUBLISHED).aggregate(last=Max("id"))["last"]
        or 0
    )


def purge_unconfirmed(now=None):
    """Delete requests whose confirmation link has expired: their addresses are not kept."""
    now = now or timezone.now()
    return (
        Subscription.objects.pending()
        .filter(requested_at__lt=now - tokens.link_lifetime())
        .delete()[0]
    )


@transaction.atomic
def subscription_request(*, email, agency=None, topic=None, category="", site_url):
    """Record a request and mail its confirmation link (or, when the address already follows
    this content, a reminder with its unsubscribe link). Mails go after the commit.

    The caller shows the same answer whatever happened, so that nobody learns from the page
    whether an address is subscribed.
    """
    if agency is None and topic is None:
        raise ValidationError("请至少选择一个发布机构或主题分类。", code="nothing")
    purge_unconfirmed()
    now = timezone.now()
    key = subscription_key(email=email, agency=agency, topic=topic, category=category)
    subscription = Subscription.objects.select_for_update().filter(key=key).first()
    if subscription is not None and subscription.confirmed_at:
        message = mails.already_subscribed(subscription, site_url=site_url)
    else:
        if subscription is None:
            subscription = Subscription(
                key=key, email=email.strip(), agency=agency, topic=topic, category=category
            )
        subscription.nonce = secrets.token_hex(16)
        subscription.requested_at = now
        subscription.save()
        message = mails.confirmation(subscription, site_url=site_url)
    log.info("subscription requested for %s (#%s)", mask_email(email), subscription.pk)
    transaction.on_commit(message.send)
    return subscription


@transaction.atomic
def subscription_confirm(*, token):
    """Confirm a request: from now on, items published after this moment are mailed."""
    pk, nonce = tokens.load(token, salt=tokens.CONFIRM_SALT, max_age=tokens.link_lifetime())
    subscription = Subscription.objects.select_for_update().filter(pk=pk, nonce=nonce).first()
    if subscription is None:
        raise ValidationError(
            "链接已失效（可能已重新申请或已退订），请使用最新一封确认邮件中的链接。", code="invalid"
        )
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.sent_upto = latest_publication()
        subscription.save(update_fields=["confirmed_at", "sent_upto"])
        log.info("subscription #%s confirmed", subscription.pk)
    return subscription


@transaction.atomic
def subscription_cancel(*, token):
    """Unsubscribe: the row and its address are deleted. True if there was one to delete."""
    pk, nonce = tokens.load(token, salt=tokens.UNSUBSCRIBE_SALT)
    deleted = Subscription.objects.filter(pk=pk, nonce=nonce).delete()[0]
    if deleted:
        log.info("subscription #%s cancelled and deleted", pk)
    return bool(deleted)
