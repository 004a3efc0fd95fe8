"""Notices (告知书): drafts are edited, then issued and frozen."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models import EventKind, Notice, NoticeStatus
from applications.services.steps import (
    Change,
    business_date,
    field_error,
    require_staff,
)


@transaction.atomic(durable=True)
def notice_update(*, notice, by, number: str, body: str) -> Notice:
    """Edit a draft; an issued notice is an official document and never changes."""
    require_staff(by, notice.application)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已出具，不能再修改。", code="notice_frozen")
    if not body.strip():
        raise field_error("body", "正文不能为空。", "body_required")
    notice.number, notice.body = number.strip(), body.strip()
    notice.save(update_fields=["number", "body"])
    return notice


@transaction.atomic
def notice_issue(*, notice, by, on=None) -> Notice:
    require_staff(by, notice.application)
    notice = Notice.objects.select_for_update().select_related("application").get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已经出具。", code="notice_frozen")
    if not notice.number.strip():
        raise field_error("number", "出具前请填写文号。", "number_required")
    application = notice.application
    on = business_date(on, not_before=application.received_on, what="出具日期")
    notice.status, notice.issued_on, notice.issued_by = NoticeStatus.ISSUED, on, by
    notice.save(update_fields=["status", "issued_on", "issued_by"])
    Change.of(application, by).record(EventKind.NOTICE_ISSUED, on=on,
                                      note=f"{notice.title} {notice.number}")
    return notice
