"""The back-catalogue audit: the content check over what is already public, in resumable batches.

``manage.py check_published_content`` runs it; the staff page shows a run's hits and gives them
as CSV. Items are read by keyset (``id > last``), a batch at a time with their attachments' text,
and each batch's hits are saved together with the run's checkpoint, so a run stopped at any point
continues from the last saved batch and memory stays bounded whatever the catalogue's size.
Only masked values are stored: the report says where to look, the item shows what is there.
"""

from django.db import transaction
from django.utils import timezone

from accounts.spreadsheets import writer
from disclosure.contentcheck import HitKind, check, links
from disclosure.models import (
    AttachmentText,
    ContentAudit,
    ContentAuditHit,
    Item,
    LinkCheck,
)
from disclosure.screening import district_of, item_sources, words_for

BATCH = 200
ITEM_FIELDS = ("id", "title", "summary", "body", "formed_date", "created_at", "agency_id")
CSV_HEADER = [
    "机构",
    "索引号",
    "名称",
    "发布日期",
    "类型",
    "位置",
    "内容（已遮盖）",
    "上下文（已遮盖）",
    "地址",
]


def scope(audit):
    items = Item.objects.published()
    if audit.agency_id:
        items = items.filter(agency_id=audit.agency_id)
    if audit.since:
        items = items.filter(published_date__gte=audit.since)
    return items


def run_batch(audit, words_cache, size=BATCH):
    """Check the next batch after the checkpoint; False when nothing was left."""
    items = list(
        scope(audit)
        .filter(pk__gt=audit.last_item_id)
        .select_related("agency")
        .only(*ITEM_FIELDS, "agency__parent_id", "agency__name")
        .order_by("pk")[:size]
    )
    if not items:
        return False
    texts = {}
    for record in (
        AttachmentText.objects.filter(
            attachment__item_id__in=[item.pk for item in items], status=AttachmentText.Status.OK
        )
        .select_related("attachment")
        .only("text", "pages", "attachment__name", "attachment__item_id", "attachment__sort_order")
        .order_by("attachment__sort_order", "attachment_id")
    ):
        texts.setdefault(record.attachment.item_id, []).append(record)
    urls = {url for item in items for url in links(item.body)}
    dead = (
        dict(LinkCheck.objects.filter(url__in=urls, ok=False).values_list("url", "status"))
        if urls
        else {}
    )
    rows = []
    for item in items:
        if item.agency_id not in words_cache:
            words_cache[item.agency_id] = _words(item.agency, words_cache)
        hits = check(
            item_sources(item, texts.get(item.pk, [])),
            formed_on=item.formed_date or item.created_at.date(),
            words=words_cache[item.agency_id],
            dead_links=dead,
        )
        rows.extend(
            ContentAuditHit(
                audit=audit,
                item=item,
                kind=hit.kind,
                location=hit.location[:300],
                masked=hit.masked[:300],
                context=hit.masked_context[:300],
            )
            for hit in hits
        )
    with transaction.atomic():
        ContentAuditHit.objects.bulk_create(rows)
        audit.last_item_id = items[-1].pk
        audit.items_checked += len(items)
        audit.hits += len(rows)
        audit.save(update_fields=["last_item_id", "items_checked", "hits"])
    return True


def _words(agency, cache):
    district = district_of(agency)
    key = ("district", district.pk)
    if key not in cache:
        cache[key] = words_for(agency)
    return cache[key]


def run(audit, *, progress=None, max_batches=None, size=BATCH):
    """Check batches until the end (or ``max_batches``); the run is finished at the end."""
    words_cache, done = {}, 0
    while max_batches is None or done < max_batches:
        if not run_batch(audit, words_cache, size):
            audit.finished_at = timezone.now()
            audit.save(update_fields=["finished_at"])
            return True
        done += 1
        if progress:
            progress(audit)
    return False


def csv_rows(audit, hits=None):
    """The run's hits as CSV rows (header first), read by keyset: any size, little memory."""
    yield CSV_HEADER
    hits = hits if hits is not None else ContentAuditHit.objects.filter(audit=audit)
    last = 0
    while True:
        batch = list(
            hits.filter(pk__gt=last)
            .select_related("item__agency")
            .only(
                "kind",
                "location",
                "masked",
                "context",
                "item__index_number",
                "item__title",
                "item__published_date",
                "item__agency__name",
            )
            .order_by("pk")[:1000]
        )
        if not batch:
            return
        for hit in batch:
            yield [
                hit.item.agency.name,
                hit.item.index_number,
                hit.item.title,
                hit.item.published_date.isoformat() if hit.item.published_date else "",
                HitKind.LABELS.get(hit.kind, hit.kind),
                hit.location,
                hit.masked,
                hit.context,
                hit.item.get_absolute_url(),
            ]
        last = batch[-1].pk


class Echo:
    """A file-like object whose write returns the line (for streaming CSV responses)."""

    def write(self, value):
        return value


def write_csv(audit, stream):
    out = writer(stream)
    for row in csv_rows(audit):
        out.writerow(row)


def start(*, agency=None, since=None, resume=False):
    """The run to work on: the latest unfinished one of the same scope when resuming."""
    if resume:
        unfinished = (
            ContentAudit.objects.filter(agency=agency, since=since, finished_at__isnull=True)
            .order_by("-started_at", "-id")
            .first()
        )
        if unfinished is not None:
            return unfinished
    return ContentAudit.objects.create(agency=agency, since=since)
