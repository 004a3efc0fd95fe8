"""Point at ``agencies.Agency`` (state only: same table, same column, same constraint)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
        ('reports', '0002_role_groups'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='annualreport',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='annual_reports', to='agencies.agency', verbose_name='机构'),
            ),
        ]),
    ]
