from django.db import migrations

# The common local scheme (DOMAIN.md §4); A–D or 甲乙丙 are set up in the admin without code.
DEFAULT_CLASSES = [
    ("A", "已解决或基本解决", "所提问题已经解决或基本解决", 10),
    ("B", "正在解决或列入计划解决", "所提问题正在解决或已列入计划逐步解决", 20),
    ("C", "因条件限制暂时难以解决", "所提问题因条件限制或其他原因暂时难以解决，留作参考", 30),
]


def seed_classes(apps, schema_editor):
    AnswerClass = apps.get_model("proposals", "AnswerClass")
    for code, name, description, order in DEFAULT_CLASSES:
        AnswerClass.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed_classes, migrations.RunPython.noop),
        # Role groups: synced on post_migrate by accounts.roles (this step once shipped them).
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
