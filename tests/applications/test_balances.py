"""Yearly closing balances (migration 0011) and the appeals' agency column (migration 0010).

Both exist so that the report's cost does not grow with the records on file; both must give
exactly what counting the records gives, after any write, a correction to a past year included.
"""

import importlib
import unittest
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count, Q

from applications import selectors, services, tally
from applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    ApplicationBalance,
)
from tests.applications.test_tally import TRIGGERS_ON_POSTGRESQL, ApplicationTallyCase
from tests.factories import make_agency

YEARS = range(2022, 2027)


def naive_balances():
    """{(agency, type, year): n} counted from the applications: received by 31 December and not
    closed by then; zeros left out."""
    result = {}
    for year in YEARS:
        end = date(year, 12, 31)
        rows = (
            Application.objects.filter(received_on__lte=end)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
            .values("agency_id", "applicant_type")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            result[row["agency_id"], row["applicant_type"], year] = row["n"]
    return result


def stored_balances():
    """The balance table read the way the report reads it: a year without a row carries the
    latest balance before it; zeros left out."""
    rows = ApplicationBalance.objects.values_list("agency_id", "applicant_type", "year", "open")
    result = {}
    for year in YEARS:
        latest = {}
        for agency, kind, row_year, still_open in sorted(rows, key=lambda r: r[2]):
            if row_year <= year:
                latest[agency, kind] = still_open
        for (agency, kind), n in latest.items():
            if n:
                result[agency, kind, year] = n
    return result


class ClosingBalanceTests(ApplicationTallyCase):
    def test_a_rebuild_gives_the_naive_count_of_open_applications_at_each_year_end(self):
        tally.rebuild()
        self.assertEqual(stored_balances(), naive_balances())
        # Open since 2023, and received in 2023 but answered in January 2024.
        self.assertEqual(stored_balances()[self.agency.pk, ApplicantType.NATURAL_PERSON, 2023], 2)

    def test_the_data_migration_counts_what_a_rebuild_counts(self):
        tally.rebuild()
        rebuilt = set(
            ApplicationBalance.objects.values_list("agency", "applicant_type", "year", "open")
        )
        ApplicationBalance.objects.all().delete()
        migration = importlib.import_module("applications.migrations.0011_application_balance")
        migration.count_existing(django_apps, None)
        self.assertEqual(
            set(ApplicationBalance.objects.values_list("agency", "applicant_type", "year", "open")),
            rebuilt,
        )

    def test_the_report_reads_two_queries_whatever_the_years_on_file(self):
        tally.rebuild()
        with self.assertNumQueries(2):
            selectors.table3(
                agency_ids=[self.agency.pk, self.other.pk],
                start=date(2025, 1, 1),
                end=date(2025, 12, 31),
            )


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", TRIGGERS_ON_POSTGRESQL)
class ClosingBalanceTriggerTests(ApplicationTallyCase):
    """The trigger on the tally keeps the balances equal to the naive count after any write."""

    def test_the_balances_kept_are_the_naive_count(self):
        self.assertEqual(stored_balances(), naive_balances())

    def test_a_correction_to_a_past_year_moves_every_later_balance(self):
        person = ApplicantType.NATURAL_PERSON
        before = stored_balances()
        self.assertEqual(before[self.agency.pk, person, 2023], 2)
        self.assertEqual(before[self.agency.pk, person, 2024], 2)
        # The 2023 application "closed" in March 2023 was in fact answered in 2025.
        Application.objects.filter(pk=self.closed_2023.pk).update(closed_on=date(2025, 3, 2))
        after = stored_balances()
        self.assertEqual(after, naive_balances())
        self.assertEqual(after[self.agency.pk, person, 2023], 3)
        self.assertEqual(after[self.agency.pk, person, 2024], 3)
        # And the 2024 report's carried-over row follows, as the direct count does.
        table, counted = self.both_ways(date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual(table, counted)
        self.assertEqual(table["carried_over"][person], 3)

    def test_a_receipt_moved_into_an_earlier_year_creates_that_years_balance(self):
        # The other agency had nothing before 2024; its application was in fact received in 2022.
        Application.objects.filter(pk=self.elsewhere.pk).update(received_on=date(2022, 11, 30))
        self.assertEqual(stored_balances(), naive_balances())
        self.assertTrue(
            ApplicationBalance.objects.filter(agency=self.other, year=2022, open=1).exists()
        )

    def test_a_rebuild_recounts_what_the_trigger_kept(self):
        kept = stored_balances()
        ApplicationBalance.objects.update(open=99)
        tally.rebuild()
        self.assertEqual(stored_balances(), kept)


class AppealAgencyTests(ApplicationTallyCase):
    def appeal(self, application, kind=AppealKind.RECONSIDERATION, filed=date(2024, 2, 10)):
        return services.appeal_record(
            application=application, by=self.clerk, kind=kind, filed_on=filed
        )

    def test_an_appeal_takes_its_applications_agency(self):
        appeal = self.appeal(self.across_year)
        self.assertEqual(appeal.agency_id, self.agency.pk)
        # Created from the id alone, the agency is read from the application.
        bare = Appeal.objects.create(
            application_id=self.elsewhere.pk,
            kind=AppealKind.LITIGATION_DIRECT,
            filed_on=date(2024, 4, 1),
        )
        self.assertEqual(bare.agency_id, self.other.pk)

    def test_table_four_counts_the_agencys_appeals_in_one_query(self):
        decided = self.appeal(self.across_year)
        services.appeal_decide(
            appeal=decided, by=self.clerk, result=AppealResult.UPHELD, decided_on=date(2024, 6, 1)
        )
        self.appeal(self.month_end, kind=AppealKind.LITIGATION_DIRECT)
        Appeal.objects.create(
            application=self.elsewhere, kind=AppealKind.RECONSIDERATION, filed_on=date(2024, 4, 1)
        )
        with self.assertNumQueries(1):
            table = selectors.appeals_table(
                agency_ids=[self.agency.pk], start=date(2024, 1, 1), end=date(2024, 12, 31)
            )
        self.assertEqual(table["reconsideration"]["upheld"], 1)
        self.assertEqual(table["litigation_direct"]["pending"], 1)
        # The other agency's appeal is its own, counted the naive way through the application.
        naive = Appeal.objects.filter(application__agency=self.agency).count()
        self.assertEqual(sum(row["total"] for row in table.values()), naive)

    def test_the_data_migration_takes_the_agency_from_the_application(self):
        self.appeal(self.across_year)
        Appeal.objects.create(
            application=self.elsewhere, kind=AppealKind.RECONSIDERATION, filed_on=date(2024, 4, 1)
        )
        stray = make_agency()
        Appeal.objects.update(agency=stray)
        migration = importlib.import_module("applications.migrations.0010_appeal_agency")
        migration.fill_agency(django_apps, None)
        self.assertEqual(
            set(Appeal.objects.values_list("application__agency", "agency")),
            {(self.agency.pk, self.agency.pk), (self.other.pk, self.other.pk)},
        )

    @pytest.mark.postgres
    @unittest.skipUnless(connection.vendor == "postgresql", TRIGGERS_ON_POSTGRESQL)
    def test_appeals_follow_an_application_moved_to_another_agency(self):
        appeal = self.appeal(self.across_year)
        Application.objects.filter(pk=self.across_year.pk).update(agency=self.other)
        appeal.refresh_from_db()
        self.assertEqual(appeal.agency_id, self.other.pk)
