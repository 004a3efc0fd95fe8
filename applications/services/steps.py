"""The machinery every step shares: dates, locking, the transition check, the stored due date,
and the event row (plus the audit record) each step writes."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access, audit
from accounts.models import AuditEvent
from applications import deadlines, notices
from applications.models import Application, ApplicationEvent, EventKind, Notice, Status


def field_error(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


def local_today():
    return timezone.localdate()


def business_date(on, *, not_before=None, what="办理日期", before_what="收到申请日期"):
    on = on or local_today()
    if on > local_today():
        raise ValidationError(f"{what}不能晚于今天。", code="future_date")
    if not_before is not None and on < not_before:
        raise ValidationError(
            f"{what}（{on:%Y-%m-%d}）不能早于{before_what}（{not_before:%Y-%m-%d}）。",
            code="date_order",
        )
    return on


def require_staff(by, application):
    if by is None or not access.can_access(by, application.agency_id):
        raise PermissionDenied("只能办理本机构的申请。")


def lock(application):
    """Re-read the row under a lock so two clerks cannot move the same application at once."""
    # of=self: lock the application row only, not its agency (other cases go on meanwhile).
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=application.pk)
    )


def move(application, to):
    if not application.can_move_to(to):
        raise ValidationError(
            f"当前状态为“{application.get_status_display()}”，不能{_VERB[to]}。",
            code="illegal_transition",
        )


_VERB = {
    Status.REVIEWING: "转入审核",
    Status.HANDLING: "转入办理",
    Status.CORRECTION: "要求补正",
    Status.CONSULTING: "征求意见",
    Status.FEE_PENDING: "发出收费通知",
    Status.REPLIED: "作出答复",
    Status.WITHDRAWN: "撤回",
    Status.ARCHIVED: "归档",
    Status.REGISTERED: "登记",
}


def pauses(application):
    if application.pk is None:
        return []
    return [(p.started_on, p.ended_on or p.until) for p in application.pauses.all()]


def current_extension(application):
    """The extension of the period now running. An extension is approved for the period then
    running (Art. 33); after a correction the period restarts (Art. 30), so an extension approved
    before it does not carry over (``application_receive_correction`` also clears it)."""
    extended_on = application.extended_on
    if extended_on is not None and extended_on < application.clock_start:
        return 0
    return application.extension_days


def due_info(application):
    """The stored due date and whether it is provisional: the correction deadline while waiting
    for a correction, otherwise the answer deadline (20, or 15 under the 2007 Regulations) with
    pauses begun while the period ran (open ones up to their own deadline) and the extension of
    the current period. A year nobody has entered gives the earliest possible date, provisional."""
    if application.status == Status.CORRECTION:
        return deadlines.Due(application.correction_due, False)
    return deadlines.answer_due_provisional(
        clock_start=application.clock_start,
        extension_days=current_extension(application),
        pauses=pauses(application),
        answer_days=deadlines.periods(application.received_on).answer,
    )


def due(application):
    return due_info(application).date


def set_due(application):
    """Recompute ``due_date`` and ``due_provisional``; True when either changed."""
    info = due_info(application)
    changed = (application.due_date, application.due_provisional) != (info.date, info.provisional)
    application.due_date, application.due_provisional = info.date, info.provisional
    return changed


# The audit event each application event is logged as: every kind named here, once.
AUDIT_EVENT = {
    EventKind.SUBMITTED: AuditEvent.Event.APPLICATION_CREATED,
    EventKind.REGISTERED: AuditEvent.Event.APPLICATION_CREATED,
    EventKind.REVIEW: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.ACCEPTED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.CORRECTION_REQUESTED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.CORRECTION_RECEIVED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.PAUSED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.RESUMED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.EXTENDED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.FEE_NOTIFIED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.FEE_PAID: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.REPLY_DRAFTED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.REPLIED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.WITHDRAWN: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.ARCHIVED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.NOTICE_ISSUED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.APPEAL_RECORDED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.APPEAL_DECIDED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.PII_REVEALED: AuditEvent.Event.PII_VIEWED,
    EventKind.RECALCULATED: AuditEvent.Event.APPLICATION_TRANSITION,
    EventKind.RECEIPT_MAILED: AuditEvent.Event.APPLICATION_TRANSITION,
}


@dataclass
class Change:
    """One change to one application, from its status and due date before (empty for a new
    application) to what it is saved as; ``save`` or ``record`` writes its one event row and its
    one audit row, in the caller's transaction."""

    application: Application
    by: object
    old_status: str = ""
    old_due: date | None = None

    @classmethod
    def of(cls, application, by):
        return cls(application, by, application.status, application.due_date)

    def save(self, kind, *, on, note="", fields=()) -> ApplicationEvent:
        """Store the step: status, the due date it now has, ``fields``, and the event."""
        application = self.application
        if application.is_open:
            set_due(application)
        application.save(update_fields=["status", "due_date", "due_provisional", *fields])
        return self.record(kind, on=on, note=note)

    def record(self, kind, *, on, note="") -> ApplicationEvent:
        application = self.application
        event = ApplicationEvent.objects.create(
            application=application,
            kind=kind,
            actor=self.by,
            on=on,
            old_status=self.old_status,
            new_status=application.status,
            old_due=self.old_due,
            new_due=application.due_date,
            note=note[:300],
        )
        audit.record(
            event=AUDIT_EVENT[kind],
            actor=self.by,
            obj=application,
            detail=f"{EventKind(kind).label} {self.old_status or '-'}→{application.status}",
        )
        return event


def begin(application, *, by) -> tuple[Application, Change]:
    """The start of every staff step: ``by`` acts for the agency, and the row is locked."""
    require_staff(by, application)
    application = lock(application)
    return application, Change.of(application, by)


def draft_notice(application, kind, **extra):
    return Notice.objects.create(
        application=application, kind=kind, **notices.draft(application, kind, **extra)
    )
