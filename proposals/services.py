"""Every change to a proposal: keyword-only, atomic, validated, one event row each.

A refused change raises ``ValidationError`` (a message a clerk understands, and a code) or
``PermissionDenied`` and leaves the database as it was.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import access as agency_access
from accounts import audit
from accounts.models import AuditEvent
from disclosure import screening
from disclosure.contentcheck import HitKind, mask_personal
from disclosure.documents import normalize_document_number
from proposals import access, catalog
from proposals.deadlines import REHANDLING_MONTHS, add_months, answer_due, chinese_date, latest_due
from proposals.models import (
    PUBLICATION_TRANSITIONS,
    TRANSITIONS,
    Event,
    EventKind,
    HandlingMode,
    Opinion,
    Proposal,
    PublicationMode,
    PublicationStatus,
    Satisfaction,
    Status,
)
from proposals.numbers import validate_proposal_number
from workdays.calendar import UnknownCalendarYear, workdays_between


def _event(proposal, kind, by, note="", **data):
    # The security audit trail, in the same transaction (the note may name people: not copied).
    audit.record(
        event=AuditEvent.Event.PROPOSAL_TRANSITION,
        actor=by,
        obj=proposal,
        detail=f"{kind} → {proposal.status}",
    )
    return Event.objects.create(proposal=proposal, kind=kind, by=by, note=note[:300], data=data)


def _move(proposal, status):
    if status not in TRANSITIONS[proposal.status]:
        raise ValidationError(
            f"当前状态为「{proposal.get_status_display()}」，不能转为「{Status(status).label}」。",
            code="bad_transition",
        )
    proposal.status = status


def _move_publication(proposal, status):
    if status not in PUBLICATION_TRANSITIONS[proposal.publication_status]:
        raise ValidationError(
            f"公开状态为「{proposal.get_publication_status_display()}」，"
            f"不能转为「{PublicationStatus(status).label}」。",
            code="bad_publication_transition",
        )
    proposal.publication_status = status


def _require_open(proposal, what):
    if not proposal.is_open:
        raise ValidationError(
            f"该建议提案已答复（{proposal.get_status_display()}），不能再{what}。", code="not_open"
        )


def _not_future(day, label):
    if day > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。", code="future_date")


def _required(value, label):
    if not (value or "").strip():
        raise ValidationError(f"请填写{label}。", code="required")
    return value.strip()


def _lock(proposal):
    """Re-read the row under a lock so that two clerks cannot act on a stale copy."""
    return (
        Proposal.objects.select_for_update()
        .select_related("lead_unit", "session")
        .get(pk=proposal.pk)
    )


def validate_registration(
    *, by, session, number, lead_unit, assigned_date, handling_mode, co_units
):
    """The checks of ``proposal_register``, also run by the registration form to keep the input."""
    if not agency_access.has_role(by, lead_unit, *access.HANDLERS):
        raise PermissionDenied("只能为本单位登记主办的建议提案。")
    number = validate_proposal_number(number)
    _not_future(assigned_date, "交办日期")
    if handling_mode == HandlingMode.JOINT and not [u for u in co_units if u.pk != lead_unit.pk]:
        raise ValidationError("办理方式为会办时，请至少选择一个会办单位。", code="no_co_units")
    if Proposal.objects.filter(session=session, number=number).exists():
        raise ValidationError(
            f"{session}已有编号为「{number}」的建议提案，请核对编号。",
            code="duplicate_number",
        )
    return number


@transaction.atomic
def proposal_register(
    *,
    by,
    session,
    kind,
    number,
    title,
    content,
    proposer,
    lead_unit,
    assigned_date,
    timing="during",
    co_signers="",
    proposer_contact="",
    co_units=(),
    handling_mode=HandlingMode.LEAD,
    is_demo=False,
) -> Proposal:
    """Register an assigned proposal; its answer is due 3 calendar months after assignment."""
    co_units = [unit for unit in co_units if unit.pk != lead_unit.pk]
    number = validate_registration(
        by=by,
        session=session,
        number=number,
        lead_unit=lead_unit,
        assigned_date=assigned_date,
        handling_mode=handling_mode,
        co_units=co_units,
    )
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                session=session,
                kind=kind,
                timing=timing,
                number=number,
                title=_required(title, "标题"),
                content=_required(content, "内容"),
                proposer=_required(proposer, "领衔代表或第一提案人"),
                co_signers=co_signers.strip(),
                proposer_contact=proposer_contact.strip(),
                lead_unit=lead_unit,
                handling_mode=handling_mode,
                assigned_date=assigned_date,
                due_date=answer_due(assigned_date),
                is_demo=is_demo,
            )
    except IntegrityError as exc:  # a concurrent registration took the number first
        raise ValidationError(
            f"{session}已有编号为「{number}」的建议提案，请核对编号。",
            code="duplicate_number",
        ) from exc
    proposal.co_units.set(co_units)
    _event(
        proposal,
        EventKind.REGISTER,
        by,
        f"交办，{proposal.due_date:%Y-%m-%d}前答复",
        due_date=proposal.due_date.isoformat(),
        co_units=[u.pk for u in co_units],
    )
    return proposal


@transaction.atomic
def proposal_extend(*, proposal, by, reason, due_date=None) -> Proposal:
    """Extend a complex proposal's answer up to 6 calendar months after assignment."""
    proposal = _lock(proposal)
    access.require_decider(by, proposal)
    if proposal.status != Status.HANDLING:
        raise ValidationError("只有办理中的建议提案可以延期。", code="not_open")
    reason = _required(reason, "延期理由")
    limit = latest_due(proposal.assigned_date)
    due_date = due_date or limit
    if due_date > limit:
        raise ValidationError(
            f"延期后的答复期限最迟为交办后6个月（{chinese_date(limit)}），不能再延长。",
            code="beyond_six_months",
        )
    if due_date <= proposal.due_date:
        raise ValidationError(
            f"延期后的答复期限应晚于现在的期限（{chinese_date(proposal.due_date)}）。",
            code="not_later",
        )
    old = proposal.due_date
    proposal.due_date, proposal.extension_reason = due_date, reason
    proposal.save(update_fields=["due_date", "extension_reason"])
    _event(
        proposal,
        EventKind.EXTEND,
        by,
        reason,
        old_due=old.isoformat(),
        due_date=due_date.isoformat(),
    )
    return proposal


@transaction.atomic
def proposal_add_opinion(*, proposal, by, agency, text, given_on, signatory="") -> Opinion:
    """A co-unit's opinion (会办意见), given while the lead unit has not yet replied."""
    proposal = _lock(proposal)
    if not proposal.co_units.filter(pk=agency.pk).exists():
        raise ValidationError(f"{agency}不是该建议提案的会办单位。", code="not_co_unit")
    if not agency_access.has_role(by, agency, *access.HANDLERS):
        raise PermissionDenied("只能录入本单位的会办意见。")
    _require_open(proposal, "录入会办意见")
    if given_on < proposal.assigned_date:
        raise ValidationError("会办意见的出具日期不能早于交办日期。", code="before_assignment")
    _not_future(given_on, "出具日期")
    opinion = Opinion.objects.create(
        proposal=proposal,
        agency=agency,
        text=_required(text, "会办意见"),
        signatory=signatory.strip(),
        given_on=given_on,
        by=by,
    )
    _event(proposal, EventKind.ADD_OPINION, by, f"{agency}出具会办意见", agency=agency.pk)
    return opinion


@transaction.atomic
def proposal_reply(
    *,
    proposal,
    by,
    reply_date,
    reply_number,
    reply_text,
    signatory,
    answer_class,
    contact="",
) -> Proposal:
    """The lead unit's reply; every co-unit must have given its opinion first (except 分办)."""
    proposal = _lock(proposal)
    access.require_decider(by, proposal)
    _require_open(proposal, "答复")
    if reply_date < proposal.assigned_date:
        raise ValidationError(
            f"答复日期不能早于交办日期（{chinese_date(proposal.assigned_date)}）。",
            code="before_assignment",
        )
    _not_future(reply_date, "答复日期")
    if answer_class is None or not answer_class.is_active:
        raise ValidationError("请选择一个可用的答复类别。", code="answer_class")
    if proposal.handling_mode != HandlingMode.SPLIT:
        missing = proposal.co_units.exclude(pk__in=proposal.opinions.values("agency_id"))
        names = "、".join(str(unit) for unit in missing)
        if names:
            raise ValidationError(
                f"尚未收到会办单位的会办意见：{names}。请先录入会办意见再答复。",
                code="missing_opinions",
            )
    _move(proposal, Status.REPLIED)
    proposal.reply_date = reply_date
    proposal.reply_number = normalize_document_number(reply_number)
    proposal.reply_text = _required(reply_text, "答复内容")
    proposal.reply_signatory = _required(signatory, "签发人")
    proposal.reply_contact = contact.strip()
    proposal.answer_class = answer_class
    proposal.satisfaction, proposal.feedback_date = Satisfaction.NONE, None
    # A reply after re-handling is a new text: it goes through publication review again.
    if proposal.publication_status != PublicationStatus.PUBLISHED:
        proposal.publication_status = PublicationStatus.NONE
    proposal.save()
    _event(
        proposal,
        EventKind.REPLY,
        by,
        f"{answer_class.code}类答复",
        reply_date=reply_date.isoformat(),
        on_time=proposal.replied_on_time,
        answer_class=answer_class.code,
    )
    return proposal


@transaction.atomic
def proposal_feedback(*, proposal, by, satisfaction, feedback_date, note="") -> Proposal:
    """Record the deputy's satisfaction with the reply."""
    proposal = _lock(proposal)
    access.require_handler(by, proposal)
    if proposal.status != Status.REPLIED:
        raise ValidationError("答复之后才能录入代表委员的反馈。", code="not_replied")
    if satisfaction not in Satisfaction.values or satisfaction == Satisfaction.NONE:
        raise ValidationError("请选择满意、基本满意或不满意。", code="satisfaction")
    if feedback_date < proposal.reply_date:
        raise ValidationError("反馈日期不能早于答复日期。", code="before_reply")
    _not_future(feedback_date, "反馈日期")
    proposal.satisfaction, proposal.feedback_date = satisfaction, feedback_date
    proposal.save(update_fields=["satisfaction", "feedback_date"])
    _event(
        proposal,
        EventKind.FEEDBACK,
        by,
        note or Satisfaction(satisfaction).label,
        satisfaction=satisfaction,
        feedback_date=feedback_date.isoformat(),
    )
    return proposal


@transaction.atomic
def proposal_reopen(*, proposal, by, reason, due_date=None) -> Proposal:
    """Re-handle a reply the deputy found unsatisfactory; the first reply stays in the event."""
    proposal = _lock(proposal)
    access.require_decider(by, proposal)
    if proposal.status != Status.REPLIED or proposal.satisfaction != Satisfaction.UNSATISFIED:
        raise ValidationError(
            "只有代表委员反馈「不满意」的答复才能重新办理。", code="not_unsatisfied"
        )
    reason = _required(reason, "重新办理的理由")
    today = timezone.localdate()
    due_date = due_date or add_months(today, REHANDLING_MONTHS)
    if due_date <= today:
        raise ValidationError("重新办理的答复期限应晚于今天。", code="past_due")
    previous = {
        "reply_date": proposal.reply_date.isoformat(),
        "reply_number": proposal.reply_number,
        "reply_text": proposal.reply_text,
        "signatory": proposal.reply_signatory,
        "answer_class": proposal.answer_class.code if proposal.answer_class_id else "",
        "due_date": proposal.due_date.isoformat(),
        "satisfaction": proposal.satisfaction,
    }
    _move(proposal, Status.REHANDLING)
    proposal.due_date = due_date
    proposal.reopen_count += 1
    proposal.save(update_fields=["status", "due_date", "reopen_count"])
    _event(proposal, EventKind.REOPEN, by, reason, previous=previous, due_date=due_date.isoformat())
    return proposal


def _contact_tokens(proposal):
    """Phone numbers, e-mail addresses and other long tokens of the deputy's private contact."""
    return {
        t
        for t in re.findall(r"[\w.@+-]{5,}", proposal.proposer_contact)
        if any(c.isdigit() or c == "@" for c in t)
    }


def _check_no_contact(proposal, text):
    leaked = sorted(t for t in _contact_tokens(proposal) if t in text)
    if leaked:
        raise ValidationError(
            "公开内容中含有代表委员的联系方式，请删除后再提交：" + "、".join(leaked),
            code="contact_leak",
        )


@transaction.atomic
def proposal_submit_publication(*, proposal, by, mode, summary="", withheld_reason="") -> Proposal:
    """Propose how the reply is published (full text, summary, or not at all) for review."""
    proposal = _lock(proposal)
    access.require_handler(by, proposal)
    if proposal.status != Status.REPLIED:
        raise ValidationError("答复之后才能提交公开审核。", code="not_replied")
    if mode not in PublicationMode.values:
        raise ValidationError("请选择公开方式。", code="mode")
    summary, withheld_reason = summary.strip(), withheld_reason.strip()
    if mode == PublicationMode.SUMMARY and not summary:
        raise ValidationError("摘要公开时请填写公开摘要。", code="summary_required")
    if mode == PublicationMode.WITHHELD and not withheld_reason:
        raise ValidationError("不予公开时必须说明理由。", code="reason_required")
    proposal.publication_mode = mode
    proposal.publication_summary = summary if mode == PublicationMode.SUMMARY else ""
    proposal.withheld_reason = withheld_reason if mode == PublicationMode.WITHHELD else ""
    if mode != PublicationMode.WITHHELD:
        _check_no_contact(proposal, f"{proposal.title}\n{proposal.public_text}")
    _move_publication(proposal, PublicationStatus.IN_REVIEW)
    proposal.reviewed_by, proposal.review_date, proposal.review_opinion = None, None, ""
    proposal.save()
    _event(proposal, EventKind.SUBMIT, by, PublicationMode(mode).label, mode=mode)
    return proposal


def _four_eyes(proposal, by):
    """Whoever proposed how the reply is published cannot approve it alone (as for items).

    Returns True for an allowed self-review: the lead unit's 负责人 turned four eyes off for a
    one-person office (``Agency.self_review_allowed``).
    """
    submitted = proposal.events.filter(kind=EventKind.SUBMIT).order_by("-pk").first()
    if submitted is None or submitted.by_id != by.pk:
        return False
    if proposal.lead_unit.self_review_allowed:
        return True
    raise ValidationError(
        "双人审核：提交公开审核的人不能审核同意本人的提交，请由本单位另一名审核人或负责人审核。",
        code="four_eyes",
    )


def _hit_decisions(proposal, reasons):
    """The reviewer's reason per content-check hit of the text to publish (masked values only)."""
    return [
        {
            "fingerprint": hit.fingerprint,
            "kind": hit.kind,
            "location": hit.location,
            "masked": hit.masked,
            "reason": reason,
        }
        for hit, reason in screening.with_reasons(catalog.content_hits(proposal), reasons)
    ]


@transaction.atomic
def proposal_review_publication(
    *, proposal, by, approved, opinion="", hit_reasons=None
) -> Proposal:
    """The review before release (保密审查): approve, or return with an opinion.

    Approving a text to publish runs the content check on it (``proposals.catalog``); each hit
    needs the reviewer's reason (``hit_reasons``: fingerprint → reason), kept on the event and,
    when it is published, on the catalog item as the item review would keep it.
    """
    proposal = _lock(proposal)
    access.require_decider(by, proposal)
    opinion = opinion.strip()
    if not approved and not opinion:
        raise ValidationError("退回修改时请填写审核意见。", code="opinion_required")
    decisions, self_review = [], False
    if approved:
        self_review = _four_eyes(proposal, by)
    if approved and proposal.publication_mode != PublicationMode.WITHHELD:
        decisions = _hit_decisions(proposal, hit_reasons or {})
    _move_publication(
        proposal, PublicationStatus.APPROVED if approved else PublicationStatus.RETURNED
    )
    proposal.reviewed_by, proposal.review_date = by, timezone.localdate()
    proposal.review_opinion = opinion or "同意"
    proposal.save(
        update_fields=["publication_status", "reviewed_by", "review_date", "review_opinion"]
    )
    extra = {"content_hits": decisions} if decisions else {}
    if self_review:
        extra["self_review"] = True
        audit.record(
            event=AuditEvent.Event.PROPOSAL_TRANSITION,
            actor=by,
            obj=proposal,
            detail="本人审核本人提交的答复公开方式：本机构已由负责人关闭双人审核",
        )
    _event(proposal, EventKind.REVIEW, by, proposal.review_opinion, approved=approved, **extra)
    for decision in decisions:
        audit.record(
            event=AuditEvent.Event.PROPOSAL_TRANSITION,
            actor=by,
            obj=proposal,
            detail=mask_personal(
                f"答复内容检查提示按原样公开：{HitKind.LABELS[decision['kind']]}"
                f"（{decision['location']}）{decision['masked']}；理由：{decision['reason']}"
            )[:300],
        )
    return proposal


@transaction.atomic
def proposal_publish(*, proposal, by, published_date=None) -> Proposal:
    """Release a reviewed reply (or record the reviewed decision not to publish it)."""
    proposal = _lock(proposal)
    access.require_decider(by, proposal)
    if proposal.publication_status in (
        PublicationStatus.NONE,
        PublicationStatus.IN_REVIEW,
        PublicationStatus.RETURNED,
    ):
        raise ValidationError(
            "公开前必须经过审核：请先提交公开审核并由审核人同意。", code="not_reviewed"
        )
    published_date = published_date or timezone.localdate()
    if published_date < proposal.reply_date:
        raise ValidationError("公开日期不能早于答复日期。", code="before_reply")
    _not_future(published_date, "公开日期")
    withheld = proposal.publication_mode == PublicationMode.WITHHELD
    _move_publication(
        proposal, PublicationStatus.WITHHELD if withheld else PublicationStatus.PUBLISHED
    )
    proposal.published_date = published_date
    try:
        proposal.publication_lag = workdays_between(proposal.reply_date, published_date)
    except UnknownCalendarYear:
        proposal.publication_lag = None
    proposal.save()
    if withheld:
        _event(proposal, EventKind.WITHHOLD, by, proposal.withheld_reason)
    else:
        catalog.publish(proposal=proposal, by=by)
        _event(
            proposal,
            EventKind.PUBLISH,
            by,
            proposal.get_publication_mode_display(),
            published_date=published_date.isoformat(),
            workdays=proposal.publication_lag,
        )
    return proposal
