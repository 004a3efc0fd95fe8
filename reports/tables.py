"""The national report tables as data: labels, order, row and column spans (DOMAIN.md §5).

Renderers (HTML, CSV) and the consistency checks read these definitions; nothing else
spells a label. Typography follows the national format exactly: full-width （）, curly “”,
``1.属于…`` with no space after the number.
"""

from dataclasses import dataclass

from reports.models import ReportFormat


@dataclass(frozen=True)
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Row:
    """A data row: the label cells that start on it, and the figure keys summed into its value."""

    keys: tuple
    labels: tuple

    @property
    def key(self):
        return self.keys[0] if len(self.keys) == 1 else "+".join(self.keys)


# ---- Table 三: applications ------------------------------------------------------------

TABLE3_COLUMNS = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
TABLE3_COLUMN_KEYS = tuple(key for key, _ in TABLE3_COLUMNS)
APPLICANT_COLUMNS = TABLE3_COLUMN_KEYS[:-1]

TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

TABLE3_HEADER = (
    (Cell(TABLE3_CORNER, colspan=3, rowspan=3), Cell("申请人情况", colspan=7)),
    (Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)),
    tuple(Cell(label) for _, label in TABLE3_COLUMNS[1:6]),
)

OUTCOME_GROUPS = (
    ("（一）予以公开", (("granted", None),)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("partial", None),)),
    (
        "（三）不予公开",
        (
            ("denied.state_secret", "1.属于国家秘密"),
            ("denied.law_forbidden", "2.其他法律行政法规禁止公开"),
            ("denied.three_safeties", "3.危及“三安全一稳定”"),
            ("denied.third_party", "4.保护第三方合法权益"),
            ("denied.internal_affairs", "5.属于三类内部事务信息"),
            ("denied.process_info", "6.属于四类过程性信息"),
            ("denied.enforcement_file", "7.属于行政执法案卷"),
            ("denied.inquiry", "8.属于行政查询事项"),
        ),
    ),
    (
        "（四）无法提供",
        (
            ("unable.not_held", "1.本机关不掌握相关政府信息"),
            ("unable.needs_creation", "2.没有现成信息需要另行制作"),
            ("unable.unclear", "3.补正后申请内容仍不明确"),
        ),
    ),
    (
        "（五）不予处理",
        (
            ("not_processed.complaint", "1.信访举报投诉类申请"),
            ("not_processed.repeat", "2.重复申请"),
            ("not_processed.publication", "3.要求提供公开出版物"),
            ("not_processed.excessive", "4.无正当理由大量反复申请"),
            ("not_processed.confirm", "5.要求行政机关确认或重新出具已获取信息"),
        ),
    ),
    (
        "（六）其他处理",
        (
            (
                "other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ),
            (
                "other.unpaid_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
            ("other.other", "3.其他"),
        ),
    ),
)

#: The 22 outcome leaves, in table order; every application's final outcome is one of them.
OUTCOME_LEAVES = tuple(key for _, leaves in OUTCOME_GROUPS for key, _ in leaves)
#: All 25 row keys of the 2021 table 三, in order (the JSON keys of DESIGN.md).
TABLE3_ROW_KEYS = ("new", "carried_over", *OUTCOME_LEAVES, "total", "carried_forward")
#: The outcome groups shown on the chart of application outcomes.
OUTCOME_GROUP_LABELS = tuple(
    (short, tuple(key for key, _ in leaves))
    for short, (_, leaves) in zip(
        ("予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"),
        OUTCOME_GROUPS,
        strict=True,
    )
)


def _table3_rows(merge_other):
    groups = list(OUTCOME_GROUPS)
    if merge_other:  # the 2019 trial format has （六）其他处理 as one row
        heading, leaves = groups[-1]
        groups[-1] = (heading, ((tuple(k for k, _ in leaves), None),))
    result_rows = []
    for heading, leaves in groups:
        for i, (keys, label) in enumerate(leaves):
            keys = keys if isinstance(keys, tuple) else (keys,)
            if label is None:
                labels = (Cell(heading, colspan=2),)
            else:
                labels = ((Cell(heading, rowspan=len(leaves)),) if i == 0 else ()) + (Cell(label),)
            result_rows.append(Row(keys, labels))
    result_rows.append(Row(("total",), (Cell("（七）总计", colspan=2),)))
    first = result_rows[0]
    result_rows[0] = Row(
        first.keys, (Cell("三、本年度办理结果", rowspan=len(result_rows)), *first.labels)
    )
    return (
        Row(("new",), (Cell("一、本年新收政府信息公开申请数量", colspan=3),)),
        Row(("carried_over",), (Cell("二、上年结转政府信息公开申请数量", colspan=3),)),
        *result_rows,
        Row(("carried_forward",), (Cell("四、结转下年度继续办理", colspan=3),)),
    )


TABLE3_ROWS = {
    ReportFormat.NATIONAL_2021: _table3_rows(merge_other=False),
    ReportFormat.TRIAL_2019: _table3_rows(merge_other=True),
}


# ---- Table 二: proactive disclosure ------------------------------------------------------


@dataclass(frozen=True)
class Block:
    caption: str
    header: tuple
    rows: tuple  # (label, (figure keys...))


TABLE2_WIDTH = 4
DECIMAL_KEYS = frozenset({"fees_10k_yuan", "procurement_10k_yuan"})

TABLE2_BLOCKS = {
    ReportFormat.NATIONAL_2021: (
        Block(
            "第二十条第（一）项",
            ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
            (
                ("规章", ("rules.issued", "rules.repealed", "rules.in_force")),
                (
                    "行政规范性文件",
                    ("normative_docs.issued", "normative_docs.repealed", "normative_docs.in_force"),
                ),
            ),
        ),
        Block(
            "第二十条第（五）项", ("信息内容", "本年处理决定数量"), (("行政许可", ("licensing",)),)
        ),
        Block(
            "第二十条第（六）项",
            ("信息内容", "本年处理决定数量"),
            (
                ("行政处罚", ("penalty",)),
                ("行政强制", ("coercion",)),
            ),
        ),
        Block(
            "第二十条第（八）项",
            ("信息内容", "本年收费金额（单位：万元）"),
            (("行政事业性收费", ("fees_10k_yuan",)),),
        ),
    ),
    ReportFormat.TRIAL_2019: (
        Block(
            "第二十条第（一）项",
            ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
            (
                ("规章", ("rules.issued", "rules.published", "rules.in_force")),
                (
                    "规范性文件",
                    (
                        "normative_docs.issued",
                        "normative_docs.published",
                        "normative_docs.in_force",
                    ),
                ),
            ),
        ),
        Block(
            "第二十条第（五）项",
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            (
                ("行政许可", ("licensing_prev_items", "licensing_change", "licensing")),
                ("其他对外管理服务事项", ("services_prev_items", "services_change", "services")),
            ),
        ),
        Block(
            "第二十条第（六）项",
            ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
            (
                ("行政处罚", ("penalty_prev_items", "penalty_change", "penalty")),
                ("行政强制", ("coercion_prev_items", "coercion_change", "coercion")),
            ),
        ),
        Block(
            "第二十条第（八）项",
            ("信息内容", "上一年项目数量", "本年增/减"),
            (("行政事业性收费", ("fees_prev_items", "fees_change")),),
        ),
        Block(
            "第二十条第（九）项",
            ("信息内容", "采购项目数量", "采购总金额"),
            (("政府集中采购", ("procurement_count", "procurement_10k_yuan")),),
        ),
    ),
}


# ---- Table 四: reconsideration and litigation ---------------------------------------------

APPEAL_KINDS = ("reconsideration", "litigation_direct", "litigation_after")
APPEAL_RESULTS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
TABLE4_KEYS = tuple(f"{kind}.{result}" for kind in APPEAL_KINDS for result, _ in APPEAL_RESULTS)
TABLE4_HEADER = (
    (Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
    (
        *(Cell(label, rowspan=2) for _, label in APPEAL_RESULTS),
        Cell("未经复议直接起诉", colspan=5),
        Cell("复议后起诉", colspan=5),
    ),
    tuple(Cell(label) for _, label in APPEAL_RESULTS) * 2,
)


# ---- Section headings -------------------------------------------------------------------

NATIONAL_SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
OVERVIEW_SUBSECTIONS = (
    ("overview_proactive", "（一）主动公开"),
    ("overview_requests", "（二）依申请公开"),
    ("overview_management", "（三）政府信息管理"),
    ("overview_platform", "（四）平台建设"),
    ("overview_supervision", "（五）监督保障"),
)


def legacy_sections(year, *, handles_proposals=True, headings=""):
    """The free-form report's sections as (heading, narrative field).

    The standard headings (DOMAIN: 一、概述 … 五、存在问题与下年工作思路) fit any agency; an
    agency that handles no NPC/CPPCC proposals has no proposals section, and the next one
    moves up to 四. ``headings`` (one per line, as a published report printed them) replaces
    the standard wording when it gives one heading per section.
    """
    sections = [
        ("概述", "overview"),
        ("主动公开政府信息情况", "proactive_text"),
        ("依申请公开政府信息情况", "requests_text"),
        ("人大代表建议和政协提案办理结果公开情况", "proposals_text"),
        (f"存在问题与{year + 1}年工作思路", "problems"),
    ]
    if not handles_proposals:
        sections = [section for section in sections if section[1] != "proposals_text"]
    typed = [line.strip() for line in (headings or "").splitlines() if line.strip()]
    if len(typed) == len(sections):
        return tuple((heading, field) for heading, (_, field) in zip(typed, sections, strict=True))
    return tuple((f"{NUMERALS[i]}、{title}", field) for i, (title, field) in enumerate(sections))


NUMERALS = "一二三四五六七八九十"


NARRATIVE_FIELDS = {
    ReportFormat.NATIONAL_2021: (
        "preface",
        "overview",
        *(f for f, _ in OVERVIEW_SUBSECTIONS),
        "problems",
        "other_matters",
    ),
    ReportFormat.LEGACY: (
        "preface",
        "overview",
        "proactive_text",
        "requests_text",
        "proposals_text",
        "problems",
    ),
}
NARRATIVE_FIELDS[ReportFormat.TRIAL_2019] = NARRATIVE_FIELDS[ReportFormat.NATIONAL_2021]

#: Sections a report cannot be published without.
REQUIRED_NARRATIVE = {
    ReportFormat.NATIONAL_2021: (
        ("overview", "一、总体情况"),
        ("problems", "五、存在的主要问题及改进情况"),
        ("other_matters", "六、其他需要报告的事项"),
    ),
    ReportFormat.TRIAL_2019: (
        ("overview", "一、总体情况"),
        ("problems", "五、存在的主要问题及改进情况"),
        ("other_matters", "六、其他需要报告的事项"),
    ),
    # Unnumbered: an agency without proposals numbers the problems section 四.
    ReportFormat.LEGACY: (("overview", "概述"), ("problems", "存在问题与下年工作思路")),
}


def lookup(figures, dotted):
    """``lookup(table2, "rules.issued")`` → the figure; missing figures count as 0."""
    value = figures
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return 0
        value = value.get(part, 0)
    return value
