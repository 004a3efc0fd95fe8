"""``manage.py bench``: the performance benchmark of DESIGN.md "Performance budgets".

Builds (or reuses) the synthetic district of ``perf.dataset`` in its OWN database, then times
every scenario in-process — the real pages through the test Client (full middleware and
templates), the real selectors by calling them — next to the naive baseline of
``perf.baseline`` in the same run, and prints one table. Its first row is the floor (the cheapest
page through the same middleware, one indexed query); every budget is also a multiple of it.
``--growth`` measures several sizes, each in its own database, and writes docs/bench-growth.*.

The database: ``--database-url``, else ``BENCH_DATABASE_URL``, else ``zwgk_bench`` on the
PostgreSQL server of ``DATABASE_URL`` (``zwgk-bench.sqlite3`` in the temporary folder on SQLite). It is
created and migrated when missing. ``--use-default-database`` runs on the configured database
instead: meant for the test suite's throw-away test database only.
"""

import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dj_database_url
import psycopg2
from django.conf import settings
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
from disclosure.catalog import bookmark
from disclosure.models import Item
from perf import dataset, standards_bench
from perf import growth as growth_report
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
FLOOR_NAME = "地板：最简页面（一次索引查询）"
# Budgets as multiples of the floor's p95 in the same run: the reference run's budgets in
# milliseconds divided by the floor of that machine, estimated at 1.0 ms (README, "How the
# multiples were set").
CATALOG_FLOOR = 30
SEARCH_FLOOR = 50
REPORT_FLOOR = 50
DISTRICT_FLOOR = 150
MONITOR_FLOOR = 100
# The exit status follows the floor and query budgets only where they were set: PostgreSQL, at
# least this many items. A small SQLite run checks that the harness works, not the budgets.
STRICT_MIN_ITEMS = 100_000


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
        parser.add_argument(
            "--growth",
            default="",
            help="逗号分隔的条数（如 100000,300000,1000000）：每个规模一个数据库（库名加 _条数），"
            "只测真实实现（冷），写出增长表与 SVG 图。",
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="增长测量轮数（默认 3）：每轮依次测各规模，每项取各轮最好的 p95。",
        )
        parser.add_argument(
            "--growth-out",
            default=str(Path(settings.BASE_DIR) / "docs"),
            help="增长表（bench-growth.md）与图（bench-growth.svg）写入的目录；默认 docs/。",
        )

    def handle(
        self,
        *args,
        items,
        repeat,
        database_url,
        use_default_database,
        rebuild,
        build_only,
        growth,
        growth_out,
        rounds,
        **options,
    ):
        if growth:
            return self.growth(growth, repeat, rounds, database_url, rebuild, Path(growth_out))
        if items < 100:
            raise CommandError("--items 至少为 100。")
        if not use_default_database:
            self.use_database(
                database_url or os.environ.get("BENCH_DATABASE_URL") or self.default_url()
            )
        if not self.prepare(items, rebuild) or build_only:
            return
        load_before = os.getloadavg()[0]
        rows = Scenarios(repeat=repeat, out=self.stdout).run()
        self.stdout.write("")
        self.stdout.write(render_table(rows))
        self.stdout.write(
            f"\n机器：{machine()}；测量期间 1 分钟负载 {load_before:.1f} → {os.getloadavg()[0]:.1f}"
            f"（负载高于核数时，其他进程在争用 CPU，数字偏慢；倍地板的预算不受影响）。"
        )
        self.stdout.write("")
        slow = [row for row in rows if row.missed_absolute]
        if slow:
            self.stdout.write(
                "未达参考机预算（仅标记）："
                + "；".join(f"{row.name}（{row.missed_absolute}）" for row in slow)
            )
        missed = [row for row in rows if row.missed]
        if not missed:
            self.stdout.write(self.style.SUCCESS("全部场景达到地板倍数与查询数预算。"))
            return
        message = "未达预算：" + "；".join(f"{row.name}（{row.missed}）" for row in missed)
        if budgets_decide_exit(connection.vendor, items):
            raise CommandError(message)
        self.stdout.write(
            self.style.WARNING(
                f"{message}（小于 {STRICT_MIN_ITEMS:,} 条或非 PostgreSQL：只提示，不影响退出码）"
            )
        )

    def prepare(self, items, rebuild):
        """Builds the data set of ``items`` in the current database unless it is there already."""
        size = dataset.Size.scaled(items)
        self.stdout.write(
            f"数据库：{connection.vendor} {connection.settings_dict['NAME']}；数据集：公开信息 {size.items:,} 条，"
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
        return True

    def growth(self, sizes, repeat, rounds, database_url, rebuild, out_dir):
        """One cold run of the real implementations per size, each in its own database."""
        try:
            sizes = sorted(
                {int(part.replace("_", "")) for part in sizes.split(",") if part.strip()}
            )
        except ValueError as error:
            raise CommandError(f"--growth 应为逗号分隔的条数，如 100000,300000：{error}") from None
        if not sizes or sizes[0] < 100:
            raise CommandError("--growth 至少一个规模，每个至少 100 条。")
        base = dj_database_url.parse(
            database_url or os.environ.get("BENCH_DATABASE_URL") or self.default_url()
        )
        steps = {}
        started_at = timezone.now()
        for round_ in range(1, rounds + 1):
            for items in sizes:
                started = time.monotonic()
                self.use_database(growth_url(base, items), migrate=round_ == 1)
                if round_ == 1:
                    self.prepare(items, rebuild)
                load_before = os.getloadavg()[0]
                rows = Scenarios(repeat=repeat, out=self.stdout, naive=False).run()
                step = growth_report.Step(
                    items=items,
                    p95={row.key: row.p95 for row in rows},
                    floor=next(row.p95 for row in rows if row.key == "floor"),
                    load=(load_before, os.getloadavg()[0]),
                    names={row.key: row.name for row in rows},
                    p50={row.key: row.p50 for row in rows},
                    buffers={row.key: row.buffers for row in rows if row.buffers is not None},
                )
                # Several rounds through the sizes, keeping each figure's best p95: other jobs on
                # the machine only ever add time, and they come and go between rounds.
                steps[items] = growth_report.best_of(steps.get(items), step)
                self.stdout.write(
                    f"  第 {round_} 轮，{items:,} 条：{time.monotonic() - started:.0f} 秒，负载 "
                    f"{step.load[0]:.1f} → {step.load[1]:.1f}（uptime：{uptime()}）"
                )
        steps = [steps[items] for items in sizes]
        table = growth_report.render_growth_table(steps)
        out_dir.mkdir(parents=True, exist_ok=True)
        note = (
            f"机器：{machine()}；{started_at:%Y-%m-%d %H:%M} UTC 起测，{rounds} 轮，每轮每个规模每场景 "
            f"{repeat} 次（冷：每次前清空缓存），每项取各轮最好的 p95（负载列为该轮的）。斜率：p95 对 N 的双对数最小二乘斜率（0 为平，1 为全表扫描）；"
            "「÷地板」为 p95 除以同一规模下地板的 p95 后的斜率，去掉负载对整轮的影响；"
            "页面数：一次冷请求的各条 SELECT 在 EXPLAIN (ANALYZE, BUFFERS) 下读取的共享缓冲页数之和，"
            "不受机器负载影响，据此判断是否随 N 增长（斜率 > 0.1）。"
        )
        (out_dir / "bench-growth.md").write_text(table + "\n\n" + note + "\n", encoding="utf-8")
        (out_dir / "bench-growth.svg").write_text(growth_report.growth_svg(steps), encoding="utf-8")
        if any(step.buffers for step in steps):
            (out_dir / "bench-growth-pages.svg").write_text(
                growth_report.growth_svg(steps, metric="buffers"), encoding="utf-8"
            )
        self.stdout.write("")
        self.stdout.write(table)
        self.stdout.write(note)
        self.stdout.write(
            f"已写入 {out_dir / 'bench-growth.md'} 与 {out_dir / 'bench-growth.svg'}。"
        )

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

    def use_database(self, url, *, migrate=True):
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
        if migrate:
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


def budgets_decide_exit(vendor, items):
    """Whether a missed floor or query budget makes the bench exit non-zero.

    Only where the budgets were set: PostgreSQL with at least STRICT_MIN_ITEMS items. Absolute
    milliseconds never do (they depend on the machine and its load).
    """
    return vendor == "postgresql" and items >= STRICT_MIN_ITEMS


def growth_url(config, items):
    """The URL of one growth step's database: the bench database's name with ``_<items>``."""
    config = dict(config)
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(config["NAME"])
        name = str(path.with_name(f"{path.stem}_{items}{path.suffix}"))
        return f"sqlite:///{name}"
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}_{items}"


def uptime():
    """The load averages as ``uptime`` prints them."""
    return "，".join(f"{value:.2f}" for value in os.getloadavg())


def same_database(config, current):
    """True when ``config`` names the database the site itself is configured with."""

    def where(conf):
        return (conf["ENGINE"], conf.get("HOST") or "", str(conf.get("PORT") or ""), conf["NAME"])

    return where(config) == where(current)


# --- scenarios ---------------------------------------------------------------------------------


@dataclass
class Scenario:
    """One measured thing: the real implementation, its naive baseline, and its budgets.

    ``key`` names it in a growth run (stable across sizes, where ``name`` may carry a page
    number); ``max_floor`` is the budget as a multiple of the floor measured in the same run.
    """

    key: str
    name: str
    real: Callable
    naive: Callable | None = None
    budget_ms: float | None = None
    max_queries: int | None = None
    min_ratio: float | None = None
    max_floor: float | None = None
    cached: bool = False  # measured a second time as a page-cache hit


class Row:
    def __init__(self, scenario, real, naive=None, *, floor=None, name=None):
        self.key = scenario.key
        self.name = name or scenario.name
        self.p50, self.p95, self.queries, self.samples = real
        self.naive_p95 = naive[1] if naive else None
        self.naive_queries = naive[2] if naive else None
        self.naive_samples = naive[3] if naive else None
        self.budget_ms, self.max_queries = scenario.budget_ms, scenario.max_queries
        self.min_ratio, self.max_floor = scenario.min_ratio, scenario.max_floor
        self.floor = floor  # the floor's p95 in the same run (ms)
        self.buffers = None  # PostgreSQL pages one request touches (growth runs)

    @property
    def ratio(self):
        return self.naive_p95 / self.p95 if self.naive_p95 and self.p95 else None

    @property
    def floor_multiple(self):
        return self.p95 / self.floor if self.floor else None

    @property
    def budget(self):
        """The budgets that hold on any machine: queries, and p95 as a multiple of the floor."""
        parts = []
        if self.max_floor:
            parts.append(f"≤{self.max_floor:g}× 地板")
        if self.max_queries:
            parts.append(f"≤{self.max_queries} 查询")
        return "，".join(parts)

    @property
    def absolute_budget(self):
        """The budgets of the reference machine: milliseconds, and the ratio to the naive run."""
        parts = []
        if self.budget_ms:
            parts.append(f"≤{self.budget_ms} ms")
        if self.min_ratio:
            parts.append(f"≥{self.min_ratio}×")
        return "，".join(parts)

    @property
    def missed(self):
        """What misses a budget that travels between machines (the exit status follows it)."""
        reasons = []
        if self.max_floor and self.floor_multiple and self.floor_multiple > self.max_floor:
            reasons.append(f"p95 为地板的 {self.floor_multiple:.1f}× > {self.max_floor:g}×")
        if self.max_queries and self.queries > self.max_queries:
            reasons.append(f"{self.queries} 查询 > {self.max_queries}")
        return "，".join(reasons)

    @property
    def missed_absolute(self):
        """What misses the reference machine's figures (marked, never an exit status)."""
        reasons = []
        if self.budget_ms and self.p95 > self.budget_ms:
            reasons.append(f"p95 {self.p95:.1f} ms > {self.budget_ms} ms")
        if self.min_ratio and self.ratio is not None and self.ratio < self.min_ratio:
            reasons.append(f"仅快 {self.ratio:.1f}× < {self.min_ratio}×")
        return "，".join(reasons)


class Scenarios:
    """The floor, then every scenario of DESIGN.md's budgets (see ``definitions``)."""

    def __init__(self, *, repeat, out, naive=True):
        self.repeat, self.out, self.with_naive = repeat, out, naive
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

    def floor_scenario(self):
        return Scenario("floor", FLOOR_NAME, self.get(f"/_floor/{self.busy.slug}/"))

    def definitions(self):
        """Every scenario with its budgets. A new one is one more ``Scenario(...)`` here.

        ``max_floor`` (p95 as a multiple of the floor, the budget the exit status follows) is the
        millisecond budget of the same scenario translated with the reference machine's floor.
        """
        busy, district = self.busy, self.district
        start, end = year_period(REPORT_YEAR)
        report = AnnualReport(agency=busy, year=REPORT_YEAR, format=ReportFormat.NATIONAL_2021)
        all_ids = agency_ids_for(district, True)
        clerk = self.clerk()
        today = timezone.localdate()
        filtered = f"?agency={busy.pk}&year={REPORT_YEAR}&category=work"
        # Page 400 of a million rows (OFFSET 7,980); smaller data sets take their last full page.
        self.deep_page = min(400, max(1, Item.objects.published().count() // 20 - 1))
        deep = f"?page={self.deep_page}"
        # The same rows by bookmark (keyset): what "下一页" links to past the numbered pages.
        before_deep = (
            Item.objects.published()
            .order_by("-published_date", "-id")
            .only("id", "published_date")[(self.deep_page - 1) * 20 - 1]
            if self.deep_page > 1
            else None
        )
        bookmarked = f"?after={bookmark(before_deep)}&page={self.deep_page}" if before_deep else "?"
        return [
            Scenario(
                "catalog",
                "目录首页（无筛选）",
                self.get("/catalog/"),
                self.get("/_naive/catalog/"),
                budget_ms=30,
                min_ratio=10,
                max_floor=CATALOG_FLOOR,
                cached=True,
            ),
            Scenario(
                "filtered",
                "目录筛选（机构+年份+类别）",
                self.get("/catalog/" + filtered),
                self.get("/_naive/catalog/" + filtered),
                budget_ms=30,
                min_ratio=10,
                max_floor=CATALOG_FLOOR,
                cached=True,
            ),
            Scenario(
                "deep",
                f"目录深页（第{self.deep_page}页）",
                self.get("/catalog/" + deep),
                self.get("/_naive/catalog/" + deep),
                budget_ms=30,
                min_ratio=10,
                max_floor=CATALOG_FLOOR,
                cached=True,
            ),
            Scenario(
                "deep-bookmark",
                f"目录深页（第{self.deep_page}页，书签）",
                self.get("/catalog/" + bookmarked),
                self.get("/_naive/catalog/" + deep),
                budget_ms=30,
                min_ratio=10,
                max_floor=CATALOG_FLOOR,
                cached=True,
            ),
            Scenario(
                "search2",
                "检索 2 字「安全」",
                self.get("/catalog/?q=安全"),
                self.get("/_naive/catalog/?q=安全"),
                budget_ms=50,
                max_floor=SEARCH_FLOOR,
                cached=True,
            ),
            Scenario(
                "search4",
                "检索 4 字「隐患排查」",
                self.get("/catalog/?q=隐患排查"),
                self.get("/_naive/catalog/?q=隐患排查"),
                budget_ms=50,
                max_floor=SEARCH_FLOOR,
                cached=True,
            ),
            Scenario(
                "search-attachment",
                f"附件检索 4 字「{dataset.ATTACHMENT_WORD}」（仅在附件中，1/10 信息有附件文字）",
                self.get(f"/catalog/?q={dataset.ATTACHMENT_WORD}"),
                budget_ms=50,
                max_floor=SEARCH_FLOOR,
            ),
            Scenario(
                "detail",
                "信息详情页",
                self.detail("/catalog/"),
                self.detail("/_naive/catalog/"),
            ),
            Scenario(
                "api",
                "API 列表第2页",
                self.get("/api/items/?page=2"),
                self.get("/_naive/api/items/?page=2"),
                budget_ms=30,
                max_floor=CATALOG_FLOOR,
                cached=True,
            ),
            Scenario(
                "report",
                f"机构年报 {REPORT_YEAR}（2021格式）",
                lambda: report_figures(report),
                lambda: naive_report([busy.pk], start, end),
                budget_ms=50,
                max_queries=12,
                max_floor=REPORT_FLOOR,
            ),
            Scenario(
                "district",
                "全区汇总年报",
                lambda: record_figures(
                    agency_ids=agency_ids_for(district, True),
                    start=start,
                    end=end,
                    year=REPORT_YEAR,
                ),
                lambda: naive_report(all_ids, start, end),
                budget_ms=150,
                max_floor=DISTRICT_FLOOR,
            ),
            Scenario(
                "monitor",
                f"公开监测 {REPORT_YEAR}（繁忙机构）",
                lambda: monitor_one(busy, as_of=date(REPORT_YEAR, 12, 31), year=REPORT_YEAR),
                lambda: naive_monitor(busy, date(REPORT_YEAR, 12, 31), REPORT_YEAR),
                budget_ms=100,
                max_queries=10,
                max_floor=MONITOR_FLOOR,
            ),
            Scenario(
                "dashboard",
                "繁忙机构申请工作台",
                lambda: dashboard.deadlines(clerk, today),
                lambda: naive_dashboard(clerk, today),
            ),
        ]

    def clerk(self):
        return User.objects.get(username="bench-clerk")

    def buffers(self, func):
        """Shared buffers (8 kB pages, hit or read) the queries of one cold call of ``func`` touch.

        Each SELECT of the call is run again under EXPLAIN (ANALYZE, BUFFERS): the count is the
        work PostgreSQL does for the request, the same on a quiet or a busy machine.
        """
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            func()
        statements = [q["sql"] for q in captured.captured_queries]
        total = 0
        with connection.cursor() as cursor:
            for statement in statements:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement)
                plan = cursor.fetchone()[0]
                if isinstance(plan, str):
                    plan = json.loads(plan)
                node = plan[0]["Plan"]
                total += node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
        return total

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
        self.last_samples = samples
        self.last_queries = query_count
        return summary(samples, query_count)

    def run(self):
        """Rows of the table: the floor, each scenario cold, then the anonymous pages cached.

        The floor is measured before and after the scenarios and its samples pooled, so that it
        sees the same load as they do on a busy machine.
        """
        rows = []
        with override_settings(
            ROOT_URLCONF="perf.bench_urls", DEBUG=False, ALLOWED_HOSTS=["testserver"]
        ):
            floor_scenario = self.floor_scenario()
            self.out.write(f"  测量：{floor_scenario.name} …")
            self.out.flush()
            self.measure(floor_scenario.real)
            floor_samples = self.last_samples
            scenarios = self.definitions()
            measured = []
            for scenario in scenarios:
                self.out.write(f"  测量：{scenario.name} …")
                self.out.flush()
                real = self.measure(scenario.real)
                naive = self.measure(scenario.naive) if scenario.naive and self.with_naive else None
                measured.append((scenario, real, naive))
            self.measure(floor_scenario.real)
            floor_samples = sorted(floor_samples + self.last_samples)
            floor_result = summary(floor_samples, self.last_queries)
            floor = floor_result[1]
            rows.append(self.report(Row(floor_scenario, floor_result, floor=floor)))
            rows += [
                self.report(Row(scenario, real, naive, floor=floor))
                for scenario, real, naive in measured
            ]
            if not self.with_naive:
                # A growth run also counts the work itself, which no other job on the machine
                # can change: the PostgreSQL pages each request touches.
                if connection.vendor == "postgresql":
                    for row, scenario in zip(rows, [floor_scenario, *scenarios], strict=True):
                        row.buffers = self.buffers(scenario.real)
                return rows
            # The same anonymous pages served from the page cache (disclosure/cache.py), as a
            # visitor finds them after the first one; compared with the cold naive run above.
            for scenario, _real, naive in measured:
                if not scenario.cached:
                    continue
                self.out.write(f"  测量：{scenario.name}（缓存命中）…")
                self.out.flush()
                row = Row(
                    scenario,
                    self.measure(scenario.real, cached=True),
                    naive,
                    floor=floor,
                    name=f"{scenario.name} · 缓存命中",
                )
                row.key = f"{scenario.key}-cached"
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


def summary(sorted_samples, query_count):
    """(p50, p95, queries, samples) of sorted samples in ms."""
    return (
        statistics.median(sorted_samples),
        percentile(sorted_samples, 95),
        query_count,
        len(sorted_samples),
    )


def percentile(sorted_samples, pct):
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, min(len(sorted_samples) - 1, math.ceil(pct / 100 * len(sorted_samples)) - 1))
    return sorted_samples[index]


def render_table(rows):
    """A Markdown table (pastes into the README as it is).

    Two budget columns: 预算 holds on any machine (p95 as a multiple of the floor measured in the
    same run, query counts) and decides the exit status; 参考机预算 are the reference machine's
    milliseconds and ratios to the naive baseline, marked but never an exit status.
    """
    lines = [
        "| 场景 | p50 ms | p95 ms | 查询数 | ×地板 | 预算 | 参考机预算 "
        "| 朴素实现 p95 ms（查询数，次数） | 倍数 |",
        "|---|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for row in rows:
        naive = (
            f"{row.naive_p95:.1f}（{row.naive_queries}，{row.naive_samples}）"
            if row.naive_p95 is not None
            else "—"
        )
        ratio = f"{row.ratio:.1f}×" if row.ratio is not None else "—"
        multiple = f"{row.floor_multiple:.1f}" if row.floor_multiple is not None else "—"
        lines.append(
            f"| {row.name} | {row.p50:.1f} | {row.p95:.1f} | {row.queries} | {multiple} | "
            f"{_marked(row.budget, row.missed)} | "
            f"{_marked(row.absolute_budget, row.missed_absolute)} | {naive} | {ratio} |"
        )
    return "\n".join(lines)


def _marked(budget, missed):
    if not budget:
        return "—"
    return ("✗ " if missed else "✓ ") + budget
