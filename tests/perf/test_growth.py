"""The growth run's pieces: slopes, the table, the SVG chart and the per-size databases."""

import math
import xml.etree.ElementTree as ET

import dj_database_url
import pytest

from perf.growth import Step, best_of, growth_svg, render_growth_table, slope, slopes
from perf.management.commands.bench import growth_url

SVG = "{http://www.w3.org/2000/svg}"
SIZES = (100_000, 300_000, 1_000_000, 3_000_000)


def steps(load=1.0):
    """A floor that doubles with the load, one flat scenario and one that grows like sqrt(N)."""
    result = []
    for n in SIZES:
        floor = 2.0 * load
        p95 = {"floor": floor, "flat": 6.0 * load, "deep": 0.01 * math.sqrt(n) * load}
        result.append(
            Step(
                items=n,
                p95=p95,
                floor=floor,
                load=(load, load),
                names={"floor": "地板", "flat": "目录首页", "deep": "目录深页 <OFFSET>"},
                p50={key: value / 2 for key, value in p95.items()},
            )
        )
    return result


def test_slope_of_a_power_law_is_its_exponent():
    assert slope([(n, 3 * n**0.5) for n in SIZES]) == pytest.approx(0.5)
    assert slope([(n, 7.0) for n in SIZES]) == pytest.approx(0.0)
    assert slope([(n, n / 1000) for n in SIZES]) == pytest.approx(1.0)


def test_slope_needs_two_sizes():
    assert slope([(100_000, 5.0)]) is None
    assert slope([(100_000, 5.0), (100_000, 6.0)]) is None


def test_dividing_by_the_floor_takes_out_a_load_that_rises_during_the_run():
    run = steps()
    # The machine gets busier at every size: everything, the floor included, slows down.
    for factor, step in zip((1, 1.5, 2, 3), run, strict=True):
        step.p95 = {key: value * factor for key, value in step.p95.items()}
        step.floor *= factor
    absolute, relative, _ = slopes(run, "flat")
    assert absolute > 0.15
    assert relative == pytest.approx(0.0, abs=1e-9)


def test_the_table_gives_p95_per_size_slopes_and_names_what_grows():
    table = render_growth_table(steps(load=1.7))
    lines = table.splitlines()
    assert lines[0].startswith("| 场景 | p95 ms @ 100,000 | p95 ms @ 300,000")
    flat = next(line for line in lines if line.startswith("| 目录首页"))
    deep = next(line for line in lines if line.startswith("| 目录深页"))
    assert flat.endswith("| +0.00 | +0.00 | +0.00 |")
    assert deep.endswith("| +0.50 | +0.50 | +0.50 |")
    # The load of every step is in the table: figures are only comparable at similar load.
    assert "| 1 分钟负载（前 → 后） | " + " | ".join(["1.7 → 1.7"] * 4) + " | | | |" in lines
    # Without page counts, the verdict follows the p50.
    assert "| 目录深页 <OFFSET> | — | — | — | — | 随 N 增长 |" in lines
    assert "| 目录首页 | — | — | — | — | 平 |" in lines


def test_pages_touched_decide_what_grows_whatever_the_timings_say():
    run = steps()
    for step in run:
        # Timings say the opposite of the work: only the pages touched are believed.
        step.buffers = {"floor": 2, "flat": step.items // 1000, "deep": 60}
    lines = render_growth_table(run).splitlines()
    assert "| 目录首页 | 100 | 300 | 1,000 | 3,000 | +1.00 | 随 N 增长 |" in lines
    assert "| 目录深页 <OFFSET> | 60 | 60 | 60 | 60 | +0.00 | 平 |" in lines
    chart = ET.fromstring(growth_svg(run, metric="buffers"))
    labels = [text.text for text in chart.iter(f"{SVG}text")]
    assert "目录首页（+1.00）" in labels and "页面数（8 kB）" in labels


def test_the_svg_chart_is_a_log_log_line_per_scenario():
    svg = growth_svg(steps())
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3
    for line in lines:
        points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        assert len(points) == len(SIZES)
        xs = [x for x, _ in points]
        assert xs == sorted(xs)
    # On log axes equal ratios of N are equal distances: 100k→1M is as wide as 300k→3M.
    xs = [x for x, _ in (tuple(map(float, p.split(","))) for p in lines[0].get("points").split())]
    assert xs[2] - xs[0] == pytest.approx(xs[3] - xs[1], abs=0.2)
    # A flat scenario is a horizontal line; one growing like sqrt(N) climbs (y grows downwards).
    flat, deep = lines[1], lines[2]
    ys = {float(p.split(",")[1]) for p in flat.get("points").split()}
    assert len(ys) == 1
    deep_ys = [float(p.split(",")[1]) for p in deep.get("points").split()]
    assert deep_ys == sorted(deep_ys, reverse=True)
    # The floor is dashed; names are escaped and carry the slope.
    assert lines[0].get("stroke-dasharray")
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "目录深页 <OFFSET>（+0.50）" in labels
    assert "<OFFSET>" not in svg


def test_the_svg_writer_refuses_an_empty_run():
    with pytest.raises(ValueError):
        growth_svg([])


def test_each_size_has_its_own_database():
    pg = dj_database_url.parse("postgres://bench:pw@127.0.0.1:5433/zwgk_bench")
    assert growth_url(pg, 300_000) == "postgres://bench:pw@127.0.0.1:5433/zwgk_bench_300000"
    lite = dj_database_url.parse("sqlite:////tmp/zwgk-bench.sqlite3")
    assert growth_url(lite, 2000) == "sqlite:////tmp/zwgk-bench_2000.sqlite3"


def test_rounds_keep_each_figures_best_p95():
    quiet, busy = steps(load=1.0)[0], steps(load=3.0)[0]
    busy.p95["flat"] = 1.0  # one figure happened to be faster in the busy round
    kept = best_of(best_of(None, busy), quiet)
    assert kept.p95 == {"floor": 2.0, "flat": 1.0, "deep": quiet.p95["deep"]}
    assert kept.p50 == {"floor": 1.0, "flat": 3.0, "deep": quiet.p50["deep"]}
    assert kept.floor == 2.0 and kept.load == (1.0, 1.0)
