"""Proposal numbers (建议提案编号): stored as the bare number, printed as 第56号 everywhere.

Staff type what the assignment list prints — 第56号, 56号, 56, full-width ５６, 0056 — and every
form is stored as ``56``; the label adds 第…号 once. Values stored before the rule (``第56号``)
print the same, because the label normalises too.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

_KEEP = re.compile(r"[0-9A-Za-z-]+")


def normalize_proposal_number(value):
    """The number alone: ``第５６号`` → ``56``; letters and hyphens (``12-1``) are kept."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = re.sub(r"\s+", "", text)
    text = text.removeprefix("第").removesuffix("号").removesuffix("號")
    text = text.removeprefix("No.").removeprefix("NO.").removeprefix("no.")
    if text.isdigit():
        text = str(int(text))  # 0056 and 56 are one number
    return text


def validate_proposal_number(value):
    """The normalised number, or a ValidationError saying what to type."""
    number = normalize_proposal_number(value)
    if not number:
        raise ValidationError("请填写编号。", code="number_required")
    if not _KEEP.fullmatch(number):
        raise ValidationError(
            f"编号“{value}”无法识别：请只填写阿拉伯数字，例如 56（页面显示为“第56号”）。",
            code="number_invalid",
        )
    return number


def proposal_number_label(value):
    """第56号 — the one printed form, for pages, the catalog title and the admin."""
    return f"第{normalize_proposal_number(value)}号"
