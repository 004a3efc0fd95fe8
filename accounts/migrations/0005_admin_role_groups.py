"""The 三权分立 administrator groups with their permissions.

They are no longer shipped here: ``accounts.roles.sync_after_migrate`` makes every role group
match the declared table after each migrate. This step once imported the live table (which
drifted from it); it is kept as history and does nothing now.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_append_only_trigger"),
        ("accounts", "0002_role_groups"),
        ("otp_totp", "0003_add_timestamps"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
