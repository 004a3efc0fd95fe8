"""The 勾稽 rules over random figures (property-based): consistent tables pass, any slip is named."""

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.checks import (
    ERROR,
    WARNING,
    carry_over_checks,
    narrative_checks,
    run_checks,
    table2_checks,
)
from reports.models import ReportFormat
from reports.tables import (
    APPEAL_KINDS,
    APPLICANT_COLUMNS,
    OUTCOME_LEAVES,
    TABLE3_COLUMN_KEYS,
    TABLE3_ROW_KEYS,
)

counts = st.integers(min_value=0, max_value=500)


@st.composite
def consistent_table3(draw):
    """A table 三 built the way applications flow: what comes in is closed or carried forward."""
    table = {row: {} for row in TABLE3_ROW_KEYS}
    for column in APPLICANT_COLUMNS:
        leaves = {leaf: draw(st.integers(0, 20)) for leaf in OUTCOME_LEAVES}
        closed = sum(leaves.values())
        carried_forward = draw(counts)
        carried_over = draw(st.integers(0, closed + carried_forward))
        table["new"][column] = closed + carried_forward - carried_over
        table["carried_over"][column] = carried_over
        table["carried_forward"][column] = carried_forward
        table["total"][column] = closed
        for leaf, n in leaves.items():
            table[leaf][column] = n
    for row in TABLE3_ROW_KEYS:
        table[row]["total"] = sum(table[row][c] for c in APPLICANT_COLUMNS)
    return table


@st.composite
def consistent_table4(draw):
    table = {}
    for kind in APPEAL_KINDS:
        parts = {
            key: draw(st.integers(0, 30)) for key in ("upheld", "corrected", "other", "pending")
        }
        table[kind] = {**parts, "total": sum(parts.values())}
    return table


def figures(table3, table4=None):
    return {
        "table2": {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_docs": {"issued": 1, "repealed": 0, "in_force": 3},
            "licensing": 0,
            "penalty": 0,
            "coercion": 0,
            "fees_10k_yuan": "0.0000",
        },
        "table3": table3,
        "table4": table4
        or {
            kind: dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), 0)
            for kind in APPEAL_KINDS
        },
    }


class ConsistencyCheckTests(SimpleTestCase):
    @settings(max_examples=60, deadline=None)
    @given(consistent_table3(), consistent_table4())
    def test_consistent_figures_pass_every_rule(self, table3, table4):
        self.assertEqual(run_checks(figures(table3, table4), fmt=ReportFormat.NATIONAL_2021), [])

    @settings(max_examples=60, deadline=None)
    @given(
        consistent_table3(),
        st.sampled_from(TABLE3_ROW_KEYS),
        st.sampled_from(TABLE3_COLUMN_KEYS),
        st.integers(1, 5),
    )
    def test_any_changed_cell_breaks_a_rule(self, table3, row, column, delta):
        table3[row][column] += delta
        found = run_checks(figures(table3), fmt=ReportFormat.NATIONAL_2021)
        self.assertTrue(found)
        self.assertTrue(all(check.level == ERROR for check in found))
        self.assertTrue(
            {c.code for c in found} & {"table3_balance", "table3_total", "table3_columns"}
        )

    @settings(max_examples=40, deadline=None)
    @given(consistent_table4(), st.sampled_from(APPEAL_KINDS), st.integers(1, 5))
    def test_table_four_totals_are_the_sum_of_the_four_results(self, table4, kind, delta):
        table4[kind]["upheld"] += delta
        found = run_checks(
            figures({row: {} for row in TABLE3_ROW_KEYS}, table4), fmt=ReportFormat.NATIONAL_2021
        )
        self.assertEqual([c.code for c in found], ["table4_total"])

    def test_the_balance_message_names_the_column_and_both_sums(self):
        table3 = {row: dict.fromkeys(TABLE3_COLUMN_KEYS, 0) for row in TABLE3_ROW_KEYS}
        table3["new"]["research"] = table3["new"]["total"] = 2
        table3["granted"]["research"] = table3["granted"]["total"] = 1
        table3["total"]["research"] = table3["total"]["total"] = 1
        messages = [c.message for c in run_checks(figures(table3), fmt=ReportFormat.NATIONAL_2021)]
        self.assertIn(
            "表三“科研机构”列：第一项加第二项之和（2）不等于第三项加第四项之和（1）。", messages
        )


class CarryOverCheckTests(SimpleTestCase):
    def test_warns_with_the_difference_when_last_years_four_differs(self):
        table3 = {"carried_over": {"natural_person": 3, "total": 3}}
        found = carry_over_checks(table3, {"natural_person": 1, "total": 1})
        self.assertEqual({c.level for c in found}, {WARNING})
        self.assertIn("相差+2件", found[0].message)

    def test_silent_when_equal_or_without_last_years_report(self):
        table3 = {"carried_over": {"natural_person": 1, "total": 1}}
        self.assertEqual(carry_over_checks(table3, {"natural_person": 1, "total": 1}), [])
        self.assertEqual(carry_over_checks(table3, None), [])


class FormatCheckTests(SimpleTestCase):
    def test_fee_amount_must_be_ten_thousand_yuan_with_at_most_four_decimals(self):
        for value, ok in (
            ("0.0000", True),
            ("12.3456", True),
            ("1.23456", False),
            ("-1", False),
            ("abc", False),
        ):
            found = table2_checks({"fees_10k_yuan": value}, ReportFormat.NATIONAL_2021)
            self.assertEqual(not found, ok, value)

    def test_narrative_must_state_the_information_fee(self):
        narrative = {"overview": "x", "problems": "y", "other_matters": "建议提案均已办结。"}
        self.assertEqual(
            [c.code for c in narrative_checks(narrative, ReportFormat.NATIONAL_2021)],
            ["fee_statement"],
        )
        narrative["other_matters"] = "本年度未收取信息处理费。"
        self.assertEqual(narrative_checks(narrative, ReportFormat.NATIONAL_2021), [])

    def test_empty_required_sections_and_unknown_placeholders_are_named(self):
        found = narrative_checks({"overview": "", "problems": "共{oops}件"}, ReportFormat.LEGACY)
        messages = " ".join(c.message for c in found)
        self.assertIn("“概述”尚未填写", messages)
        self.assertIn("{oops}", messages)


class SignatureCheckTests(SimpleTestCase):
    def test_a_missing_signature_date_is_a_warning(self):
        from reports.checks import signature_checks

        self.assertEqual(
            [c.level for c in signature_checks({"name": "某局", "date": None})], [WARNING]
        )
        self.assertEqual(signature_checks({"name": "某局", "date": "2026-01-20"}), [])
