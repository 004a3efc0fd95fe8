"""The monitor reads filings only: copies of their items' fields, and a tally of unfiled items.

At a million items the monitor's page joined an agency's ~15,000 filings to their items (10,000
heap pages for the busiest agency). Now each filing carries the fields of its item the monitor
needs (status, publication and formation dates, working days taken, imported), written by
triggers whatever writes the items or the filings, and indexed per agency, 事项 and publication
date; the monitor descends that index once per 事项 and scans only the year asked for.

The triggers that copy are made on SQLite and PostgreSQL alike (the monitor has one code path).
UnfiledTally (published items filed under no 事项, per agency and day) is kept on PostgreSQL
only; SQLite (development, tests) counts those items directly, as the other tallies do.
"""

import django.db.models.deletion
from django.db import migrations, models

COPIED = "status, published_date, formed_date, publish_workdays, imported"

PG_COPY = f"""
CREATE FUNCTION standards_filing_copy() RETURNS trigger AS $$
BEGIN
    SELECT {COPIED} INTO NEW.status, NEW.published_date, NEW.formed_date,
        NEW.publish_workdays, NEW.imported
    FROM disclosure_item WHERE id = NEW.item_id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION standards_filing_follow() RETURNS trigger AS $$
BEGIN
    UPDATE standards_filing SET status = NEW.status, published_date = NEW.published_date,
        formed_date = NEW.formed_date, publish_workdays = NEW.publish_workdays,
        imported = NEW.imported
    WHERE item_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- An ORM save of a filing names item_id too: the copies are read again, never taken from it.
CREATE TRIGGER filing_copy BEFORE INSERT OR UPDATE OF item_id ON standards_filing
    FOR EACH ROW EXECUTE FUNCTION standards_filing_copy();
CREATE TRIGGER filing_follow AFTER UPDATE OF {COPIED} ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.published_date IS DISTINCT FROM NEW.published_date
                       OR OLD.formed_date IS DISTINCT FROM NEW.formed_date
                       OR OLD.publish_workdays IS DISTINCT FROM NEW.publish_workdays
                       OR OLD.imported IS DISTINCT FROM NEW.imported)
    EXECUTE FUNCTION standards_filing_follow();
"""

PG_UNFILED = """
CREATE FUNCTION standards_unfiled_add(a bigint, d date, n integer) RETURNS void AS $$
BEGIN
    IF n < 0 THEN  -- the row exists: the item was counted when it went public unfiled
        UPDATE standards_unfiledtally SET items = items + n WHERE agency_id = a AND day = d;
    ELSE
        INSERT INTO standards_unfiledtally (agency_id, day, items) VALUES (a, d, n)
        ON CONFLICT (agency_id, day)
        DO UPDATE SET items = standards_unfiledtally.items + EXCLUDED.items;
    END IF;
END $$ LANGUAGE plpgsql;

-- An item: counted while published with no filing (its filings are not touched by the same
-- statement; a deleted item's filings are deleted before it, which counted it again).
CREATE FUNCTION standards_unfiled_item() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM standards_filing WHERE item_id = OLD.id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM standards_unfiled_add(OLD.agency_id, OLD.published_date, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM standards_unfiled_add(NEW.agency_id, NEW.published_date, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Filings, per statement (one statement may file an item under several 事项 at once): published
-- items whose only filings are the new ones leave the tally; those left with none come back.
CREATE FUNCTION standards_unfiled_filed() RETURNS trigger AS $$
BEGIN
    UPDATE standards_unfiledtally t SET items = t.items - s.n
    FROM (
        SELECT i.agency_id, i.published_date AS day, count(*) AS n
        FROM disclosure_item i
        WHERE i.status = 'published'
          AND i.id IN (SELECT item_id FROM new_filings)
          AND NOT EXISTS (
              SELECT 1 FROM standards_filing f
              WHERE f.item_id = i.id AND f.id NOT IN (SELECT id FROM new_filings))
        GROUP BY 1, 2
    ) s
    WHERE t.agency_id = s.agency_id AND t.day = s.day;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION standards_unfiled_unfiled() RETURNS trigger AS $$
BEGIN
    INSERT INTO standards_unfiledtally (agency_id, day, items)
    SELECT i.agency_id, i.published_date, count(*)
    FROM disclosure_item i
    WHERE i.status = 'published'
      AND i.id IN (SELECT item_id FROM old_filings)
      AND NOT EXISTS (SELECT 1 FROM standards_filing f WHERE f.item_id = i.id)
    GROUP BY 1, 2
    ON CONFLICT (agency_id, day)
    DO UPDATE SET items = standards_unfiledtally.items + EXCLUDED.items;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER unfiled_item_insert_delete AFTER INSERT OR DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION standards_unfiled_item();
CREATE TRIGGER unfiled_item_update AFTER UPDATE OF status, published_date, agency_id
    ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.published_date IS DISTINCT FROM NEW.published_date
                       OR OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION standards_unfiled_item();
CREATE TRIGGER unfiled_filing_insert AFTER INSERT ON standards_filing
    REFERENCING NEW TABLE AS new_filings
    FOR EACH STATEMENT EXECUTE FUNCTION standards_unfiled_filed();
CREATE TRIGGER unfiled_filing_delete AFTER DELETE ON standards_filing
    REFERENCING OLD TABLE AS old_filings
    FOR EACH STATEMENT EXECUTE FUNCTION standards_unfiled_unfiled();
"""

PG_UNFILED_BACKWARD = """
DROP TRIGGER IF EXISTS unfiled_filing_delete ON standards_filing;
DROP TRIGGER IF EXISTS unfiled_filing_insert ON standards_filing;
DROP TRIGGER IF EXISTS unfiled_item_update ON disclosure_item;
DROP TRIGGER IF EXISTS unfiled_item_insert_delete ON disclosure_item;
DROP FUNCTION IF EXISTS standards_unfiled_unfiled();
DROP FUNCTION IF EXISTS standards_unfiled_filed();
DROP FUNCTION IF EXISTS standards_unfiled_item();
DROP FUNCTION IF EXISTS standards_unfiled_add(bigint, date, integer);
"""

PG_COPY_BACKWARD = """
DROP TRIGGER IF EXISTS filing_follow ON disclosure_item;
DROP TRIGGER IF EXISTS filing_copy ON standards_filing;
DROP FUNCTION IF EXISTS standards_filing_follow();
DROP FUNCTION IF EXISTS standards_filing_copy();
"""

# SQLite: no BEFORE trigger may change the new row, so the filing is completed after it is
# written. (A table SQLite rebuilds loses its triggers: ``standards.apps`` makes them again
# after every migrate, see ``standards.triggers``.)
SQLITE_COPY = [
    f"""CREATE TRIGGER filing_copy AFTER INSERT ON standards_filing
BEGIN
    UPDATE standards_filing SET ({COPIED}) =
        (SELECT {COPIED} FROM disclosure_item WHERE id = NEW.item_id)
    WHERE id = NEW.id;
END""",
    f"""CREATE TRIGGER filing_copy_again AFTER UPDATE OF item_id ON standards_filing
BEGIN
    UPDATE standards_filing SET ({COPIED}) =
        (SELECT {COPIED} FROM disclosure_item WHERE id = NEW.item_id)
    WHERE id = NEW.id;
END""",
    f"""CREATE TRIGGER filing_follow AFTER UPDATE OF {COPIED} ON disclosure_item
WHEN OLD.status IS NOT NEW.status OR OLD.published_date IS NOT NEW.published_date
    OR OLD.formed_date IS NOT NEW.formed_date
    OR OLD.publish_workdays IS NOT NEW.publish_workdays OR OLD.imported IS NOT NEW.imported
BEGIN
    UPDATE standards_filing SET status = NEW.status, published_date = NEW.published_date,
        formed_date = NEW.formed_date, publish_workdays = NEW.publish_workdays,
        imported = NEW.imported
    WHERE item_id = NEW.id;
END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS filing_follow",
    "DROP TRIGGER IF EXISTS filing_copy_again",
    "DROP TRIGGER IF EXISTS filing_copy",
]


def copy_existing(apps, schema_editor):
    """Fill the copies of the filings already made from their items."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE standards_filing f SET status = i.status, published_date = i.published_date, "
            "formed_date = i.formed_date, publish_workdays = i.publish_workdays, "
            "imported = i.imported FROM disclosure_item i WHERE i.id = f.item_id"
        )
    else:
        schema_editor.execute(
            f"UPDATE standards_filing SET ({COPIED}) = (SELECT {COPIED} FROM disclosure_item "
            "WHERE disclosure_item.id = standards_filing.item_id)"
        )


def count_existing(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO standards_unfiledtally (agency_id, day, items) "
            "SELECT i.agency_id, i.published_date, count(*) FROM disclosure_item i "
            "WHERE i.status = 'published' AND NOT EXISTS "
            "(SELECT 1 FROM standards_filing f WHERE f.item_id = i.id) GROUP BY 1, 2"
        )


def _triggers(pg, sqlite):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            if pg:
                schema_editor.execute(pg, params=None)
        elif sqlite:
            for statement in sqlite:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_can_make_rules_and_rules_items"),
        ("disclosure", "0016_category_total"),
        ("standards", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="filing",
            name="filing_agency_entry",
        ),
        migrations.AddField(
            model_name="filing",
            name="status",
            field=models.CharField(default="", editable=False, max_length=12),
        ),
        migrations.AddField(
            model_name="filing",
            name="published_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="filing",
            name="formed_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="filing",
            name="publish_workdays",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="filing",
            name="imported",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(copy_existing, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["agency", "entry", "published_date"],
                include=("publish_workdays", "imported"),
                name="filing_published",
            ),
        ),
        migrations.AddIndex(
            model_name="filing",
            index=models.Index(
                condition=models.Q(("status__in", ["draft", "in_review"])),
                fields=["agency", "entry"],
                name="filing_pending",
            ),
        ),
        migrations.RunPython(
            _triggers(PG_COPY, SQLITE_COPY), _triggers(PG_COPY_BACKWARD, SQLITE_BACKWARD)
        ),
        migrations.CreateModel(
            name="UnfiledTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("items", models.IntegerField(default=0)),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="agencies.agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "未归入事项计数",
                "verbose_name_plural": "未归入事项计数",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("agency", "day"), include=("items",), name="unfiled_tally_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_triggers(PG_UNFILED, None), _triggers(PG_UNFILED_BACKWARD, None)),
    ]
