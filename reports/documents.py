"""One report as a document: the snapshot that publishing freezes, and what the page shows.

``build_snapshot`` gathers every figure and every sentence; the draft preview renders the
same snapshot the head is about to publish, so what is previewed is exactly what is frozen.
``document_context`` turns a snapshot (live or frozen) into the rows and cells the
templates and the CSV print. Nothing here reads records once the snapshot exists.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reports.charts import report_charts
from reports.checks import run_checks
from reports.figures import CATEGORY_LABELS, report_figures
from reports.models import ReportFormat, ReportSource, ReportVersion
from reports.narrative import resolved_narrative
from reports.tables import (
    DECIMAL_KEYS,
    NATIONAL_SECTIONS,
    OVERVIEW_SUBSECTIONS,
    TABLE2_BLOCKS,
    TABLE2_WIDTH,
    TABLE3_COLUMN_KEYS,
    TABLE3_COLUMNS,
    TABLE3_HEADER,
    TABLE3_ROWS,
    TABLE4_HEADER,
    TABLE4_KEYS,
    Cell,
    legacy_sections,
    lookup,
)

SCHEMA = 1
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。；]{1,40}$")


def previous_carried_forward(report):
    """Last year's published 四 (per column) for the same agency, or None: one query."""
    snapshot = (
        ReportVersion.objects.current()
        .filter(
            report__agency_id=report.agency_id,
            report__year=report.year - 1,
            report__covers_units=report.covers_units,
        )
        .values_list("snapshot", flat=True)
        .first()
    )
    if not snapshot:
        return None
    table3 = snapshot.get("figures", {}).get("table3")
    return table3.get("carried_forward") if table3 else None


def build_snapshot(report, *, figures=None):
    """Every figure, sentence and check of a report, as JSON-ready data."""
    figures = figures if figures is not None else report_figures(report)
    narrative = resolved_narrative(report, figures)
    legacy = report.format == ReportFormat.LEGACY
    signature = {
        "name": report.signature_name or report.agency.name,
        "date": report.signature_date.isoformat() if report.signature_date else None,
    }
    checks = run_checks(
        figures,
        fmt=report.format,
        narrative=narrative,
        signature=signature,
        previous_carried_forward=None if legacy else previous_carried_forward(report),
    )
    snapshot = {
        "schema": SCHEMA,
        "agency": {"name": report.agency.name, "slug": report.agency.slug},
        "year": report.year,
        "format": report.format,
        "source": report.source,
        "title": report.title,
        "covers_units": report.covers_units,
        "figures": figures,
        "narrative": narrative,
        "signature": signature,
        "checks": [check.as_dict() for check in checks],
    }
    if legacy:
        # Frozen with the report: the headings follow the agency as it was when published.
        snapshot["sections"] = [
            [heading, field]
            for heading, field in legacy_sections(
                report.year,
                handles_proposals=report.agency.handles_proposals,
                headings=report.legacy_headings,
            )
        ]
    return snapshot


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False


def paragraphs(text):
    """Lines become paragraphs; a short line like “（一）…” is a sub-heading."""
    return [
        Paragraph(line.strip(), heading=bool(SUBHEADING.match(line.strip())))
        for line in (text or "").splitlines()
        if line.strip()
    ]


def chinese_date(iso):
    """``2018-02-28`` → ``2018年2月28日`` (official documents write no leading zeros)."""
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def plain_decimal(value):
    """An amount as agencies print it: the exact value without trailing zeros.

    ``"7545.0000"`` → ``7545``, ``"7730.2800"`` → ``7730.28``, ``"0.0000"`` → ``0``; the JSON
    and CSV keep the stored four decimals.
    """
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def _show(value, key=""):
    if key.split(".")[-1] in DECIMAL_KEYS:
        return plain_decimal(value)
    return str(value)


def table2_rows(figures, fmt):
    """Rows of cells for table 二: caption, header and data rows of each block."""
    table2 = figures.get("table2", {})
    rows = []
    for block in TABLE2_BLOCKS[fmt]:
        rows.append(("caption", [Cell(block.caption, colspan=TABLE2_WIDTH)]))
        header = [Cell(text) for text in block.header]
        header[-1] = Cell(header[-1].text, colspan=TABLE2_WIDTH - len(header) + 1)
        rows.append(("header", header))
        for label, keys in block.rows:
            cells = [Cell(_show(lookup(table2, key), key)) for key in keys]
            cells[-1] = Cell(cells[-1].text, colspan=TABLE2_WIDTH - len(keys))
            rows.append(("data", [Cell(label), *cells]))
    return rows


def table3_rows(figures, fmt):
    table3 = figures.get("table3", {})
    return [
        (
            row.key,
            row.labels,
            [
                sum(table3.get(key, {}).get(column, 0) for key in row.keys)
                for column in TABLE3_COLUMN_KEYS
            ],
        )
        for row in TABLE3_ROWS[fmt]
    ]


def table3_compact(rows):
    """Table 三 for a phone: one label column (sticky), headings as rows of their own.

    The printed form nests three label columns with row spans; on a 390 px screen they leave
    three characters a line. Here 三 and each outcome group get a heading row and every leaf
    keeps its own label, so the figures scroll sideways under a label that stays in view.
    """
    result = []
    for key, labels, values in rows:
        for cell in labels:
            if cell.rowspan > 1:  # 三、本年度办理结果 and the outcome groups that have leaves
                result.append(("group", cell.text, None))
        result.append(("data" if key != "total" else "total", labels[-1].text, values))
    return result


def table4_values(figures):
    return [lookup(figures.get("table4", {}), key) for key in TABLE4_KEYS]


def document_context(snapshot):
    """What the report templates need, from a snapshot alone."""
    fmt = snapshot["format"]
    figures = snapshot["figures"]
    narrative = snapshot["narrative"]
    transcribed = snapshot.get("source") == ReportSource.TRANSCRIBED
    context = {
        "snapshot": snapshot,
        "fmt": fmt,
        "is_legacy": fmt == ReportFormat.LEGACY,
        "is_transcribed": transcribed,
        "figures": figures,
        "preface": paragraphs(narrative.get("preface")),
        # Charts draw months and outcomes a report entered from its text does not have.
        "charts": []
        if transcribed
        else report_charts(figures, with_outcomes=fmt != ReportFormat.LEGACY),
        "checks": snapshot.get("checks", []),
        "errors": [c for c in snapshot.get("checks", []) if c["level"] == "error"],
        "signature_date": chinese_date(snapshot["signature"].get("date")),
    }
    if fmt == ReportFormat.LEGACY:
        # Versions frozen before the headings were stored used the standard five.
        sections = snapshot.get("sections") or legacy_sections(snapshot["year"])
        context["sections"] = [
            (heading, paragraphs(narrative.get(field))) for heading, field in sections
        ]
        context["legacy_rows"] = legacy_rows(figures, transcribed=transcribed)
        return context
    context.update(
        {
            "headings": NATIONAL_SECTIONS,
            "overview": paragraphs(narrative.get("overview")),
            "subsections": [
                (heading, paragraphs(narrative.get(field)))
                for field, heading in OVERVIEW_SUBSECTIONS
            ],
            "problems": paragraphs(narrative.get("problems")),
            "other_matters": paragraphs(narrative.get("other_matters")),
            "table2": table2_rows(figures, fmt),
            "table3_header": TABLE3_HEADER,
            "table3": table3_rows(figures, fmt),
            "table3_compact": table3_compact(table3_rows(figures, fmt)),
            "table3_columns": TABLE3_COLUMNS,
            "table4_header": TABLE4_HEADER,
            "table4": table4_values(figures),
        }
    )
    return context


def legacy_rows(figures, *, transcribed):
    """The appendix table of a free-form report: (label, key, value, entered by hand).

    A report entered from its published text shows only what the text states; an unknown
    figure is "原文未载明", never 0.
    """
    proactive = figures.get("proactive", {})
    by_category = proactive.get("by_category", {})
    rows = [
        ("主动公开政府信息总数", "proactive.total", proactive.get("total")),
        ("其中：政策类", "proactive.policy", by_category.get("policy")),
        ("工作动态", "proactive.work", by_category.get("work")),
        ("其他", "proactive.other", by_category.get("other")),
        ("在政府网站发布", "proactive.portal", proactive.get("portal")),
    ]
    rows += [
        (f"渠道：{name}", "proactive.by_channel", n) for name, n in proactive.get("by_channel", [])
    ]
    rows += [
        (
            "依申请公开：新收申请（件）",
            "applications.received",
            figures.get("applications", {}).get("received"),
        ),
        (
            "人大代表建议和政协提案（件）",
            "proposals.total",
            figures.get("proposals", {}).get("total"),
        ),
        ("政务公开工作会议（次）", "meetings", figures.get("meetings")),
        ("政务公开业务培训（次）", "trainings", figures.get("trainings")),
    ]
    if transcribed:
        rows += [
            ("专职工作人员（人）", "staff_full_time", figures.get("staff_full_time")),
            ("兼职工作人员（人）", "staff_part_time", figures.get("staff_part_time")),
        ]
    entered = set(figures.get("entered", ()))
    staff_typed = {"meetings", "trainings", "staff_full_time", "staff_part_time"}
    return [
        (
            label,
            key,
            "原文未载明" if value is None else value,
            key in entered if transcribed else key in staff_typed,
        )
        for label, key, value in rows
        if value is not None or transcribed
    ]


def csv_rows(snapshot):
    """Every table of the report, one figure per line: 表格, 项目, 指标, 数值, 键."""
    fmt = snapshot["format"]
    figures = snapshot["figures"]
    yield ["表格", "项目", "指标", "数值", "键"]
    if snapshot.get("source") == ReportSource.TRANSCRIBED:
        # Only what the published text states; an unknown figure is an empty cell, never 0.
        for label, key, value, _ in legacy_rows(figures, transcribed=True):
            known = isinstance(value, int)
            yield [
                "据原文录入",
                label,
                "原文载明" if known else "原文未载明",
                value if known else "",
                key,
            ]
        return
    proactive = figures.get("proactive", {})
    yield ["主动公开", "合计", "条数", proactive.get("total", 0), "proactive.total"]
    for key, label in CATEGORY_LABELS.items():
        yield [
            "主动公开",
            label,
            "条数",
            proactive.get("by_category", {}).get(key, 0),
            f"proactive.by_category.{key}",
        ]
    for name, n in proactive.get("by_channel", []):
        yield ["主动公开渠道", name, "条数", n, "proactive.by_channel"]
    for month in range(1, 13):
        yield [
            "主动公开月度",
            f"{month}月",
            "条数",
            proactive.get("by_month", {}).get(str(month), 0),
            f"proactive.by_month.{month}",
        ]
    if fmt == ReportFormat.LEGACY:
        for key in ("received", "carried_over", "processed", "carried_forward"):
            yield [
                "依申请公开",
                key,
                "件数",
                figures.get("applications", {}).get(key, 0),
                f"applications.{key}",
            ]
        yield [
            "建议提案",
            "合计",
            "件数",
            figures.get("proposals", {}).get("total", 0),
            "proposals.total",
        ]
        for key, label in (
            ("meetings", "工作会议"),
            ("trainings", "业务培训"),
            ("staff_full_time", "专职人员"),
            ("staff_part_time", "兼职人员"),
        ):
            yield ["概述", label, "数量", figures.get(key, 0), key]
        return
    table2 = figures.get("table2", {})
    for block in TABLE2_BLOCKS[fmt]:
        for label, keys in block.rows:
            for key, column in zip(keys, block.header[1:], strict=True):
                value = lookup(table2, key)
                yield [f"表二 {block.caption}", label, column, value, f"table2.{key}"]
    column_labels = dict(TABLE3_COLUMNS)
    for row in TABLE3_ROWS[fmt]:
        label = row.labels[-1].text
        for column in TABLE3_COLUMN_KEYS:
            value = sum(figures["table3"].get(key, {}).get(column, 0) for key in row.keys)
            yield ["表三", label, column_labels[column], value, f"table3.{row.key}.{column}"]
    for key, value in zip(TABLE4_KEYS, table4_values(figures), strict=True):
        yield ["表四", key.split(".")[0], key.split(".")[1], value, f"table4.{key}"]
    yield [
        "其他",
        "信息处理费（元）",
        "金额",
        figures.get("fees_collected_yuan", "0.00"),
        "fees_collected_yuan",
    ]


def json_document(snapshot, *, version=None, versions=()):
    """The public JSON: DESIGN.md's keys at the top level, plus the text and the versions."""
    figures = snapshot["figures"]
    data = {
        "agency": snapshot["agency"],
        "year": snapshot["year"],
        "format": snapshot["format"],
        "title": snapshot["title"],
        "covers_units": snapshot.get("covers_units", False),
        "period": figures.get("period"),
        "proactive": figures.get("proactive"),
        "table2": figures.get("table2"),
        "table3": figures.get("table3"),
        "table4": figures.get("table4"),
        "applications": figures.get("applications"),
        "proposals": figures.get("proposals"),
        "fees_collected_yuan": figures.get("fees_collected_yuan"),
        "narrative": snapshot["narrative"],
        "signature": snapshot["signature"],
    }
    for key in ("meetings", "trainings", "staff_full_time", "staff_part_time"):
        data[key] = figures.get(key, 0)
    if version is not None:
        # published_on: the day the public got it; published_at: when it was put on this platform.
        data["version"] = {
            "number": version.number,
            "published_on": version.publication_date.isoformat(),
            "published_at": version.published_at.isoformat(),
            "reason": version.reason,
        }
        data["versions"] = [
            {
                "number": v.number,
                "published_on": v.publication_date.isoformat(),
                "published_at": v.published_at.isoformat(),
                "reason": v.reason,
                "url": v.get_absolute_url(),
            }
            for v in versions
        ]
    else:
        data["version"] = None
    return data
