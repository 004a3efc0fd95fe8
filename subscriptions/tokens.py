"""The signed links of the subscription mails: ``[id, nonce]``, never the address.

A confirmation link expires after ``ZWGK_SUBSCRIBE_LINK_HOURS``; an unsubscribe link works as
long as its subscription exists. A new request changes the nonce, so older links stop working.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def link_lifetime():
    return timedelta(hours=settings.ZWGK_SUBSCRIBE_LINK_HOURS)


def confirm_token(subscription):
    return signing.dumps([subscription.pk, subscription.nonce], salt=CONFIRM_SALT)


def unsubscribe_token(subscription):
    return signing.dumps([subscription.pk, subscription.nonce], salt=UNSUBSCRIBE_SALT)


def load(token, *, salt, max_age=None):
    """(id, nonce) of a link's token; a ValidationError a citizen can act on otherwise."""
    try:
        pk, nonce = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationError("确认链接已过期，请重新提交订阅。", code="expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError(
            "链接无效，请检查是否完整复制了邮件中的链接。", code="invalid"
        ) from exc
    return pk, nonce
