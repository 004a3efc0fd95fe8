from django.core.management.base import BaseCommand

from applications.retention import applicants_purge, expired_applicants, retention_cutoff


class Command(BaseCommand):
    help = "将办结满保存期限的申请中的申请人个人信息匿名化（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不修改。")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = expired_applicants().count()
            self.stdout.write(f"{retention_cutoff()} 之前办结、待匿名化的申请人：{count} 人。")
            return
        count = applicants_purge()
        self.stdout.write(self.style.SUCCESS(f"已匿名化 {count} 名申请人的个人信息。"))
