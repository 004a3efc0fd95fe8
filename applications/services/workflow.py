"""The Art. 45 workflow after receipt: review, correction, consultation, extension, fees, reply,
withdrawal and archiving. Each function moves along ``models.TRANSITIONS`` or refuses."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import access
from accounts.models import Role
from applications import deadlines, fees
from applications.deadlines import checked
from applications.models import (
    Application,
    ClockPause,
    EventKind,
    FeeMethod,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)
from applications.services.steps import (
    begin,
    business_date,
    draft_notice,
    field_error,
    move,
)
from workdays.calendar import add_workdays


@transaction.atomic
def application_review(*, application, by, on=None) -> Application:
    """登记 → 审核."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on)
    move(application, Status.REVIEWING)
    application.status = Status.REVIEWING
    change.save(EventKind.REVIEW, on=on)
    return application


@transaction.atomic
def application_accept(*, application, by, on=None) -> Application:
    """审核 → 办理: the application is complete and is being handled."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on)
    move(application, Status.HANDLING)
    application.status = Status.HANDLING
    change.save(EventKind.ACCEPTED, on=on)
    return application


@transaction.atomic
def application_request_correction(
    *, application, by, items: str, on=None, days: int = deadlines.DEFAULT_CORRECTION_WORKDAYS
) -> Application:
    """Art. 30: once, within 7 working days of receipt, listing what to fix and a period."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on)
    if application.correction_requested_on is not None:
        raise ValidationError("补正只能要求一次，本申请已经要求过补正。", code="correction_once")
    if not items.strip():
        raise field_error("items", "请列明需要补正的事项。", "items_required")
    if not 1 <= days <= 30:
        raise field_error("days", "补正期限应为1至30个工作日。", "days")
    latest = checked(add_workdays, application.received_on, deadlines.CORRECTION_REQUEST_WORKDAYS)
    if on > latest:
        raise ValidationError(
            f"补正应在收到申请之日起7个工作日内（{latest:%Y-%m-%d}前）一次性告知，已超过期限。",
            code="correction_too_late",
        )
    move(application, Status.CORRECTION)
    application.status = Status.CORRECTION
    application.correction_requested_on = on
    application.correction_due = checked(add_workdays, on, days)
    change.save(
        EventKind.CORRECTION_REQUESTED, on=on, fields=["correction_requested_on", "correction_due"]
    )
    draft_notice(application, NoticeKind.CORRECTION, items=items.strip(), days=days)
    return application


@transaction.atomic
def application_receive_correction(*, application, by, on=None) -> Application:
    """The corrected application arrived: the answer clock restarts from that day (Art. 30)."""
    application, change = begin(application, by=by)
    on = business_date(
        on, not_before=application.correction_requested_on, before_what="告知补正日期"
    )
    move(application, Status.REVIEWING)
    if application.correction_due and on > application.correction_due:
        raise ValidationError(
            f"补正期限已于{application.correction_due:%Y-%m-%d}届满；逾期未补正的，"
            "应以“申请人无正当理由逾期不补正”办结。",
            code="correction_late",
        )
    application.status = Status.REVIEWING
    application.correction_received_on = on
    application.clock_start = on
    note = ""
    if application.extension_days:
        # The extension was approved for the period that ran before the correction (Art. 33);
        # the restarted period (Art. 30) needs its own approval if it needs one.
        note = (
            f"此前批准的延期{application.extension_days}个工作日随原期限失效；如需延期，须重新批准"
        )
        application.extension_days = 0
    change.save(
        EventKind.CORRECTION_RECEIVED,
        on=on,
        note=note,
        fields=["correction_received_on", "clock_start", "extension_days"],
    )
    return application


@transaction.atomic
def application_pause(*, application, by, kind: str, party: str, on=None) -> Application:
    """Consult a third party (Art. 32) or another agency (Art. 34); the time is not counted."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.clock_start, before_what="答复期限起算日")
    if kind not in (PauseKind.THIRD_PARTY, PauseKind.AGENCY):
        raise field_error("kind", "请选择征求第三方意见或征求其他机关意见。", "kind")
    if not party.strip():
        raise field_error("party", "请填写征求意见的对象。", "party_required")
    move(application, Status.CONSULTING)
    workdays = (
        deadlines.THIRD_PARTY_WORKDAYS
        if kind == PauseKind.THIRD_PARTY
        else deadlines.AGENCY_CONSULTATION_WORKDAYS
    )
    pause = ClockPause.objects.create(
        application=application,
        kind=kind,
        party=party.strip(),
        started_on=on,
        until=checked(add_workdays, on, workdays),
    )
    application.status = Status.CONSULTING
    change.save(
        EventKind.PAUSED, on=on, note=PauseKind(kind).label + _late_pause_note(change.old_due, on)
    )
    draft_notice(application, NoticeKind.CONSULTATION, pause=pause)
    return application


def _late_pause_note(due_date, on):
    """Art. 32/33 exclude the time only while the period runs: a late pause is allowed (the
    consultation may still be needed) but the application stays overdue, and the row says so."""
    if deadlines.pause_is_late(due_date=due_date, on=on):
        return f"（答复期限已于{due_date:%Y-%m-%d}届满，暂停时间不再扣除，仍属逾期）"
    return ""


def _end_pause(application, on):
    pause = application.pauses.filter(ended_on__isnull=True).order_by("-started_on").first()
    if pause is not None:
        if on < pause.started_on:
            raise ValidationError(
                f"结束日期不能早于暂停开始日期（{pause.started_on:%Y-%m-%d}）。", code="date_order"
            )
        pause.ended_on = on
        pause.save(update_fields=["ended_on"])
    return pause


@transaction.atomic
def application_resume(*, application, by, on=None) -> Application:
    """The consulted party answered (or its period ran out): the clock runs again."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on)
    move(application, Status.HANDLING)
    _end_pause(application, on)
    application.status = Status.HANDLING
    change.save(EventKind.RESUMED, on=on)
    return application


@transaction.atomic
def application_extend(*, application, by, days: int, reason: str, on=None) -> Application:
    """Art. 33: with the OGI office head's approval, at most 20 working days, once."""
    application, change = begin(application, by=by)
    if not ({Role.HEAD} & access.roles_in(by, application.agency_id)) and not by.is_superuser:
        raise PermissionDenied("延期答复须经本机构负责人同意，只有负责人可以办理延期。")
    on = business_date(on, not_before=application.received_on)
    if application.extension_days:
        raise ValidationError("答复期限只能延长一次，本申请已经延期。", code="extended_once")
    if application.status not in (
        Status.REVIEWING,
        Status.HANDLING,
        Status.CONSULTING,
        Status.FEE_PENDING,
    ):
        raise ValidationError(
            f"当前状态为“{application.get_status_display()}”，不能延期。", code="illegal_transition"
        )
    longest = deadlines.periods(application.received_on).max_extension
    if not 1 <= days <= longest:
        raise field_error("days", f"延长的期限最长不得超过{longest}个工作日。", "days")
    if not reason.strip():
        raise field_error("reason", "请填写延期理由。", "reason_required")
    if application.due_date and on > application.due_date:
        raise ValidationError(
            f"答复期限已于{application.due_date:%Y-%m-%d}届满，不能再延期。", code="already_due"
        )
    application.extension_days = days
    application.extension_reason = reason.strip()
    application.extended_on = on
    change.save(
        EventKind.EXTENDED,
        on=on,
        note=f"延长{days}个工作日",
        fields=["extension_days", "extension_reason", "extended_on"],
    )
    draft_notice(application, NoticeKind.EXTENSION)
    return application


def applications_in_month(application):
    """The position of this application among the applicant's applications to the same agency in
    its calendar month (for the per-application fee); the blind index identifies the applicant."""
    first = application.received_on.replace(day=1)
    index = application.applicant.id_index
    earlier = Application.objects.filter(
        agency_id=application.agency_id,
        applicant__id_index=index,
        received_on__range=(first, application.received_on),
    ).exclude(received_on=application.received_on, pk__gt=application.pk)
    return earlier.count()


@transaction.atomic
def application_fee_notice(
    *, application, by, method: str, pages: int | None = None, on=None
) -> Application:
    """Send a fee notice (国办函〔2020〕109号); the clock stops until payment."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on)
    move(application, Status.FEE_PENDING)
    if application.fee_notified_on is not None:
        raise ValidationError("本申请已经发出过收费通知。", code="fee_once")
    if method == FeeMethod.BY_COUNT:
        units = applications_in_month(application)
        amount = fees.fee_by_count(units)
    elif method == FeeMethod.BY_PAGE:
        if not pages or pages < 1:
            raise field_error("pages", "按量计收时请填写页数。", "pages_required")
        units, amount = pages, fees.fee_by_pages(pages)
    else:
        raise field_error("method", "请选择计收方式。", "method")
    if amount <= 0:
        raise ValidationError(
            f"按{FeeMethod(method).label}计算应收金额为0元，依规定不收费。", code="fee_free"
        )
    ClockPause.objects.create(
        application=application,
        kind=PauseKind.FEE,
        started_on=on,
        until=checked(add_workdays, on, deadlines.FEE_PAYMENT_WORKDAYS),
    )
    application.status = Status.FEE_PENDING
    application.fee_method, application.fee_units, application.fee_amount = method, units, amount
    application.fee_notified_on = on
    change.save(
        EventKind.FEE_NOTIFIED,
        on=on,
        note=f"应收{amount}元" + _late_pause_note(change.old_due, on),
        fields=["fee_method", "fee_units", "fee_amount", "fee_notified_on"],
    )
    draft_notice(application, NoticeKind.FEE, pause=application.pauses.order_by("-id").first())
    return application


@transaction.atomic
def application_fee_paid(*, application, by, amount: Decimal, on=None) -> Application:
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.fee_notified_on, before_what="收费通知日期")
    move(application, Status.HANDLING)
    amount = Decimal(amount)
    if amount != application.fee_amount:
        raise ValidationError(
            {"amount": f"实收金额应与通知金额 {application.fee_amount} 元一致。"}, code="amount"
        )
    _end_pause(application, on)
    application.status = Status.HANDLING
    application.fee_paid_amount, application.fee_paid_on = amount, on
    change.save(
        EventKind.FEE_PAID, on=on, note=f"实收{amount}元", fields=["fee_paid_amount", "fee_paid_on"]
    )
    return application


@transaction.atomic
def application_withdraw(*, application, by, on=None, reason: str = "") -> Application:
    """The applicant withdrew: closed on ``on`` and counted as （六）3. 其他."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on, what="撤回日期")
    move(application, Status.WITHDRAWN)
    _end_pause(application, on)
    application.status = Status.WITHDRAWN
    application.outcome, application.closed_on = Outcome.OTHER, on
    change.save(
        EventKind.WITHDRAWN, on=on, note=reason or "申请人撤回申请", fields=["outcome", "closed_on"]
    )
    return application


@transaction.atomic
def application_archive(*, application, by, on=None) -> Application:
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.closed_on, before_what="办结日期")
    move(application, Status.ARCHIVED)
    if (
        application.status == Status.REPLIED
        and not application.notices.filter(
            kind=NoticeKind.REPLY, status=NoticeStatus.ISSUED
        ).exists()
    ):
        raise ValidationError("答复书尚未出具，不能归档。", code="reply_not_issued")
    application.status = Status.ARCHIVED
    change.save(EventKind.ARCHIVED, on=on)
    return application
