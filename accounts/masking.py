"""Masking of personal data in free text: ID numbers and mobile numbers (PIPL).

Used for audit details and by the logging filter, so a value that slipped into a message is
never written out in full.
"""

import logging
import re

from django.utils.log import AdminEmailHandler

# 18-digit resident ID (last character may be X), 15-digit old IDs, and mainland mobiles.
_ID18 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{6}(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id_number(value):
    value = value or ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    value = value or ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


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
