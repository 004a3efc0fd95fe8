"""The SQLite triggers that keep a filing's copies of its item (migration 0002), made again
after every ``migrate``.

SQLite alters a table by building a new one and dropping the old, and its triggers go with the
old one: a later migration that rebuilds disclosure_item or standards_filing would leave the
copies unkept. After each migrate the missing triggers are made again and, if one was missing,
the copies are read again from the items. (PostgreSQL alters tables in place.)
"""

from django.db import connections

COPIED = "status, published_date, formed_date, publish_workdays, imported"
RECOPY = (
    f"UPDATE standards_filing SET ({COPIED}) = (SELECT {COPIED} FROM disclosure_item "
    "WHERE disclosure_item.id = standards_filing.item_id)"
)

# The same statements as migration 0002 makes.
SQLITE = {
    "filing_copy": f"""CREATE TRIGGER filing_copy AFTER INSERT ON standards_filing
BEGIN
    UPDATE standards_filing SET ({COPIED}) =
        (SELECT {COPIED} FROM disclosure_item WHERE id = NEW.item_id)
    WHERE id = NEW.id;
END""",
    "filing_copy_again": f"""CREATE TRIGGER filing_copy_again AFTER UPDATE OF item_id ON standards_filing
BEGIN
    UPDATE standards_filing SET ({COPIED}) =
        (SELECT {COPIED} FROM disclosure_item WHERE id = NEW.item_id)
    WHERE id = NEW.id;
END""",
    "filing_follow": f"""CREATE TRIGGER filing_follow AFTER UPDATE OF {COPIED} ON disclosure_item
WHEN OLD.status IS NOT NEW.status OR OLD.published_date IS NOT NEW.published_date
    OR OLD.formed_date IS NOT NEW.formed_date
    OR OLD.publish_workdays IS NOT NEW.publish_workdays OR OLD.imported IS NOT NEW.imported
BEGIN
    UPDATE standards_filing SET status = NEW.status, published_date = NEW.published_date,
        formed_date = NEW.formed_date, publish_workdays = NEW.publish_workdays,
        imported = NEW.imported
    WHERE item_id = NEW.id;
END""",
}


def ensure_after_migrate(sender, using="default", plan=None, **kwargs):
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "standards_filing" not in tables or "published_date" not in {
            column.name
            for column in connection.introspection.get_table_description(cursor, "standards_filing")
        }:
            return  # not migrated (or migrated back) to the copies
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE),
        )
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in SQLITE if name not in present]
        for name in missing:
            cursor.execute(SQLITE[name])
        if missing:
            cursor.execute(RECOPY)
