"""The machinery every step shares: dates, locking, the transition check, the stored due date,
and the event row (plus the audit record) each step writes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access
from applications import deadlines, notices
from applications.deadlines import checked
from applications.models import Application, ApplicationEvent, EventKind, Notice, Status

try:  # the audit log of the security work; applications keep their own event rows regardless
    from accounts import audit
except ImportError:  # pragma: no cover
    audit = None


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
    return (Application.objects.select_for_update(of=("self",)).select_related("agency")
            .get(pk=application.pk))


def move(application, to):
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


def pauses(application):
    if application.pk is None:
        return []
    return [(p.started_on, p.ended_on or p.until) for p in application.pauses.all()]


def due(application):
    """The stored due date: the correction deadline while waiting for a correction, otherwise
    the answer deadline with pauses (open ones up to their own deadline) and any extension."""
    if application.status == Status.CORRECTION:
        return application.correction_due
    return checked(
        deadlines.answer_due,
        clock_start=application.clock_start,
        extension_days=application.extension_days,
        pauses=pauses(application),
    )


def due_if_known(application):
    """Receiving an application never fails for want of a calendar (Art. 31): the due date stays
    empty until the year's schedule is entered, and staff steps then refuse with the message."""
    try:
        return due(application)
    except ValidationError as exc:
        if getattr(exc, "code", None) != "unknown_calendar_year":
            raise
        return None


def record_event(application, *, kind, by, on, old_status, old_due, note=""):
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


def save_step(application, *, kind, by, on, old_status, old_due, note="", fields=()):
    application.due_date = due(application) if application.is_open else application.due_date
    application.save(update_fields=["status", "due_date", *fields])
    return record_event(application, kind=kind, by=by, on=on, old_status=old_status, old_due=old_due,
                  note=note)


def draft_notice(application, kind, **extra):
    return Notice.objects.create(application=application, kind=kind,
                                 **notices.draft(application, kind, **extra))
