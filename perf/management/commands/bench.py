"""``manage.py bench``: the performance benchmark of DESIGN.md "Performance budgets".

Builds (or reuses) the synthetic district of ``perf.dataset`` in its OWN database, then times
every scenario in-process — the real pages through the test Client (full middleware and
templates), the real selectors by calling them — next to the naive baseline of
``perf.baseline`` in the same run, and prints one table.

The database: ``--database-url``, else ``BENCH_DATABASE_URL``, else ``zwgk_bench`` on the
PostgreSQL server of ``DATABASE_URL`` (``zwgk-bench.sqlite3`` in the temporary folder on SQLite). It is
created and migrated when missing. ``--use-default-database`` runs on the configured database
instead: meant for the test suite's throw-away test database only.
"""

import math
import os
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import dj_database_url
import psycopg2
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from psycopg2 import sql

from accounts.models import User
from agencies.models import Agency
from applications import dashboard
from disclosure.models import Item
from perf import dataset, standards_bench
from perf.baseline import naive_dashboard, naive_monitor, naive_report
from reports.figures import agency_ids_for, record_figures, report_figures, year_period
from reports.models import AnnualReport, ReportFormat
from standards.monitor import monitor_one

BENCH_DB_NAME = "zwgk_bench"
MIN_SAMPLES = 5
TIME_BUDGET = 20.0  # seconds of measuring per scenario and implementation, after MIN_SAMPLES
SLOW_CALL = 8.0  # one call slower than this is measured once more, not MIN_SAMPLES times
REPORT_YEAR = 2021
# Anonymous pages measured a second time as page-cache hits (the detail pages pick random items).
CACHED_SCENARIOS = ("目录首页", "目录筛选", "目录深页", "检索 2 字", "检索 4 字", "API 列表")


class Command(BaseCommand):
    help = "性能基准：生成（或复用）百万条合成数据，逐场景测量 p50/p95 与查询数，并与朴素实现对比。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--items",
            type=int,
            default=1_000_000,
            help="公开信息条数（申请为其 1/10，建议提案为其 1/100）；默认 1,000,000。",
        )
        parser.add_argument(
            "--repeat", type=int, default=40, help="每个场景的测量次数（默认 40）。"
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="基准测试专用数据库；默认 BENCH_DATABASE_URL 或 zwgk_bench。",
        )
        parser.add_argument(
            "--use-default-database",
            action="store_true",
            help="直接使用当前配置的数据库（仅供测试套件的临时测试库）。",
        )
        parser.add_argument("--rebuild", action="store_true", help="清空并重新生成数据集。")
        parser.add_argument("--build-only", action="store_true", help="只生成数据集，不测量。")

    def handle(
        self,
        *args,
        items,
        repeat,
        database_url,
        use_default_database,
        rebuild,
        build_only,
        **options,
    ):
        if items < 100:
            raise CommandError("--items 至少为 100。")
        if not use_default_database:
            self.use_database(
                database_url or os.environ.get("BENCH_DATABASE_URL") or self.default_url()
            )
        size = dataset.Size.scaled(items)
        vendor = connection.vendor
        self.stdout.write(
            f"数据库：{vendor} {connection.settings_dict['NAME']}；数据集：公开信息 {size.items:,} 条，"
            f"申请 {size.applications:,} 件，建议提案 {size.proposals:,} 件，机构 50 个，{len(dataset.YEARS)} 年。"
        )
        if rebuild or not dataset.dataset_present(size):
            if not rebuild and self.has_foreign_data():
                raise CommandError(
                    "该数据库中已有非基准数据：基准测试只在专用数据库中运行（见 --database-url）。"
                )
            standards_bench.clear()
            dataset.clear()
            dataset.Builder(size, out=self.stdout).build()
        else:
            self.stdout.write("复用已有数据集（--rebuild 重新生成）。")
        standards_bench.ensure()
        if build_only:
            return
        load_before = os.getloadavg()[0]
        rows = Scenarios(repeat=repeat, out=self.stdout).run()
        self.stdout.write("")
        self.stdout.write(render_table(rows))
        self.stdout.write(
            f"\n机器：{machine()}；测量期间 1 分钟负载 {load_before:.1f} → {os.getloadavg()[0]:.1f}"
            f"（负载高于核数时，其他进程在争用 CPU，数字偏慢）。"
        )
        missed = [row for row in rows if row.missed]
        self.stdout.write("")
        if missed:
            self.stdout.write(
                self.style.WARNING(
                    "未达预算：" + "；".join(f"{row.name}（{row.missed}）" for row in missed)
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("全部场景达到性能预算。"))

    # -- the benchmark's own database --

    def default_url(self):
        current = connections["default"].settings_dict
        if current["ENGINE"].endswith("postgresql"):
            user = current.get("USER") or "postgres"
            password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
            host, port = current.get("HOST") or "127.0.0.1", current.get("PORT") or 5432
            return f"postgres://{user}{password}@{host}:{port}/{BENCH_DB_NAME}"
        # Outside the working tree: a throw-away file nobody should commit.
        return f"sqlite:///{Path(tempfile.gettempdir()) / 'zwgk-bench.sqlite3'}"

    def use_database(self, url):
        """Points the default alias at the benchmark database, creating and migrating it."""
        config = dj_database_url.parse(url, conn_max_age=600)
        if same_database(config, connections["default"].settings_dict):
            raise CommandError(
                f"基准数据库 {config['NAME']} 就是当前站点的数据库：请用专用数据库（--database-url）。"
            )
        if config["ENGINE"].endswith("postgresql"):
            self.create_postgres_database(config)
        connections["default"].close()
        connections.settings["default"] = connections.configure_settings({"default": config})[
            "default"
        ]
        del connections["default"]
        self.stdout.write(f"准备基准数据库 {config['NAME']}（migrate）…")
        call_command("migrate", interactive=False, verbosity=0)

    def create_postgres_database(self, config):
        admin = psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        )
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
                if cursor.fetchone() is None:
                    cursor.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"]))
                    )
        finally:
            admin.close()

    def has_foreign_data(self):
        return Agency.objects.exclude(slug__startswith="bench-").exists()


def same_database(config, current):
    """True when ``config`` names the database the site itself is configured with."""

    def where(conf):
        return (conf["ENGINE"], conf.get("HOST") or "", str(conf.get("PORT") or ""), conf["NAME"])

    return where(config) == where(current)


# --- scenarios ---------------------------------------------------------------------------------


class Row:
    def __init__(self, name, real, naive, budget_ms, max_queries, min_ratio):
        self.name = name
        self.p50, self.p95, self.queries, self.samples = real
        self.naive_p95 = naive[1] if naive else None
        self.naive_queries = naive[2] if naive else None
        self.naive_samples = naive[3] if naive else None
        self.budget_ms, self.max_queries, self.min_ratio = budget_ms, max_queries, min_ratio

    @property
    def ratio(self):
        return self.naive_p95 / self.p95 if self.naive_p95 and self.p95 else None

    @property
    def budget(self):
        parts = []
        if self.budget_ms:
            parts.append(f"≤{self.budget_ms} ms")
        if self.max_queries:
            parts.append(f"≤{self.max_queries} 查询")
        if self.min_ratio:
            parts.append(f"≥{self.min_ratio}×")
        return "，".join(parts) or "—"

    @property
    def missed(self):
        reasons = []
        if self.budget_ms and self.p95 > self.budget_ms:
            reasons.append(f"p95 {self.p95:.1f} ms > {self.budget_ms} ms")
        if self.max_queries and self.queries > self.max_queries:
            reasons.append(f"{self.queries} 查询 > {self.max_queries}")
        if self.min_ratio and self.ratio is not None and self.ratio < self.min_ratio:
            reasons.append(f"仅快 {self.ratio:.1f}× < {self.min_ratio}×")
        return "，".join(reasons)


class Scenarios:
    """Each scenario: (name, real callable, naive callable or None, budgets)."""

    def __init__(self, *, repeat, out):
        self.repeat, self.out = repeat, out
        self.client = Client()
        district = Agency.objects.get(slug="bench-district")
        self.district = district
        # The busiest agency of the data set, where the benchmark's clerk works.
        self.busy = Agency.objects.filter(memberships__user__username="bench-clerk").get()
        published = Item.objects.published()
        # Item ids spread over the table, so detail pages are not all served from one hot page.
        ids = (
            list(published.order_by("?").values_list("pk", flat=True)[:200])
            if connection.vendor == "sqlite"
            else self.sample_ids()
        )
        self.item_ids = ids
        self.rng = random.Random(7)

    def sample_ids(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM disclosure_item TABLESAMPLE SYSTEM (1) WHERE status = 'published' LIMIT 200"
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            ids = list(Item.objects.published().values_list("pk", flat=True)[:200])
        return ids

    def get(self, path):
        def call():
            response = self.client.get(path)
            if response.status_code != 200:
                raise CommandError(f"{path} 返回 {response.status_code}")
            return response

        return call

    def detail(self, prefix):
        def call():
            pk = self.item_ids[self.rng.randrange(len(self.item_ids))]
            response = self.client.get(f"{prefix}{pk}/")
            if response.status_code != 200:
                raise CommandError(f"{prefix}{pk}/ 返回 {response.status_code}")

        return call

    def definitions(self):
        busy, district = self.busy, self.district
        start, end = year_period(REPORT_YEAR)
        report = AnnualReport(agency=busy, year=REPORT_YEAR, format=ReportFormat.NATIONAL_2021)
        all_ids = agency_ids_for(district, True)
        clerk = self.clerk()
        today = timezone.localdate()
        filtered = f"?agency={busy.pk}&year={REPORT_YEAR}&category=work"
        naive_filtered = f"?agency={busy.pk}&year={REPORT_YEAR}&category=work"
        # Page 400 of a million rows (OFFSET 7,980); smaller data sets take their last full page.
        self.deep_page = min(400, max(1, Item.objects.published().count() // 20 - 1))
        deep = f"?page={self.deep_page}"
        return [
            (
                "目录首页（无筛选）",
                self.get("/catalog/"),
                self.get("/_naive/catalog/"),
                30,
                None,
                10,
            ),
            (
                "目录筛选（机构+年份+类别）",
                self.get("/catalog/" + filtered),
                self.get("/_naive/catalog/" + naive_filtered),
                30,
                None,
                10,
            ),
            (
                f"目录深页（第{self.deep_page}页）",
                self.get("/catalog/" + deep),
                self.get("/_naive/catalog/" + deep),
                30,
                None,
                10,
            ),
            (
                "检索 2 字「安全」",
                self.get("/catalog/?q=安全"),
                self.get("/_naive/catalog/?q=安全"),
                50,
                None,
                None,
            ),
            (
                "检索 4 字「隐患排查」",
                self.get("/catalog/?q=隐患排查"),
                self.get("/_naive/catalog/?q=隐患排查"),
                50,
                None,
                None,
            ),
            (
                f"附件检索 4 字「{dataset.ATTACHMENT_WORD}」（仅在附件中，1/10 信息有附件文字）",
                self.get(f"/catalog/?q={dataset.ATTACHMENT_WORD}"),
                None,
                50,
                None,
                None,
            ),
            (
                "信息详情页",
                self.detail("/catalog/"),
                self.detail("/_naive/catalog/"),
                None,
                None,
                None,
            ),
            (
                "API 列表第2页",
                self.get("/api/items/?page=2"),
                self.get("/_naive/api/items/?page=2"),
                30,
                None,
                None,
            ),
            (
                f"机构年报 {REPORT_YEAR}（2021格式）",
                lambda: report_figures(report),
                lambda: naive_report([busy.pk], start, end),
                50,
                12,
                None,
            ),
            (
                "全区汇总年报",
                lambda: record_figures(
                    agency_ids=agency_ids_for(district, True),
                    start=start,
                    end=end,
                    year=REPORT_YEAR,
                ),
                lambda: naive_report(all_ids, start, end),
                150,
                None,
                None,
            ),
            (
                f"公开监测 {REPORT_YEAR}（繁忙机构）",
                lambda: monitor_one(busy, as_of=date(REPORT_YEAR, 12, 31), year=REPORT_YEAR),
                lambda: naive_monitor(busy, date(REPORT_YEAR, 12, 31), REPORT_YEAR),
                100,
                10,
                None,
            ),
            (
                "繁忙机构申请工作台",
                lambda: dashboard.deadlines(clerk, today),
                lambda: naive_dashboard(clerk, today),
                None,
                None,
                None,
            ),
        ]

    def clerk(self):
        return User.objects.get(username="bench-clerk")

    def measure(self, func, *, cached=False):
        """(p50, p95, queries, samples) of ``func``.

        Slow implementations (the naive baselines on a million rows) get fewer samples: at least
        MIN_SAMPLES within TIME_BUDGET seconds, and a single one when one call takes longer
        than SLOW_CALL seconds. ``cached``: the page cache is kept between samples (a hit after
        the warm-up), and the query count is that of a hit.
        """
        started = time.perf_counter()
        # The log is a bounded deque: once full (DEBUG while building) it would count nothing.
        reset_queries()
        if cached:
            cache.clear()
            func()  # fills the page cache
        with CaptureQueriesContext(connection) as queries:
            func()  # warm-up: connection, template loading, PostgreSQL buffers
        # Read now: the next request's request_started signal empties the log.
        query_count = len(queries.captured_queries)
        first = time.perf_counter() - started
        if first < 0.5:
            func()
            func()
        samples = []
        spent = 0.0
        wanted = 1 if first > SLOW_CALL else MIN_SAMPLES
        while len(samples) < self.repeat and (len(samples) < wanted or spent < TIME_BUDGET):
            if not cached:
                # Nothing is cached between runs: the numbers are those of a cold page.
                cache.clear()
            started = time.perf_counter()
            func()
            elapsed = time.perf_counter() - started
            spent += elapsed
            samples.append(elapsed * 1000)
        samples.sort()
        return statistics.median(samples), percentile(samples, 95), query_count, len(samples)

    def run(self):
        rows = []
        naive_of = {}
        with override_settings(
            ROOT_URLCONF="perf.bench_urls", DEBUG=False, ALLOWED_HOSTS=["testserver"]
        ):
            for name, real, naive, budget_ms, max_queries, min_ratio in self.definitions():
                self.out.write(f"  测量：{name} …")
                self.out.flush()
                real_result = self.measure(real)
                naive_result = self.measure(naive) if naive else None
                naive_of[name] = naive_result
                rows.append(
                    self.report(
                        Row(name, real_result, naive_result, budget_ms, max_queries, min_ratio)
                    )
                )
            # The same anonymous pages served from the page cache (disclosure/cache.py), as a
            # visitor finds them after the first one; compared with the cold naive run above.
            for name, real, _naive, budget_ms, max_queries, min_ratio in self.definitions():
                if not name.startswith(CACHED_SCENARIOS):
                    continue
                self.out.write(f"  测量：{name}（缓存命中）…")
                self.out.flush()
                row = Row(
                    f"{name} · 缓存命中",
                    self.measure(real, cached=True),
                    naive_of[name],
                    budget_ms,
                    max_queries,
                    min_ratio,
                )
                rows.append(self.report(row))
        return rows

    def report(self, row):
        self.out.write(
            f"    p95 {row.p95:.1f} ms，{row.queries} 查询"
            + (f"；朴素实现 p95 {row.naive_p95:.1f} ms" if row.naive_p95 is not None else "")
        )
        return row


def machine():
    """Cores, memory and database server: printed with every table."""
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()"
            if connection.vendor == "postgresql"
            else "SELECT 'SQLite ' || sqlite_version()"
        )
        server = cursor.fetchone()[0].split(" on ")[0]
    return f"{os.cpu_count()} 核，{total_kb / 1024 / 1024:.0f} GiB 内存，{server}"


def percentile(sorted_samples, pct):
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, min(len(sorted_samples) - 1, math.ceil(pct / 100 * len(sorted_samples)) - 1))
    return sorted_samples[index]


def render_table(rows):
    """A Markdown table (pastes into the README as it is)."""
    lines = [
        "| 场景 | p50 ms | p95 ms | 查询数 | 预算 | 朴素实现 p95 ms（查询数，次数） | 倍数 |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        naive = (
            f"{row.naive_p95:.1f}（{row.naive_queries}，{row.naive_samples}）"
            if row.naive_p95 is not None
            else "—"
        )
        ratio = f"{row.ratio:.1f}×" if row.ratio is not None else "—"
        mark = "✗ " if row.missed else ("✓ " if row.budget != "—" else "")
        lines.append(
            f"| {row.name} | {row.p50:.1f} | {row.p95:.1f} | {row.queries} | {mark}{row.budget} | "
            f"{naive} | {ratio} |"
        )
    return "\n".join(lines)
