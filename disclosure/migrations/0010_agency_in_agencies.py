"""Point at ``agencies.Agency`` (state only: same table, same column, same constraint)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_agency_in_agencies'),
        ('agencies', '0001_initial'),
        ('applications', '0006_agency_in_agencies'),
        ('disclosure', '0009_category_tally'),
        ('proposals', '0004_agency_in_agencies'),
        ('reports', '0003_agency_in_agencies'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='categorytally',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency'),
            ),
            migrations.AlterField(
                model_name='channeltally',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency'),
            ),
            migrations.AlterField(
                model_name='indexcounter',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency'),
            ),
            migrations.AlterField(
                model_name='item',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='agencies.agency', verbose_name='发布机构'),
            ),
            migrations.AlterField(
                model_name='channel',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='channels', to='agencies.agency', verbose_name='机构'),
            ),
            migrations.AlterField(
                model_name='item',
                name='co_publishers',
                field=models.ManyToManyField(blank=True, help_text='联合发文时的其他发布机构。', related_name='co_published_items', to='agencies.agency', verbose_name='联合发布机构'),
            ),
            migrations.DeleteModel(
                name='Agency',
            ),
        ]),
    ]
