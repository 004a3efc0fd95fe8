"""Point at ``agencies.Agency`` (state only: same table, same column, same constraint)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
        ('proposals', '0003_catalog_item'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='opinion',
                name='agency',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='agencies.agency', verbose_name='会办单位'),
            ),
            migrations.AlterField(
                model_name='proposal',
                name='co_units',
                field=models.ManyToManyField(blank=True, related_name='proposals_joined', to='agencies.agency', verbose_name='会办／协办单位'),
            ),
            migrations.AlterField(
                model_name='proposal',
                name='lead_unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposals_led', to='agencies.agency', verbose_name='主办单位'),
            ),
        ]),
    ]
