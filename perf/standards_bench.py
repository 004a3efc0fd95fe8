"""The monitor's part of the benchmark data set: the safety catalogue adopted by every agency
and one published item in ten filed under one of its 事项 (by id), written in SQL."""

from django.db import connection
from django.utils import timezone

from agencies.models import Agency
from standards import importing, services
from standards.demo import DATA
from standards.models import Adoption, Catalogue, Entry, Filing

SHARE = 10  # one item in SHARE is filed
COPIED = "status, published_date, formed_date, publish_workdays, imported"


def clear():
    """Before the data set's own tables are emptied (filings point at items and entries)."""
    Filing.objects.all()._raw_delete(connection.alias)
    Adoption.objects.all()._raw_delete(connection.alias)
    Entry.objects.filter(catalogue__field="基准").delete()
    Catalogue.objects.filter(field="基准").delete()


def ensure():
    """Idempotent: the catalogue, its adoption by the 50 agencies, the filings."""
    catalogue, created = Catalogue.objects.get_or_create(
        field="基准",
        version="bench",
        defaults={"title": "安全生产领域基层政务公开标准目录（基准）"},
    )
    if created:
        checked = importing.read(DATA.name, DATA.read_bytes())
        services.catalogue_import(catalogue=catalogue, rows=checked.rows)
    agencies = Agency.objects.filter(slug__startswith="bench-")
    Adoption.objects.bulk_create(
        [Adoption(agency=a, catalogue=catalogue) for a in agencies], ignore_conflicts=True
    )
    if not Filing.objects.exists():
        _file(catalogue)
        if connection.vendor == "postgresql":
            _count_unfiled()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The monitor's reads are index-only scans of the filings and the unfiled tally:
            # as on a live database that autovacuum keeps, the visibility map must be set (the
            # filings are written here, or rewritten by the migration that added their copies).
            cursor.execute("VACUUM (ANALYZE) standards_filing, standards_unfiledtally")


def _file(catalogue):
    """One published item in SHARE filed under a 事项, with its copies of the item's fields
    written here: the data set's builder loads with triggers off (replica mode), which may still
    be this connection's setting."""
    entries = list(catalogue.entries.order_by("number").values_list("pk", flat=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        for k, entry_id in enumerate(entries):
            cursor.execute(
                "INSERT INTO standards_filing (item_id, agency_id, entry_id, filed_at, "
                f"{COPIED}) SELECT id, agency_id, %s, %s, {COPIED} FROM disclosure_item "
                "WHERE status = 'published' AND id %% %s = %s",
                [entry_id, now, SHARE * len(entries), k],
            )


def _count_unfiled():
    """UnfiledTally counted afresh: the items went in with its triggers off, as the builder
    recounts the catalog tallies."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM standards_unfiledtally")
        cursor.execute(
            "INSERT INTO standards_unfiledtally (agency_id, day, items) "
            "SELECT i.agency_id, i.published_date, count(*) FROM disclosure_item i "
            "WHERE i.status = 'published' AND NOT EXISTS "
            "(SELECT 1 FROM standards_filing f WHERE f.item_id = i.id) GROUP BY 1, 2"
        )
