from django.core.management.base import BaseCommand

from disclosure import tally


class Command(BaseCommand):
    help = (
        "从已发布信息重新统计年报所用的发布渠道、信息类别月度计数、规章和规范性文件年度计数，"
        "以及公开目录的信息类别、主题分类计数（批量导入数据库之后，或核对时）。"
    )

    def handle(self, *args, **options):
        rows = tally.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                "发布渠道、信息类别月度计数，规章和规范性文件年度计数，"
                f"公开目录的信息类别、主题分类计数已重建：{rows} 行。"
            )
        )
