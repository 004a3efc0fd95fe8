"""item_pub_agency also carries genre and topic (INCLUDE): the standards monitor's site columns
(standards.columns: 工作动态, 通知公告, 人事/规划计划 by category, genre or topic) read an agency's
year of items from this index alone instead of from ~15,000 heap pages at a million items."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0018_item_related_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='item',
            name='item_pub_agency',
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['agency', '-published_date', '-id'], include=('category', 'genre', 'topic'), name='item_pub_agency'),
        ),
    ]
