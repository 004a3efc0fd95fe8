"""Table 三 from the monthly tally must be what counting the applications gives.

On PostgreSQL whole-month periods read the tally its triggers keep (migration 0005); the other
way is the selector's direct count, forced by treating no period as whole months. SQLite has no
triggers and always counts the applications: there the figures are checked, and the tests that
compare the tally with the count (the triggers' behaviour) are skipped.
"""

import io
import unittest
from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from accounts.models import Role
from applications import selectors, services, tally
from applications.models import ApplicantType, Application, ApplicationTally, Outcome
from tests.applications import builders
from tests.applications.builders import applicant, handling, register
from tests.factories import make_agency, make_staff

PERSON, RESEARCH = ApplicantType.NATURAL_PERSON, ApplicantType.RESEARCH
TRIGGERS_ON_POSTGRESQL = (
    "the tally is kept by PostgreSQL triggers; on SQLite both ways are the "
    "same direct count. CI runs this on PostgreSQL"
)
# Whole months on both sides of every event below, including ones that cut through them.
PERIODS = [
    (date(2023, 1, 1), date(2023, 12, 31)),
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2024, 1, 1), date(2024, 1, 31)),
    (date(2024, 2, 1), date(2024, 2, 29)),
    (date(2024, 4, 1), date(2024, 6, 30)),
    (date(2023, 12, 1), date(2024, 11, 30)),
]


def tally_rows():
    """The tally as a set, rows at zero left out (the triggers leave them, a recount does not)."""
    return set(
        ApplicationTally.objects.filter(applications__gt=0).values_list(
            "agency", "month", "applicant_type", "outcome", "applications"
        )
    )


class ApplicationTallyCase(TestCase):
    """Applications received and closed on both sides of month and year ends."""

    def setUp(self):
        self.agency, self.other = make_agency(), make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.other_clerk = make_staff(self.other, Role.CLERK)
        a = self.agency
        # Received and closed in 2023: in no later report.
        self.closed_2023 = self.reply(
            handling(a, self.clerk, date(2023, 3, 1)), Outcome.NOT_HELD, date(2023, 3, 20)
        )
        # Received in December 2023, answered in January 2024.
        self.across_year = self.reply(
            handling(a, self.clerk, date(2023, 12, 20)), Outcome.GRANTED, date(2024, 1, 10)
        )
        # Received in 2023 and still open.
        self.open_2023 = register(a, self.clerk, date(2023, 6, 1))
        # Received on the last day of January, answered on the first of February.
        self.month_end = self.reply(
            handling(a, self.clerk, date(2024, 1, 31)), Outcome.PARTIAL, date(2024, 2, 1)
        )
        # Received and closed on the same day.
        self.same_day = self.reply(
            handling(a, self.clerk, date(2024, 5, 6)), Outcome.STATE_SECRET, date(2024, 5, 6)
        )
        # Withdrawn.
        self.withdrawn = register(a, self.clerk, date(2024, 6, 3))
        services.application_withdraw(
            application=self.withdrawn, by=self.clerk, on=date(2024, 6, 4)
        )
        # Received in November 2024, answered in 2025.
        self.into_2025 = self.reply(
            handling(a, self.clerk, date(2024, 11, 4)), Outcome.REPEAT, date(2025, 1, 6)
        )
        # An organisation's, still open.
        org = applicant(org_name="某研究院", credit_code="12640000MB0000001A")
        self.research = register(
            a, self.clerk, date(2024, 8, 12), applicant_type=RESEARCH, person=org
        )
        # Received in 2025, open.
        register(a, self.clerk, date(2025, 2, 3))
        # Another agency's.
        self.elsewhere = self.reply(
            handling(self.other, self.other_clerk, date(2024, 3, 4)),
            Outcome.GRANTED,
            date(2024, 3, 8),
            by=self.other_clerk,
        )

    def reply(self, application, outcome, on, by=None):
        return builders.reply(application, by or self.clerk, outcome, on)

    def figures(self, start, end):
        return selectors.table3(agency_ids=[self.agency.pk], start=start, end=end)

    def both_ways(self, start, end, agency_ids=None):
        agency_ids = agency_ids or [self.agency.pk]
        from_tally = selectors.table3(agency_ids=agency_ids, start=start, end=end)
        with mock.patch.object(selectors, "_whole_months", return_value=False):
            counted = selectors.table3(agency_ids=agency_ids, start=start, end=end)
        return from_tally, counted

    def assert_same_every_period(self):
        for agency_ids in ([self.agency.pk], [self.agency.pk, self.other.pk], [self.other.pk]):
            for start, end in PERIODS:
                with self.subTest(agency_ids=agency_ids, start=start, end=end):
                    from_tally, counted = self.both_ways(start, end, agency_ids)
                    self.assertEqual(from_tally, counted)


class ApplicationTallyTests(ApplicationTallyCase):
    """The figures, from the tally on PostgreSQL and from the count on SQLite."""

    def test_figures_of_2024(self):
        table = self.figures(date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual(table["new"][PERSON], 4)  # month end, same day, withdrawn, into 2025
        self.assertEqual(table["new"][RESEARCH], 1)
        self.assertEqual(table["carried_over"][PERSON], 2)  # across the year, open since 2023
        self.assertEqual(table["granted"][PERSON], 1)
        self.assertEqual(table["partial"][PERSON], 1)
        self.assertEqual(table["denied.state_secret"][PERSON], 1)
        self.assertEqual(table["other.other"][PERSON], 1)
        self.assertEqual(table["unable.not_held"][PERSON], 0)
        self.assertEqual(table["total"]["total"], 4)
        self.assertEqual(table["carried_forward"][PERSON], 2)  # open since 2023, into 2025
        self.assertEqual(table["carried_forward"][RESEARCH], 1)
        self.assertEqual(table["carried_forward"]["total"], 3)

    def test_a_month_cut_by_receipt_and_closing(self):
        january = self.figures(date(2024, 1, 1), date(2024, 1, 31))
        self.assertEqual(
            (
                january["new"]["total"],
                january["carried_over"]["total"],
                january["granted"]["total"],
                january["carried_forward"]["total"],
            ),
            (1, 2, 1, 2),  # month end is new and open at its end; across the year closed
        )

    def test_rebuild_counts_the_applications(self):
        ApplicationTally.objects.update(applications=99)
        out = io.StringIO()
        call_command("rebuild_application_tally", stdout=out)
        self.assertIn("17 行", out.getvalue())
        rebuilt = tally_rows()
        # Receipts: 2023-03, 2023-06, 2023-12, 2024-01, 2024-05, 2024-06, 2024-08 (research),
        # 2024-11, 2025-02 and the other agency's 2024-03; closures: 2023-03, 2024-01, 2024-02,
        # 2024-05, 2024-06, 2025-01 and the other agency's 2024-03.
        self.assertEqual(len(rebuilt), 17)
        self.assertIn((self.agency.pk, date(2024, 2, 1), PERSON, Outcome.PARTIAL, 1), rebuilt)
        self.assertIn((self.agency.pk, date(2024, 8, 1), RESEARCH, "", 1), rebuilt)

    def test_rebuild_drops_rows_at_zero(self):
        Application.objects.filter(pk=self.open_2023.pk).delete()
        self.assertEqual(tally.rebuild(), 16)
        self.assertFalse(ApplicationTally.objects.filter(applications=0).exists())


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", TRIGGERS_ON_POSTGRESQL)
class ApplicationTallyTriggerTests(ApplicationTallyCase):
    """What the triggers keep equals the direct count, whatever writes the applications."""

    def test_the_tally_gives_the_direct_count_for_every_period(self):
        self.assert_same_every_period()

    def test_deleting_an_application_takes_it_out(self):
        # The services never delete; a data fix might.
        self.into_2025.delete()
        Application.objects.filter(pk=self.open_2023.pk).delete()
        table, _ = self.both_ways(date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual(table["carried_forward"]["total"], 1)
        self.assert_same_every_period()

    def test_moving_an_application_to_another_agency_moves_its_counts(self):
        Application.objects.filter(pk__in=[self.across_year.pk, self.open_2023.pk]).update(
            agency=self.other
        )
        table, _ = self.both_ways(date(2024, 1, 1), date(2024, 12, 31), [self.other.pk])
        self.assertEqual(table["carried_over"]["total"], 2)
        self.assertEqual(table["granted"]["total"], 2)
        self.assert_same_every_period()

    def test_changing_the_type_and_the_dates_moves_the_counts(self):
        Application.objects.filter(pk=self.same_day.pk).update(
            applicant_type=ApplicantType.COMMERCIAL
        )
        # Received a month earlier; closed in the next year with another outcome.
        Application.objects.filter(pk=self.month_end.pk).update(
            received_on=date(2023, 12, 29), closed_on=date(2025, 3, 3), outcome=Outcome.UNCLEAR
        )
        # Closed later in the same month: nothing moves.
        Application.objects.filter(pk=self.across_year.pk).update(closed_on=date(2024, 1, 24))
        table, _ = self.both_ways(date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual(table["denied.state_secret"][ApplicantType.COMMERCIAL], 1)
        self.assertEqual(table["partial"]["total"], 0)
        self.assertEqual(table["carried_over"]["total"], 3)
        self.assert_same_every_period()

    def test_reopening_and_closing_again(self):
        # A reply set aside (on review or in court): the application is open again.
        Application.objects.filter(pk__in=[self.across_year.pk, self.withdrawn.pk]).update(
            closed_on=None, outcome=""
        )
        table, _ = self.both_ways(date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual((table["granted"]["total"], table["other.other"]["total"]), (0, 0))
        self.assertEqual(table["carried_forward"]["total"], 5)
        self.assert_same_every_period()
        Application.objects.filter(pk=self.across_year.pk).update(
            closed_on=date(2025, 4, 1), outcome=Outcome.GRANTED
        )
        self.assert_same_every_period()

    def test_saving_without_moving_leaves_the_tally_alone(self):
        before = tally_rows()
        application = Application.objects.get(pk=self.same_day.pk)
        application.save()  # every column written, none changed
        Application.objects.filter(pk=self.open_2023.pk).update(description="改写")
        self.assertEqual(tally_rows(), before)

    def test_the_triggers_kept_what_a_rebuild_recounts(self):
        kept = tally_rows()
        ApplicationTally.objects.update(applications=99)
        call_command("rebuild_application_tally", stdout=io.StringIO())
        self.assertEqual(tally_rows(), kept)
        self.assert_same_every_period()

    def test_the_triggers_leave_rows_at_zero(self):
        Application.objects.filter(pk=self.open_2023.pk).delete()
        self.assertTrue(ApplicationTally.objects.filter(applications=0).exists())
