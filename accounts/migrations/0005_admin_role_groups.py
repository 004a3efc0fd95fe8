"""The 三权分立 administrator groups with their permissions."""

from django.db import migrations


def forwards(apps, schema_editor):
    from accounts.roles import ADMIN_ROLE_PERMISSIONS, sync_admin_groups

    sync_admin_groups(apps, ADMIN_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_append_only_trigger"),
        ("accounts", "0002_role_groups"),
        ("otp_totp", "0003_add_timestamps"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
