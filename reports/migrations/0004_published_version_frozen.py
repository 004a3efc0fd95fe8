"""On PostgreSQL, a published annual-report version (``reports_reportversion``) is never updated
or deleted (the rule was first shipped by accounts 0006; it belongs here).

On an install that already ran accounts 0006 this replaces the same function and trigger by the
same ones (CREATE OR REPLACE, DROP TRIGGER IF EXISTS): both paths end identical.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION zwgk_report_version_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '已发布的年度报告版本不能修改或删除，请发布更正版本。'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS reports_reportversion_frozen ON reports_reportversion;
CREATE TRIGGER reports_reportversion_frozen
    BEFORE UPDATE OR DELETE ON reports_reportversion
    FOR EACH ROW EXECUTE FUNCTION zwgk_report_version_frozen();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_reportversion_frozen ON reports_reportversion;
DROP FUNCTION IF EXISTS zwgk_report_version_frozen();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_agency_in_agencies"),
        # Installs that ran it have this rule already; this replaces it by the same.
        ("accounts", "0006_official_records_read_only"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
