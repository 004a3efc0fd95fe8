"""Writes of the standard catalogues: import, adoption, an agency's own 事项, filing items."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import access, audit
from accounts.models import AuditEvent, Role
from disclosure.cache import bump_generation
from standards.models import Adoption, Catalogue, Entry, Filing

FILERS = (Role.CLERK, Role.REVIEWER, Role.HEAD)
ENTRY_FIELDS = (
    "number",
    "level1",
    "level2",
    "content",
    "basis",
    "time_limit",
    "publisher",
    "channels",
    "audience",
    "mode",
    "levels",
    "note",
)


@transaction.atomic
def catalogue_import(*, catalogue, rows, by=None) -> tuple[int, int]:
    """Add the checked rows (``standards.importing.read``) to a catalogue, all or none.

    A row whose 一级事项 and 二级事项 the catalogue already holds updates that 事项 (a fuller copy
    completes an earlier one); the others are added. Returns (added, updated).
    """
    if catalogue.pk is None:
        catalogue.save()
    existing = {(e.level1, e.level2): e for e in catalogue.entries.all()}
    added, changed = [], []
    for _line, row in rows:
        entry = existing.get((row["level1"], row["level2"]))
        if entry is None:
            added.append(Entry(catalogue=catalogue, **{k: row[k] for k in ENTRY_FIELDS}))
            continue
        if any(getattr(entry, k) != row[k] for k in ENTRY_FIELDS):
            for key in ENTRY_FIELDS:
                setattr(entry, key, row[key])
            changed.append(entry)
    Entry.objects.bulk_create(added)
    Entry.objects.bulk_update(changed, [k for k in ENTRY_FIELDS if k not in ("level1", "level2")])
    audit.record(
        event=AuditEvent.Event.OBJECT_CHANGED,
        actor=by,
        obj=catalogue,
        detail=f"导入标准目录事项：新增 {len(added)} 项，更新 {len(changed)} 项",
    )
    bump_generation()
    return len(added), len(changed)


@transaction.atomic
def catalogue_adopt(*, agency, catalogue, by, adopted_on=None) -> Adoption:
    """The agency works to this catalogue from now on; its 事项 appear on the monitor."""
    access.require_role(by, agency, Role.HEAD)
    if catalogue.owner_id and catalogue.owner_id != agency.pk:
        raise ValidationError("不能采用其他机构自行补充的事项。", code="foreign_local")
    adoption, created = Adoption.objects.get_or_create(
        agency=agency,
        catalogue=catalogue,
        defaults={"adopted_on": adopted_on, "created_by": by},
    )
    if created:
        audit.record(
            event=AuditEvent.Event.OBJECT_CREATED,
            actor=by,
            obj=agency,
            detail=f"适用标准目录：{catalogue}",
        )
        bump_generation()
    return adoption


def local_catalogue(agency) -> Catalogue:
    """The agency's own 事项 live in one catalogue of its own (made on first use)."""
    catalogue, _ = Catalogue.objects.get_or_create(
        owner=agency,
        defaults={
            "field": "本机构",
            "title": f"{agency.name}补充事项",
            "completeness_note": "本机构在适用的标准目录之外自行补充的事项。",
        },
    )
    return catalogue


@transaction.atomic
def entry_add_local(*, agency, by, level1, level2, **fields) -> Entry:
    """An agency adds a 事项 of its own (local catalogues extend the national one)."""
    access.require_role(by, agency, Role.HEAD)
    level1, level2 = (level1 or "").strip(), (level2 or "").strip()
    if not level1 or not level2:
        raise ValidationError("一级事项和二级事项都必须填写。", code="required")
    if Entry.objects.for_agency(agency).filter(level1=level1, level2=level2).exists():
        raise ValidationError(
            f"“{level1} › {level2}”已在本机构适用的目录中，无需补充。", code="duplicate"
        )
    catalogue = local_catalogue(agency)
    number = (catalogue.entries.order_by("-number").values_list("number", flat=True).first()) or 0
    entry = Entry.objects.create(
        catalogue=catalogue,
        number=number + 1,
        level1=level1,
        level2=level2,
        **{k: v for k, v in fields.items() if k in ENTRY_FIELDS},
    )
    audit.record(
        event=AuditEvent.Event.OBJECT_CREATED,
        actor=by,
        obj=agency,
        detail=f"补充事项：{entry}",
    )
    bump_generation()
    return entry


def _check_entries(agency_ids, entries):
    """{agency id: ids of its 事项}: one query per agency of the selection."""
    return {
        agency_id: set(Entry.objects.for_agency(agency_id).values_list("pk", flat=True))
        for agency_id in agency_ids
    }


@transaction.atomic
def items_file(*, items, entries, by) -> int:
    """File items under 事项 (归入事项); each 事项 must belong to the item's agency's catalogues.

    Items already filed there stay as they are. Returns the number of new filings.
    """
    items, entries = list(items), list(entries)
    if not items or not entries:
        raise ValidationError("请选择公开信息和至少一个事项。", code="empty")
    agency_ids = {item.agency_id for item in items}
    for agency_id in agency_ids:
        access.require_role(by, agency_id, *FILERS)
    allowed = _check_entries(agency_ids, entries)
    wrong = sorted(
        {
            str(entry)
            for item in items
            for entry in entries
            if entry.pk not in allowed[item.agency_id]
        }
    )
    if wrong:
        raise ValidationError(
            f"事项“{'、'.join(wrong)}”不在所选信息的发布机构适用的标准目录中。",
            code="foreign_entry",
        )
    filed = set(
        Filing.objects.filter(item__in=items, entry__in=entries).values_list("item_id", "entry_id")
    )
    new = [
        Filing(item=item, agency_id=item.agency_id, entry=entry, filed_by=by)
        for item in items
        for entry in entries
        if (item.pk, entry.pk) not in filed
    ]
    Filing.objects.bulk_create(new)
    if new:
        audit.record(
            event=AuditEvent.Event.OBJECT_CHANGED,
            actor=by,
            detail=f"{len(items)} 条公开信息归入事项：{'、'.join(str(e) for e in entries)}"[:500],
        )
        bump_generation()
    return len(new)


@transaction.atomic
def item_set_entries(*, item, entries, by) -> tuple[int, int]:
    """The item's 事项 become exactly ``entries`` (the item form). Returns (added, removed)."""
    access.require_role(by, item.agency_id, *FILERS)
    entries = list(entries)
    allowed = _check_entries({item.agency_id}, entries)[item.agency_id]
    wrong = [str(entry) for entry in entries if entry.pk not in allowed]
    if wrong:
        raise ValidationError(
            f"事项“{'、'.join(wrong)}”不在本机构适用的标准目录中。", code="foreign_entry"
        )
    current = set(Filing.objects.filter(item=item).values_list("entry_id", flat=True))
    wanted = {entry.pk for entry in entries}
    removed = current - wanted
    Filing.objects.filter(item=item, entry_id__in=removed).delete()
    Filing.objects.bulk_create(
        [
            Filing(item=item, agency_id=item.agency_id, entry_id=pk, filed_by=by)
            for pk in wanted - current
        ]
    )
    if removed or wanted - current:
        names = dict(Entry.objects.filter(pk__in=current | wanted).values_list("pk", "level2"))
        audit.record(
            event=AuditEvent.Event.OBJECT_CHANGED,
            actor=by,
            obj=item,
            detail=(
                "归入事项变更："
                + "；".join(
                    [f"新增 {names[pk]}" for pk in sorted(wanted - current)]
                    + [f"移出 {names[pk]}" for pk in sorted(removed)]
                )
            )[:500],
        )
        bump_generation()
    return len(wanted - current), len(removed)
