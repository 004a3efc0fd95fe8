# Issue 15: the annual-report deadline depends on the kind of agency (《条例》第四十九条).

import agencies.models
from django.db import migrations, models


def governments_first(apps, schema_editor):
    """A top-level agency with units under it is a district (county) government: 31 March."""
    Agency = apps.get_model("agencies", "Agency")
    Agency.objects.filter(parent__isnull=True, children__isnull=False).update(kind="government")


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0002_notice_settings'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='handles_proposals',
            field=models.BooleanField(default=True, help_text='承办人大代表建议和政协提案的机构勾选；不勾选的，年度报告（2018年及以前格式）不设建议提案部分。', verbose_name='承办建议提案'),
        ),
        migrations.AddField(
            model_name='agency',
            name='kind',
            field=models.CharField(choices=[('government', '县级以上人民政府'), ('department', '政府部门'), ('township', '乡镇人民政府、街道办事处')], default='department', help_text='决定年度报告的发布期限：县级以上人民政府3月31日前，政府部门1月31日前，乡镇（街道）按本省规定。', max_length=12, verbose_name='机构类型'),
        ),
        migrations.AddField(
            model_name='agency',
            name='report_deadline',
            field=models.CharField(blank=True, help_text='次年的月-日，例如 01-31。留空则按机构类型；本省另有规定时填写。', max_length=5, validators=[agencies.models.validate_month_day], verbose_name='年报发布截止日'),
        ),
        migrations.RunPython(governments_first, migrations.RunPython.noop),
    ]
