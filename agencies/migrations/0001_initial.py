"""Agencies move here from ``disclosure`` (state only: the table keeps its name).

The table ``disclosure_agency`` was made by disclosure 0001 and stays as it is; this migration
only tells Django the model is now ``agencies.Agency``, then renames the content type so its
permissions (and every group holding them) carry over: ``disclosure.view_agency`` becomes
``agencies.view_agency`` with the same row.
"""

import agencies.models
import django.db.models.deletion
from django.db import migrations, models


def content_type_to_agencies(apps, schema_editor):
    _move_content_type(apps, schema_editor, "disclosure", "agencies")


def content_type_to_disclosure(apps, schema_editor):
    _move_content_type(apps, schema_editor, "agencies", "disclosure")


def _move_content_type(apps, schema_editor, old, new):
    # A fresh install has no content type yet (post_migrate makes it as agencies.agency). If
    # both exist, the old one is left to remove_stale_contenttypes and the role groups are put
    # right by the post_migrate sync either way.
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    if not content_types.filter(app_label=new, model="agency").exists():
        content_types.filter(app_label=old, model="agency").update(app_label=new)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table was made there (and is still named after it).
        ("disclosure", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Agency',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, unique=True, verbose_name='机构名称')),
                    ('short_name', models.CharField(blank=True, max_length=30, verbose_name='简称')),
                    ('slug', models.SlugField(help_text='用于网址的英文标识，例如 ltq-ajj；公开后请勿修改。', max_length=60, unique=True, verbose_name='网址标识')),
                    ('code', models.CharField(help_text='统一社会信用代码（18位）或组织机构代码（9位），用于生成索引号。', max_length=18, verbose_name='机构代码')),
                    ('index_pattern', models.CharField(default='{code}/{year}-{seq:05d}', help_text='占位符：{code} 机构代码，{year} 年份，{seq:05d} 当年流水号（五位补零）。', max_length=60, validators=[agencies.models.validate_index_pattern], verbose_name='索引号格式')),
                    ('ogi_office', models.CharField(blank=True, help_text='例如：局办公室。', max_length=100, verbose_name='政府信息公开工作机构')),
                    ('address', models.CharField(blank=True, max_length=200, verbose_name='办公地址')),
                    ('postcode', models.CharField(blank=True, max_length=6, verbose_name='邮政编码')),
                    ('office_hours', models.CharField(blank=True, default='工作日 上午8:30—12:00，下午14:30—18:00', max_length=100, verbose_name='办公时间')),
                    ('phone', models.CharField(blank=True, max_length=50, verbose_name='联系电话')),
                    ('fax', models.CharField(blank=True, max_length=50, verbose_name='传真')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='电子邮箱')),
                    ('guide_notes', models.TextField(blank=True, help_text='显示在公开指南末尾，例如查阅点位置、乘车路线。', verbose_name='公开指南补充说明')),
                    ('rules_text', models.TextField(blank=True, help_text='本机构的公开工作制度（保密审查、考核、责任追究等），每段一行，显示在「公开制度」页面。', verbose_name='政府信息公开制度')),
                    ('sort_order', models.PositiveIntegerField(default=100, verbose_name='排序')),
                    ('is_demo', models.BooleanField(default=False, editable=False, verbose_name='演示数据')),
                    ('parent', models.ForeignKey(blank=True, help_text='区政府的组成部门填所属区政府；区政府本身留空。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='agencies.agency', verbose_name='上级机构')),
                ],
                options={
                    'verbose_name': '机构',
                    'verbose_name_plural': '机构',
                    'db_table': 'disclosure_agency',
                    'ordering': ['sort_order', 'id'],
                },
            ),
        ]),
        migrations.RunPython(content_type_to_agencies, content_type_to_disclosure),
    ]
