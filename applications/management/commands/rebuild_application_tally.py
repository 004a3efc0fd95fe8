from django.core.management.base import BaseCommand

from applications import tally


class Command(BaseCommand):
    help = "从申请重新统计年报表三所用的依申请公开月度计数（批量导入数据库之后，或核对时）。"

    def handle(self, *args, **options):
        rows = tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"依申请公开月度计数已重建：{rows} 行。"))
