"""Every change of an annual report's state: create, write the first draft, publish (or correct)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access, audit
from accounts.models import AuditEvent, Role
from reports.checks import ERROR
from reports.documents import build_snapshot
from reports.figures import report_figures
from reports.models import AnnualReport, ReportEvent, ReportFormat, ReportStatus, ReportVersion
from reports.narrative import draft

#: The statuses a report may move to from each status (publishing again is a correction).
TRANSITIONS = {
    ReportStatus.DRAFT: {ReportStatus.PUBLISHED},
    ReportStatus.PUBLISHED: {ReportStatus.PUBLISHED},
}


def _require(user, agency, *roles, action):
    if not access.has_role(user, agency, *roles):
        names = "、".join(Role(role).label for role in roles)
        raise ValidationError(f"{action}需要本机构的{names}角色。", code="forbidden")


@transaction.atomic
def report_create(*, report, by):
    """Save a new (unsaved) report for an agency and year; clerks and heads may start one."""
    _require(by, report.agency_id, Role.CLERK, Role.HEAD, action="新建年度报告")
    if report.pk is not None:
        raise ValidationError("该报告已经创建。", code="exists")
    today = timezone.localdate()
    if report.year > today.year:
        raise ValidationError(f"{report.year}年度尚未开始，不能编制该年度的报告。", code="future_year")
    if AnnualReport.objects.filter(agency_id=report.agency_id, year=report.year).exists():
        raise ValidationError(f"本机构{report.year}年度的报告已经存在，请直接修改。", code="duplicate")
    if not report.format:
        report.format = ReportFormat.for_year(report.year)
    report.full_clean()
    report.status = ReportStatus.DRAFT
    report.save()
    ReportEvent.objects.create(report=report, kind=ReportEvent.Kind.CREATED, by=by)
    return report


@transaction.atomic
def report_draft_text(*, report, by):
    """Fill the empty narrative sections with sentences generated from the figures.

    Sections staff have already written are left alone, so nothing they typed is lost.
    """
    _require(by, report.agency_id, Role.CLERK, Role.HEAD, action="生成文字初稿")
    report = AnnualReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    generated = draft(report, report_figures(report))
    filled = [field for field, text in generated.items() if text and not getattr(report, field).strip()]
    for field in filled:
        setattr(report, field, generated[field])
    if filled:
        report.save(update_fields=[*filled, "updated_at"])
    ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.DRAFTED, by=by,
        note=f"生成了{len(filled)}个部分的初稿。" if filled else "各部分均已有内容，未作改动。",
    )
    return report, filled


@transaction.atomic
def report_publish(*, report, by, reason=""):
    """Freeze every figure and sentence into a new published version.

    Only the OGI office head publishes. The first publication needs no reason; a later one is
    a correction and must say why. Failing consistency checks block publishing.
    """
    _require(by, report.agency_id, Role.HEAD, action="发布年度报告")
    report = AnnualReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if ReportStatus.PUBLISHED not in TRANSITIONS[report.status]:
        raise ValidationError("该报告当前状态不能发布。", code="bad_transition")
    previous = report.versions.current().first()
    reason = (reason or "").strip()
    if previous is not None and not reason:
        raise ValidationError("该报告已经发布过；发布更正版本时必须填写更正原因。", code="reason_required")
    snapshot = build_snapshot(report)
    errors = [check["message"] for check in snapshot["checks"] if check["level"] == ERROR]
    if errors:
        raise ValidationError(
            "报告未通过勾稽检查，不能发布：" + "；".join(errors), code="checks_failed",
        )
    version = ReportVersion.objects.create(
        report=report,
        number=(previous.number + 1) if previous else 1,
        snapshot=snapshot,
        reason=reason,
        supersedes=previous,
        published_by=by,
        published_at=timezone.now(),
    )
    report.status = ReportStatus.PUBLISHED
    report.save(update_fields=["status", "updated_at"])
    ReportEvent.objects.create(
        report=report, by=by, note=reason,
        kind=ReportEvent.Kind.CORRECTED if previous else ReportEvent.Kind.PUBLISHED,
    )
    audit.record(event=AuditEvent.Event.REPORT_PUBLISHED, actor=by, obj=version,
                 detail=f"{report} 第{version.number}版")
    return version
