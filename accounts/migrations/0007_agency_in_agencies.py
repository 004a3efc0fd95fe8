"""Point at ``agencies.Agency`` (state only: same table, same column, same constraint)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_official_records_read_only'),
        ('agencies', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='membership',
                name='agency',
                field=models.ForeignKey(help_text='区级管理员在区级机构上任职时，可管理该区的全部下属机构。', on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='agencies.agency', verbose_name='机构'),
            ),
        ]),
    ]
