"""The PostgreSQL function a common search uses to walk the date index instead of the GIN index
(``disclosure.search.UNINDEXED_MATCH``; see ``disclosure.catalog._recent_window``)."""

from django.db import migrations

from disclosure.search import UNINDEXED_MATCH_REVERSE_SQL, UNINDEXED_MATCH_SQL


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINDEXED_MATCH_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINDEXED_MATCH_REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0019_item_pub_agency_columns"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
