"""Every state change of an application: keyword-only, atomic, validated, one event row each.

``on`` is the business date of the action (staff often record yesterday's post); it defaults to
today and may not lie in the future. Refusals are ``ValidationError`` with a Chinese message and
a code; nothing is changed when one is raised.
"""

import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access
from accounts.models import Role
from applications import deadlines, fees, notices, pii
from applications.deadlines import checked
from applications.models import (
    OPEN_STATUSES,
    Appeal,
    AppealKind,
    AppealResult,
    Applicant,
    ApplicantType,
    Application,
    ApplicationEvent,
    Channel,
    ClockPause,
    EventKind,
    FeeMethod,
    IdType,
    Notice,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)
from applications.validators import validate_credit_code, validate_phone, validate_resident_id
from workdays.calendar import add_workdays

try:  # the audit log of the security work; applications keep their own event rows regardless
    from accounts import audit
except ImportError:  # pragma: no cover
    audit = None

PRIVACY_NOTICE_VERSION = "2024-1"
PII_ROLES = {Role.CLERK, Role.HEAD}  # roles of the receiving agency that may read full PII
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


# --- helpers ---------------------------------------------------------------------------------

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


def _field_error(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


def _today():
    return timezone.localdate()


def _date(on, *, not_before=None, what="办理日期", before_what="收到申请日期"):
    on = on or _today()
    if on > _today():
        raise ValidationError(f"{what}不能晚于今天。", code="future_date")
    if not_before is not None and on < not_before:
        raise ValidationError(
            f"{what}（{on:%Y-%m-%d}）不能早于{before_what}（{not_before:%Y-%m-%d}）。",
            code="date_order",
        )
    return on


def _require_staff(by, application):
    if by is None or not access.can_access(by, application.agency_id):
        raise PermissionDenied("只能办理本机构的申请。")


def _lock(application):
    """Re-read the row under a lock so two clerks cannot move the same application at once."""
    return Application.objects.select_for_update().select_related("agency").get(pk=application.pk)


def _move(application, to):
    if not application.can_move_to(to):
        raise ValidationError(
            f"当前状态为“{application.get_status_display()}”，不能{_VERB[to]}。",
            code="illegal_transition",
        )


_VERB = {
    Status.REVIEWING: "转入审核", Status.HANDLING: "转入办理", Status.CORRECTION: "要求补正",
    Status.CONSULTING: "征求意见", Status.FEE_PENDING: "发出收费通知", Status.REPLIED: "作出答复",
    Status.WITHDRAWN: "撤回", Status.ARCHIVED: "归档", Status.REGISTERED: "登记",
}


def _pauses(application):
    if application.pk is None:
        return []
    return [(p.started_on, p.ended_on or p.until) for p in application.pauses.all()]


def _due(application):
    """The stored due date: the correction deadline while waiting for a correction, otherwise
    the answer deadline with pauses (open ones up to their own deadline) and any extension."""
    if application.status == Status.CORRECTION:
        return application.correction_due
    return checked(
        deadlines.answer_due,
        clock_start=application.clock_start,
        extension_days=application.extension_days,
        pauses=_pauses(application),
    )


def _due_if_known(application):
    """Receiving an application never fails for want of a calendar (Art. 31): the due date stays
    empty until the year's schedule is entered, and staff steps then refuse with the message."""
    try:
        return _due(application)
    except ValidationError as exc:
        if getattr(exc, "code", None) != "unknown_calendar_year":
            raise
        return None


def _event(application, *, kind, by, on, old_status, old_due, note=""):
    event = ApplicationEvent.objects.create(
        application=application, kind=kind, actor=by, on=on, old_status=old_status,
        new_status=application.status, old_due=old_due, new_due=application.due_date,
        note=note[:300],
    )
    if audit is not None:
        name = "APPLICATION_CREATED" if kind in (EventKind.SUBMITTED, EventKind.REGISTERED) else (
            "PII_VIEWED" if kind == EventKind.PII_REVEALED else "APPLICATION_TRANSITION"
        )
        audit.record(event=getattr(audit.Event, name), actor=by, obj=application,
                     detail=f"{EventKind(kind).label} {old_status or '-'}→{application.status}")
    return event


def _save(application, *, kind, by, on, old_status, old_due, note="", fields=()):
    application.due_date = _due(application) if application.is_open else application.due_date
    application.save(update_fields=["status", "due_date", *fields])
    return _event(application, kind=kind, by=by, on=on, old_status=old_status, old_due=old_due,
                  note=note)


def _draft_notice(application, kind, **extra):
    return Notice.objects.create(application=application, kind=kind,
                                 **notices.draft(application, kind, **extra))


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
            errors["org_name"] = ValidationError("法人或其他组织申请的，请填写组织名称。", code="required")
        try:
            validate_credit_code(data.credit_code)
        except ValidationError as exc:
            errors["credit_code"] = exc
    if errors:
        raise ValidationError(errors)


def _create(*, agency, applicant, applicant_type, channel, submitted_on, received_on,
            description, document_number, purpose, form, delivery, submission_key=None,
            is_demo=False):
    if applicant_type not in ApplicantType.values:
        raise ValidationError("申请人类型无效。", code="applicant_type")
    if not description.strip():
        raise _field_error("description", "请描述所需政府信息（名称、文号或其他特征）。", "required")
    if delivery == "post" and not applicant.address.strip():
        raise _field_error("address", "选择邮寄的，请填写通信地址。", "address_required")
    _validate_applicant(applicant_type, applicant)
    code = _new_code()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application(
                    agency=agency, tracking_number=_new_tracking_number(received_on),
                    query_code_hash=hash_code(code), applicant_type=applicant_type,
                    channel=channel, submitted_on=submitted_on, received_on=received_on,
                    clock_start=received_on, description=description.strip(),
                    document_number=document_number.strip(), purpose=purpose.strip(), form=form,
                    delivery=delivery, status=Status.REGISTERED,
                    privacy_notice_version=PRIVACY_NOTICE_VERSION,
                    submission_key=submission_key, is_demo=is_demo,
                )
                application.due_date = _due_if_known(application)
                application.save()
                break
        except IntegrityError:
            # A double submit with the same key is answered by the caller; anything else here
            # is a tracking-number collision, so draw again.
            if submission_key and Application.objects.filter(submission_key=submission_key).exists():
                raise
            continue
    else:  # pragma: no cover - 10^6 numbers a day make five collisions in a row unrealistic
        raise ValidationError("系统繁忙，请稍后再试。", code="tracking_number")
    record = Applicant(
        application=application, name=applicant.name.strip(),
        org_name=applicant.org_name.strip(), credit_code=applicant.credit_code.strip().upper(),
        id_type=applicant.id_type, email=applicant.email.strip(),
    )
    record.set_personal_data(id_number=pii.normalise(applicant.id_number),
                             phone=applicant.phone.strip(), address=applicant.address.strip())
    record.save()
    return application, code


# --- creation --------------------------------------------------------------------------------

@transaction.atomic
def application_submit(*, agency, applicant: ApplicantData, applicant_type: str, description: str,
                       form: str, delivery: str, document_number: str = "", purpose: str = "",
                       submission_key: str | None = None):
    """An online application from the public form. Returns ``(application, query_code)``;
    a repeated ``submission_key`` returns the earlier application and ``None`` for the code."""
    if submission_key:
        existing = Application.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, None
    today = _today()
    # Art. 31: an online application is received on the day both sides confirm it, which for
    # this form is the moment the receipt is shown.
    try:
        application, code = _create(
            agency=agency, applicant=applicant, applicant_type=applicant_type,
            channel=Channel.ONLINE, submitted_on=today, received_on=today,
            description=description, document_number=document_number, purpose=purpose,
            form=form, delivery=delivery, submission_key=submission_key,
        )
    except IntegrityError:  # the same form was submitted twice at the same moment
        return Application.objects.get(submission_key=submission_key), None
    _event(application, kind=EventKind.SUBMITTED, by=None, on=today, old_status="", old_due=None)
    return application, code


def receipt_date(*, channel, submitted_on, signed_on=None, confirmed_on=None):
    """Art. 31: in person (and oral, written down by staff) → the day itself; post → the day the
    agency signs for it; online, fax, e-mail → the day both sides confirm receipt."""
    if channel in (Channel.IN_PERSON, Channel.PHONE):
        return submitted_on
    if channel == Channel.POST:
        if signed_on is None:
            raise _field_error("signed_on", "信函申请请填写本机关签收日期。", "signed_on_required")
        if signed_on < submitted_on:
            raise _field_error("signed_on", "签收日期不能早于寄出日期。", "date_order")
        return signed_on
    if confirmed_on is None:
        raise _field_error("confirmed_on", "网络、传真、电子邮件申请请填写双方确认收到的日期。", "confirmed_on_required")
    if confirmed_on < submitted_on:
        raise _field_error("confirmed_on", "确认日期不能早于发送日期。", "date_order")
    return confirmed_on


@transaction.atomic
def application_register(*, agency, by, channel: str, submitted_on, applicant: ApplicantData,
                         applicant_type: str, description: str, form: str, delivery: str,
                         signed_on=None, confirmed_on=None, document_number: str = "",
                         purpose: str = "", is_demo: bool = False):
    """Staff register an application received in person, by post, fax, e-mail or phone."""
    if by is None or not access.can_access(by, agency):
        raise PermissionDenied("只能为本机构登记申请。")
    if channel not in Channel.values:
        raise ValidationError("申请方式无效。", code="channel")
    received_on = receipt_date(channel=channel, submitted_on=submitted_on, signed_on=signed_on,
                               confirmed_on=confirmed_on)
    _date(received_on, what="收到申请日期")
    application, code = _create(
        agency=agency, applicant=applicant, applicant_type=applicant_type, channel=channel,
        submitted_on=submitted_on, received_on=received_on, description=description,
        document_number=document_number, purpose=purpose, form=form, delivery=delivery,
        is_demo=is_demo,
    )
    _event(application, kind=EventKind.REGISTERED, by=by, on=received_on, old_status="",
           old_due=None, note=Channel(channel).label)
    return application, code


# --- workflow --------------------------------------------------------------------------------

@transaction.atomic
def application_review(*, application, by, on=None) -> Application:
    """登记 → 审核."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    old_status, old_due = application.status, application.due_date
    _move(application, Status.REVIEWING)
    application.status = Status.REVIEWING
    _save(application, kind=EventKind.REVIEW, by=by, on=on, old_status=old_status, old_due=old_due)
    return application


@transaction.atomic
def application_accept(*, application, by, on=None) -> Application:
    """审核 → 办理: the application is complete and is being handled."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    old_status, old_due = application.status, application.due_date
    _move(application, Status.HANDLING)
    application.status = Status.HANDLING
    _save(application, kind=EventKind.ACCEPTED, by=by, on=on, old_status=old_status,
          old_due=old_due)
    return application


@transaction.atomic
def application_request_correction(*, application, by, items: str, on=None,
                                   days: int = deadlines.DEFAULT_CORRECTION_WORKDAYS) -> Application:
    """Art. 30: once, within 7 working days of receipt, listing what to fix and a period."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    if application.correction_requested_on is not None:
        raise ValidationError("补正只能要求一次，本申请已经要求过补正。", code="correction_once")
    if not items.strip():
        raise _field_error("items", "请列明需要补正的事项。", "items_required")
    if not 1 <= days <= 30:
        raise _field_error("days", "补正期限应为1至30个工作日。", "days")
    latest = checked(add_workdays, application.received_on, deadlines.CORRECTION_REQUEST_WORKDAYS)
    if on > latest:
        raise ValidationError(
            f"补正应在收到申请之日起7个工作日内（{latest:%Y-%m-%d}前）一次性告知，已超过期限。",
            code="correction_too_late",
        )
    old_status, old_due = application.status, application.due_date
    _move(application, Status.CORRECTION)
    application.status = Status.CORRECTION
    application.correction_requested_on = on
    application.correction_due = checked(add_workdays, on, days)
    _save(application, kind=EventKind.CORRECTION_REQUESTED, by=by, on=on, old_status=old_status,
          old_due=old_due, fields=["correction_requested_on", "correction_due"])
    _draft_notice(application, NoticeKind.CORRECTION, items=items.strip())
    return application


@transaction.atomic
def application_receive_correction(*, application, by, on=None) -> Application:
    """The corrected application arrived: the answer clock restarts from that day (Art. 30)."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.correction_requested_on, before_what="告知补正日期")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.REVIEWING)
    if application.correction_due and on > application.correction_due:
        raise ValidationError(
            f"补正期限已于{application.correction_due:%Y-%m-%d}届满；逾期未补正的，"
            "应以“申请人无正当理由逾期不补正”办结。",
            code="correction_late",
        )
    application.status = Status.REVIEWING
    application.correction_received_on = on
    application.clock_start = on
    _save(application, kind=EventKind.CORRECTION_RECEIVED, by=by, on=on, old_status=old_status,
          old_due=old_due, fields=["correction_received_on", "clock_start"])
    return application


@transaction.atomic
def application_pause(*, application, by, kind: str, party: str, on=None) -> Application:
    """Consult a third party (Art. 32) or another agency (Art. 34); the time is not counted."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.clock_start, before_what="答复期限起算日")
    if kind not in (PauseKind.THIRD_PARTY, PauseKind.AGENCY):
        raise _field_error("kind", "请选择征求第三方意见或征求其他机关意见。", "kind")
    if not party.strip():
        raise _field_error("party", "请填写征求意见的对象。", "party_required")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.CONSULTING)
    workdays = (deadlines.THIRD_PARTY_WORKDAYS if kind == PauseKind.THIRD_PARTY
                else deadlines.AGENCY_CONSULTATION_WORKDAYS)
    pause = ClockPause.objects.create(application=application, kind=kind, party=party.strip(),
                                      started_on=on, until=checked(add_workdays, on, workdays))
    application.status = Status.CONSULTING
    _save(application, kind=EventKind.PAUSED, by=by, on=on, old_status=old_status,
          old_due=old_due, note=PauseKind(kind).label)
    _draft_notice(application, NoticeKind.CONSULTATION, pause=pause)
    return application


def _end_pause(application, on):
    pause = application.pauses.filter(ended_on__isnull=True).order_by("-started_on").first()
    if pause is not None:
        if on < pause.started_on:
            raise ValidationError(f"结束日期不能早于暂停开始日期（{pause.started_on:%Y-%m-%d}）。",
                                  code="date_order")
        pause.ended_on = on
        pause.save(update_fields=["ended_on"])
    return pause


@transaction.atomic
def application_resume(*, application, by, on=None) -> Application:
    """The consulted party answered (or its period ran out): the clock runs again."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    old_status, old_due = application.status, application.due_date
    _move(application, Status.HANDLING)
    _end_pause(application, on)
    application.status = Status.HANDLING
    _save(application, kind=EventKind.RESUMED, by=by, on=on, old_status=old_status,
          old_due=old_due)
    return application


@transaction.atomic
def application_extend(*, application, by, days: int, reason: str, on=None) -> Application:
    """Art. 33: with the OGI office head's approval, at most 20 working days, once."""
    _require_staff(by, application)
    if not ({Role.HEAD} & access.roles_in(by, application.agency_id)) and not by.is_superuser:
        raise PermissionDenied("延期答复须经本机构负责人同意，只有负责人可以办理延期。")
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    if application.extension_days:
        raise ValidationError("答复期限只能延长一次，本申请已经延期。", code="extended_once")
    if application.status not in (Status.REVIEWING, Status.HANDLING, Status.CONSULTING,
                                  Status.FEE_PENDING):
        raise ValidationError(
            f"当前状态为“{application.get_status_display()}”，不能延期。", code="illegal_transition"
        )
    if not 1 <= days <= deadlines.MAX_EXTENSION_WORKDAYS:
        raise _field_error("days", "延长的期限最长不得超过20个工作日。", "days")
    if not reason.strip():
        raise _field_error("reason", "请填写延期理由。", "reason_required")
    if application.due_date and on > application.due_date:
        raise ValidationError(
            f"答复期限已于{application.due_date:%Y-%m-%d}届满，不能再延期。", code="already_due"
        )
    old_status, old_due = application.status, application.due_date
    application.extension_days = days
    application.extension_reason = reason.strip()
    application.extended_on = on
    _save(application, kind=EventKind.EXTENDED, by=by, on=on, old_status=old_status,
          old_due=old_due, note=f"延长{days}个工作日",
          fields=["extension_days", "extension_reason", "extended_on"])
    _draft_notice(application, NoticeKind.EXTENSION)
    return application


def applications_in_month(application):
    """The position of this application among the applicant's applications to the same agency in
    its calendar month (for the per-application fee); the blind index identifies the applicant."""
    first = application.received_on.replace(day=1)
    index = application.applicant.id_index
    earlier = Application.objects.filter(
        agency_id=application.agency_id, applicant__id_index=index,
        received_on__range=(first, application.received_on),
    ).exclude(received_on=application.received_on, pk__gt=application.pk)
    return earlier.count()


@transaction.atomic
def application_fee_notice(*, application, by, method: str, pages: int | None = None,
                           on=None) -> Application:
    """Send a fee notice (国办函〔2020〕109号); the clock stops until payment."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on)
    old_status, old_due = application.status, application.due_date
    _move(application, Status.FEE_PENDING)
    if application.fee_notified_on is not None:
        raise ValidationError("本申请已经发出过收费通知。", code="fee_once")
    if method == FeeMethod.BY_COUNT:
        units = applications_in_month(application)
        amount = fees.fee_by_count(units)
    elif method == FeeMethod.BY_PAGE:
        if not pages or pages < 1:
            raise _field_error("pages", "按量计收时请填写页数。", "pages_required")
        units, amount = pages, fees.fee_by_pages(pages)
    else:
        raise _field_error("method", "请选择计收方式。", "method")
    if amount <= 0:
        raise ValidationError(
            f"按{FeeMethod(method).label}计算应收金额为0元，依规定不收费。", code="fee_free"
        )
    ClockPause.objects.create(application=application, kind=PauseKind.FEE, started_on=on,
                              until=checked(add_workdays, on, deadlines.FEE_PAYMENT_WORKDAYS))
    application.status = Status.FEE_PENDING
    application.fee_method, application.fee_units, application.fee_amount = method, units, amount
    application.fee_notified_on = on
    _save(application, kind=EventKind.FEE_NOTIFIED, by=by, on=on, old_status=old_status,
          old_due=old_due, note=f"应收{amount}元",
          fields=["fee_method", "fee_units", "fee_amount", "fee_notified_on"])
    _draft_notice(application, NoticeKind.FEE, pause=application.pauses.order_by("-id").first())
    return application


@transaction.atomic
def application_fee_paid(*, application, by, amount: Decimal, on=None) -> Application:
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.fee_notified_on, before_what="收费通知日期")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.HANDLING)
    amount = Decimal(amount)
    if amount != application.fee_amount:
        raise ValidationError(
            {"amount": f"实收金额应与通知金额 {application.fee_amount} 元一致。"}, code="amount"
        )
    _end_pause(application, on)
    application.status = Status.HANDLING
    application.fee_paid_amount, application.fee_paid_on = amount, on
    _save(application, kind=EventKind.FEE_PAID, by=by, on=on, old_status=old_status,
          old_due=old_due, note=f"实收{amount}元", fields=["fee_paid_amount", "fee_paid_on"])
    return application


@transaction.atomic
def application_reply(*, application, by, outcome: str, on=None, note: str = "") -> Application:
    """Answer with exactly one of the 22 outcomes; the application is closed on ``on``."""
    _require_staff(by, application)
    application = _lock(application)
    if not outcome:
        raise _field_error("outcome", "请选择办理结果。", "outcome_required")
    if outcome not in Outcome.values:
        raise _field_error("outcome", "办理结果无效。", "outcome_invalid")
    on = _date(on, not_before=application.received_on, what="答复日期")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.REPLIED)
    status = application.status
    if status == Status.CORRECTION:
        if outcome != Outcome.NO_CORRECTION:
            raise ValidationError("待补正的申请只能以“逾期不补正”办结，或收到补正后继续办理。",
                                  code="outcome_status")
        if on <= application.correction_due:
            raise ValidationError(f"补正期限{application.correction_due:%Y-%m-%d}尚未届满。",
                                  code="correction_not_due")
    elif status == Status.FEE_PENDING:
        if outcome != Outcome.UNPAID_FEE:
            raise ValidationError("待缴费的申请只能以“逾期未缴费”办结，或缴费后继续办理。",
                                  code="outcome_status")
        pause = application.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).first()
        if pause and on <= pause.until:
            raise ValidationError(f"缴费期限{pause.until:%Y-%m-%d}尚未届满。", code="fee_not_due")
    elif outcome in (Outcome.NO_CORRECTION, Outcome.UNPAID_FEE):
        raise ValidationError("只有待补正或待缴费且逾期的申请才能选择该结果。", code="outcome_status")
    _end_pause(application, on)
    application.status = Status.REPLIED
    application.outcome, application.closed_on = outcome, on
    _save(application, kind=EventKind.REPLIED, by=by, on=on, old_status=old_status,
          old_due=old_due, note=note or Outcome(outcome).label, fields=["outcome", "closed_on"])
    _draft_notice(application, NoticeKind.REPLY)
    return application


@transaction.atomic
def application_withdraw(*, application, by, on=None, reason: str = "") -> Application:
    """The applicant withdrew: closed on ``on`` and counted as （六）3. 其他."""
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.received_on, what="撤回日期")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.WITHDRAWN)
    _end_pause(application, on)
    application.status = Status.WITHDRAWN
    application.outcome, application.closed_on = Outcome.OTHER, on
    _save(application, kind=EventKind.WITHDRAWN, by=by, on=on, old_status=old_status,
          old_due=old_due, note=reason or "申请人撤回申请", fields=["outcome", "closed_on"])
    return application


@transaction.atomic
def application_archive(*, application, by, on=None) -> Application:
    _require_staff(by, application)
    application = _lock(application)
    on = _date(on, not_before=application.closed_on, before_what="办结日期")
    old_status, old_due = application.status, application.due_date
    _move(application, Status.ARCHIVED)
    if (application.status == Status.REPLIED and not application.notices.filter(
            kind=NoticeKind.REPLY, status=NoticeStatus.ISSUED).exists()):
        raise ValidationError("答复书尚未出具，不能归档。", code="reply_not_issued")
    application.status = Status.ARCHIVED
    _save(application, kind=EventKind.ARCHIVED, by=by, on=on, old_status=old_status,
          old_due=old_due)
    return application


# --- notices ---------------------------------------------------------------------------------

@transaction.atomic
def notice_update(*, notice, by, number: str, body: str) -> Notice:
    """Edit a draft; an issued notice is an official document and never changes."""
    _require_staff(by, notice.application)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已出具，不能再修改。", code="notice_frozen")
    if not body.strip():
        raise _field_error("body", "正文不能为空。", "body_required")
    notice.number, notice.body = number.strip(), body.strip()
    notice.save(update_fields=["number", "body"])
    return notice


@transaction.atomic
def notice_issue(*, notice, by, on=None) -> Notice:
    _require_staff(by, notice.application)
    notice = Notice.objects.select_for_update().select_related("application").get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已经出具。", code="notice_frozen")
    if not notice.number.strip():
        raise _field_error("number", "出具前请填写文号。", "number_required")
    application = notice.application
    on = _date(on, not_before=application.received_on, what="出具日期")
    notice.status, notice.issued_on, notice.issued_by = NoticeStatus.ISSUED, on, by
    notice.save(update_fields=["status", "issued_on", "issued_by"])
    _event(application, kind=EventKind.NOTICE_ISSUED, by=by, on=on,
           old_status=application.status, old_due=application.due_date,
           note=f"{notice.title} {notice.number}")
    return notice


# --- appeals ---------------------------------------------------------------------------------

@transaction.atomic
def appeal_record(*, application, by, kind: str, filed_on, body: str = "") -> Appeal:
    """Record an administrative reconsideration or a lawsuit against the answer."""
    _require_staff(by, application)
    application = _lock(application)
    if kind not in AppealKind.values:
        raise _field_error("kind", "请选择复议或诉讼类型。", "kind")
    if application.closed_on is None:
        raise ValidationError("申请尚未办结，不能登记复议或诉讼。", code="not_closed")
    filed_on = _date(filed_on, not_before=application.closed_on, what="提起日期",
                     before_what="办结日期")
    if kind == AppealKind.LITIGATION_AFTER and not application.appeals.filter(
            kind=AppealKind.RECONSIDERATION).exists():
        raise ValidationError("复议后起诉须先登记行政复议。", code="no_reconsideration")
    appeal = Appeal.objects.create(application=application, kind=kind, filed_on=filed_on,
                                   body=body.strip())
    _event(application, kind=EventKind.APPEAL_RECORDED, by=by, on=filed_on,
           old_status=application.status, old_due=application.due_date,
           note=AppealKind(kind).label)
    return appeal


@transaction.atomic
def appeal_decide(*, appeal, by, result: str, decided_on) -> Appeal:
    _require_staff(by, appeal.application)
    appeal = Appeal.objects.select_for_update().select_related("application").get(pk=appeal.pk)
    if appeal.result != AppealResult.PENDING:
        raise ValidationError("该复议或诉讼已经审结。", code="already_decided")
    if result not in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER):
        raise _field_error("result", "请选择维持、纠正或其他结果。", "result")
    decided_on = _date(decided_on, not_before=appeal.filed_on, what="审结日期",
                       before_what="提起日期")
    appeal.result, appeal.decided_on = result, decided_on
    appeal.save(update_fields=["result", "decided_on"])
    application = appeal.application
    _event(application, kind=EventKind.APPEAL_DECIDED, by=by, on=decided_on,
           old_status=application.status, old_due=application.due_date,
           note=f"{appeal.get_kind_display()}：{appeal.get_result_display()}")
    return appeal


# --- personal data ---------------------------------------------------------------------------

def can_reveal(user, application):
    """Full personal data: clerk or head of the receiving agency itself (not district admins)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(PII_ROLES & access.roles_in(user, application.agency_id) - {Role.DISTRICT_ADMIN})


@transaction.atomic
def applicant_reveal(*, application, by) -> dict:
    """One record's full ID number, phone and address; every reveal is an event (and audited)."""
    if not can_reveal(by, application):
        raise PermissionDenied("只有受理机构的信息员或负责人可以查看申请人完整信息。")
    values = Applicant.objects.get(application=application).reveal()
    _event(application, kind=EventKind.PII_REVEALED, by=by, on=_today(),
           old_status=application.status, old_due=application.due_date)
    return values


__all__ = [
    "OPEN_STATUSES", "ApplicantData", "applicant_reveal", "application_accept",
    "application_archive", "application_extend", "application_fee_notice",
    "application_fee_paid", "application_pause", "application_receive_correction",
    "application_register", "application_reply", "application_request_correction",
    "application_resume", "application_review", "application_submit", "application_withdraw",
    "appeal_decide", "appeal_record", "can_reveal", "code_matches", "notice_issue",
    "notice_update", "receipt_date",
]
