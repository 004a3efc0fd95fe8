"""Recounting :class:`~applications.models.ApplicationTally` (table 三 in monthly counts) and
:class:`~applications.models.ApplicationBalance` (the open applications at each year's end).

On PostgreSQL triggers keep both as applications are received, closed, reopened, moved or
deleted (migrations 0005 and 0011); a recount is only needed after loading rows with the
triggers off (the benchmark's bulk load) or to check them.
"""

from django.db import connection, transaction
from django.db.models import Case, Count, F, Sum, When
from django.db.models.functions import ExtractYear, TruncMonth

from applications.models import Application, ApplicationBalance, ApplicationTally


def _counts(applications):
    """The tally's rows for ``applications`` as dicts: receipts (outcome blank), then closures."""
    received = (
        applications.annotate(month=TruncMonth("received_on"))
        .values("agency_id", "month", "applicant_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    closed = (
        applications.filter(closed_on__isnull=False)
        .annotate(month=TruncMonth("closed_on"))
        .values("agency_id", "month", "applicant_type", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in received.iterator():
        yield {**row, "outcome": ""}
    yield from closed.iterator()


@transaction.atomic
def rebuild():
    """Recount every row from the applications, then the balances; returns the tally's rows."""
    with _balance_trigger_off():
        _rebuild_tally()
    rebuild_balances()
    return ApplicationTally.objects.count()


def _rebuild_tally():
    ApplicationTally.objects.all().delete()
    ApplicationTally.objects.bulk_create(
        (
            ApplicationTally(
                agency_id=row["agency_id"],
                month=row["month"],
                applicant_type=row["applicant_type"],
                outcome=row["outcome"],
                applications=row["n"],
            )
            for row in _counts(Application.objects.all())
        ),
        batch_size=2000,
    )


def closing_balances():
    """{(agency_id, applicant_type, year): open at the year's end} summed from the tally."""
    yearly = (
        ApplicationTally.objects.annotate(year=ExtractYear("month"))
        .values("agency_id", "applicant_type", "year")
        .annotate(
            net=Sum(Case(When(outcome="", then=F("applications")), default=-F("applications")))
        )
        .order_by("agency_id", "applicant_type", "year")
    )
    balances, running, group = {}, 0, None
    for row in yearly.iterator():
        if (row["agency_id"], row["applicant_type"]) != group:
            group, running = (row["agency_id"], row["applicant_type"]), 0
        running += row["net"]
        balances[row["agency_id"], row["applicant_type"], row["year"]] = running
    return balances


@transaction.atomic
def rebuild_balances():
    """Recount the yearly closing balances from the tally; returns the number of rows."""
    with _balance_trigger_off():
        ApplicationBalance.objects.all().delete()
        ApplicationBalance.objects.bulk_create(
            (
                ApplicationBalance(agency_id=agency, applicant_type=kind, year=year, open=n)
                for (agency, kind, year), n in closing_balances().items()
            ),
            batch_size=2000,
        )
    return ApplicationBalance.objects.count()


class _balance_trigger_off:
    """Rebuilding the tally row by row would move the balances once per row: they are recounted
    once after it instead. A transaction-local setting the trigger reads (PostgreSQL)."""

    SQL = "SELECT set_config('zwgk.balance_rebuild', %s, true)"

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(self.SQL, ["on"])

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(self.SQL, ["off"])
        return False
