"""Masking of personal data in free text: ID numbers and mobile numbers (PIPL).

Used for audit details and by the logging filter, so a value that slipped into a message is
never written out in full.
"""

import logging
import re

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
        return True
