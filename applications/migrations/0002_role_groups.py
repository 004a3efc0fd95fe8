from django.db import migrations

# Role groups are no longer shipped by data migrations: accounts.roles.sync_after_migrate makes
# every role group match the declared table after each migrate. This step once did that here
# with the live table (which drifted from it); it is kept as history and does nothing now.


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
