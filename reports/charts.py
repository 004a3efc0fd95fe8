"""Server-rendered SVG charts: geometry computed here, drawn by ``reports/_chart.html``.

No chart framework and no script: the SVG is part of the page, so it prints with it.
"""

from dataclasses import dataclass

from reports.figures import CATEGORY_LABELS
from reports.tables import OUTCOME_GROUP_LABELS


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    width: int
    height: int
    bars: tuple
    axis_y: float = 0
    vertical: bool = False

    @property
    def total(self):
        return sum(bar.value for bar in self.bars)

    @property
    def description(self):
        return "；".join(f"{bar.label}{bar.value}" for bar in self.bars)


def columns(slug, title, data, *, width=640, height=240):
    """Vertical bars (e.g. the twelve months)."""
    top, bottom, side = 24, 30, 10
    peak = max((value for _, value in data), default=0) or 1
    slot = (width - 2 * side) / max(len(data), 1)
    plot = height - top - bottom
    bars = []
    for i, (label, value) in enumerate(data):
        h = plot * value / peak
        x = side + i * slot + slot * 0.15
        bars.append(
            Bar(
                label,
                value,
                round(x, 1),
                round(top + plot - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                round(x + slot * 0.35, 1),
                height - 10,
                round(x + slot * 0.35, 1),
                round(top + plot - h - 5, 1),
            )
        )
    return Chart(slug, title, width, height, tuple(bars), axis_y=top + plot, vertical=True)


def rows(slug, title, data, *, width=640, row_height=30, label_width=110):
    """Horizontal bars with a label on the left (categories, outcomes)."""
    peak = max((value for _, value in data), default=0) or 1
    plot = width - label_width - 60
    bars = []
    for i, (label, value) in enumerate(data):
        y = 8 + i * row_height
        w = plot * value / peak
        bars.append(
            Bar(
                label,
                value,
                label_width,
                y,
                round(w, 1),
                row_height - 10,
                label_width - 8,
                y + row_height / 2,
                round(label_width + w + 6, 1),
                y + row_height / 2,
            )
        )
    return Chart(slug, title, width, 16 + len(data) * row_height, tuple(bars))


def report_charts(figures, *, with_outcomes=True):
    proactive = figures.get("proactive", {})
    by_month = proactive.get("by_month", {})
    charts = [
        columns(
            "month",
            "各月主动公开信息数量（条）",
            [(f"{m}月", int(by_month.get(str(m), 0))) for m in range(1, 13)],
        ),
        rows(
            "category",
            "主动公开信息分类（条）",
            [
                (label, int(proactive.get("by_category", {}).get(key, 0)))
                for key, label in CATEGORY_LABELS.items()
            ],
        ),
    ]
    table3 = figures.get("table3")
    if with_outcomes and table3:
        charts.append(
            rows(
                "outcomes",
                "政府信息公开申请办理结果（件）",
                [
                    (label, sum(table3.get(key, {}).get("total", 0) for key in keys))
                    for label, keys in OUTCOME_GROUP_LABELS
                ],
            )
        )
    return charts
