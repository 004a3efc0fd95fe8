"""A GIN index over the title tokens alone (PostgreSQL only).

Title hits are listed first. Asking the combined vector for weight-A matches cannot be answered
from its GIN index (weights are not indexed), so every row containing a common word had to be
re-read; an expression index over the title tokens answers the title group from its own,
much smaller index. (An expression, not a new column, so that the read-only trigger on
published rows needs no change.)
"""

from django.db import migrations

FORWARD = """
CREATE INDEX item_search_title_gin ON disclosure_item
    USING gin (to_tsvector('simple'::regconfig, search_title_tokens))
    WHERE status = 'published';
"""
BACKWARD = "DROP INDEX IF EXISTS item_search_title_gin;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_topics_search_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
