"""``manage.py bench_import``: time an import of an old portal's catalog on the configured database.

Builds a CSV of ``--rows`` rows in the mixed shapes old portals print (every date style, with and
without a time, their own topic words and lists, placeholder 文号, validity words, extra columns),
then times reading, the dry run (validation and mapping) and the import of every row into a
throw-away agency. Everything happens in one transaction that is rolled back at the end, so the
database is left as it was.
"""

import csv
import io
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Role
from accounts.services import staff_create
from agencies.models import Agency
from disclosure import importing, services
from disclosure.models import Channel, Item

DATES = (
    "{y}-{m:02d}-{d:02d} 09:32",
    "{y}-{m:02d}-{d:02d} 19:48:26",
    "{y}-{m:02d}-{d:02d} 00:00:00",
    "{y}年{m:02d}月{d:02d}日 16:40",
    "{y}年{m:02d}月{d:02d}日",
    "{y}-{m:02d}-{d:02d}",
    "{y}/{m}/{d}",
    "{y}.{m:02d}.{d:02d}",
)
TOPICS = (
    "应急管理",
    "人事工作",
    "已归档",
    "其他",
    "综合政务,公民,其他",
    "综合政务-文秘工作",
    "综合政务;应急管理",
    "民政、乡村振兴、救灾",
    "安全生产",
    "",
)
GENRES = ("通知", "预案", "行政规范性文件", "公告", "其他", "")
VALIDITY = ("现行有效", "有效", "失效", "废止", "已修订", "")
NUMBERS = ("无", "暂无", "null", "-", "", "利安监发〔{y}〕{n}号", "利政办发[{y}]{n}号")
HEADER = [
    "索引号",
    "标题",
    "发布机构",
    "生成日期",
    "发布日期",
    "文号",
    "主题分类",
    "体裁分类",
    "有效性",
    "废止日期",
    "发布渠道",
    "来源",
    "浏览次数",
    "URL",
]


class _Rollback(Exception):
    pass


def build_csv(rows, code, seed=21):
    """A CSV of ``rows`` old-portal rows (the same file for the same arguments)."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        y, m, d = 2013 + n % 12, 1 + n % 12, 1 + n % 28
        printed = rng.choice(DATES).format(y=y, m=m, d=d)
        validity = rng.choice(VALIDITY)
        writer.writerow(
            [
                f"{code}/{y}-{n + 1:05d}" if n % 2 else "",
                f"历史信息第{n + 1}条：关于{rng.choice(('安全生产', '防汛', '招聘', '救灾资金', '规范性文件'))}的通知",
                "导入测试机构" if n % 3 else "",
                f"{y}-{m:02d}-{max(1, d - 3):02d}",
                printed,
                rng.choice(NUMBERS).format(y=y, n=n + 1),
                rng.choice(TOPICS),
                rng.choice(GENRES),
                validity,
                f"{y + 1}-01-01" if not validity and n % 7 == 0 else "",
                "门户网站" if n % 2 else "门户网站、政务公开栏",
                "区政府办" if n % 5 == 0 else "",
                str(rng.randint(0, 5000)),
                f"http://www.example.gov.cn/art/{y}/{m}/{d}/art_{n}.html" if n % 4 == 0 else "",
            ]
        )
    return buffer.getvalue().encode()


class Command(BaseCommand):
    help = "导入性能测量：生成混合格式的历史目录（默认 10,000 行），计时读取、校验（含映射）和导入；结束后全部回滚。"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000, help="行数（默认 10,000）")

    def handle(self, *args, rows, **options):
        if rows < 1:
            raise CommandError("--rows 至少为 1。")
        timings = {}
        try:
            with transaction.atomic():
                agency = Agency.objects.create(
                    name="导入测试机构", slug="bench-import", code="000099999"
                )
                for name in ("门户网站", "政务公开栏"):
                    Channel.objects.create(agency=agency, name=name, kind="portal")
                reviewer = staff_create(
                    username="bench-import-reviewer",
                    name="导入测试",
                    password="Bench-Import-2024",
                    memberships=[(agency, Role.REVIEWER)],
                )
                content = build_csv(rows, agency.code)
                start = time.perf_counter()
                parsed = importing.read_rows("bench.csv", content)
                timings["读取 CSV"] = time.perf_counter() - start
                start = time.perf_counter()
                result = importing.validate(agency, parsed)
                timings["校验与映射（试导入）"] = time.perf_counter() - start
                if result.errors:
                    raise CommandError(
                        f"生成的数据有 {len(result.errors)} 行错误：{result.errors[:3]}"
                    )
                for row in result.mapping.unconfirmed:
                    row.confirmed = True
                start = time.perf_counter()
                services.import_mapping_save(agency=agency, by=reviewer, mapping=result.mapping)
                count = services.items_import(agency=agency, by=reviewer, rows=result.rows)
                timings["导入（写入数据库）"] = time.perf_counter() - start
                stored = Item.objects.filter(agency=agency, imported=True).count()
                if stored != rows or count != rows:
                    raise CommandError(f"应导入 {rows} 行，实际 {stored} 行。")
                raise _Rollback
        except _Rollback:
            pass
        total = sum(timings.values())
        self.stdout.write(f"数据库：{connection.vendor}，{rows} 行（混合格式，结束后已回滚）")
        self.stdout.write("| 步骤 | 用时（秒） |")
        self.stdout.write("|---|---:|")
        for step, seconds in timings.items():
            self.stdout.write(f"| {step} | {seconds:.2f} |")
        self.stdout.write(f"| 合计 | {total:.2f} |")
        verdict = "在 60 秒以内" if total < 60 else "超过 60 秒"
        self.stdout.write(f"每秒 {rows / total:.0f} 行，{verdict}。")
