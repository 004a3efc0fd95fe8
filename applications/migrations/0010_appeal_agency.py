"""Appeals carry their application's agency, so that table 四 counts an agency's appeals directly.

Before, each appeal looked its application's agency up by primary key (a subquery per appeal on
file); the district report paid for every appeal ever recorded. The column is filled from the
applications, then made required. On PostgreSQL a trigger moves an application's appeals with
it if the application ever moves to another agency (no service does; a data fix might).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FORWARD = """
CREATE FUNCTION applications_appeal_follow_agency() RETURNS trigger AS $$
BEGIN
    UPDATE applications_appeal SET agency_id = NEW.agency_id WHERE application_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_appeal_agency AFTER UPDATE OF agency_id ON applications_application
    FOR EACH ROW WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id)
    EXECUTE FUNCTION applications_appeal_follow_agency();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS application_appeal_agency ON applications_application;
DROP FUNCTION IF EXISTS applications_appeal_follow_agency();
"""


def fill_agency(apps, schema_editor):
    Appeal = apps.get_model("applications", "Appeal")
    Application = apps.get_model("applications", "Application")
    Appeal.objects.update(
        agency_id=Subquery(
            Application.objects.filter(pk=OuterRef("application_id")).values("agency_id")[:1]
        )
    )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("applications", "0009_provisional_due_and_receipt_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="被申请机构",
            ),
        ),
        migrations.RunPython(fill_agency, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appeal",
            name="agency",
            field=models.ForeignKey(
                help_text="申请的受理机构（保存时取自申请）：年报表四按机构统计，不必逐件查申请。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="被申请机构",
            ),
        ),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
