"""PostgreSQL keeps ChannelTally itself: triggers on the item-channel links and on the items.

Every write path then keeps the report's channel counts right — services, the admin, imports,
data fixes in SQL — without each having to remember. SQLite (development, tests) counts the
links directly and needs no tally (disclosure.selectors).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION disclosure_channel_tally_add(a bigint, c bigint, d date, n integer) RETURNS void AS $$
BEGIN
    IF n < 0 THEN  -- the row exists: the link was counted when it went public
        UPDATE disclosure_channeltally SET items = items + n
        WHERE agency_id = a AND channel_id = c AND month = date_trunc('month', d)::date;
    ELSE
        INSERT INTO disclosure_channeltally (agency_id, channel_id, month, items)
        VALUES (a, c, date_trunc('month', d)::date, n)
        ON CONFLICT (agency_id, channel_id, month)
        DO UPDATE SET items = disclosure_channeltally.items + EXCLUDED.items;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_channel_tally_link() RETURNS trigger AS $$
DECLARE
    link disclosure_item_channels%ROWTYPE;
    it record;
BEGIN
    IF TG_OP = 'INSERT' THEN link := NEW; ELSE link := OLD; END IF;
    SELECT agency_id, published_date, status INTO it FROM disclosure_item WHERE id = link.item_id;
    IF FOUND AND it.status = 'published' THEN
        PERFORM disclosure_channel_tally_add(it.agency_id, link.channel_id, it.published_date,
                                             CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_channel_tally_item() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        PERFORM disclosure_channel_tally_add(OLD.agency_id, l.channel_id, OLD.published_date, -1)
        FROM disclosure_item_channels l WHERE l.item_id = OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.status = 'published' THEN
        PERFORM disclosure_channel_tally_add(NEW.agency_id, l.channel_id, NEW.published_date, 1)
        FROM disclosure_item_channels l WHERE l.item_id = NEW.id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER channel_tally_link AFTER INSERT OR DELETE ON disclosure_item_channels
    FOR EACH ROW EXECUTE FUNCTION disclosure_channel_tally_link();
CREATE TRIGGER channel_tally_item_update AFTER UPDATE OF status, published_date, agency_id ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.published_date IS DISTINCT FROM NEW.published_date
                       OR OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION disclosure_channel_tally_item();
CREATE TRIGGER channel_tally_item_delete AFTER DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION disclosure_channel_tally_item();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS channel_tally_item_delete ON disclosure_item;
DROP TRIGGER IF EXISTS channel_tally_item_update ON disclosure_item;
DROP TRIGGER IF EXISTS channel_tally_link ON disclosure_item_channels;
DROP FUNCTION IF EXISTS disclosure_channel_tally_item();
DROP FUNCTION IF EXISTS disclosure_channel_tally_link();
DROP FUNCTION IF EXISTS disclosure_channel_tally_add(bigint, bigint, date, integer);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: %ROWTYPE is PL/pgSQL
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0006_channel_tally"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
