"""The content check of one item: what ``disclosure.contentcheck`` needs, read from the database."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from disclosure.contentcheck import Source, check, links
from disclosure.models import AttachmentText, ContentHitDecision, LinkCheck, SensitiveWord


def district_of(agency):
    """The district (the root of the agency tree) whose 错敏词 apply to the agency's items."""
    seen = set()
    while agency.parent_id and agency.parent_id not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return agency


def words_for(agency):
    district = district_of(agency)
    return list(
        SensitiveWord.objects.filter(Q(district__isnull=True) | Q(district=district)).values_list(
            "word", "suggestion"
        )
    )


def item_sources(item, attachment_texts=None):
    """Title, summary, body and each attachment's text, named as the review page shows them."""
    sources = [
        Source("名称", item.title or ""),
        Source("内容概述", item.summary or ""),
        Source("正文", item.body or ""),
    ]
    if attachment_texts is None:
        attachment_texts = AttachmentText.objects.filter(
            attachment__item=item, status=AttachmentText.Status.OK
        ).select_related("attachment")
    for record in attachment_texts:
        sources.append(
            Source(
                f"附件《{record.attachment.name}》",
                record.text,
                tuple((label, start) for label, start in record.pages or ()),
            )
        )
    return sources


def dead_links(texts):
    urls = {url for text in texts for url in links(text)}
    if not urls:
        return {}
    return dict(LinkCheck.objects.filter(url__in=urls, ok=False).values_list("url", "status"))


def item_hits(item, *, words=None, attachment_texts=None):
    """Every content-check hit of ``item`` (its own text and its attachments' text)."""
    sources = item_sources(item, attachment_texts)
    return check(
        sources,
        formed_on=item.formed_date or (item.created_at.date() if item.created_at else None),
        words=words_for(item.agency) if words is None else words,
        dead_links=dead_links([item.body]),
    )


def unresolved(item, hits):
    """The hits without a recorded reason."""
    decided = set(
        ContentHitDecision.objects.filter(item=item).values_list("fingerprint", flat=True)
    )
    return [hit for hit in hits if hit.fingerprint not in decided]


def with_reasons(hits, reasons):
    """[(hit, reason)] for every hit, from ``reasons`` (fingerprint → text); refused while a hit
    has none. The review of an item and the 公开审核 of a proposal reply both decide this way."""
    given, missing = [], []
    for hit in hits:
        reason = (reasons.get(hit.fingerprint) or "").strip()
        if reason:
            given.append((hit, reason))
        else:
            missing.append(hit)
    if missing:
        raise ValidationError(
            f"内容检查有 {len(missing)} 处提示未处理："
            + "、".join(f"{hit.kind_label}（{hit.location}）" for hit in missing)
            + "。请退回修改，或逐条填写按原样公开的理由。",
            code="content_hits_unresolved",
        )
    return given


def summary(hits):
    """ "身份证号码 2 处、密级或内部标志 1 处" (for events: names no value)."""
    counts = {}
    for hit in hits:
        counts[hit.kind_label] = counts.get(hit.kind_label, 0) + 1
    return "、".join(f"{label} {n} 处" for label, n in counts.items())
