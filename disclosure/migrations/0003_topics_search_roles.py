from django.db import migrations

from disclosure.search import VECTOR_REVERSE_SQL, VECTOR_SQL

# 《条例》第二十条 (15 items); 安全生产 sits under 监督检查 as the DOMAIN notes.
ARTICLE_20 = [
    ("第（一）项", "机构职能", []),
    ("第（二）项", "法规、规章和规范性文件", ["规章", "行政规范性文件"]),
    ("第（三）项", "规划计划", []),
    ("第（四）项", "统计信息", []),
    ("第（五）项", "行政许可", []),
    ("第（六）项", "行政处罚、行政强制", ["行政处罚", "行政强制"]),
    ("第（七）项", "财政预算、决算", []),
    ("第（八）项", "行政事业性收费", []),
    ("第（九）项", "政府集中采购", []),
    ("第（十）项", "重大建设项目", []),
    ("第（十一）项", "民生政策", []),
    ("第（十二）项", "突发公共事件应急", []),
    ("第（十三）项", "监督检查", ["安全生产", "环境保护", "食品药品", "产品质量"]),
    ("第（十四）项", "公务员招考", []),
    ("第（十五）项", "其他", []),
]


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("disclosure", "Topic")
    for order, (clause, name, children) in enumerate(ARTICLE_20, start=1):
        parent, _ = Topic.objects.get_or_create(
            parent=None, name=name, defaults={"article_clause": clause, "sort_order": order * 10}
        )
        for child_order, child in enumerate(children, start=1):
            Topic.objects.get_or_create(
                parent=parent, name=child,
                defaults={"article_clause": clause, "sort_order": order * 10 + child_order},
            )


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTOR_SQL)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTOR_REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_catalog"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed_topics, migrations.RunPython.noop),
        migrations.RunPython(add_search_vector, drop_search_vector),
        # Role groups: synced on post_migrate by accounts.roles (this step once shipped them).
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
