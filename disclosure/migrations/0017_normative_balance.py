"""NormativeBalance: report table 二 per agency, document kind and year, kept by PostgreSQL triggers.

现行有效件数 (documents in force at the end of the report year) counted every 规章 and 行政规范性
文件 the agencies ever made, so a report cost more with each year of documents on file. The
table holds, per agency, kind and year, the documents formed (issued) and ended (repealed) in
the year and those in force at its end (a closing balance); a report reads one row per agency
and kind. The triggers on disclosure_item move the rows whatever writes the items: publishing,
withdrawing, deleting, re-dating, repealing or re-kinding a document takes its old contribution
out and puts its new one in. One writer per agency and kind at a time (an advisory lock), so a
row created for a year never misses a concurrent change to an earlier one. SQLite (development,
tests) counts the items directly (disclosure.selectors).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Greatest

FORWARD = """
CREATE FUNCTION disclosure_normative_add(a bigint, k varchar, y integer,
        d_issued integer, d_repealed integer, d_in_force integer) RETURNS void AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('disclosure_normative'), hashtext(a::text || '/' || k));
    -- A year's first row starts from the balance of the latest year before it.
    INSERT INTO disclosure_normativebalance (agency_id, doc_kind, year, issued, repealed, in_force)
    SELECT a, k, y, 0, 0, COALESCE((SELECT b.in_force FROM disclosure_normativebalance b
                                    WHERE b.agency_id = a AND b.doc_kind = k AND b.year < y
                                    ORDER BY b.year DESC LIMIT 1), 0)
    ON CONFLICT (agency_id, doc_kind, year) DO NOTHING;
    IF d_issued <> 0 OR d_repealed <> 0 THEN
        UPDATE disclosure_normativebalance
        SET issued = issued + d_issued, repealed = repealed + d_repealed
        WHERE agency_id = a AND doc_kind = k AND year = y;
    END IF;
    IF d_in_force <> 0 THEN
        UPDATE disclosure_normativebalance SET in_force = in_force + d_in_force
        WHERE agency_id = a AND doc_kind = k AND year >= y;
    END IF;
END $$ LANGUAGE plpgsql;

-- One document's part in the balances, counted with sign s (1 to add it, -1 to take it out):
-- published 规章 and 行政规范性文件 only, as disclosure.selectors.normative_document_counts.
CREATE FUNCTION disclosure_normative_count(s integer, a bigint, st varchar, k varchar,
        formed date, validity varchar, changed date) RETURNS void AS $$
DECLARE
    formed_year integer := extract(year FROM formed)::integer;
    ended_year integer;
BEGIN
    IF st <> 'published' OR k = '' THEN
        RETURN;
    END IF;
    IF validity IN ('repealed', 'expired') AND changed IS NOT NULL THEN
        ended_year := extract(year FROM changed)::integer;
        PERFORM disclosure_normative_add(a, k, ended_year, 0, s, 0);
    END IF;
    IF formed_year IS NOT NULL THEN
        PERFORM disclosure_normative_add(a, k, formed_year, s, 0, s);
        -- In force from the year it was formed until the later of that and its ending.
        IF ended_year IS NOT NULL THEN
            PERFORM disclosure_normative_add(a, k, greatest(formed_year, ended_year), 0, 0, -s);
        END IF;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION disclosure_normative_item() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM disclosure_normative_count(-1, OLD.agency_id, OLD.status, OLD.doc_kind,
            OLD.formed_date, OLD.validity, OLD.validity_changed_on);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM disclosure_normative_count(1, NEW.agency_id, NEW.status, NEW.doc_kind,
            NEW.formed_date, NEW.validity, NEW.validity_changed_on);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER normative_balance_insert AFTER INSERT ON disclosure_item
    FOR EACH ROW WHEN (NEW.doc_kind <> '' AND NEW.status = 'published')
    EXECUTE FUNCTION disclosure_normative_item();
CREATE TRIGGER normative_balance_delete AFTER DELETE ON disclosure_item
    FOR EACH ROW WHEN (OLD.doc_kind <> '' AND OLD.status = 'published')
    EXECUTE FUNCTION disclosure_normative_item();
CREATE TRIGGER normative_balance_update
    AFTER UPDATE OF status, agency_id, doc_kind, formed_date, validity, validity_changed_on
    ON disclosure_item
    FOR EACH ROW WHEN ((OLD.doc_kind <> '' AND OLD.status = 'published'
                        OR NEW.doc_kind <> '' AND NEW.status = 'published')
                       AND (OLD.status IS DISTINCT FROM NEW.status
                            OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
                            OR OLD.doc_kind IS DISTINCT FROM NEW.doc_kind
                            OR OLD.formed_date IS DISTINCT FROM NEW.formed_date
                            OR OLD.validity IS DISTINCT FROM NEW.validity
                            OR OLD.validity_changed_on IS DISTINCT FROM NEW.validity_changed_on))
    EXECUTE FUNCTION disclosure_normative_item();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS normative_balance_update ON disclosure_item;
DROP TRIGGER IF EXISTS normative_balance_delete ON disclosure_item;
DROP TRIGGER IF EXISTS normative_balance_insert ON disclosure_item;
DROP FUNCTION IF EXISTS disclosure_normative_item();
DROP FUNCTION IF EXISTS disclosure_normative_count(integer, bigint, varchar, varchar, date, varchar, date);
DROP FUNCTION IF EXISTS disclosure_normative_add(bigint, varchar, integer, integer, integer, integer);
"""


def count_existing(apps, schema_editor):
    """Fill the balances from the documents already published (as disclosure.tally.rebuild)."""
    Item = apps.get_model("disclosure", "Item")
    NormativeBalance = apps.get_model("disclosure", "NormativeBalance")
    documents = Item.objects.filter(status="published").exclude(doc_kind="")
    ended = Q(validity__in=["repealed", "expired"], validity_changed_on__isnull=False)
    events = (
        (documents.filter(formed_date__isnull=False), ExtractYear("formed_date"), (1, 0, 1)),
        (documents.filter(ended), ExtractYear("validity_changed_on"), (0, 1, 0)),
        (
            documents.filter(ended, formed_date__isnull=False),
            Greatest(ExtractYear("formed_date"), ExtractYear("validity_changed_on")),
            (0, 0, -1),
        ),
    )
    flows = {}
    for rows, year, signs in events:
        for row in (
            rows.annotate(event_year=year)
            .values("agency_id", "doc_kind", "event_year").annotate(n=Count("id")).order_by()
        ):
            flow = flows.setdefault(
                (row["agency_id"], row["doc_kind"], int(row["event_year"])), [0, 0, 0]
            )
            for index, sign in enumerate(signs):
                flow[index] += sign * row["n"]
    balances, running, group = [], 0, None
    for (agency, kind, year), (issued, repealed, change) in sorted(flows.items()):
        if (agency, kind) != group:
            group, running = (agency, kind), 0
        running += change
        balances.append(NormativeBalance(
            agency_id=agency, doc_kind=kind, year=year,
            issued=issued, repealed=repealed, in_force=running,
        ))
    NormativeBalance.objects.bulk_create(balances, batch_size=2000)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_can_make_rules_and_rules_items'),
        ('disclosure', '0016_category_total'),
    ]

    operations = [
        migrations.CreateModel(
            name='NormativeBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('doc_kind', models.CharField(choices=[('', '非规章或规范性文件'), ('rule', '规章'), ('normative', '行政规范性文件')], max_length=10)),
                ('year', models.PositiveSmallIntegerField()),
                ('issued', models.IntegerField(default=0)),
                ('repealed', models.IntegerField(default=0)),
                ('in_force', models.IntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency')),
            ],
            options={
                'verbose_name': '规范性文件年度计数',
                'verbose_name_plural': '规范性文件年度计数',
                'constraints': [models.UniqueConstraint(fields=('agency', 'doc_kind', 'year'), name='normative_balance_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
