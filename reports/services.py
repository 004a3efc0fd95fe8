"""Every change of an annual report's state: create, write the first draft, publish (or correct)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import access, audit
from accounts.models import AuditEvent, Role
from disclosure.selectors import interpretation_counts
from reports.checks import ERROR
from reports.deadlines import in_chinese
from reports.documents import build_snapshot
from reports.figures import agency_ids_for, report_figures
from reports.models import (
    AnnualReport,
    ReportEvent,
    ReportFormat,
    ReportStatus,
    ReportVersion,
    publishing_opens,
)
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
def report_create(*, report, by, today=None):
    """Save a new (unsaved) report for an agency and year; clerks and heads may start one."""
    _require(by, report.agency_id, Role.CLERK, Role.HEAD, action="新建年度报告")
    if report.pk is not None:
        raise ValidationError("该报告已经创建。", code="exists")
    today = today or timezone.localdate()
    if report.year > today.year:
        raise ValidationError(
            f"{report.year}年度尚未开始，不能编制该年度的报告。", code="future_year"
        )
    if AnnualReport.objects.filter(agency_id=report.agency_id, year=report.year).exists():
        raise ValidationError(
            f"本机构{report.year}年度的报告已经存在，请直接修改。", code="duplicate"
        )
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
    if report.is_transcribed:
        raise ValidationError("据原文录入的报告按原文填写各部分，不生成初稿。", code="transcribed")
    interpretations = interpretation_counts(
        agency_ids=agency_ids_for(report.agency, report.covers_units), year=report.year
    )
    generated = draft(report, report_figures(report), interpretations)
    filled = [
        field for field, text in generated.items() if text and not getattr(report, field).strip()
    ]
    for field in filled:
        setattr(report, field, generated[field])
    if filled:
        report.save(update_fields=[*filled, "updated_at"])
    ReportEvent.objects.create(
        report=report,
        kind=ReportEvent.Kind.DRAFTED,
        by=by,
        note=f"生成了{len(filled)}个部分的初稿。" if filled else "各部分均已有内容，未作改动。",
    )
    return report, filled


def _check_publication_date(report, previous, published_on, today):
    """The year must be over; a date given for a report published elsewhere must be possible."""
    opens = publishing_opens(report.year)
    if previous is None and today < opens:
        raise ValidationError(
            f"{report.year}年度尚未结束，报告现在只能预览，不能发布；"
            f"{in_chinese(opens)}起可以发布（统计期限至{report.year}年12月31日）。",
            code="year_not_ended",
        )
    if report.is_transcribed and previous is None and published_on is None:
        raise ValidationError(
            "据原文录入的报告须填写原报告的实际发布日期（见原文落款或原网站的发布时间）。",
            code="date_required",
        )
    if published_on is None:
        return today
    if published_on > today:
        raise ValidationError(
            f"发布日期{in_chinese(published_on)}晚于今天，请填写实际发布的日期。",
            code="date_future",
        )
    if published_on < opens:
        raise ValidationError(
            f"发布日期{in_chinese(published_on)}早于{report.year}年度结束，请核对：年度报告最早于"
            f"{in_chinese(opens)}发布。",
            code="date_before_year_end",
        )
    return published_on


@transaction.atomic
def report_publish(*, report, by, reason="", published_on=None, today=None):
    """Freeze every figure and sentence into a new published version.

    Only the OGI office head publishes, and only once the year is over: the statistics run
    to 31 December, so a report on a year still running can be previewed, never published.
    The first publication needs no reason; a later one is a correction and must say why (a
    correction stays possible whatever the date). ``published_on`` is the day the report was
    really made public — for a past report entered from its published text, its original
    date; by default today. Failing consistency checks block publishing.
    """
    _require(by, report.agency_id, Role.HEAD, action="发布年度报告")
    today = today or timezone.localdate()
    report = AnnualReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if ReportStatus.PUBLISHED not in TRANSITIONS[report.status]:
        raise ValidationError("该报告当前状态不能发布。", code="bad_transition")
    previous = report.versions.current().first()
    reason = (reason or "").strip()
    if previous is not None and not reason:
        raise ValidationError(
            "该报告已经发布过；发布更正版本时必须填写更正原因。", code="reason_required"
        )
    published_on = _check_publication_date(report, previous, published_on, today)
    snapshot = build_snapshot(report)
    errors = [check["message"] for check in snapshot["checks"] if check["level"] == ERROR]
    if errors:
        raise ValidationError(
            "报告未通过勾稽检查，不能发布：" + "；".join(errors),
            code="checks_failed",
        )
    version = ReportVersion.objects.create(
        report=report,
        number=(previous.number + 1) if previous else 1,
        snapshot=snapshot,
        reason=reason,
        supersedes=previous,
        published_by=by,
        published_at=timezone.now(),
        published_on=published_on,
    )
    report.status = ReportStatus.PUBLISHED
    report.save(update_fields=["status", "updated_at"])
    note = reason
    if published_on != today:
        note = "；".join(filter(None, [f"实际发布日期{in_chinese(published_on)}（补录）", reason]))
    ReportEvent.objects.create(
        report=report,
        by=by,
        note=note,
        kind=ReportEvent.Kind.CORRECTED if previous else ReportEvent.Kind.PUBLISHED,
    )
    audit.record(
        event=AuditEvent.Event.REPORT_PUBLISHED,
        actor=by,
        obj=version,
        detail=f"{report} 第{version.number}版，发布日期{published_on.isoformat()}",
    )
    return version
