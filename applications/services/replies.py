"""The reply (答复): drafted from one of the 21 outcomes, previewed, and issued. Issuing the reply
notice is what answers the application: only then is it 已答复, closed on the issue date, and the
deadline check (on time or late) reads that date. Notices are numbered when they are issued."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications import notice_texts, notices
from applications.models import (
    Application,
    EventKind,
    Notice,
    NoticeCounter,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)
from applications.services.steps import Change, begin, business_date, field_error, move
from applications.services.workflow import _end_pause


def allocate_number(agency, year):
    """The next notice number of ``agency`` for ``year``, inside the issuing transaction.

    The counter row is locked (SELECT … FOR UPDATE), so two clerks issuing at once are served
    one after the other; a rolled-back issue rolls its serial back, so numbers have no gaps.
    """
    NoticeCounter.objects.get_or_create(agency=agency, year=year)
    counter = NoticeCounter.objects.select_for_update().get(agency=agency, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return notices.render_number(agency.notice_number_pattern, year=year, seq=counter.last_seq)


def check_outcome(application, outcome, on):
    """Whether ``outcome`` may close ``application`` on ``on`` (checked when drafting and again
    when the reply is issued, since the status or the date may have changed in between)."""
    if not outcome:
        raise field_error("outcome", "请选择办理结果。", "outcome_required")
    if outcome not in Outcome.values:
        raise field_error("outcome", "办理结果无效。", "outcome_invalid")
    move(application, Status.REPLIED)
    status = application.status
    if status == Status.CORRECTION:
        if outcome != Outcome.NO_CORRECTION:
            raise ValidationError(
                "待补正的申请只能以“逾期不补正”办结，或收到补正后继续办理。", code="outcome_status"
            )
        if on <= application.correction_due:
            raise ValidationError(
                f"补正期限{application.correction_due:%Y-%m-%d}尚未届满。",
                code="correction_not_due",
            )
    elif status == Status.FEE_PENDING:
        if outcome != Outcome.UNPAID_FEE:
            raise ValidationError(
                "待缴费的申请只能以“逾期未缴费”办结，或缴费后继续办理。", code="outcome_status"
            )
        pause = application.pauses.filter(kind=PauseKind.FEE, ended_on__isnull=True).first()
        if pause and on <= pause.until:
            raise ValidationError(f"缴费期限{pause.until:%Y-%m-%d}尚未届满。", code="fee_not_due")
    elif outcome in (Outcome.NO_CORRECTION, Outcome.UNPAID_FEE):
        raise ValidationError(
            "只有待补正或待缴费且逾期的申请才能选择该结果。", code="outcome_status"
        )


REPLY_DETAILS = ("reason", "withheld", "ground", "organ", "organ_contact", "published", "basis")


def _reply_details(outcome, values):
    details = {key: (values.get(key) or "").strip() for key in REPLY_DETAILS}
    if outcome == Outcome.PARTIAL:
        if not details["withheld"]:
            raise field_error("withheld", "部分公开时请写明不予公开的内容。", "withheld_required")
        if details["ground"] not in notice_texts.GROUNDS:
            raise field_error("ground", "部分公开时请选择不予公开部分的依据。", "ground_required")
    else:
        details["withheld"] = details["ground"] = ""
    if outcome != Outcome.NOT_HELD:
        details["organ"] = details["organ_contact"] = ""
    if outcome != Outcome.GRANTED:
        details["published"] = ""
    if outcome == Outcome.OTHER:
        if not details["reason"]:
            raise field_error("reason", "选择“其他”时请写明处理理由。", "reason_required")
        if not details["basis"]:
            raise field_error(
                "basis", "选择“其他”时请写明法律依据（法律、法规的名称和条款）。", "basis_required"
            )
    else:
        details["basis"] = ""
    return {key: value for key, value in details.items() if value}


def _draft_reply(application, *, outcome, on, details) -> Notice:
    """Write (or rewrite) the one draft reply of ``application`` (locked by the caller)."""
    check_outcome(application, outcome, on)
    details = _reply_details(outcome, details)
    fields = notices.draft(application, NoticeKind.REPLY, outcome=outcome, details=details)
    notice = (
        application.notices.select_for_update()
        .filter(kind=NoticeKind.REPLY, status=NoticeStatus.DRAFT)
        .first()
    )
    if notice is None:
        return Notice.objects.create(application=application, kind=NoticeKind.REPLY, **fields)
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.save(update_fields=[*fields])
    return notice


@transaction.atomic
def application_reply_draft(
    *,
    application,
    by,
    outcome: str,
    on=None,
    reason: str = "",
    withheld: str = "",
    ground: str = "",
    organ: str = "",
    organ_contact: str = "",
    published: str = "",
    basis: str = "",
) -> Notice:
    """Draft (or redraft) the reply notice. The application stays open until it is issued."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on, what="答复日期")
    notice = _draft_reply(
        application,
        outcome=outcome,
        on=on,
        details={
            "reason": reason,
            "withheld": withheld,
            "ground": ground,
            "organ": organ,
            "organ_contact": organ_contact,
            "published": published,
            "basis": basis,
        },
    )
    change.record(EventKind.REPLY_DRAFTED, on=on, note=Outcome(outcome).label.split("（")[0])
    return notice


def close_with_reply(application, change: Change, *, notice, on):
    """Issuing the reply answers the application: 已答复 from the issue date, one event
    (答复) naming the notice. Called by ``issue_locked`` with the notice numbered."""
    check_outcome(application, notice.outcome, on)
    _end_pause(application, on)
    application.status = Status.REPLIED
    application.outcome, application.closed_on = notice.outcome, on
    change.save(
        EventKind.REPLIED,
        on=on,
        note=f"{Outcome(notice.outcome).label.split('（')[0]}，{notice.title} {notice.number}",
        fields=["outcome", "closed_on"],
    )
    return application


@transaction.atomic
def application_reply(
    *, application, by, outcome: str, on=None, note: str = "", **details
) -> Application:
    """Reply and issue at once (imports, demo data, tests): closed on ``on``, one 答复 event.
    ``note`` is accepted for older callers; the event names the outcome and the notice."""
    application, change = begin(application, by=by)
    on = business_date(on, not_before=application.received_on, what="答复日期")
    notice = _draft_reply(application, outcome=outcome, on=on, details=details)
    issue_locked(application, change, notice, on=on)
    return application


def issue_locked(application, change: Change, notice, *, on) -> Notice:
    """Issue ``notice`` of the locked ``application``: one event, 答复 for a reply (which closes
    the application), 出具告知书 for any other notice."""
    if notice.kind == NoticeKind.REPLY:
        check_outcome(application, notice.outcome, on)  # before a number is used up
    notice.number = allocate_number(application.agency, on.year)
    notice.status, notice.issued_on, notice.issued_by = NoticeStatus.ISSUED, on, change.by
    notice.save(update_fields=["number", "status", "issued_on", "issued_by"])
    if notice.kind == NoticeKind.REPLY:
        close_with_reply(application, change, notice=notice, on=on)
    else:
        change.record(EventKind.NOTICE_ISSUED, on=on, note=f"{notice.title} {notice.number}")
    return notice
