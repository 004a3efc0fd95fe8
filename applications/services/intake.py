"""Receiving applications: the public form and staff registration (Art. 29, 31)."""

import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import access
from applications import deadlines, pii
from applications.models import (
    Applicant,
    ApplicantType,
    Application,
    Channel,
    EventKind,
    IdType,
    Status,
)
from applications.services.receipts import receipt_code, receipt_codes_expire, seal_code
from applications.services.steps import (
    Change,
    business_date,
    field_error,
    local_today,
    set_due,
)
from applications.validators import validate_credit_code, validate_phone, validate_resident_id

PRIVACY_NOTICE_VERSION = "2024-1"
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by hand
_CODE_LENGTH = 16  # 16 × log2(31) ≈ 79 bits


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_type: str
    id_number: str
    phone: str
    email: str = ""
    address: str = ""
    org_name: str = ""
    credit_code: str = ""


def normalise_code(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_code(code):
    return pii.blind_index(normalise_code(code), field="query_code")


def code_matches(application, code):
    """Constant-time comparison of a typed query code with the stored digest."""
    expected = application.query_code_hash if application is not None else "0" * 64
    return hmac.compare_digest(expected, hash_code(code)) and application is not None


def _new_code():
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def _new_tracking_number(on):
    return f"YS{on:%Y%m%d}-{secrets.randbelow(10**6):06d}"


def _validate_applicant(applicant_type, data):
    errors = {}
    if not data.name.strip():
        errors["name"] = ValidationError("请填写申请人姓名。", code="required")
    if data.id_type == IdType.RESIDENT_ID:
        try:
            validate_resident_id(data.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc
    elif not data.id_number.strip():
        errors["id_number"] = ValidationError("请填写证件号码。", code="required")
    try:
        validate_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = exc
    if applicant_type != ApplicantType.NATURAL_PERSON:
        if not data.org_name.strip():
            errors["org_name"] = ValidationError(
                "法人或其他组织申请的，请填写组织名称。", code="required"
            )
        try:
            validate_credit_code(data.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc
    if errors:
        raise ValidationError(errors)


def _create(
    *,
    agency,
    applicant,
    applicant_type,
    channel,
    submitted_on,
    received_on,
    description,
    document_number,
    purpose,
    form,
    delivery,
    submission_key=None,
    is_demo=False,
):
    if applicant_type not in ApplicantType.values:
        raise ValidationError("申请人类型无效。", code="applicant_type")
    if not description.strip():
        raise field_error("description", "请描述所需政府信息（名称、文号或其他特征）。", "required")
    if delivery == "post" and not applicant.address.strip():
        raise field_error("address", "选择邮寄的，请填写通信地址。", "address_required")
    _validate_applicant(applicant_type, applicant)
    code = _new_code()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application(
                    agency=agency,
                    tracking_number=_new_tracking_number(received_on),
                    query_code_hash=hash_code(code),
                    applicant_type=applicant_type,
                    channel=channel,
                    submitted_on=submitted_on,
                    received_on=received_on,
                    clock_start=received_on,
                    description=description.strip(),
                    document_number=document_number.strip(),
                    purpose=purpose.strip(),
                    form=form,
                    delivery=delivery,
                    status=Status.REGISTERED,
                    privacy_notice_version=PRIVACY_NOTICE_VERSION,
                    submission_key=submission_key,
                    receipt_code=seal_code(code),
                    is_demo=is_demo,
                )
                set_due(application)
                application.save()
                break
        except IntegrityError:
            # A double submit with the same key is answered by the caller; anything else here
            # is a tracking-number collision, so draw again.
            if (
                submission_key
                and Application.objects.filter(submission_key=submission_key).exists()
            ):
                raise
            continue
    else:  # pragma: no cover - 10^6 numbers a day make five collisions in a row unrealistic
        raise ValidationError("系统繁忙，请稍后再试。", code="tracking_number")
    record = Applicant(
        application=application,
        name=applicant.name.strip(),
        org_name=applicant.org_name.strip(),
        credit_code=applicant.credit_code.strip().upper(),
        id_type=applicant.id_type,
        email=applicant.email.strip(),
    )
    record.set_personal_data(
        id_number=pii.normalise(applicant.id_number),
        phone=applicant.phone.strip(),
        address=applicant.address.strip(),
    )
    record.save()
    return application, code


# --- creation --------------------------------------------------------------------------------


def submitted(submission_key):
    """The application a one-time submission key already created, if any."""
    if not submission_key:
        return None
    return (
        Application.objects.select_related("agency").filter(submission_key=submission_key).first()
    )


@transaction.atomic(durable=True)
def application_submit(
    *,
    agency,
    applicant: ApplicantData,
    applicant_type: str,
    description: str,
    form: str,
    delivery: str,
    document_number: str = "",
    purpose: str = "",
    submission_key: str | None = None,
):
    """An online application from the public form. Returns ``(application, query_code)``;
    a repeated ``submission_key`` returns the earlier application and its code (the same receipt,
    see ``receipts``), never a second application."""
    if submission_key:
        existing = submitted(submission_key)
        if existing is not None:
            return existing, receipt_code(existing)
    receipt_codes_expire()
    today = local_today()
    # Art. 31: an online application is received on the day both sides confirm it, which for
    # this form is the moment the receipt is shown.
    try:
        application, code = _create(
            agency=agency,
            applicant=applicant,
            applicant_type=applicant_type,
            channel=Channel.ONLINE,
            submitted_on=today,
            received_on=today,
            description=description,
            document_number=document_number,
            purpose=purpose,
            form=form,
            delivery=delivery,
            submission_key=submission_key,
        )
    except IntegrityError:  # the same form was submitted twice at the same moment
        existing = Application.objects.get(submission_key=submission_key)
        return existing, receipt_code(existing)
    Change(application, by=None).record(EventKind.SUBMITTED, on=today)
    return application, code


def receipt_date(*, channel, submitted_on, signed_on=None, confirmed_on=None):
    """Art. 31: in person (and oral, written down by staff) → the day itself; post → the day the
    agency signs for it; online, fax, e-mail → the day both sides confirm receipt."""
    if channel in (Channel.IN_PERSON, Channel.PHONE):
        return submitted_on
    if channel == Channel.POST:
        if signed_on is None:
            raise field_error("signed_on", "信函申请请填写本机关签收日期。", "signed_on_required")
        if signed_on < submitted_on:
            raise field_error("signed_on", "签收日期不能早于寄出日期。", "date_order")
        return signed_on
    if confirmed_on is None:
        raise field_error(
            "confirmed_on",
            "网络、传真、电子邮件申请请填写双方确认收到的日期。",
            "confirmed_on_required",
        )
    if confirmed_on < submitted_on:
        raise field_error("confirmed_on", "确认日期不能早于发送日期。", "date_order")
    return confirmed_on


def check_received_dates(*, channel, submitted_on, signed_on=None, confirmed_on=None):
    """Refuse dates no application can have: before the Regulations took effect (2008-05-01,
    when the first applications could be made) or after today. Each error is put on the field
    that holds the wrong date, so the clerk sees where to correct it."""
    fields = {"submitted_on": ("提交日期", submitted_on)}
    if channel == Channel.POST:
        fields["signed_on"] = ("签收日期", signed_on)
    elif channel not in (Channel.IN_PERSON, Channel.PHONE):
        fields["confirmed_on"] = ("确认收到日期", confirmed_on)
    today, errors = local_today(), {}
    for field, (label, value) in fields.items():
        if value is None:
            continue
        if value < deadlines.REGULATIONS_2007:
            errors[field] = ValidationError(
                f"{label}（{value:%Y-%m-%d}）早于《中华人民共和国政府信息公开条例》施行之日"
                "（2008年5月1日），不可能是政府信息公开申请的日期，请按申请材料核对后重新填写。",
                code="before_regulations",
            )
        elif value > today:
            errors[field] = ValidationError(
                f"{label}（{value:%Y-%m-%d}）晚于今天（{today:%Y-%m-%d}），请填写已经发生的日期。",
                code="future_date",
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_register(
    *,
    agency,
    by,
    channel: str,
    submitted_on,
    applicant: ApplicantData,
    applicant_type: str,
    description: str,
    form: str,
    delivery: str,
    signed_on=None,
    confirmed_on=None,
    document_number: str = "",
    purpose: str = "",
    is_demo: bool = False,
    submission_key: str | None = None,
):
    """Staff register an application received in person, by post, fax, e-mail or phone.
    A repeated ``submission_key`` (the register form posted twice) returns the application it
    already created and its code, never a second one."""
    if by is None or not access.can_access(by, agency):
        raise PermissionDenied("只能为本机构登记申请。")
    existing = submitted(submission_key)
    if existing is not None:
        if not access.can_access(by, existing.agency_id):
            raise PermissionDenied("只能为本机构登记申请。")
        return existing, receipt_code(existing)
    if channel not in Channel.values:
        raise ValidationError("申请方式无效。", code="channel")
    check_received_dates(
        channel=channel, submitted_on=submitted_on, signed_on=signed_on, confirmed_on=confirmed_on
    )
    received_on = receipt_date(
        channel=channel, submitted_on=submitted_on, signed_on=signed_on, confirmed_on=confirmed_on
    )
    business_date(received_on, what="收到申请日期")
    try:
        application, code = _create(
            agency=agency,
            applicant=applicant,
            applicant_type=applicant_type,
            channel=channel,
            submitted_on=submitted_on,
            received_on=received_on,
            description=description,
            document_number=document_number,
            purpose=purpose,
            form=form,
            delivery=delivery,
            is_demo=is_demo,
            submission_key=submission_key,
        )
    except IntegrityError:  # the register form posted twice at the same moment
        existing = Application.objects.get(submission_key=submission_key)
        return existing, receipt_code(existing)
    Change(application, by=by).record(
        EventKind.REGISTERED, on=received_on, note=Channel(channel).label
    )
    return application, code
