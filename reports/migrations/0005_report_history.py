# Issue 15: how a report was made (records or its published text), its catalog item, headings as printed; each version's real publication date.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0009_category_tally'),
        ('reports', '0004_published_version_frozen'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreport',
            name='catalog_item',
            field=models.ForeignKey(blank=True, help_text='该报告在公开目录中发布的条目（例如迁移前在原网站发布的报告）。原文尚未录入本平台时，年报栏目链接到此条目。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='disclosure.item', verbose_name='目录中的报告条目'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='entered_figures',
            field=models.JSONField(blank=True, default=dict, help_text='据原文录入的报告中由工作人员填写的数字；没有的键表示原文未载明。', verbose_name='原文载明的数据'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='legacy_headings',
            field=models.TextField(blank=True, help_text='自由格式报告的各部分标题，每行一个，按原文填写；留空则按本机构情况使用标准标题。', verbose_name='各部分标题（按原文）'),
        ),
        migrations.AddField(
            model_name='annualreport',
            name='source',
            field=models.CharField(choices=[('records', '按本平台记录编制'), ('transcribed', '据已发布的报告原文录入')], default='records', help_text='往年已在其他网站发布的报告选“据已发布的报告原文录入”：按原文录入各部分文字，原文载明的数字逐项填写，未载明的留空，不按本平台记录计算。仅适用于2018年及以前的自由格式。', max_length=12, verbose_name='编制方式'),
        ),
        migrations.AddField(
            model_name='reportversion',
            name='published_on',
            field=models.DateField(blank=True, help_text='报告实际向社会公布的日期；补录往年报告时为原发布日期。早于本字段设立的版本为空，以录入时间的日期为准。', null=True, verbose_name='发布日期'),
        ),
        migrations.AlterField(
            model_name='reportversion',
            name='published_at',
            field=models.DateTimeField(help_text='在本平台发布（或补录）这一版的时间。', verbose_name='录入时间'),
        ),
    ]
