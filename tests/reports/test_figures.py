from datetime import date
from decimal import Decimal

from django.test import TestCase

from accounts.models import Role
from disclosure.models import Category, DocKind, Validity
from reports.figures import agency_ids_for, record_figures, report_figures
from reports.models import AnnualReport
from reports.services import report_create
from tests.factories import make_agency, make_staff
from tests.reports.records import make_appeal, make_application, make_channel, make_item, year


class FiguresFromRecordsTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def figures(self, y, agency=None):
        start, end = year(y)
        return record_figures(agency_ids=[(agency or self.agency).pk], start=start, end=end, year=y)

    def test_proactive_items_are_counted_by_category_channel_and_month(self):
        paper = make_channel(self.agency, "宁夏日报")
        board = make_channel(self.agency, "局政务公开栏")
        make_item(
            self.agency,
            published=date(2017, 3, 1),
            category=Category.POLICY,
            channels=[paper, board],
        )
        make_item(self.agency, published=date(2017, 3, 9), category=Category.WORK, channels=[board])
        make_item(self.agency, published=date(2017, 12, 31), category=Category.OTHER)
        make_item(self.agency, published=date(2018, 1, 1), category=Category.OTHER)  # next year
        make_item(self.agency, published=date(2017, 5, 1), status="draft")  # never published
        proactive = self.figures(2017)["proactive"]
        self.assertEqual(proactive["total"], 3)
        self.assertEqual(proactive["by_category"], {"policy": 1, "work": 1, "other": 1})
        self.assertEqual(dict(proactive["by_channel"]), {"宁夏日报": 1, "局政务公开栏": 2})
        self.assertEqual(proactive["by_month"]["3"], 2)
        self.assertEqual(proactive["by_month"]["12"], 1)

    def test_normative_documents_issued_repealed_and_in_force(self):
        make_item(self.agency, published=date(2016, 5, 1), doc_kind=DocKind.NORMATIVE)
        make_item(
            self.agency,
            published=date(2016, 6, 1),
            doc_kind=DocKind.NORMATIVE,
            validity=Validity.REPEALED,
            validity_changed_on=date(2017, 8, 1),
        )
        make_item(self.agency, published=date(2017, 2, 1), doc_kind=DocKind.NORMATIVE)
        make_item(self.agency, published=date(2017, 2, 1), doc_kind=DocKind.RULE)
        table2 = self.figures(2017)["table2"]
        self.assertEqual(table2["normative_docs"]["issued"], 1)
        self.assertEqual(table2["normative_docs"]["repealed"], 1)
        self.assertEqual(table2["normative_docs"]["in_force"], 2)
        self.assertEqual(table2["rules"]["issued"], 1)

    def test_carry_over_across_years_balances_every_column(self):
        open_one = make_application(
            self.agency, received=date(2024, 12, 20), applicant_type="commercial"
        )
        make_application(
            self.agency, received=date(2024, 3, 1), closed=date(2024, 3, 20), outcome="granted"
        )
        open_one.outcome, open_one.closed_on, open_one.status = (
            "partial",
            date(2025, 1, 10),
            "replied",
        )
        open_one.save()
        make_application(
            self.agency,
            received=date(2025, 6, 1),
            closed=date(2025, 6, 9),
            outcome="denied.state_secret",
            applicant_type="research",
            fee_paid=Decimal("100.00"),
        )
        y2024, y2025 = self.figures(2024)["table3"], self.figures(2025)["table3"]
        self.assertEqual(y2024["carried_forward"]["commercial"], 1)
        self.assertEqual(y2025["carried_over"], y2024["carried_forward"])
        self.assertEqual(y2025["partial"]["commercial"], 1)
        self.assertEqual(y2025["denied.state_secret"]["total"], 1)
        for table in (y2024, y2025):
            for column in table["new"]:
                self.assertEqual(
                    table["new"][column] + table["carried_over"][column],
                    table["total"][column] + table["carried_forward"][column],
                )
        self.assertEqual(self.figures(2025)["fees_collected_yuan"], "100.00")

    def test_appeals_fill_table_four(self):
        application = make_application(
            self.agency,
            received=date(2025, 1, 5),
            closed=date(2025, 1, 20),
            outcome="unable.not_held",
        )
        make_appeal(
            application,
            kind="reconsideration",
            filed=date(2025, 2, 1),
            decided=date(2025, 4, 1),
            result="upheld",
        )
        make_appeal(application, kind="litigation_after", filed=date(2025, 5, 1))
        table4 = self.figures(2025)["table4"]
        self.assertEqual(
            table4["reconsideration"],
            {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
        )
        self.assertEqual(table4["litigation_after"]["pending"], 1)

    def test_report_adds_what_staff_entered(self):
        report = report_create(
            report=AnnualReport(
                agency=self.agency, year=2025, licensing=7, fees_10k_yuan=Decimal("1.2345")
            ),
            by=self.clerk,
        )
        figures = report_figures(report)
        self.assertEqual(figures["table2"]["licensing"], 7)
        self.assertEqual(figures["table2"]["fees_10k_yuan"], "1.2345")

    def test_district_report_aggregates_its_units(self):
        district = make_agency()
        unit = make_agency(parent=district)
        make_item(unit, published=date(2025, 4, 1))
        make_item(district, published=date(2025, 4, 2))
        make_item(self.agency, published=date(2025, 4, 3))  # outside the district
        ids = agency_ids_for(district, covers_units=True)
        self.assertEqual(set(ids), {district.pk, unit.pk})
        start, end = year(2025)
        self.assertEqual(
            record_figures(agency_ids=ids, start=start, end=end)["proactive"]["total"], 2
        )


class FigureQueryCountTests(TestCase):
    """One agency-year report costs a fixed number of queries, whatever the number of records."""

    # 2 catalog + 1 documents + 2 table 三 + 1 table 四 + 1 fees + 3 proposals (the selectors' own).
    SELECTOR_QUERIES = 10

    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.report = report_create(
            report=AnnualReport(agency=self.agency, year=2025), by=self.clerk
        )

    def add_records(self, n):
        channel = make_channel(self.agency, f"渠道{n}")
        for i in range(n):
            make_item(
                self.agency,
                published=date(2025, 1 + i % 12, 1),
                channels=[channel],
                category=Category.values[i % 3],
            )
            make_application(
                self.agency,
                received=date(2025, 2, 1 + i % 20),
                closed=date(2025, 3, 1),
                outcome="granted",
            )

    def test_query_count_is_constant_in_the_number_of_records(self):
        from reports.documents import build_snapshot

        self.add_records(2)
        with self.assertNumQueries(self.SELECTOR_QUERIES + 1):  # + last year's published 四
            build_snapshot(self.report)
        self.add_records(30)
        with self.assertNumQueries(self.SELECTOR_QUERIES + 1):
            snapshot = build_snapshot(self.report)
        self.assertEqual(snapshot["figures"]["proactive"]["total"], 32)

    def test_the_legacy_format_skips_the_tables_it_does_not_print(self):
        from reports.documents import build_snapshot

        legacy = report_create(report=AnnualReport(agency=self.agency, year=2017), by=self.clerk)
        # 2 catalog + 2 applications + 1 fees + 3 proposals; no documents, appeals or last year.
        with self.assertNumQueries(8):
            build_snapshot(legacy)
