"""Masking of personal data (PIPL): the one place that decides what of a value stays readable.

The ``mask_*`` functions mask one known value (applicants' records, exports, notices);
``mask_text`` finds ID and mobile numbers in free text, for audit rows and the logging filter, so
a value that slipped into a message is never written out in full.
"""

import logging
import re

from django.utils.log import AdminEmailHandler

# 18-digit resident ID (last character may be X), 15-digit old IDs, and mainland mobiles.
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{6}(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id_number(value):
    """``110101********1234`` for resident IDs; other documents show at most three characters.

    A passport or permit number is short (8–12 characters): the region-code-and-last-four rule of
    resident IDs would leave it almost readable, so it keeps only its first and last two.
    """
    value = value or ""
    length = len(value)
    if length == 18:
        head, tail = 6, 4
    elif length == 15:  # the old resident ID: the birth date (characters 7–12) is hidden
        head, tail = 6, 3
    elif length >= 6:
        head, tail = 1, 2
    else:
        head = tail = 0
    return value[:head] + "*" * (length - head - tail) + value[length - tail :]


def mask_phone(value):
    """``138****5678``."""
    value = value or ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value):
    value = value or ""
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""


def mask_email(value):
    local, _, domain = (value or "").partition("@")
    if not domain:
        return mask_phone(value)
    return f"{local[:1]}***@{domain}"


def mask_address(value):
    # The first six characters name province/city/district; the street address is hidden.
    value = value or ""
    return value[:6] + "****" if value else ""


def mask_text(text):
    """Replace ID and mobile numbers in ``text`` by their masked form."""
    text = _ID18.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _ID15.sub(lambda m: m.group(1) + "******" + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class PersonalDataFilter(logging.Filter):
    """Logging filter: masks ID and mobile numbers in every record before any handler sees it."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not this filter's business
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is masked once for every handler.
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        return True


class MaskingAdminEmailHandler(AdminEmailHandler):
    """Error mails with ID and mobile numbers masked in the whole report, not just the message.

    ``sensitive_post_parameters`` hides the form fields; this catches a number that reached an
    exception message, a URL or a header.
    """

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask_text(kwargs["html_message"])
        super().send_mail(mask_text(subject), mask_text(message), *args, **kwargs)
