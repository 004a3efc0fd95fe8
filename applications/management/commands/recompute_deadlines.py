"""Recompute the due dates of open applications (once after upgrading; the calendar's entry form
does it by itself whenever a year is entered)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from applications.services import deadlines_recompute


class Command(BaseCommand):
    help = "重算办理中申请的答复期限（暂定期限、缺少期限、跨入指定年份的期限），每件变动记一条办理记录。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="按哪一年的放假安排重算（默认明年）。")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year + 1
        changed = deadlines_recompute(year=year)
        self.stdout.write(f"已重算{changed}件申请的期限。")
