"""Scan what is already public for personal data, secrecy marks, renamed organs, 错敏词, dead links.

An agency runs it before an inspection to find its leaks first. The run is saved batch by batch
(``--resume`` continues the latest unfinished run of the same scope after a stop), its hits are
on the staff page (内容检查报告), and ``--csv`` writes them to a file as well.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from disclosure import content_audit


class Command(BaseCommand):
    help = (
        "检查已公开的信息（含附件文字）：个人信息、密级标志、已更名机构、错敏词、无法访问的链接。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="只检查该机构（网址标识或编号）")
        parser.add_argument("--since", help="只检查该日期（YYYY-MM-DD）及以后发布的信息")
        parser.add_argument("--resume", action="store_true", help="继续上次未完成的同范围检查")
        parser.add_argument("--csv", help="把结果另存为 CSV 文件（UTF-8 带 BOM，Excel 可直接打开）")
        parser.add_argument("--max-batches", type=int, help="本次最多检查多少批")
        parser.add_argument(
            "--batch-size", type=int, default=200, help="每批检查多少条（默认 200）"
        )

    def handle(self, *args, **options):
        agency = None
        if options["agency"]:
            key = options["agency"]
            agency = Agency.objects.filter(slug=key).first() or (
                Agency.objects.filter(pk=int(key)).first() if key.isdigit() else None
            )
            if agency is None:
                raise CommandError(f"找不到机构“{key}”（请用网址标识或编号）。")
        since = None
        if options["since"]:
            try:
                since = datetime.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--since 须为 YYYY-MM-DD 格式的日期。") from exc
        audit = content_audit.start(agency=agency, since=since, resume=options["resume"])
        if audit.last_item_id:
            self.stdout.write(
                f"继续检查（第 {audit.pk} 次），从信息编号 {audit.last_item_id} 之后开始。"
            )

        def progress(run):
            self.stdout.write(f"已检查 {run.items_checked} 条，提示 {run.hits} 处…")

        finished = content_audit.run(
            audit,
            progress=progress,
            max_batches=options["max_batches"],
            size=max(1, options["batch_size"]),
        )
        if options["csv"]:
            with open(options["csv"], "w", encoding="utf-8-sig", newline="") as stream:
                content_audit.write_csv(audit, stream)
            audit.csv_path = options["csv"][:500]
            audit.save(update_fields=["csv_path"])
        state = "完成" if finished else "未完成（用 --resume 继续）"
        self.stdout.write(
            self.style.SUCCESS(
                f"检查{state}：共检查 {audit.items_checked} 条已公开信息，提示 {audit.hits} 处。"
                f"报告见后台“已公开内容检查”第 {audit.pk} 次。"
            )
        )
