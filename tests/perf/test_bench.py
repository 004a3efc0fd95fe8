"""``manage.py bench`` stays runnable: a small data set on the test database, every scenario."""

from io import StringIO

import dj_database_url
import pytest
from django.core.management import CommandError, call_command

from applications.models import Application, Outcome
from disclosure.models import Item
from disclosure.search import document_tokens
from perf import dataset
from perf.management.commands.bench import (
    FLOOR_NAME,
    Row,
    Scenario,
    budgets_decide_exit,
    percentile,
    render_table,
    same_database,
)


def run_bench(*args):
    out = StringIO()
    call_command("bench", "--use-default-database", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_bench_builds_a_small_district_and_prints_every_scenario():
    output = run_bench("--items", "2000", "--repeat", "2")
    assert Item.objects.count() == 2000
    assert Application.objects.count() == 200
    for scenario in (
        "目录首页",
        "目录筛选",
        "目录深页",
        "书签",
        "检索 2 字",
        "检索 4 字",
        "附件检索 4 字",
        "信息详情页",
        "API 列表",
        "机构年报 2021",
        "全区汇总年报",
        "公开监测 2021",
        "繁忙机构申请工作台",
    ):
        assert scenario in output
    table = [line for line in output.splitlines() if line.startswith("| ")]
    # header + the floor + one row per scenario + the seven anonymous pages as page-cache hits
    assert len(table) == 1 + 1 + 13 + 7
    floor = [cell.strip() for cell in table[1].strip("|").split("|")]
    # The floor: one indexed query through the whole middleware stack, the unit of the budgets.
    assert floor[0] == FLOOR_NAME and floor[3] == "1" and floor[4] == "1.0"
    # Every other row is stated as a multiple of it, and so is its budget where it has one.
    catalog = [cell.strip() for cell in table[2].strip("|").split("|")]
    assert catalog[0] == "目录首页（无筛选）"
    # (each cell rounded to 0.1: the ratio of the printed figures only bounds it)
    p95, floor_p95, multiple = float(catalog[2]), float(floor[2]), float(catalog[4])
    low = (p95 - 0.05) / (floor_p95 + 0.05) - 0.05
    high = (p95 + 0.05) / max(floor_p95 - 0.05, 1e-9) + 0.05
    assert low <= multiple <= high
    assert "× 地板" in catalog[5] and "≤30 ms" in catalog[6]
    # Every row has a real measurement and a query count; a cache hit runs no query at all.
    for line in table[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert float(cells[1]) > 0 and float(cells[2]) >= float(cells[1])
        if "缓存命中" in cells[0]:
            assert int(cells[3]) == 0, line
        else:
            assert int(cells[3]) >= 1, line
    assert sum("缓存命中" in line for line in table) == 7
    # A tenth of the items carry attachment text, and the attachment search finds its word there.
    with_text = Item.objects.filter(search_tokens__contains=" § ")
    assert with_text.count() == 2000 // dataset.ATTACHMENT_SHARE
    assert not Item.objects.filter(body__contains=dataset.ATTACHMENT_WORD).exists()
    from django.test import Client

    found = Client().get("/catalog/", {"q": dataset.ATTACHMENT_WORD}).context["page_obj"]
    assert found.object_list and all(item.in_attachment for item in found)


@pytest.mark.django_db(transaction=True)
def test_the_built_data_set_has_its_catalog_tallies():
    from django.db.models import Sum

    from disclosure.models import CategoryTally, CategoryTotal, ChannelTally, NormativeBalance

    run_bench("--items", "300", "--build-only")
    links = Item.channels.through.objects.filter(item__status="published").count()
    assert links > 0
    assert ChannelTally.objects.aggregate(n=Sum("items"))["n"] == links
    assert CategoryTally.objects.aggregate(n=Sum("items"))["n"] == Item.objects.published().count()
    assert CategoryTotal.objects.aggregate(n=Sum("items"))["n"] == Item.objects.published().count()
    # Table 二's balances: every published document formed in a year was issued in it.
    documents = Item.objects.published().normative().filter(formed_date__isnull=False).count()
    assert documents > 0
    assert NormativeBalance.objects.aggregate(n=Sum("issued"))["n"] == documents


@pytest.mark.django_db(transaction=True)
def test_the_built_data_set_has_the_monitors_copies_and_unfiled_tally():
    """Written with the triggers off (the builder's replica mode): copies and tally by hand."""
    from django.db import connection
    from django.db.models import Count, Sum

    from standards.models import Filing, UnfiledTally

    run_bench("--items", "300", "--build-only")
    fields = ["status", "published_date", "formed_date", "publish_workdays", "imported"]
    filings = list(Filing.objects.values_list("item_id", *fields))
    assert filings
    items = {
        pk: tuple(rest)
        for pk, *rest in Item.objects.filter(pk__in=[f[0] for f in filings]).values_list(
            "pk", *fields
        )
    }
    assert all(tuple(rest) == items[pk] for pk, *rest in filings)
    if connection.vendor == "postgresql":
        unfiled = dict(
            Item.objects.published()
            .filter(filings__isnull=True)
            .values_list("agency_id")
            .annotate(n=Count("pk"))
        )
        tally = dict(
            UnfiledTally.objects.values_list("agency_id").annotate(n=Sum("items")).filter(n__gt=0)
        )
        assert tally == unfiled != {}


@pytest.mark.django_db(transaction=True)
def test_the_built_data_set_has_its_application_tally():
    from django.db.models import Q, Sum

    from applications.models import Application, ApplicationTally

    run_bench("--items", "300", "--build-only")
    received = ApplicationTally.objects.filter(outcome="").aggregate(n=Sum("applications"))["n"]
    closed = ApplicationTally.objects.filter(~Q(outcome="")).aggregate(n=Sum("applications"))["n"]
    assert received == Application.objects.count() > 0
    assert closed == Application.objects.filter(closed_on__isnull=False).count() > 0


@pytest.mark.django_db(transaction=True)
def test_a_second_run_reuses_the_data_set():
    run_bench("--items", "300", "--build-only")
    first = list(Item.objects.order_by("pk").values_list("pk", "title")[:50])
    output = run_bench("--items", "300", "--build-only")
    assert "复用已有数据集" in output
    assert list(Item.objects.order_by("pk").values_list("pk", "title")[:50]) == first


@pytest.mark.django_db(transaction=True)
def test_generated_items_carry_the_search_tokens_item_save_would_compute():
    run_bench("--items", "400", "--build-only")
    for item in Item.objects.all()[:200]:
        assert document_tokens(item) == (item.search_title_tokens, item.search_tokens)


@pytest.mark.django_db(transaction=True)
def test_applications_cover_every_outcome_and_open_ones():
    run_bench("--items", "400", "--build-only")
    outcomes = set(Application.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == set(Outcome.values)
    assert Application.objects.open().exists()


@pytest.mark.django_db(transaction=True)
def test_the_bench_refuses_a_database_holding_real_data():
    from tests.factories import make_agency

    make_agency(name="真实机构")
    with pytest.raises(CommandError, match="非基准数据"):
        run_bench("--items", "300", "--build-only")


def test_the_bench_never_takes_the_site_database_for_its_own():
    site = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": 5432,
        "NAME": "zwgk",
    }
    assert same_database(dj_database_url.parse("postgres://u@127.0.0.1:5432/zwgk"), site)
    assert not same_database(dj_database_url.parse("postgres://u@127.0.0.1:5432/zwgk_bench"), site)


def test_percentile_is_nearest_rank():
    samples = sorted(range(1, 101))
    assert percentile(samples, 95) == 95
    assert percentile(samples, 50) == 50
    assert percentile([7.0], 95) == 7.0


def test_a_missed_budget_is_marked():
    catalog = Scenario("catalog", "目录首页", None, budget_ms=30, min_ratio=10, max_floor=3)
    district = Scenario("district", "全区汇总年报", None, budget_ms=150, max_queries=12)
    # 45 ms on a floor of 10 ms: over 30 ms (marked), 20× faster than the naive run (met), and
    # 4.5× the floor, over its 3× (missed: this one decides the exit status).
    slow = Row(catalog, (40.0, 45.0, 6, 40), (400.0, 900.0, 3, 5), floor=10.0)
    fast = Row(district, (10.0, 12.0, 14, 40), None, floor=10.0)
    table = render_table([slow, fast])
    assert "✗ ≤30 ms" in table and "✗ ≤3× 地板" in table and "✓ ≤150 ms" in table
    assert "p95 45.0 ms > 30 ms" in slow.missed_absolute
    assert "4.5× > 3×" in slow.missed
    assert fast.missed == "14 查询 > 12" and fast.missed_absolute == ""


def test_a_busy_machine_misses_milliseconds_but_not_multiples_of_the_floor():
    catalog = Scenario("catalog", "目录首页", None, budget_ms=30, max_floor=3)
    # Everything three times slower, the floor included: the absolute budget is missed, the
    # relative one (which decides the exit status) holds.
    quiet = Row(catalog, (8.5, 9.5, 5, 40), floor=3.5)
    busy = Row(catalog, (25.5, 28.5 * 1.2, 5, 40), floor=3.5 * 3.3)
    assert not quiet.missed_absolute and not quiet.missed
    assert busy.missed_absolute == "p95 34.2 ms > 30 ms" and not busy.missed
    assert busy.floor_multiple == pytest.approx(34.2 / 11.55)


def test_only_postgresql_runs_of_the_budgeted_size_decide_the_exit_status():
    assert budgets_decide_exit("postgresql", 1_000_000)
    assert budgets_decide_exit("postgresql", 100_000)
    assert not budgets_decide_exit("postgresql", 2_000)
    assert not budgets_decide_exit("sqlite", 1_000_000)


def test_sizes_keep_the_proportions_of_the_budgets():
    size = dataset.Size.scaled(1_000_000)
    assert (size.applications, size.proposals) == (100_000, 10_000)
