"""Every change to a catalog item: keyword-only, atomic, validated, one event row each."""

import hashlib
import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from accounts import access, audit
from accounts.models import AuditEvent, Role
from disclosure import attachment_text, importing, interpretations, numbering, screening
from disclosure.attachment_text import TextStatus
from disclosure.cache import bump_generation
from disclosure.contentcheck import mask_personal
from disclosure.documents import normalize_document_number
from disclosure.models import (
    ITEM_TRANSITIONS,
    Attachment,
    AttachmentText,
    Channel,
    ContentHitDecision,
    DocKind,
    Genre,
    ImportMapping,
    Item,
    ItemEvent,
    ItemEventKind,
    ItemStatus,
    MappingKind,
    Review,
    Validity,
)
from disclosure.search import attachment_tokens, document_tokens, with_attachment_tokens
from disclosure.uploads import inspect_upload
from workdays.calendar import UnknownCalendarYear, WorkdayCalendar, workdays_between

DRAFTERS = (Role.CLERK, Role.REVIEWER, Role.HEAD)
REVIEWERS = (Role.REVIEWER, Role.HEAD)

# What a draft edit or a correction may change; everything else moves only through services.
CONTENT_FIELDS = (
    "title",
    "summary",
    "body",
    "document_number",
    "formed_date",
    "category",
    "topic",
    "genre",
    "disclosure_mode",
    "doc_kind",
    "keywords",
    "interprets",
    "interpretation_kind",
    "ogi_rule",
)
M2M_FIELDS = ("channels", "co_publishers")
DIGEST_FIELDS = (
    "index_number",
    "title",
    "summary",
    "body",
    "document_number",
    "formed_date",
    "published_date",
)


def content_digest(item, attachment_digests=None):
    """SHA-256 over the published content and the attachments' own digests.

    ``attachment_digests`` gives the files' digests of an item not saved yet (imports).
    """
    payload = {name: str(getattr(item, name) or "") for name in DIGEST_FIELDS}
    if attachment_digests is not None:
        payload["attachments"] = sorted(attachment_digests)
    else:
        payload["attachments"] = (
            sorted(item.attachments.values_list("sha256", flat=True)) if item.pk else []
        )
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


def _event(item, kind, by, note="", changes=None, audit_note=""):
    if kind in _AUDITED:  # the security audit trail, written in the same transaction
        audit.record(
            event=_AUDITED[kind], actor=by, obj=item, detail=ItemEventKind(kind).label + audit_note
        )
    return ItemEvent.objects.create(
        item=item, kind=kind, actor=by, note=note, changes=changes or {}
    )


_AUDITED = {
    ItemEventKind.SUBMITTED: AuditEvent.Event.ITEM_SUBMITTED,
    ItemEventKind.REVIEWED: AuditEvent.Event.ITEM_REVIEWED,
    ItemEventKind.RETURNED: AuditEvent.Event.ITEM_REVIEWED,
    ItemEventKind.PUBLISHED: AuditEvent.Event.ITEM_PUBLISHED,
    ItemEventKind.WITHDRAWN: AuditEvent.Event.ITEM_WITHDRAWN,
    ItemEventKind.CORRECTED: AuditEvent.Event.ITEM_CORRECTED,
    ItemEventKind.VALIDITY: AuditEvent.Event.OBJECT_CHANGED,
}


def _move(item, target):
    if target not in ITEM_TRANSITIONS[ItemStatus(item.status)]:
        raise ValidationError(
            f"状态为“{item.get_status_display()}”的信息不能改为“{ItemStatus(target).label}”。",
            code="invalid_transition",
        )
    item.status = target


def _locked(item):
    """Re-read the row under a lock so that two staff acting at once see each other's result."""
    return Item.objects.select_for_update().select_related("agency").get(pk=item.pk)


def _clean_fields(fields):
    unknown = set(fields) - set(CONTENT_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise ValidationError(
            f"不能直接修改这些字段：{'、'.join(sorted(unknown))}。", code="unknown_field"
        )
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise ValidationError("请填写信息名称。", code="title_required")
    if "document_number" in fields:
        fields["document_number"] = normalize_document_number(fields["document_number"])
    return fields


def _apply(item, fields):
    """Assign plain fields, return the m2m values to set after saving."""
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    return m2m


def _check_content(item, m2m):
    channels = m2m.get("channels")
    if channels and any(channel.agency_id != item.agency_id for channel in channels):
        raise ValidationError("只能选择本机构的发布渠道。", code="foreign_channel")
    interpretations.check_item(item)


@transaction.atomic
def item_create(*, agency, by, **fields) -> Item:
    """A new draft of ``agency``'s catalog."""
    access.require_role(by, agency, *DRAFTERS)
    fields = _clean_fields(dict(fields))
    item = Item(agency=agency, created_by=by, status=ItemStatus.DRAFT)
    m2m = _apply(item, fields)
    _check_content(item, m2m)
    item.full_clean(exclude=["topic"])
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    _event(item, ItemEventKind.CREATED, by)
    return item


@transaction.atomic
def item_update(*, item, by, **fields) -> Item:
    """Edit a draft (or an item in review, which goes back to the clerk's hands)."""
    item = _locked(item)
    access.require_role(by, item.agency, *DRAFTERS)
    if item.status not in (ItemStatus.DRAFT, ItemStatus.IN_REVIEW):
        raise ValidationError(
            "已发布的信息只能通过“更正”修改，且须说明理由。", code="published_readonly"
        )
    fields = _clean_fields(dict(fields))
    changes = _diff(item, fields)
    m2m = _apply(item, fields)
    _check_content(item, m2m)
    if changes and item.status == ItemStatus.IN_REVIEW:
        # A review approves the text it saw: an edited item goes back to draft and is resubmitted.
        _move(item, ItemStatus.DRAFT)
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    if changes:
        _event(item, ItemEventKind.EDITED, by, changes=changes)
    return item


@transaction.atomic
def item_attach(*, item, by, upload, name="", sort_order=100) -> Attachment:
    """Attach a file to a draft, checked as every upload is (type by content, size, SHA-256).

    Published items change their files only through ``item_correct_attachments``.
    """
    item = _locked(item)
    access.require_role(by, item.agency, *DRAFTERS)
    if item.status not in (ItemStatus.DRAFT, ItemStatus.IN_REVIEW):
        raise ValidationError(
            "已发布信息的附件只能通过“更正附件”修改，且须说明理由。", code="published_readonly"
        )
    content_type, size, sha256 = inspect_upload(upload)
    extraction = attachment_text.extract_upload(upload, upload.name)  # as the admin's upload does
    upload.seek(0)
    attachment = Attachment(
        item=item,
        name=name or upload.name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        sort_order=sort_order,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    attachment_text_store(attachment=attachment, extraction=extraction)
    _event(
        item, ItemEventKind.EDITED, by, note=f"添加附件 {attachment.name}（SHA-256 {sha256[:12]}…）"
    )
    return attachment


@transaction.atomic
def item_submit(*, item, by) -> Item:
    item = _locked(item)
    access.require_role(by, item.agency, *DRAFTERS)
    _move(item, ItemStatus.IN_REVIEW)
    item.save(update_fields=["status", "updated_at"])
    missing = missing_fields(item)
    notes = ["缺少：" + "、".join(missing)] if missing else []
    hits = screening.item_hits(item)
    if hits:
        # Counts only: the event and the audit log never carry the values found.
        notes.append("内容检查：" + screening.summary(hits))
    _event(item, ItemEventKind.SUBMITTED, by, note="；".join(notes))
    return item


def item_authors(item):
    """The ids of those who wrote the item's text: who drafted it and who edited the draft."""
    editors = set(item.events.filter(kind=ItemEventKind.EDITED).values_list("actor_id", flat=True))
    return ({item.created_by_id} | editors) - {None}


SELF_REVIEW_NOTE = "（本人审核本人起草或修改的信息：本机构已由负责人关闭双人审核）"


REVIEWED_ELSEWHERE_NOTE = "（本人审核：内容已在建议提案公开审核中审定）"


def _four_eyes(item, reviewer_id, reviewed_elsewhere=False):
    """'' when someone other than the authors reviews; the audit note of an allowed self-review.

    Four eyes: whoever drafted or edited an item cannot approve it alone, unless the agency's
    负责人 has allowed it for a one-person office (``Agency.self_review_allowed``). Items that
    copy a text already reviewed in its own workflow (a proposal reply) say so and are noted.
    """
    if reviewer_id not in item_authors(item):
        return ""
    if reviewed_elsewhere:
        return REVIEWED_ELSEWHERE_NOTE
    if item.agency.self_review_allowed:
        return SELF_REVIEW_NOTE
    raise ValidationError(
        "双人审核：起草或修改过这条信息的人不能审核或发布它，请由本机构另一名审核人或负责人审核。",
        code="four_eyes",
    )


@transaction.atomic
def item_review(
    *,
    item,
    by,
    opinion,
    escalated=False,
    approved=True,
    reviewed_elsewhere=False,
    hit_reasons=None,
) -> Review:
    """Record the 保密审查; a refusal sends the item back to draft.

    ``reviewed_elsewhere`` is for callers that publish a text reviewed in their own workflow
    (``proposals.catalog``); every self-review it lets through is noted in the audit log.
    ``hit_reasons`` maps a content-check hit's fingerprint to the reviewer's reason to publish
    it as it is; approving needs one for every hit not resolved before.
    """
    item = _locked(item)
    access.require_role(by, item.agency, *REVIEWERS)
    if item.status != ItemStatus.IN_REVIEW:
        raise ValidationError("只有“待审核”的信息可以进行保密审查。", code="not_in_review")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError("请填写保密审查意见。", code="opinion_required")
    self_review = _four_eyes(item, by.pk, reviewed_elsewhere) if approved else ""
    if approved and not reviewed_elsewhere:
        _decide_hits(item, by, hit_reasons or {})
    review = Review.objects.create(
        item=item,
        reviewer=by,
        reviewed_on=timezone.localdate(),
        opinion=opinion,
        escalated=escalated,
        approved=approved,
    )
    if approved:
        _event(
            item,
            ItemEventKind.REVIEWED,
            by,
            note=opinion + ("（已报保密行政管理部门确定）" if escalated else ""),
            audit_note=self_review,
        )
    else:
        _move(item, ItemStatus.DRAFT)
        item.save(update_fields=["status", "updated_at"])
        _event(item, ItemEventKind.RETURNED, by, note=opinion)
    return review


def _decide_hits(item, by, reasons):
    """Record a reason per content-check hit; refuse while a hit has none."""
    open_hits = screening.unresolved(item, screening.item_hits(item))
    for hit, reason in screening.with_reasons(open_hits, reasons):
        ContentHitDecision.objects.create(
            item=item,
            fingerprint=hit.fingerprint,
            kind=hit.kind,
            location=hit.location[:300],
            masked=hit.masked[:300],
            reason=reason,
            decided_by=by,
        )
        audit.record(
            event=AuditEvent.Event.ITEM_REVIEWED,
            actor=by,
            obj=item,
            detail=mask_personal(
                f"内容检查提示按原样公开：{hit.kind_label}（{hit.location}）{hit.masked}；"
                f"理由：{reason}"
            ),
        )


def _timeliness(item):
    if not item.formed_date or item.formed_date > item.published_date:
        return 0 if item.formed_date else None
    try:
        return workdays_between(item.formed_date, item.published_date)
    except UnknownCalendarYear:
        return None


@transaction.atomic
def item_publish(*, item, by, published_date=None, reviewed_elsewhere=False) -> Item:
    """Publish a reviewed item: allocate its index number and fix its content digest."""
    item = _locked(item)
    access.require_role(by, item.agency, *REVIEWERS)
    last = item.reviews.order_by("-created_at", "-id").first()
    if item.status == ItemStatus.IN_REVIEW and (last is None or not last.approved):
        raise ValidationError("发布前须完成保密审查并同意公开。", code="review_required")
    # The approving review is the second pair of eyes: an author may publish only what someone
    # else approved (a review from before the rule, or by an author, is checked again here).
    self_review = _four_eyes(item, last.reviewer_id, reviewed_elsewhere) if last is not None else ""
    if not reviewed_elsewhere and item.status == ItemStatus.IN_REVIEW:
        left = screening.unresolved(item, screening.item_hits(item))
        if left:
            raise ValidationError(
                f"内容检查有 {len(left)} 处提示未处理，不能发布：请退回修改，"
                "或由审核人在保密审查时逐条说明理由。",
                code="content_hits_unresolved",
            )
    interpretations.check_publishable(item)
    _move(item, ItemStatus.PUBLISHED)
    item.published_date = published_date or timezone.localdate()
    if item.formed_date and item.formed_date > item.published_date:
        raise ValidationError("发布日期不能早于生成日期。", code="published_before_formed")
    year = item.published_date.year
    item.index_seq, item.index_number = numbering.allocate(item.agency, year)
    item.index_year = year
    item.publish_workdays = _timeliness(item)
    item.content_digest = content_digest(item)
    item.search_tokens = with_attachment_tokens(item.search_tokens, _attachment_tokens_of(item))
    item.save()
    _event(item, ItemEventKind.PUBLISHED, by, note=item.index_number, audit_note=self_review)
    bump_generation()  # cached public pages list the items published so far
    return item


@transaction.atomic
def item_withdraw(*, item, by, reason) -> Item:
    item = _locked(item)
    access.require_role(by, item.agency, *REVIEWERS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("撤回须说明原因。", code="reason_required")
    _move(item, ItemStatus.WITHDRAWN)
    item.withdrawn_reason = reason
    item.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    _event(item, ItemEventKind.WITHDRAWN, by, note=reason)
    bump_generation()
    return item


def _allow_published_edit():
    # The database refuses to change a published item's content unless the transaction says
    # it is a recorded correction (trigger installed on PostgreSQL by the security migration).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('zwgk.allow_published_edit', 'on', true)")


def _diff(item, fields):
    changes = {}
    for name, new in fields.items():
        if name in M2M_FIELDS:
            old = sorted(str(v) for v in getattr(item, name).all()) if item.pk else []
            new_repr = sorted(str(v) for v in new)
            if old != new_repr:
                changes[name] = [old, new_repr]
            continue
        old = getattr(item, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    return value if isinstance(value, str | int | type(None)) else str(value)


def _start_correction(item, by, reason):
    """Lock a published item for a correction by a reviewer; (item, reason) or ValidationError."""
    item = _locked(item)
    access.require_role(by, item.agency, *REVIEWERS)
    if item.status != ItemStatus.PUBLISHED:
        raise ValidationError("只有已发布的信息需要更正；草稿可直接修改。", code="not_published")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("更正须说明理由。", code="reason_required")
    return item, reason


@transaction.atomic
def item_correct(*, item, by, reason, **changes) -> Item:
    """Change published content openly: old and new values and the reason are recorded."""
    item, reason = _start_correction(item, by, reason)
    changes = _clean_fields(dict(changes))
    diff = _diff(item, changes)
    if not diff:
        raise ValidationError("没有需要更正的内容。", code="nothing_changed")
    m2m = _apply(item, changes)
    _check_content(item, m2m)
    item.content_digest = content_digest(item)
    _allow_published_edit()
    item.save()
    for name, values in m2m.items():
        getattr(item, name).set(values)
    _event(item, ItemEventKind.CORRECTED, by, note=reason, changes=diff)
    bump_generation()
    return item


@transaction.atomic
def item_correct_attachments(*, item, by, reason, remove=(), add=()) -> Item:
    """Replace or remove a published item's files openly, as a recorded correction.

    ``remove`` are attachments of the item; ``add`` are unsaved ``Attachment`` objects whose
    upload was checked (type by content, size, digest). The event keeps the name and SHA-256 of
    every file before and after; removed files stay in storage, so the record can be reproduced.
    """
    item, reason = _start_correction(item, by, reason)
    remove, add = list(remove), list(add)
    if not remove and not add:
        raise ValidationError("请选择要删除的附件或上传新的附件。", code="nothing_changed")
    if any(attachment.item_id != item.pk for attachment in remove):
        raise ValidationError("只能删除本条信息的附件。", code="foreign_attachment")

    def files():
        return [
            f"{a.name}（SHA-256 {a.sha256[:12]}…）"
            for a in item.attachments.order_by("sort_order", "id")
        ]

    before = files()
    _allow_published_edit()
    Attachment.objects.filter(pk__in=[a.pk for a in remove]).delete()
    for attachment in add:
        attachment.item = item
        attachment.save()
        _store_text(attachment, getattr(attachment, "extraction", None))
    item.content_digest = content_digest(item)
    item.search_tokens = with_attachment_tokens(item.search_tokens, _attachment_tokens_of(item))
    item.save(update_fields=["content_digest", "updated_at"])
    _event(
        item, ItemEventKind.CORRECTED, by, note=reason, changes={"attachments": [before, files()]}
    )
    bump_generation()
    return item


@transaction.atomic
def item_set_validity(*, item, by, validity, changed_on=None) -> Item:
    """Declare a published document 失效 or 废止 (or valid again), with the date it changed."""
    item = _locked(item)
    access.require_role(by, item.agency, *REVIEWERS)
    if item.status != ItemStatus.PUBLISHED:
        raise ValidationError("只有已发布的信息可以变更有效性。", code="not_published")
    validity = Validity(validity)
    changed_on = changed_on or timezone.localdate()
    if validity != Validity.VALID and item.formed_date and changed_on < item.formed_date:
        raise ValidationError("有效性变更日期不能早于成文日期。", code="validity_before_formed")
    old = [item.validity, str(item.validity_changed_on or "")]
    item.validity = validity
    item.validity_changed_on = None if validity == Validity.VALID else changed_on
    item.save(update_fields=["validity", "validity_changed_on", "updated_at"])
    _event(
        item,
        ItemEventKind.VALIDITY,
        by,
        changes={
            "validity": [old[0], item.validity],
            "validity_changed_on": [old[1], str(item.validity_changed_on or "")],
        },
    )
    bump_generation()
    return item


def missing_fields(item):
    """Statutory and customary catalog fields still empty (the completeness checklist)."""
    missing = []
    if not item.summary:
        missing.append("内容概述")
    if not item.formed_date:
        missing.append("生成日期")
    if not item.topic_id:
        missing.append("主题分类")
    if not item.genre:
        missing.append("体裁分类")
    if item.pk and not item.channels.exists():
        missing.append("发布渠道")
    if item.doc_kind != DocKind.NONE and not item.document_number:
        missing.append("文号（规章、规范性文件必填）")
    if item.genre == Genre.INTERPRETATION:
        if not item.interprets_id:
            missing.append("解读的政策文件")
        if not item.interpretation_kind:
            missing.append("解读形式")
    return missing


IMPORT_BATCH = 500
# Keys of an import row that are not Item fields.
_ROW_ONLY = ("channels", "parsed_index", "co_publishers", "attachments", "extra")


def items_import(*, agency, by, rows, progress=None) -> int:
    """Create published items from validated import rows (see disclosure.importing), all or none.

    Rows keep their index numbers; the others get new ones from the agency's counter, which is
    moved past every imported serial so that later publications never collide. ``progress``
    is called with (done, total) after each batch.
    """
    done = 0
    with transaction.atomic():
        for done, total in items_import_batches(agency=agency, by=by, rows=rows):
            if progress:
                progress(done, total)
    return done


def items_import_batches(*, agency, by, rows):
    """The import as a generator of (done, total) after each batch, for pages that show progress.

    The caller holds the transaction (``transaction.atomic``) around the whole iteration, so a
    failure or an abandoned iteration imports nothing. Imported items are history: marked as
    imported, with their printed dates, time and validity; the working days from formed to
    published are kept for information, but the platform never counts them as late.
    """
    access.require_role(by, agency, *REVIEWERS)
    if not rows:
        return
    dates = [r["published_date"] for _, r in rows] + [
        r["formed_date"] for _, r in rows if r["formed_date"]
    ]
    calendar = WorkdayCalendar.load(min(dates), max(dates) + timedelta(days=1))
    for year in sorted({r["published_date"].year for _, r in rows}):
        given = [
            r["parsed_index"][1]
            for _, r in rows
            if r["parsed_index"] and r["parsed_index"][0] == year
        ]
        if given:
            numbering.reserve(agency, year, max(given))
    needing = {}
    for _, r in rows:
        if not r["index_number"]:
            needing.setdefault(r["published_date"].year, []).append(r)
    for year, group in needing.items():
        for r, (seq, number) in zip(
            group, numbering.allocate_many(agency, year, len(group)), strict=True
        ):
            r["index_number"], r["parsed_index"] = number, (year, seq)
    Channels = Item.channels.through
    CoPublishers = Item.co_publishers.through
    done = 0
    for start in range(0, len(rows), IMPORT_BATCH):
        batch = [r for _, r in rows[start : start + IMPORT_BATCH]]
        items = []
        for r in batch:
            item = Item(
                agency=agency,
                created_by=by,
                status=ItemStatus.PUBLISHED,
                **{k: v for k, v in r.items() if k not in _ROW_ONLY},
            )
            item.imported = True
            if r["parsed_index"]:
                item.index_year, item.index_seq = r["parsed_index"]
            if item.validity == Validity.VALID:
                item.validity_changed_on = None
            try:
                item.publish_workdays = (
                    calendar.between(item.formed_date, item.published_date)
                    if item.formed_date and item.formed_date <= item.published_date
                    else None
                )
            except UnknownCalendarYear:
                item.publish_workdays = None
            item.search_title_tokens, item.search_tokens = document_tokens(item)
            item.content_digest = content_digest(
                item, [a.sha256 for a in r.get("attachments") or ()]
            )
            items.append(item)
        Item.objects.bulk_create(items)
        Channels.objects.bulk_create(
            [
                Channels(item_id=item.pk, channel_id=channel.pk)
                for item, r in zip(items, batch, strict=True)
                for channel in r["channels"]
            ]
        )
        CoPublishers.objects.bulk_create(
            [
                CoPublishers(item_id=item.pk, agency_id=other.pk)
                for item, r in zip(items, batch, strict=True)
                for other in {o.pk: o for o in r.get("co_publishers") or ()}.values()
            ]
        )
        for item, r in zip(items, batch, strict=True):
            for order, attachment in enumerate(r.get("attachments") or (), start=1):
                _save_imported_attachment(item, attachment, order)
            if r.get("attachments"):
                Item.objects.filter(pk=item.pk).update(
                    search_tokens=with_attachment_tokens(
                        item.search_tokens, _attachment_tokens_of(item)
                    )
                )
        for key, column in importing.EXTRA_COLUMNS.items():
            pairs = [
                (item, r.get("extra", {}).get(key)) for item, r in zip(items, batch, strict=True)
            ]
            column.save(by, [(item, value) for item, value in pairs if value])
        ItemEvent.objects.bulk_create(
            [
                ItemEvent(
                    item=item,
                    kind=ItemEventKind.IMPORTED,
                    actor=by,
                    note="批量导入" + (f"，原网址 {item.old_url}" if item.old_url else ""),
                )
                for item in items
            ]
        )
        done += len(items)
        if done == len(rows):
            audit.record(
                event=AuditEvent.Event.OBJECT_CREATED,
                actor=by,
                obj=agency,
                detail=f"批量导入公开信息 {done} 条",
            )
            bump_generation()
        yield done, len(rows)


def _save_imported_attachment(item, attachment, order):
    """An old-site file (checked when the pages were read) stored as the item's attachment."""
    row = Attachment(
        item=item,
        name=attachment.name[:200],
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        sort_order=order * 10,
    )
    content = attachment.read()
    row.file.save(attachment.name, ContentFile(content), save=False)
    row.save()
    _store_text(row, attachment_text.extract_bytes(content, row.name))


def _store_text(attachment, extraction):
    """Keep what the extraction found (None: read the stored file now)."""
    if extraction is None:
        extraction = attachment_text.extract_stored(attachment)
    AttachmentText.objects.update_or_create(
        attachment=attachment,
        defaults={
            "status": extraction.status,
            "text": extraction.text,
            "pages": extraction.pages,
            "note": extraction.note[:300],
            "seconds": extraction.seconds,
        },
    )
    return extraction


def _attachment_tokens_of(item):
    texts = AttachmentText.objects.filter(attachment__item=item, status=TextStatus.OK).order_by(
        "attachment__sort_order", "attachment_id"
    )
    return attachment_tokens(texts.values_list("text", flat=True))


def item_search_refresh(*, item) -> None:
    """Bring the item's search tokens in line with its attachments (one was removed)."""
    with transaction.atomic():
        item = Item.objects.select_for_update().get(pk=item.pk)
        tokens = with_attachment_tokens(item.search_tokens, _attachment_tokens_of(item))
        if tokens != item.search_tokens:
            Item.objects.filter(pk=item.pk).update(search_tokens=tokens)


def attachment_text_store(*, attachment, extraction=None) -> AttachmentText:
    """Store an attachment's text (read now when ``extraction`` is None) and make it searchable.

    Used after uploads, by imports and by ``manage.py extract_attachment_text``. The item's
    search tokens are derived data, so a published item's row may take them (0012 allows it).
    """
    with transaction.atomic():
        _store_text(attachment, extraction)
        item = Item.objects.select_for_update().get(pk=attachment.item_id)
        tokens = with_attachment_tokens(item.search_tokens, _attachment_tokens_of(item))
        if tokens != item.search_tokens:
            Item.objects.filter(pk=item.pk).update(search_tokens=tokens)
            if item.status == ItemStatus.PUBLISHED:
                bump_generation()
    return attachment.text_record


@transaction.atomic
def import_mapping_save(*, agency, by, mapping) -> int:
    """Save the confirmed rows of an import mapping (and the defaults) for the agency's next files.

    One audit row for the whole table; returns how many values were saved.
    """
    access.require_role(by, agency, *REVIEWERS)
    unconfirmed = mapping.unconfirmed
    if unconfirmed:
        raise ValidationError(
            f"还有 {len(unconfirmed)} 个取值未确认映射。", code="mapping_unconfirmed"
        )
    saved = 0
    entries = [(kind, "", target) for kind, (target, _) in mapping.defaults.items()]
    entries += [(row.kind, row.source, row.target) for row in mapping.table()]
    for kind, source, target in entries:
        topic_id = (int(target) if target else None) if kind == MappingKind.TOPIC else None
        value = "" if kind == MappingKind.TOPIC else target
        ImportMapping.objects.update_or_create(
            agency=agency,
            kind=kind,
            source=source[:200],
            defaults={"topic_id": topic_id, "value": value, "confirmed_by": by},
        )
        saved += bool(source)
    audit.record(
        event=AuditEvent.Event.SETTINGS_CHANGED,
        actor=by,
        obj=agency,
        detail=f"确认导入映射 {saved} 项",
    )
    return saved


DEFAULT_CHANNELS = [
    ("政府门户网站", "portal"),
    ("政务微信", "wechat"),
    ("政务微博", "weibo"),
    ("报刊", "newspaper"),
    ("政务公开栏", "bulletin"),
    ("新闻发布会", "press"),
    ("政府信息公开查阅点", "reading_room"),
]


@transaction.atomic
def channels_seed_defaults(*, agency) -> int:
    """Give an agency the common Art. 23 channels it does not have yet; returns how many were added."""
    added = 0
    for order, (name, kind) in enumerate(DEFAULT_CHANNELS, start=1):
        _, created = Channel.objects.get_or_create(
            agency=agency, name=name, defaults={"kind": kind, "sort_order": order * 10}
        )
        added += created
    return added
