"""Once: the read-only rules of the official records, on other apps' tables.

This migration used to create, on PostgreSQL, the triggers that keep published catalog items,
their attachments and published annual-report versions read-only. They now come from the apps
that own those tables (``disclosure`` 0012, ``reports`` 0004), which replace them on installs
that ran this step and create them on new installs, so both end with the same triggers. Kept,
doing nothing, as the history of installs that applied it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_admin_role_groups"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
