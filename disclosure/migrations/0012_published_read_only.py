"""On PostgreSQL, a published catalog item and its attachments cannot be changed behind the
application's back (the rules were first shipped by accounts 0006; they belong here).

* A published (or withdrawn) item keeps its content. Only the columns that the withdrawal and
  validity services change may move, unless the transaction has declared a recorded correction
  with ``set_config('zwgk.allow_published_edit', 'on', true)`` (what
  ``disclosure.services.item_correct`` does). Deleting such an item is refused the same way,
  and so is changing or deleting its attachments.

The item rule compares whole rows minus the allowed columns, so columns added later are
protected without a new migration.

On an install that already ran accounts 0006 this replaces the same functions and triggers by
the same ones (CREATE OR REPLACE, DROP TRIGGER IF EXISTS): both paths end identical.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION zwgk_correction_declared() RETURNS boolean AS $$
    SELECT coalesce(current_setting('zwgk.allow_published_edit', true), '') = 'on';
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION zwgk_item_published_read_only() RETURNS trigger AS $$
DECLARE
    -- Changed by withdrawal and validity services, or derived (search), never official content.
    movable text[] := ARRAY['status', 'withdrawn_reason', 'validity', 'validity_changed_on',
                            'updated_at', 'publish_workdays', 'search_title_tokens',
                            'search_tokens', 'search_vector'];
BEGIN
    IF OLD.status NOT IN ('published', 'withdrawn') OR zwgk_correction_declared() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '已发布的公开信息不能删除，请使用撤回。'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - movable) IS DISTINCT FROM (to_jsonb(OLD) - movable) THEN
        RAISE EXCEPTION '已发布的公开信息内容不能直接修改，请使用更正功能。'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS disclosure_item_published_read_only ON disclosure_item;
CREATE TRIGGER disclosure_item_published_read_only
    BEFORE UPDATE OR DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION zwgk_item_published_read_only();

CREATE OR REPLACE FUNCTION zwgk_attachment_published_read_only() RETURNS trigger AS $$
DECLARE
    item_status text;
BEGIN
    SELECT status INTO item_status FROM disclosure_item WHERE id = OLD.item_id;
    IF item_status IN ('published', 'withdrawn') AND NOT zwgk_correction_declared() THEN
        RAISE EXCEPTION '已发布信息的附件不能直接修改或删除，请使用更正功能。'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS disclosure_attachment_published_read_only ON disclosure_attachment;
CREATE TRIGGER disclosure_attachment_published_read_only
    BEFORE UPDATE OR DELETE ON disclosure_attachment
    FOR EACH ROW EXECUTE FUNCTION zwgk_attachment_published_read_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS disclosure_item_published_read_only ON disclosure_item;
DROP TRIGGER IF EXISTS disclosure_attachment_published_read_only ON disclosure_attachment;
DROP FUNCTION IF EXISTS zwgk_item_published_read_only();
DROP FUNCTION IF EXISTS zwgk_attachment_published_read_only();
DROP FUNCTION IF EXISTS zwgk_correction_declared();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0011_import_history_mapping"),
        # Installs that ran it have these rules already; this replaces them by the same.
        ("accounts", "0006_official_records_read_only"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
