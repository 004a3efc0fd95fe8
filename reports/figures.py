"""Assemble a report's figures from the other apps' selectors (reports only read).

The result is plain JSON-ready data with the keys of DESIGN.md, so a draft preview, the
frozen snapshot, the JSON export and the consistency checks all share one shape. The number
of queries is fixed: one call per selector, whatever the number of records.
"""

from datetime import date
from decimal import Decimal

from agencies.models import Agency
from applications import selectors as application_selectors
from disclosure import selectors as disclosure_selectors
from disclosure.models import ChannelKind
from proposals import selectors as proposal_selectors
from reports.models import ReportFormat
from reports.tables import APPEAL_KINDS, APPEAL_RESULTS, TABLE3_COLUMN_KEYS, TABLE3_ROW_KEYS

CATEGORY_KEYS = ("policy", "work", "other")
CATEGORY_LABELS = {"policy": "政策类", "work": "工作动态", "other": "其他"}
DOC_KEYS = ("issued", "repealed", "in_force")

#: Figures staff enter on the report (from licensing, penalty and finance systems).
ENTERED_TABLE2 = {
    ReportFormat.NATIONAL_2021: ("licensing", "penalty", "coercion", "fees_10k_yuan"),
    ReportFormat.TRIAL_2019: (
        "licensing_prev_items",
        "licensing_change",
        "licensing",
        "services_prev_items",
        "services_change",
        "services",
        "penalty_prev_items",
        "penalty_change",
        "penalty",
        "coercion_prev_items",
        "coercion_change",
        "coercion",
        "fees_prev_items",
        "fees_change",
        "procurement_count",
        "procurement_10k_yuan",
    ),
    ReportFormat.LEGACY: (),
}
ENTERED_LEGACY = ("meetings", "trainings", "staff_full_time", "staff_part_time")

#: What a report entered from its published text may state (key, label), in form order.
TRANSCRIBED_FIGURES = (
    ("proactive.total", "主动公开政府信息（条）"),
    ("proactive.policy", "其中政策类信息（条）"),
    ("proactive.work", "其中工作动态（条）"),
    ("proactive.other", "其中其他信息（条）"),
    ("proactive.portal", "在政府网站发布（条）"),
    ("applications.received", "收到政府信息公开申请（件）"),
    ("proposals.total", "承办人大代表建议和政协提案（件）"),
    ("meetings", "召开政务公开工作会议（次）"),
    ("trainings", "举办政务公开业务培训（次）"),
    ("staff_full_time", "专职工作人员（人）"),
    ("staff_part_time", "兼职工作人员（人）"),
)


def year_period(year):
    return date(year, 1, 1), date(year, 12, 31)


def agency_ids_for(agency, covers_units):
    """The agency alone, or (for a district report) the district and all its units: one query."""
    if not covers_units:
        return [agency.pk]
    return list(Agency.objects.with_units([agency.pk]).order_by("pk").values_list("pk", flat=True))


def _int(value):
    return int(value or 0)


def _proactive(raw):
    raw = raw or {}
    by_category = raw.get("by_category") or {}
    by_month = raw.get("by_month") or {}
    return {
        "total": _int(raw.get("total")),
        "by_category": {key: _int(by_category.get(key)) for key in CATEGORY_KEYS},
        "by_channel": [[str(name), _int(n)] for name, n in raw.get("by_channel") or ()],
        "portal": _int((raw.get("by_channel_kind") or {}).get(ChannelKind.PORTAL)),
        "by_month": {
            str(month): _int(by_month.get(month, by_month.get(str(month))))
            for month in range(1, 13)
        },
    }


def _documents(raw):
    raw = raw or {}
    result = {}
    for group in ("rules", "normative_docs"):
        figures = raw.get(group) or {}
        result[group] = {key: _int(figures.get(key)) for key in DOC_KEYS}
        # The 2019 trial format's 本年新公开数量: the catalog publishes what is issued.
        result[group]["published"] = result[group]["issued"]
    return result


def _table3(raw):
    raw = raw or {}
    return {
        row: {column: _int((raw.get(row) or {}).get(column)) for column in TABLE3_COLUMN_KEYS}
        for row in TABLE3_ROW_KEYS
    }


def _table4(raw):
    raw = raw or {}
    return {
        kind: {result: _int((raw.get(kind) or {}).get(result)) for result, _ in APPEAL_RESULTS}
        for kind in APPEAL_KINDS
    }


def _proposals(raw):
    """The proposals selector's counts as JSON-ready data, plus ``total`` handled (lead + co)."""

    def clean(value):
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        if isinstance(value, (int, Decimal)):
            return int(value)
        return value

    result = clean(raw or {})
    lead = (result.get("received_lead") or {}).get("total", 0)
    co = (result.get("received_co") or {}).get("total", 0)
    result["lead"], result["co"], result["total"] = lead, co, lead + co
    return result


def money(value, places=2):
    return str(Decimal(value or 0).quantize(Decimal(1).scaleb(-places)))


def record_figures(*, agency_ids, start, end, year=None, appeals=True):
    """Figures computed from the records for any period.

    ``year`` adds the table 二 document counts; ``appeals=False`` leaves out table 四 (the
    legacy format has neither, and skipping them saves two queries).
    """
    agency_ids = list(agency_ids)
    proactive = _proactive(
        disclosure_selectors.proactive_counts(agency_ids=agency_ids, start=start, end=end)
    )
    documents = _documents(
        disclosure_selectors.normative_document_counts(agency_ids=agency_ids, year=year)
        if year
        else None
    )
    table3 = _table3(application_selectors.table3(agency_ids=agency_ids, start=start, end=end))
    appeal_figures = (
        application_selectors.appeals_figures(agency_ids=agency_ids, start=start, end=end)
        if appeals
        else {}
    )
    table4 = _table4(appeal_figures.get("table"))
    intake = appeal_figures.get("intake") or {}
    fees = application_selectors.fees_collected(agency_ids=agency_ids, start=start, end=end)
    proposals = _proposals(
        proposal_selectors.proposal_counts(agency_ids=agency_ids, start=start, end=end)
    )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "proactive": proactive,
        "table2": documents,
        "table3": table3,
        "table4": table4,
        "appeals": {
            kind: {key: _int((intake.get(kind) or {}).get(key)) for key in ("new", "carried_over")}
            for kind in APPEAL_KINDS
        },
        "applications": {
            "received": table3["new"]["total"],
            "carried_over": table3["carried_over"]["total"],
            "processed": table3["total"]["total"],
            "carried_forward": table3["carried_forward"]["total"],
        },
        "proposals": proposals,
        "fees_collected_yuan": money(fees),
    }


def entered_figures(report):
    """What staff typed on the report, in the same shape."""
    table2 = {}
    for name in ENTERED_TABLE2[report.format]:
        value = getattr(report, name)
        table2[name] = money(value, 4) if isinstance(value, Decimal) else _int(value)
    legacy = {name: _int(getattr(report, name)) for name in ENTERED_LEGACY}
    return table2, legacy


def transcribed_figures(report):
    """The figures of a report entered from its published text: only those the text states.

    Nothing is computed from this platform's records (they do not go back that far) and
    nothing is guessed: a figure the text does not give is ``None`` and prints as such.
    ``entered`` lists the keys staff typed, so every page can mark them as entered by hand.
    """
    entered = report.entered_figures or {}

    def get(key):
        value = entered.get(key)
        return None if value in (None, "") else int(value)

    start, end = year_period(report.year)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "source": "transcribed",
        "entered": [key for key, _ in TRANSCRIBED_FIGURES if get(key) is not None],
        "proactive": {
            "total": get("proactive.total"),
            "by_category": {key: get(f"proactive.{key}") for key in CATEGORY_KEYS},
            "by_channel": [],
            "portal": get("proactive.portal"),
            "by_month": {},
        },
        "table2": {},
        "table3": {},
        "table4": {},
        "applications": {"received": get("applications.received")},
        "proposals": {"total": get("proposals.total")},
        "fees_collected_yuan": None,
        **{key: get(key) for key in ENTERED_LEGACY},
    }


def report_figures(report):
    """Every figure of one agency-year report: records plus what staff entered."""
    if report.is_transcribed:
        return transcribed_figures(report)
    start, end = year_period(report.year)
    national = report.format != ReportFormat.LEGACY
    figures = record_figures(
        agency_ids=agency_ids_for(report.agency, report.covers_units),
        start=start,
        end=end,
        year=report.year if national else None,
        appeals=national,
    )
    table2, legacy = entered_figures(report)
    figures["table2"].update(table2)
    figures.update(legacy)
    return figures
