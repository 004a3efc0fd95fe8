"""How cost grows with the catalog: ``manage.py bench --growth``'s table, slopes and chart.

Each step of a growth run is the same district at another size (same agencies, records scaled,
see ``perf.dataset.Size``), measured cold. A scenario whose p95 is proportional to N^k shows a
straight line of slope k on a log-log chart: 0 is flat, 1 is a full scan. The slope is fitted
by least squares over every step; the same fit of p95 / floor takes out what the machine's load
did to every row of one step alike.
"""

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

GROWING_SLOPE = 0.1  # DESIGN.md: cost stays flat as the catalog grows, log-log slope ≤ 0.1


@dataclass
class Step:
    """One size of a growth run: p95 per scenario key, the floor's p95 and the load around it."""

    items: int
    p95: dict  # key → ms
    floor: float
    load: tuple  # 1-minute load average before and after the step
    names: dict = field(default_factory=dict)  # key → the scenario's printed name
    p50: dict = field(default_factory=dict)  # key → ms
    buffers: dict = field(default_factory=dict)  # key → PostgreSQL pages one request touches


def best_of(kept, step):
    """``kept`` and ``step`` (the same size, another round) merged: each figure's lowest p95.

    The load shown is that of the round that gave the floor kept.
    """
    if kept is None:
        return step

    def best(old, new):
        merged = {key: min(old.get(key, math.inf), value) for key, value in new.items()}
        merged.update({key: value for key, value in old.items() if key not in new})
        return merged

    floor_step = kept if kept.floor <= step.floor else step
    return Step(
        items=step.items,
        p95=best(kept.p95, step.p95),
        floor=min(kept.floor, step.floor),
        load=floor_step.load,
        names={**kept.names, **step.names},
        p50=best(kept.p50, step.p50),
        buffers={**kept.buffers, **step.buffers},
    )


def slope(points):
    """Least-squares slope of log(y) against log(x); None with fewer than two distinct x."""
    points = [(x, y) for x, y in points if x > 0 and y > 0]
    if len({x for x, _ in points}) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def scenario_keys(steps):
    """Keys in the order of the first step, then any that only later steps have."""
    keys = []
    for step in steps:
        keys += [key for key in step.p95 if key not in keys]
    return keys


def _name(steps, key):
    for step in steps:
        if key in step.names:
            return step.names[key]
    return key


def slopes(steps, key):
    """(slope of p95, slope of p95 / floor, slope of p50) for one scenario over the steps."""
    absolute = slope([(s.items, s.p95[key]) for s in steps if key in s.p95])
    relative = slope([(s.items, s.p95[key] / s.floor) for s in steps if key in s.p95 and s.floor])
    median = slope([(s.items, s.p50[key]) for s in steps if key in s.p50])
    return absolute, relative, median


def buffer_slope(steps, key):
    """Slope of the pages touched; a request touching no page at all counts as one."""
    return slope([(s.items, max(s.buffers[key], 1)) for s in steps if key in s.buffers])


def render_growth_table(steps):
    """Markdown: p95 per size with its slopes; then, where counted, the pages touched per size.

    Whether a scenario grows is read from the pages touched when they were counted (the work
    itself: load on the machine cannot change it), else from the p50 (on a shared machine the
    p95 of a few dozen samples is mostly the scheduler's).
    """
    sizes = [f"{step.items:,}" for step in steps]
    keys = scenario_keys(steps)
    counted = any(step.buffers for step in steps)
    lines = [
        "| 场景 | "
        + " | ".join(f"p95 ms @ {size}" for size in sizes)
        + " | 斜率 p95 | 斜率 p95÷地板 | 斜率 p50 |",
        "|---|" + "---:|" * len(steps) + "---:|---:|---:|",
    ]
    for key in keys:
        cells = [f"{s.p95[key]:.1f}" if key in s.p95 else "—" for s in steps]
        absolute, relative, median = slopes(steps, key)
        lines.append(
            f"| {_name(steps, key)} | "
            + " | ".join(cells)
            + f" | {_fmt_slope(absolute)} | {_fmt_slope(relative)} | {_fmt_slope(median)} |"
        )
    lines.append(
        "| 1 分钟负载（前 → 后） | "
        + " | ".join(f"{s.load[0]:.1f} → {s.load[1]:.1f}" for s in steps)
        + " | | | |"
    )
    lines += [
        "",
        "| 场景 | "
        + " | ".join(f"页面数 @ {size}" for size in sizes)
        + (" | 斜率（页面数） | |" if counted else " | |"),
        "|---|" + "---:|" * len(steps) + ("---:|---|" if counted else "---|"),
    ]
    for key in keys:
        cells = [f"{s.buffers[key]:,}" if key in s.buffers else "—" for s in steps]
        grows = buffer_slope(steps, key) if counted else slopes(steps, key)[2]
        verdict = "" if grows is None else ("随 N 增长" if grows > GROWING_SLOPE else "平")
        lines.append(
            f"| {_name(steps, key)} | "
            + " | ".join(cells)
            + (f" | {_fmt_slope(grows)}" if counted else "")
            + f" | {verdict} |"
        )
    return "\n".join(lines)


def _fmt_slope(value):
    return "—" if value is None else f"{value:+.2f}"


# --- the chart ---------------------------------------------------------------------------------

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
)
WIDTH, HEIGHT = 900, 420
LEFT, RIGHT, TOP, BOTTOM = 60, 380, 30, 50
LEGEND_CHARS = 20  # a longer scenario name is cut in the legend (the table has it whole)


def _nice_ticks(low, high):
    """1-2-5 ticks covering [low, high] (a log axis)."""
    ticks = []
    exponent = math.floor(math.log10(low))
    while True:
        for mantissa in (1, 2, 5):
            value = mantissa * 10**exponent
            if value > high * 1.0001:
                return ticks
            if value >= low * 0.9999:
                ticks.append(value)
        exponent += 1


def _fmt_tick(value):
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


CHARTS = {
    "p95": ("p95（毫秒）随公开信息条数 N 的变化（对数坐标）", "p95 毫秒"),
    "buffers": ("每次请求读取的 PostgreSQL 页面数随 N 的变化（对数坐标）", "页面数（8 kB）"),
}


def growth_svg(steps, *, metric="p95"):
    """A log-log line chart of ``metric`` ("p95" or "buffers") against N, one line per scenario.

    Hand-written SVG (no plotting library): it shows in the README on any forge and in print.
    """
    title, axis = CHARTS[metric]
    figures = [
        {
            key: max(value, 1) if metric == "buffers" else value
            for key, value in getattr(s, metric).items()
        }
        for s in steps
    ]
    keys = [key for key in scenario_keys(steps) if any(key in f for f in figures)]
    values = [f[k] for f in figures for k in keys if k in f and f[k] > 0]
    items = [s.items for s in steps]
    if not values or not items:
        raise ValueError("no measurements to draw")
    y_low = 10 ** math.floor(math.log10(min(values)))
    y_high = 10 ** math.ceil(math.log10(max(values)))
    if y_high <= y_low:
        y_high = y_low * 10
    x_low, x_high = min(items), max(items)
    if x_high == x_low:
        x_low, x_high = x_low / 2, x_high * 2
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(n):
        return LEFT + plot_w * (math.log(n) - math.log(x_low)) / (
            math.log(x_high) - math.log(x_low)
        )

    def y_of(ms):
        return TOP + plot_h * (
            1 - (math.log(ms) - math.log(y_low)) / (math.log(y_high) - math.log(y_low))
        )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Noto Sans CJK SC, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="18" font-size="14">{escape(title)}</text>',
    ]
    for tick in _nice_ticks(y_low, y_high):
        y = y_of(tick)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e0e0e0"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt_tick(tick)}</text>'
        )
    for n in items:
        x = x_of(n)
        out.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e0e0e0"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{_fmt_tick(n)}</text>'
        )
    out.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#555"/>'
    )
    out.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle">'
        "公开信息条数 N</text>"
    )
    out.append(
        f'<text x="16" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + plot_h / 2:.1f})">{escape(axis)}</text>'
    )
    for index, key in enumerate(keys):
        color = PALETTE[index % len(PALETTE)]
        points = [
            (x_of(s.items), y_of(f[key]))
            for s, f in zip(steps, figures, strict=True)
            if f.get(key, 0) > 0
        ]
        dash = ' stroke-dasharray="5 3"' if key == "floor" else ""
        out.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            + '"/>'
        )
        for x, y in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
        absolute = slopes(steps, key)[0] if metric == "p95" else buffer_slope(steps, key)
        name = _name(steps, key)
        name = name if len(name) <= LEGEND_CHARS else name[:LEGEND_CHARS] + "…"
        label = name + (f"（{absolute:+.2f}）" if absolute is not None else "")
        legend_y = TOP + 8 + index * 18
        legend_x = WIDTH - RIGHT + 14
        out.append(
            f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 18}" y2="{legend_y}" '
            f'stroke="{color}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{legend_x + 24}" y="{legend_y + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
