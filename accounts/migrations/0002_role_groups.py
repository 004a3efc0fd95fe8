from django.db import migrations

# Role groups are no longer shipped by data migrations: accounts.roles.sync_after_migrate makes
# every role group match the declared table after each migrate. This step once did that here
# with the live table (which drifted from it); it is kept as history and does nothing now.


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("disclosure", "0001_initial"),
        ("workdays", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
