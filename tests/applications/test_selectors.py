"""Annual-report figures: every key present, the 勾稽 identity, and a constant number of queries."""

from datetime import date
from decimal import Decimal

from django.test import TestCase

from accounts.models import Role
from applications import dashboard, selectors, services
from applications.models import AppealKind, AppealResult, ApplicantType, Outcome
from tests.applications import builders
from tests.applications.builders import handling, register
from tests.factories import make_agency, make_staff

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


class Table3Tests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.other = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.other_clerk = make_staff(self.other, Role.CLERK)

    def reply(self, application, outcome, on):
        return builders.reply(application, self.clerk, outcome, on)

    def test_every_row_and_column_is_present_with_zeros(self):
        table = selectors.table3(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        self.assertEqual(len(table), 25)
        self.assertEqual(list(table), selectors.ROWS)
        for counts in table.values():
            self.assertEqual(list(counts), [*ApplicantType.values, "total"])
            self.assertEqual(set(counts.values()), {0})

    def test_flows_across_year_ends_and_the_identity(self):
        # Carried over from 2023, answered in 2024.
        old = handling(self.agency, self.clerk, date(2023, 12, 20))
        self.reply(old, Outcome.GRANTED, date(2024, 1, 10))
        # Closed in 2023: not in 2024 at all.
        closed = handling(self.agency, self.clerk, date(2023, 3, 1))
        self.reply(closed, Outcome.NOT_HELD, date(2023, 3, 20))
        # New in 2024, answered in 2024.
        application = handling(self.agency, self.clerk, date(2024, 5, 6))
        self.reply(application, Outcome.PARTIAL, date(2024, 5, 20))
        # New in 2024, withdrawn.
        withdrawn = register(self.agency, self.clerk, date(2024, 6, 3))
        services.application_withdraw(application=withdrawn, by=self.clerk, on=date(2024, 6, 4))
        # New in December 2024, still open: carried forward.
        register(self.agency, self.clerk, date(2024, 12, 23))
        # Another agency's application is not counted.
        register(self.other, self.other_clerk, date(2024, 5, 6))

        table = selectors.table3(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        person = ApplicantType.NATURAL_PERSON
        self.assertEqual(table["new"][person], 3)
        self.assertEqual(table["carried_over"][person], 1)
        self.assertEqual(table["granted"][person], 1)
        self.assertEqual(table["partial"][person], 1)
        self.assertEqual(table["other.other"][person], 1)
        self.assertEqual(table["unable.not_held"][person], 0)
        self.assertEqual(table["total"][person], 3)
        self.assertEqual(table["carried_forward"][person], 1)
        for column in selectors.COLUMNS:
            with self.subTest(column=column):
                self.assertEqual(
                    table["new"][column] + table["carried_over"][column],
                    table["total"][column] + table["carried_forward"][column],
                )
                self.assertEqual(
                    table["total"][column], sum(table[leaf][column] for leaf in selectors.LEAVES)
                )
        for row in table.values():
            self.assertEqual(row["total"], sum(row[c] for c in ApplicantType.values))

    def test_columns_follow_the_applicant_type(self):
        from tests.applications.builders import applicant

        org = applicant(org_name="某研究院", credit_code="12640000MB0000001A")
        register(
            self.agency,
            self.clerk,
            date(2024, 5, 6),
            applicant_type=ApplicantType.RESEARCH,
            person=org,
        )
        table = selectors.table3(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        self.assertEqual((table["new"]["research"], table["new"]["total"]), (1, 1))

    def test_query_count_is_constant(self):
        with self.assertNumQueries(2):
            selectors.table3(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        for day in range(1, 8):
            application = handling(self.agency, self.clerk, date(2024, 3, day))
            self.reply(application, Outcome.GRANTED, date(2024, 3, 20))
        with self.assertNumQueries(2):
            selectors.table3(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        with self.assertNumQueries(1):
            selectors.appeals_table(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        with self.assertNumQueries(1):
            selectors.fees_collected(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])


class AppealsAndFeesTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def closed(self, received, replied):
        application = handling(self.agency, self.clerk, received)
        return services.application_reply(
            application=application, by=self.clerk, outcome=Outcome.STATE_SECRET, on=replied
        )

    def test_decided_in_the_year_by_result_and_pending_at_its_end(self):
        a = self.closed(date(2024, 2, 1), date(2024, 2, 20))
        upheld = services.appeal_record(
            application=a, by=self.clerk, kind=AppealKind.RECONSIDERATION, filed_on=date(2024, 3, 1)
        )
        services.appeal_decide(
            appeal=upheld, by=self.clerk, result=AppealResult.UPHELD, decided_on=date(2024, 5, 1)
        )
        services.appeal_record(
            application=a,
            by=self.clerk,
            kind=AppealKind.LITIGATION_AFTER,
            filed_on=date(2024, 6, 1),
        )
        b = self.closed(date(2024, 10, 8), date(2024, 10, 30))
        late = services.appeal_record(
            application=b,
            by=self.clerk,
            kind=AppealKind.LITIGATION_DIRECT,
            filed_on=date(2024, 12, 1),
        )
        services.appeal_decide(
            appeal=late, by=self.clerk, result=AppealResult.CORRECTED, decided_on=date(2025, 2, 1)
        )
        table = selectors.appeals_table(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1])
        self.assertEqual(
            table["reconsideration"],
            {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
        )
        self.assertEqual(table["litigation_after"]["pending"], 1)
        self.assertEqual(table["litigation_direct"]["pending"], 1)  # decided only in 2025
        next_year = selectors.appeals_table(
            agency_ids=[self.agency.pk], start=date(2025, 1, 1), end=date(2025, 12, 31)
        )
        self.assertEqual(
            next_year["litigation_direct"],
            {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
        )

    def test_only_the_appeals_on_the_agencies_applications_count(self):
        other = make_agency()
        other_clerk = make_staff(other, Role.CLERK)
        mine = services.appeal_record(
            application=self.closed(date(2024, 2, 1), date(2024, 2, 20)),
            by=self.clerk,
            kind=AppealKind.RECONSIDERATION,
            filed_on=date(2024, 3, 1),
        )
        theirs = services.application_reply(
            application=handling(other, other_clerk, date(2024, 2, 1)),
            by=other_clerk,
            outcome=Outcome.GRANTED,
            on=date(2024, 2, 5),
        )
        services.appeal_record(
            application=theirs,
            by=other_clerk,
            kind=AppealKind.RECONSIDERATION,
            filed_on=date(2024, 3, 1),
        )
        services.appeal_decide(
            appeal=mine, by=self.clerk, result=AppealResult.OTHER, decided_on=date(2024, 4, 1)
        )

        def reconsideration(agency_ids):
            return selectors.appeals_table(agency_ids=agency_ids, start=YEAR[0], end=YEAR[1])[
                "reconsideration"
            ]

        self.assertEqual(
            reconsideration([self.agency.pk]),
            {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
        )
        self.assertEqual(
            reconsideration([other.pk]),
            {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        )
        self.assertEqual(reconsideration([self.agency.pk, other.pk])["total"], 2)
        self.assertEqual(reconsideration([])["total"], 0)

    def test_fees_collected_counts_payments_in_the_period(self):
        self.assertEqual(
            selectors.fees_collected(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1]),
            Decimal("0"),
        )
        application = handling(self.agency, self.clerk, date(2024, 3, 4))
        services.application_fee_notice(
            application=application, by=self.clerk, method="by_page", pages=40, on=date(2024, 3, 5)
        )
        services.application_fee_paid(
            application=application, by=self.clerk, amount=Decimal(100), on=date(2024, 3, 8)
        )
        self.assertEqual(
            selectors.fees_collected(agency_ids=[self.agency.pk], start=YEAR[0], end=YEAR[1]),
            Decimal("100"),
        )


class DashboardTests(TestCase):
    def test_open_applications_of_the_users_agencies_in_constant_queries(self):
        agency, other = make_agency(), make_agency()
        clerk = make_staff(agency, Role.CLERK)
        other_clerk = make_staff(other, Role.CLERK)
        register(agency, clerk, date(2024, 3, 4))
        done = handling(agency, clerk, date(2024, 3, 4))
        services.application_withdraw(application=done, by=clerk, on=date(2024, 3, 5))
        register(other, other_clerk, date(2024, 3, 4))
        clerk = type(clerk).objects.get(pk=clerk.pk)
        with self.assertNumQueries(2):  # the user's memberships, then one query for the rows
            rows = dashboard.deadlines(clerk, date(2024, 3, 10))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0].kind, "依申请公开")
        self.assertEqual(rows[0].due, date(2024, 4, 1))
        self.assertTrue(rows[0].url.startswith("/admin/applications/application/"))
        for _ in range(5):
            register(agency, clerk, date(2024, 3, 5))
        clerk = type(clerk).objects.get(pk=clerk.pk)
        with self.assertNumQueries(2):
            self.assertEqual(len(dashboard.deadlines(clerk, date(2024, 3, 10))), 6)


class InterfaceTests(TestCase):
    """The keys other apps (reports, JSON exports) rely on, as DESIGN.md fixes them."""

    def test_outcome_values_are_the_report_row_keys(self):
        from applications.models import Outcome

        self.assertEqual(
            Outcome.values,
            [
                "granted",
                "partial",
                "denied.state_secret",
                "denied.law_forbidden",
                "denied.three_safeties",
                "denied.third_party",
                "denied.internal_affairs",
                "denied.process_info",
                "denied.enforcement_file",
                "denied.inquiry",
                "unable.not_held",
                "unable.needs_creation",
                "unable.unclear",
                "not_processed.complaint",
                "not_processed.repeat",
                "not_processed.publication",
                "not_processed.excessive",
                "not_processed.confirm",
                "other.no_correction",
                "other.unpaid_fee",
                "other.other",
            ],
        )
        self.assertEqual(Outcome.STATE_SECRET.label, "属于国家秘密")
        self.assertEqual(Outcome.THREE_SAFETIES.label, "危及“三安全一稳定”")

    def test_applicant_types_are_the_report_columns(self):
        self.assertEqual(
            ApplicantType.values,
            [
                "natural_person",
                "commercial",
                "research",
                "public_welfare",
                "legal_service",
                "other_org",
            ],
        )
        self.assertEqual(
            ApplicantType.labels,
            ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
        )
