"""CategoryTally: published items per agency, category and month, kept by PostgreSQL triggers.

Like ChannelTally (0006, 0007): every write path — services, the admin, imports, data fixes in
SQL — keeps the report's category and month counts right. SQLite (development, tests) counts
the items directly (disclosure.selectors).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import TruncMonth

FORWARD = """
CREATE FUNCTION disclosure_category_tally_add(a bigint, cat varchar, d date, n integer) RETURNS void AS $$
BEGIN
    IF n < 0 THEN  -- the row exists: the item was counted when it went public
        UPDATE disclosure_categorytally SET items = items + n
        WHERE agency_id = a AND category = cat AND month = date_trunc('month', d)::date;
    ELSE
        INSERT INTO disclosure_categorytally (agency_id, category, month, items)
        VALUES (a, cat, date_trunc('month', d)::date, n)
        ON CONFLICT (agency_id, category, month)
        DO UPDATE SET items = disclosure_categorytally.items + EXCLUDED.items;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_category_tally_item() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM disclosure_category_tally_add(OLD.agency_id, OLD.category, OLD.published_date, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM disclosure_category_tally_add(NEW.agency_id, NEW.category, NEW.published_date, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER category_tally_insert_delete AFTER INSERT OR DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION disclosure_category_tally_item();
CREATE TRIGGER category_tally_update AFTER UPDATE OF status, published_date, agency_id, category
    ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.published_date IS DISTINCT FROM NEW.published_date
                       OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
                       OR OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION disclosure_category_tally_item();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS category_tally_update ON disclosure_item;
DROP TRIGGER IF EXISTS category_tally_insert_delete ON disclosure_item;
DROP FUNCTION IF EXISTS disclosure_category_tally_item();
DROP FUNCTION IF EXISTS disclosure_category_tally_add(bigint, varchar, date, integer);
"""


def count_existing(apps, schema_editor):
    """Fill the tally from the items already published (the same count as disclosure.tally)."""
    Item = apps.get_model("disclosure", "Item")
    CategoryTally = apps.get_model("disclosure", "CategoryTally")
    rows = (
        Item.objects.filter(status="published").annotate(month=TruncMonth("published_date"))
        .values("agency_id", "category", "month").annotate(n=Count("id")).order_by()
    )
    CategoryTally.objects.bulk_create(
        (CategoryTally(agency_id=row["agency_id"], category=row["category"], month=row["month"],
                       items=row["n"]) for row in rows.iterator()),
        batch_size=2000,
    )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0008_item_normative_covers_validity'),
    ]

    operations = [
        migrations.CreateModel(
            name='CategoryTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('policy', '政策类'), ('work', '工作动态'), ('other', '其他')], max_length=10)),
                ('month', models.DateField(help_text='该月第一天。')),
                ('items', models.PositiveIntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='disclosure.agency')),
            ],
            options={
                'verbose_name': '信息类别月度计数',
                'verbose_name_plural': '信息类别月度计数',
                'constraints': [models.UniqueConstraint(fields=('agency', 'category', 'month'), name='category_tally_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
