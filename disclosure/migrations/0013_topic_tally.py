"""TopicTally: published items per agency and topic, kept by PostgreSQL triggers.

The public catalog tree shows a count beside every topic of every agency. Like CategoryTally
(0009) the triggers keep it right whatever writes the items; SQLite (development, tests) counts
the items directly (disclosure.tree).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

FORWARD = """
CREATE FUNCTION disclosure_topic_tally_add(a bigint, t bigint, n integer) RETURNS void AS $$
BEGIN
    IF t IS NULL THEN
        RETURN;  -- items without a topic are not in the topic tree
    END IF;
    IF n < 0 THEN  -- the row exists: the item was counted when it went public
        UPDATE disclosure_topictally SET items = items + n WHERE agency_id = a AND topic_id = t;
    ELSE
        INSERT INTO disclosure_topictally (agency_id, topic_id, items) VALUES (a, t, n)
        ON CONFLICT (agency_id, topic_id)
        DO UPDATE SET items = disclosure_topictally.items + EXCLUDED.items;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_topic_tally_item() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM disclosure_topic_tally_add(OLD.agency_id, OLD.topic_id, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM disclosure_topic_tally_add(NEW.agency_id, NEW.topic_id, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER topic_tally_insert_delete AFTER INSERT OR DELETE ON disclosure_item
    FOR EACH ROW EXECUTE FUNCTION disclosure_topic_tally_item();
CREATE TRIGGER topic_tally_update AFTER UPDATE OF status, agency_id, topic_id ON disclosure_item
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
                       OR OLD.topic_id IS DISTINCT FROM NEW.topic_id)
    EXECUTE FUNCTION disclosure_topic_tally_item();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS topic_tally_update ON disclosure_item;
DROP TRIGGER IF EXISTS topic_tally_insert_delete ON disclosure_item;
DROP FUNCTION IF EXISTS disclosure_topic_tally_item();
DROP FUNCTION IF EXISTS disclosure_topic_tally_add(bigint, bigint, integer);
"""


def count_existing(apps, schema_editor):
    """Fill the tally from the items already published (the same count as disclosure.tally)."""
    Item = apps.get_model("disclosure", "Item")
    TopicTally = apps.get_model("disclosure", "TopicTally")
    rows = (
        Item.objects.filter(status="published", topic__isnull=False)
        .values("agency_id", "topic_id").annotate(n=Count("id")).order_by()
    )
    TopicTally.objects.bulk_create(
        (TopicTally(agency_id=row["agency_id"], topic_id=row["topic_id"], items=row["n"])
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
        ('disclosure', '0012_published_read_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='TopicTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('items', models.PositiveIntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency')),
                ('topic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='disclosure.topic')),
            ],
            options={
                'verbose_name': '主题分类计数',
                'verbose_name_plural': '主题分类计数',
                'constraints': [models.UniqueConstraint(fields=('agency', 'topic'), name='topic_tally_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
