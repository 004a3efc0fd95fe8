"""Mail each confirmed subscriber the items published since their last mail (run from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from subscriptions.sending import BATCH_SIZE, send_due


class Command(BaseCommand):
    help = "向已确认的订阅者发送自上次邮件以来新发布的信息（供 cron 定时运行，可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.ZWGK_SITE_URL,
            help="邮件中链接使用的网站地址，例如 https://gongkai.example.gov.cn（默认 ZWGK_SITE_URL）。",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, site_url, batch_size, **options):
        site_url = (site_url or "").rstrip("/")
        if not site_url.startswith(("http://", "https://")):
            raise CommandError(
                "未设置网站地址：请设置环境变量 ZWGK_SITE_URL（如 https://gongkai.example.gov.cn）"
                "或使用 --site-url，邮件中的链接需要它。"
            )
        run = send_due(site_url=site_url, batch_size=batch_size)
        self.stdout.write(
            f"发送 {run.sent} 封，无新信息 {run.nothing_new} 个，失败 {run.failed} 个；"
            f"删除过期未确认的申请 {run.purged} 个（截至发布事件 #{run.upto}）。"
        )
        if run.failed:
            raise CommandError(f"{run.failed} 封邮件发送失败，下次运行时重发。")
