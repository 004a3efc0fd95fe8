from django.db import migrations

from accounts.roles import sync_operation
from applications.roles import ROLE_PERMISSIONS


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [sync_operation(ROLE_PERMISSIONS)]
