import csv

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from disclosure.models import Item


class Command(BaseCommand):
    help = "列出导入信息的原网址与本平台新网址（CSV：原网址,新网址），供原网站配置跳转。"

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="机构的网址标识（slug）")
        parser.add_argument(
            "--base", default="", help="本平台的网址前缀，例如 https://gongkai.example.gov.cn"
        )

    def handle(self, *args, agency, base, **options):
        try:
            agency = Agency.objects.get(slug=agency)
        except Agency.DoesNotExist as exc:
            raise CommandError(f"机构“{agency}”不存在。") from exc
        writer = csv.writer(self.stdout)
        writer.writerow(["原网址", "新网址"])
        items = (
            Item.objects.published()
            .filter(agency=agency, imported=True)
            .exclude(old_url="")
            .order_by("id")
            .only("id", "old_url")
        )
        for item in items.iterator():
            writer.writerow([item.old_url, base.rstrip("/") + item.get_absolute_url()])
