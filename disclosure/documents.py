"""文号 (document numbers) after GB/T 9704-2012: ``<issuer>〔<year>〕<n>号``."""

import re

from django.core.exceptions import ValidationError

_OPEN = "〔【[［(（"
_CLOSE = "〕】]］)）"
_NUMBER = re.compile(
    rf"^(?P<issuer>[^{re.escape(_OPEN + _CLOSE)}\s]+)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<n>\d+)\s*号$"
)


def normalize_document_number(value):
    """Return the normalised number (hexagonal brackets, no leading zeros, no 第), or raise."""
    value = (value or "").strip()
    if not value:
        return ""
    found = _NUMBER.match(value)
    if not found or int(found["n"]) == 0:
        raise ValidationError(
            "文号格式应为“发文机关代字〔年份〕序号号”，例如 吴利政办发〔2017〕120号。",
            code="invalid_document_number",
        )
    return f"{found['issuer']}〔{found['year']}〕{int(found['n'])}号"
