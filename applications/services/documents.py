"""Notices (告知书): drafts are edited, then issued — numbered and frozen (see ``replies`` for
what issuing a reply does to the application)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models import Notice, NoticeKind
from applications.services.replies import issue_locked
from applications.services.steps import (
    begin,
    business_date,
    draft_notice,
    field_error,
    require_staff,
)


@transaction.atomic(durable=True)
def notice_update(*, notice, by, body: str) -> Notice:
    """Edit a draft; an issued notice is an official document and never changes."""
    require_staff(by, notice.application)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已出具，不能再修改。", code="notice_frozen")
    if not body.strip():
        raise field_error("body", "正文不能为空。", "body_required")
    notice.body = body.strip()
    notice.save(update_fields=["body"])
    return notice


@transaction.atomic
def notice_issue(*, notice, by, on=None) -> Notice:
    """Number, date and freeze the notice; issuing a reply answers the application (已答复)."""
    application, change = begin(notice.application, by=by)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError("告知书已经出具。", code="notice_frozen")
    on = business_date(on, not_before=application.received_on, what="出具日期")
    return issue_locked(application, change, notice, on=on)


@transaction.atomic(durable=True)
def application_acknowledge(*, application, by) -> Notice:
    """Draft the 受理回执 for an application received on paper (one per application). A draft
    changes nothing and records nothing; issuing it is the recorded act."""
    application, _change = begin(application, by=by)
    existing = application.notices.filter(kind=NoticeKind.ACKNOWLEDGEMENT).first()
    if existing is not None:
        return existing
    return draft_notice(application, NoticeKind.ACKNOWLEDGEMENT)
