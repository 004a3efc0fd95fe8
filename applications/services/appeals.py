"""Administrative reconsideration and litigation against an answer (report table 四)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models import Appeal, AppealKind, AppealResult, EventKind
from applications.services.steps import (
    Change,
    begin,
    business_date,
    field_error,
    require_staff,
)


@transaction.atomic
def appeal_record(*, application, by, kind: str, filed_on, body: str = "") -> Appeal:
    """Record an administrative reconsideration or a lawsuit against the answer."""
    application, change = begin(application, by=by)
    if kind not in AppealKind.values:
        raise field_error("kind", "请选择复议或诉讼类型。", "kind")
    if application.closed_on is None:
        raise ValidationError("申请尚未办结，不能登记复议或诉讼。", code="not_closed")
    filed_on = business_date(
        filed_on, not_before=application.closed_on, what="提起日期", before_what="办结日期"
    )
    if (
        kind == AppealKind.LITIGATION_AFTER
        and not application.appeals.filter(kind=AppealKind.RECONSIDERATION).exists()
    ):
        raise ValidationError("复议后起诉须先登记行政复议。", code="no_reconsideration")
    appeal = Appeal.objects.create(
        application=application, kind=kind, filed_on=filed_on, body=body.strip()
    )
    change.record(EventKind.APPEAL_RECORDED, on=filed_on, note=AppealKind(kind).label)
    return appeal


@transaction.atomic
def appeal_decide(*, appeal, by, result: str, decided_on) -> Appeal:
    require_staff(by, appeal.application)
    appeal = Appeal.objects.select_for_update().select_related("application").get(pk=appeal.pk)
    if appeal.result != AppealResult.PENDING:
        raise ValidationError("该复议或诉讼已经审结。", code="already_decided")
    if result not in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER):
        raise field_error("result", "请选择维持、纠正或其他结果。", "result")
    decided_on = business_date(
        decided_on, not_before=appeal.filed_on, what="审结日期", before_what="提起日期"
    )
    appeal.result, appeal.decided_on = result, decided_on
    appeal.save(update_fields=["result", "decided_on"])
    application = appeal.application
    Change.of(application, by).record(
        EventKind.APPEAL_DECIDED,
        on=decided_on,
        note=f"{appeal.get_kind_display()}：{appeal.get_result_display()}",
    )
    return appeal
