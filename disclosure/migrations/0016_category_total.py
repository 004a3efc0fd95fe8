"""CategoryTotal: published items per agency and category, kept by PostgreSQL triggers.

The public catalog tree shows a count beside every category of every agency. Summing
CategoryTally (0009, one row per agency, category and month) for it read every month of every
agency; this table has one row per agency and category. Like TopicTally (0013) the triggers keep
it right whatever writes the items; SQLite (development, tests) counts the items directly
(disclosure.tree).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

FORWARD = """
CREATE FUNCTION disclosure_category_total_add(a bigint, cat varchar, n integer) RETURNS void AS $$
BEGIN
    IF n < 0 THEN  -- the row exists: the item was counted when it went public
        UPDATE disclosure_categorytotal SET items = items + n
        WHERE agency_id = a AND category = cat;
    ELSE
        INSERT INTO disclosure_categorytotal (agency_id, category, items) VALUES (a, cat, n)
        ON CONFLICT (agency_id, category)
        DO UPDATE SET items = disclosure_categorytotal.items + EXCLUDED.items;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_category_total_item() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM disclosure_category_total_add(OLD.agency_id, OLD.category, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM disclosure_category_total_add(NEW.agency_id, NEW.category, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER category_total_insert_delete AFTER INSERT OR DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION disclosure_category_total_item();
CREATE TRIGGER category_total_update AFTER UPDATE OF status, agency_id, category ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
                       OR OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION disclosure_category_total_item();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS category_total_update ON disclosure_item;
DROP TRIGGER IF EXISTS category_total_insert_delete ON disclosure_item;
DROP FUNCTION IF EXISTS disclosure_category_total_item();
DROP FUNCTION IF EXISTS disclosure_category_total_add(bigint, varchar, integer);
"""


def count_existing(apps, schema_editor):
    """Fill the totals from the items already published (the same count as disclosure.tally)."""
    Item = apps.get_model("disclosure", "Item")
    CategoryTotal = apps.get_model("disclosure", "CategoryTotal")
    rows = (
        Item.objects.filter(status="published")
        .values("agency_id", "category").annotate(n=Count("id")).order_by()
    )
    CategoryTotal.objects.bulk_create(
        (CategoryTotal(agency_id=row["agency_id"], category=row["category"], items=row["n"])
         for row in rows.iterator()),
        batch_size=2000,
    )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0004_agency_self_review_allowed'),
        ('disclosure', '0015_interpretations_and_ogi_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='CategoryTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('policy', '政策类'), ('work', '工作动态'), ('other', '其他')], max_length=10)),
                ('items', models.PositiveIntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency')),
            ],
            options={
                'verbose_name': '信息类别计数',
                'verbose_name_plural': '信息类别计数',
                'constraints': [models.UniqueConstraint(fields=('agency', 'category'), name='category_total_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
