from django.db import migrations

from accounts.roles import sync_operation
from reports.roles import ROLE_PERMISSIONS


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [sync_operation(ROLE_PERMISSIONS)]
