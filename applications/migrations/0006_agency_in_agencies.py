"""Point at ``agencies.Agency`` (state only: same table, same column, same constraint)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
        ('applications', '0005_application_tally_triggers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='application',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='agencies.agency', verbose_name='受理机构'),
            ),
            migrations.AlterField(
                model_name='applicationtally',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency', verbose_name='受理机构'),
            ),
        ]),
    ]
