"""Yearly closing balances of table 三, kept on PostgreSQL by a trigger on the monthly tally.

The opening balance (上年结转) of a report read every month of the tally since the first
application; it now reads one row per agency and applicant type. A change to the tally of month
m (any write to the applications, through migration 0005's trigger) adds its effect on the open
count to the balance of m's year and every later year on file, creating m's year's row from the
latest balance before it. One writer per agency and type at a time (an advisory lock), so that a
row created for a year never misses a concurrent change to an earlier one.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, F, Sum, When
from django.db.models.functions import ExtractYear

FORWARD = """
CREATE FUNCTION applications_balance_add(a bigint, y integer, t varchar, n integer) RETURNS void AS $$
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('applications_balance'), hashtext(a::text || '/' || t));
    INSERT INTO applications_applicationbalance (agency_id, year, applicant_type, open)
    SELECT a, y, t, COALESCE((SELECT b.open FROM applications_applicationbalance b
                              WHERE b.agency_id = a AND b.applicant_type = t AND b.year < y
                              ORDER BY b.year DESC LIMIT 1), 0)
    ON CONFLICT (agency_id, applicant_type, year) DO NOTHING;
    UPDATE applications_applicationbalance SET open = open + n
    WHERE agency_id = a AND applicant_type = t AND year >= y;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION applications_tally_balance() RETURNS trigger AS $$
BEGIN
    -- applications.tally.rebuild recounts the balances once after recounting the tally.
    IF current_setting('zwgk.balance_rebuild', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- A receipt row opens applications, a closure row closes them.
    IF TG_OP = 'UPDATE' AND OLD.agency_id = NEW.agency_id AND OLD.month = NEW.month
            AND OLD.applicant_type = NEW.applicant_type AND OLD.outcome = NEW.outcome THEN
        PERFORM applications_balance_add(NEW.agency_id, extract(year FROM NEW.month)::int,
            NEW.applicant_type,
            CASE WHEN NEW.outcome = '' THEN 1 ELSE -1 END * (NEW.applications - OLD.applications));
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM applications_balance_add(OLD.agency_id, extract(year FROM OLD.month)::int,
            OLD.applicant_type,
            CASE WHEN OLD.outcome = '' THEN -1 ELSE 1 END * OLD.applications);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM applications_balance_add(NEW.agency_id, extract(year FROM NEW.month)::int,
            NEW.applicant_type,
            CASE WHEN NEW.outcome = '' THEN 1 ELSE -1 END * NEW.applications);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_balance AFTER INSERT OR UPDATE OR DELETE
    ON applications_applicationtally
    FOR EACH ROW EXECUTE FUNCTION applications_tally_balance();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS application_balance ON applications_applicationtally;
DROP FUNCTION IF EXISTS applications_tally_balance();
DROP FUNCTION IF EXISTS applications_balance_add(bigint, integer, varchar, integer);
"""


def count_existing(apps, schema_editor):
    """Balances from the tally already there (the same sums as applications.tally.rebuild)."""
    ApplicationTally = apps.get_model("applications", "ApplicationTally")
    ApplicationBalance = apps.get_model("applications", "ApplicationBalance")
    yearly = (
        ApplicationTally.objects.annotate(year=ExtractYear("month"))
        .values("agency_id", "applicant_type", "year")
        .annotate(
            net=Sum(Case(When(outcome="", then=F("applications")), default=-F("applications")))
        )
        .order_by("agency_id", "applicant_type", "year")
    )
    rows, running, group = [], 0, None
    for row in yearly.iterator():
        if (row["agency_id"], row["applicant_type"]) != group:
            group, running = (row["agency_id"], row["applicant_type"]), 0
        running += row["net"]
        rows.append(
            ApplicationBalance(
                agency_id=row["agency_id"],
                applicant_type=row["applicant_type"],
                year=row["year"],
                open=running,
            )
        )
    ApplicationBalance.objects.bulk_create(rows, batch_size=2000)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0004_agency_self_review_allowed'),
        ('applications', '0010_appeal_agency'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApplicationBalance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('applicant_type', models.CharField(choices=[('natural_person', '自然人'), ('commercial', '商业企业'), ('research', '科研机构'), ('public_welfare', '社会公益组织'), ('legal_service', '法律服务机构'), ('other_org', '其他')], max_length=20, verbose_name='申请人类型')),
                ('open', models.IntegerField(default=0, help_text='当年 12 月 31 日仍未办结的申请数。', verbose_name='年末未办结')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency', verbose_name='受理机构')),
            ],
            options={
                'verbose_name': '依申请公开年末结转',
                'verbose_name_plural': '依申请公开年末结转',
                'constraints': [models.UniqueConstraint(fields=('agency', 'applicant_type', 'year'), name='application_balance_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
