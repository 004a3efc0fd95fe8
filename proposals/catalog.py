"""Publishing a reply creates (or completes) its catalog item, through the catalog's own services.

The item carries the public text only: title, the session and number, the proposer's name and
the reply (full or summary) — never the deputy's contact details or the handler's phone.
"""

from disclosure import screening
from disclosure import services as catalog
from disclosure.contentcheck import Source, check
from disclosure.models import (
    Category,
    Channel,
    ChannelKind,
    ContentHitDecision,
    Genre,
    Item,
    ItemStatus,
    Topic,
)
from proposals.models import EventKind

TOPIC = "其他"  # 《条例》第二十条第（十五）项; replies have no statutory topic of their own


def public_texts(proposal):
    """The title, summary and body the reply's catalog item will carry."""
    heading = (
        f"{proposal.session.name}{proposal.number_label}{proposal.get_kind_display()}"
        f"《{proposal.title}》（{proposal.proposer_label}：{proposal.proposer}）"
    )
    return {
        "title": f"关于{proposal.session.label}{proposal.number_label}{proposal.get_kind_display()}的答复",
        "summary": f"对{heading}的答复（{proposal.get_publication_mode_display()}）。",
        "body": f"{heading}\n\n{proposal.public_text}",
    }


def content_hits(proposal):
    """The content check (``disclosure.contentcheck``) of the text the reply would publish.

    The sources are named as the item's review page names them, so a hit has the same
    fingerprint here and on the item, and a reason given at the proposal's review carries over.
    """
    texts = public_texts(proposal)
    sources = [
        Source("名称", texts["title"]),
        Source("内容概述", texts["summary"]),
        Source("正文", texts["body"]),
    ]
    return check(
        sources,
        formed_on=proposal.reply_date,
        words=screening.words_for(proposal.lead_unit),
        dead_links=screening.dead_links([texts["body"]]),
    )


def item_fields(proposal):
    """The catalog fields of a reply; only public columns of the proposal are read."""
    return {
        **public_texts(proposal),
        "document_number": proposal.reply_number,
        "formed_date": proposal.reply_date,
        "category": Category.OTHER,
        "genre": Genre.LETTER,
        "topic": Topic.objects.filter(parent__isnull=True, name=TOPIC).first(),
        "keywords": f"建议提案 {proposal.get_kind_display()} {proposal.session.label}",
        # Replies are released on the lead unit's website (its portal channels, when it has any).
        "channels": list(
            Channel.objects.filter(agency=proposal.lead_unit, kind=ChannelKind.PORTAL)
        ),
    }


def publish(*, proposal, by):
    """Create the draft, submit it, record the proposal's review as its 保密审查, publish it."""
    item = proposal.catalog_item
    if item is None:
        item = catalog.item_create(agency=proposal.lead_unit, by=by, **item_fields(proposal))
        if proposal.is_demo:
            # Marked while still a draft: published rows are read-only in the database.
            Item.objects.filter(pk=item.pk).update(is_demo=True)
        proposal.catalog_item = item
        proposal.save(update_fields=["catalog_item"])
    if item.status == ItemStatus.DRAFT:
        item = catalog.item_submit(item=item, by=by)
    _carry_hit_reasons(proposal, item, by)
    if item.status == ItemStatus.IN_REVIEW:
        # The text was reviewed by the proposal's own 公开审核 (proposal_review_publication):
        # the catalog's four-eyes rule notes, rather than refuses, the publisher as its author.
        catalog.item_review(
            item=item,
            by=proposal.reviewed_by or by,
            reviewed_elsewhere=True,
            opinion=f"建议提案答复公开审核：{proposal.review_opinion or '同意'}",
        )
        item = catalog.item_publish(
            item=item, by=by, published_date=proposal.published_date, reviewed_elsewhere=True
        )
    return item


def _carry_hit_reasons(proposal, item, by):
    """The reasons the proposal's reviewer gave for content-check hits, kept on the item too."""
    review = proposal.events.filter(kind=EventKind.REVIEW).order_by("-pk").first()
    known = set(item.hit_decisions.values_list("fingerprint", flat=True))
    for decision in review.data.get("content_hits", []) if review else []:
        if decision["fingerprint"] in known:
            continue
        ContentHitDecision.objects.create(
            item=item,
            fingerprint=decision["fingerprint"],
            kind=decision["kind"],
            location=decision["location"][:300],
            masked=decision["masked"][:300],
            reason=decision["reason"],
            decided_by=review.by or by,
        )
