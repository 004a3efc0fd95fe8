"""Recounting :class:`~applications.models.ApplicationTally`, table 三 in monthly counts.

On PostgreSQL triggers keep the tally as applications are received, closed, reopened, moved or
deleted (migration 0005); a recount is only needed after loading rows with the triggers off (the
benchmark's bulk load) or to check them.
"""

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from applications.models import Application, ApplicationTally


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
    """Recount every row from the applications; returns the number of rows."""
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
    return ApplicationTally.objects.count()
