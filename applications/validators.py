"""Checks on what applicants type: resident ID checksum (GB 11643-1999), credit code, phone."""

import re

from django.core.exceptions import ValidationError

_ID18 = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_CREDIT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_PHONE = re.compile(r"^\+?[\d\-\s]{7,20}$")


def resident_id_check_char(first17):
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_resident_id(value):
    value = (value or "").strip().upper()
    if not _ID18.match(value):
        raise ValidationError(
            "居民身份证号码应为18位：17位数字加1位数字或字母X。", code="id_format"
        )
    if resident_id_check_char(value[:17]) != value[17]:
        raise ValidationError("居民身份证号码校验位不正确，请核对后重新填写。", code="id_checksum")


def validate_credit_code(value):
    if not _CREDIT.match((value or "").strip().upper()):
        raise ValidationError("统一社会信用代码应为18位数字或大写字母。", code="credit_code")


def validate_phone(value):
    if not _PHONE.match(value or "") or sum(c.isdigit() for c in value) < 7:
        raise ValidationError("请填写有效的联系电话（手机或座机）。", code="phone")
