from django.db import migrations

from accounts.roles import ROLE_PERMISSIONS, sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("disclosure", "0001_initial"),
        ("workdays", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [sync_operation(ROLE_PERMISSIONS)]
