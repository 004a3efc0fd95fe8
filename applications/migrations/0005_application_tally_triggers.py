"""PostgreSQL keeps ApplicationTally itself: a trigger on the applications.

Every write path then keeps table 三 right — services, the admin, data fixes in SQL — without
each having to remember. A write takes the old row's receipt and closure out of their months and
puts the new row's in; parts that did not move are left alone, so that replying touches only the
closure month's row. SQLite (development, tests) counts the applications directly and needs no
tally (applications.selectors).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION applications_tally_add(a bigint, d date, t varchar, o varchar, n integer) RETURNS void AS $$
BEGIN
    IF n < 0 THEN  -- the row exists: the application was counted when it went in
        UPDATE applications_applicationtally SET applications = applications + n
        WHERE agency_id = a AND month = date_trunc('month', d)::date AND applicant_type = t AND outcome = o;
    ELSE
        INSERT INTO applications_applicationtally (agency_id, month, applicant_type, outcome, applications)
        VALUES (a, date_trunc('month', d)::date, t, o, n)
        ON CONFLICT (agency_id, month, applicant_type, outcome)
        DO UPDATE SET applications = applications_applicationtally.applications + EXCLUDED.applications;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION applications_application_tally() RETURNS trigger AS $$
DECLARE
    receipt_moved boolean := TG_OP <> 'UPDATE';
    closure_moved boolean := TG_OP <> 'UPDATE';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        receipt_moved := OLD.agency_id <> NEW.agency_id OR OLD.applicant_type <> NEW.applicant_type
            OR date_trunc('month', OLD.received_on) <> date_trunc('month', NEW.received_on);
        closure_moved := OLD.agency_id <> NEW.agency_id OR OLD.applicant_type <> NEW.applicant_type
            OR OLD.outcome <> NEW.outcome
            OR date_trunc('month', OLD.closed_on) IS DISTINCT FROM date_trunc('month', NEW.closed_on);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF receipt_moved THEN
            PERFORM applications_tally_add(OLD.agency_id, OLD.received_on, OLD.applicant_type, '', -1);
        END IF;
        IF closure_moved AND OLD.closed_on IS NOT NULL THEN
            PERFORM applications_tally_add(OLD.agency_id, OLD.closed_on, OLD.applicant_type, OLD.outcome, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF receipt_moved THEN
            PERFORM applications_tally_add(NEW.agency_id, NEW.received_on, NEW.applicant_type, '', 1);
        END IF;
        IF closure_moved AND NEW.closed_on IS NOT NULL THEN
            PERFORM applications_tally_add(NEW.agency_id, NEW.closed_on, NEW.applicant_type, NEW.outcome, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_tally_insert_delete AFTER INSERT OR DELETE ON applications_application
    FOR EACH ROW EXECUTE FUNCTION applications_application_tally();
CREATE TRIGGER application_tally_update
    AFTER UPDATE OF agency_id, applicant_type, received_on, closed_on, outcome ON applications_application
    FOR EACH ROW WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id
                       OR OLD.applicant_type IS DISTINCT FROM NEW.applicant_type
                       OR OLD.received_on IS DISTINCT FROM NEW.received_on
                       OR OLD.closed_on IS DISTINCT FROM NEW.closed_on
                       OR OLD.outcome IS DISTINCT FROM NEW.outcome)
    EXECUTE FUNCTION applications_application_tally();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS application_tally_update ON applications_application;
DROP TRIGGER IF EXISTS application_tally_insert_delete ON applications_application;
DROP FUNCTION IF EXISTS applications_application_tally();
DROP FUNCTION IF EXISTS applications_tally_add(bigint, date, varchar, varchar, integer);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_application_tally"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
