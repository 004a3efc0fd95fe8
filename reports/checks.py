"""Consistency checks (勾稽关系) over a report's figures: pure functions, no database.

``run_checks`` returns a list of ``Check``; an ``error`` blocks publishing, a ``warning`` is
shown to the head before publishing but does not block it.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reports.models import ReportFormat
from reports.tables import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    DECIMAL_KEYS,
    OUTCOME_LEAVES,
    REQUIRED_NARRATIVE,
    TABLE2_BLOCKS,
    TABLE3_COLUMNS,
    TABLE3_ROW_KEYS,
    lookup,
)

ERROR = "error"
WARNING = "warning"

PLACEHOLDER = re.compile(r"\{[a-z_.]+\}")
COLUMN_LABELS = dict(TABLE3_COLUMNS)
KIND_LABELS = {
    "reconsideration": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after": "行政诉讼（复议后起诉）",
}


@dataclass(frozen=True)
class Check:
    level: str
    code: str
    message: str

    def as_dict(self):
        return {"level": self.level, "code": self.code, "message": self.message}


def _cell(table3, row, column):
    return table3.get(row, {}).get(column, 0)


def table3_checks(table3):
    """The printed rule 一+二=三（七）+四 per column, （七）= sum of the 21 leaves, 总计 = sum of columns."""
    found = []
    for column, label in TABLE3_COLUMNS:
        incoming = _cell(table3, "new", column) + _cell(table3, "carried_over", column)
        outgoing = _cell(table3, "total", column) + _cell(table3, "carried_forward", column)
        if incoming != outgoing:
            found.append(
                Check(
                    ERROR,
                    "table3_balance",
                    f"表三“{label}”列：第一项加第二项之和（{incoming}）不等于"
                    f"第三项加第四项之和（{outgoing}）。",
                )
            )
        leaves = sum(_cell(table3, leaf, column) for leaf in OUTCOME_LEAVES)
        if leaves != _cell(table3, "total", column):
            found.append(
                Check(
                    ERROR,
                    "table3_total",
                    f"表三“{label}”列：（七）总计为{_cell(table3, 'total', column)}，"
                    f"但各办理结果之和为{leaves}。",
                )
            )
    for row in TABLE3_ROW_KEYS:
        columns = sum(_cell(table3, row, column) for column in APPLICANT_COLUMNS)
        if columns != _cell(table3, row, "total"):
            found.append(
                Check(
                    ERROR,
                    "table3_columns",
                    f"表三第“{row}”行：总计列为{_cell(table3, row, 'total')}，"
                    f"但六类申请人之和为{columns}。",
                )
            )
        for column in COLUMN_LABELS:
            if _cell(table3, row, column) < 0:
                found.append(
                    Check(ERROR, "negative", f"表三第“{row}”行“{COLUMN_LABELS[column]}”列为负数。")
                )
    return found


def table4_checks(table4):
    found = []
    for kind in APPEAL_KINDS:
        figures = table4.get(kind, {})
        parts = sum(figures.get(result, 0) for result, _ in APPEAL_RESULTS[:4])
        if parts != figures.get("total", 0):
            found.append(
                Check(
                    ERROR,
                    "table4_total",
                    f"表四“{KIND_LABELS[kind]}”：总计为{figures.get('total', 0)}，"
                    f"但结果维持、结果纠正、其他结果、尚未审结之和为{parts}。",
                )
            )
        if any(figures.get(result, 0) < 0 for result, _ in APPEAL_RESULTS):
            found.append(Check(ERROR, "negative", f"表四“{KIND_LABELS[kind]}”含负数。"))
    return found


def _decimal_ok(value):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and number >= 0 and -number.as_tuple().exponent <= 4


def table2_checks(table2, fmt):
    found = []
    for block in TABLE2_BLOCKS.get(fmt, ()):
        for label, keys in block.rows:
            for key in keys:
                value = lookup(table2, key)
                if key in DECIMAL_KEYS:
                    if not _decimal_ok(value):
                        found.append(
                            Check(
                                ERROR,
                                "decimal_format",
                                f"表二“{label}”金额“{value}”格式不正确：单位为万元，"
                                f"不能为负数，最多保留4位小数。",
                            )
                        )
                elif not key.endswith("_change") and value < 0:
                    found.append(Check(ERROR, "negative", f"表二“{label}”不能为负数。"))
    return found


def carry_over_checks(table3, previous_carried_forward):
    """This year's 二 must equal last year's published 四; say by how much they differ."""
    if previous_carried_forward is None:
        return []
    found = []
    for column, label in TABLE3_COLUMNS:
        this_year = _cell(table3, "carried_over", column)
        last_year = previous_carried_forward.get(column, 0)
        if this_year != last_year:
            diff = this_year - last_year
            found.append(
                Check(
                    WARNING,
                    "carry_over",
                    f"表三“{label}”列：本年“二、上年结转”为{this_year}件，上年度已发布报告"
                    f"“四、结转下年度继续办理”为{last_year}件，相差{diff:+d}件。",
                )
            )
    return found


def narrative_checks(narrative, fmt):
    found = []
    for field, heading in REQUIRED_NARRATIVE[fmt]:
        if not (narrative.get(field) or "").strip():
            found.append(Check(ERROR, "narrative_missing", f"“{heading}”尚未填写。"))
    if fmt != ReportFormat.LEGACY and "信息处理费" not in (narrative.get("other_matters") or ""):
        found.append(
            Check(
                ERROR,
                "fee_statement",
                "“六、其他需要报告的事项”须说明本年度信息处理费的收取情况"
                "（可点击“生成文字初稿”获得按记录计算的表述）。",
            )
        )
    for text in narrative.values():
        match = PLACEHOLDER.search(text or "")
        if match:
            found.append(
                Check(
                    ERROR,
                    "placeholder",
                    f"文字中的占位符 {match.group(0)} 无法识别，请改正或删除。",
                )
            )
    return found


def signature_checks(signature):
    if not signature.get("date"):
        return [Check(WARNING, "signature_date", "落款日期尚未填写，发布的报告末尾将没有日期。")]
    return []


def run_checks(figures, *, fmt, narrative=None, previous_carried_forward=None, signature=None):
    """Every check for one report. ``narrative`` holds the texts with placeholders filled."""
    found = []
    if fmt != ReportFormat.LEGACY:
        found += table2_checks(figures.get("table2", {}), fmt)
        found += table3_checks(figures.get("table3", {}))
        found += table4_checks(figures.get("table4", {}))
        found += carry_over_checks(figures.get("table3", {}), previous_carried_forward)
    if narrative is not None:
        found += narrative_checks(narrative, fmt)
    if signature is not None:
        found += signature_checks(signature)
    return found
