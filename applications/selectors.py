"""Figures for the annual report, aggregated in SQL: a fixed number of queries whatever the data.

All functions take ``agency_ids`` (an iterable of ids) and an inclusive date range.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, When

from applications.models import Appeal as AppealModel
from applications.models import (
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    ApplicationBalance,
    ApplicationTally,
    Outcome,
)

COLUMNS = [*ApplicantType.values, "total"]
LEAVES = list(Outcome.values)
ROWS = ["new", "carried_over", *LEAVES, "total", "carried_forward"]
APPEAL_RESULTS = ["upheld", "corrected", "other", "pending", "total"]


def _applications(agency_ids):
    return Application.objects.filter(agency_id__in=list(agency_ids))


def table3(*, agency_ids, start, end):
    """Report table 三 as ``{row: {column: n}}``, every key present. Two queries.

    new = received in [start, end]; carried_over = received before start and not closed before
    start; a leaf = closed in [start, end] with that outcome; total = the sum of the 21 leaves;
    carried_forward = received by end and not closed by end. Hence new + carried_over = total +
    carried_forward in every column (closing never precedes receipt: a database constraint).
    On PostgreSQL, for whole months (a report year), the figures come from the monthly tally.
    """
    if connection.vendor == "postgresql" and _whole_months(start, end):
        flows, closed = _table3_from_tally(list(agency_ids), start, end)
    else:
        flows, closed = _table3_from_applications(list(agency_ids), start, end)
    table = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    for row in flows:
        for key in ("new", "carried_over", "carried_forward"):
            table[key][row["applicant_type"]] += row[key]
    for row in closed:
        table[row["outcome"]][row["applicant_type"]] += row["n"]
        table["total"][row["applicant_type"]] += row["n"]
    for counts in table.values():
        counts["total"] = sum(counts[column] for column in ApplicantType.values)
    return table


def _whole_months(start, end):
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def _table3_from_applications(agency_ids, start, end):
    qs = _applications(agency_ids)
    # Counting received_on (never null), not id: then every column read is in the index
    # application_report and PostgreSQL answers with an index-only scan.
    flows = (
        qs.values("applicant_type")
        .annotate(
            new=Count("received_on", filter=Q(received_on__range=(start, end))),
            carried_over=Count(
                "received_on",
                filter=Q(received_on__lt=start)
                & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)),
            ),
            carried_forward=Count(
                "received_on",
                filter=Q(received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
            ),
        )
        .order_by()
    )
    closed = (
        qs.filter(closed_on__range=(start, end))
        .values("outcome", "applicant_type")
        .annotate(n=Count("received_on"))
        .order_by()
    )
    return flows, closed


def _table3_from_tally(agency_ids, start, end):
    """The same two row sets from the yearly balances and the monthly tally. Two queries.

    Closing never precedes receipt, so "received before start and not closed before start" is
    what was open at the end of the year before (the balance, migration 0011) plus what the
    months of start's year before start received less what they closed. Carried forward is
    that, plus the period's receipts, less its closures. Both reads are bounded by the agencies
    and the months of the period, not by the years on file nor by the applications.
    """
    balances = (
        ApplicationBalance.objects.filter(agency_id__in=agency_ids, year__lt=start.year)
        .order_by("agency_id", "applicant_type", "-year")
        .distinct("agency_id", "applicant_type")
        .values_list("applicant_type", "open")
    )
    opening = dict.fromkeys(ApplicantType.values, 0)
    for applicant_type, still_open in balances:
        opening[applicant_type] += still_open
    still_open = Case(When(outcome="", then=F("applications")), default=-F("applications"))
    received, closed = {}, []
    for row in (
        ApplicationTally.objects.filter(
            agency_id__in=agency_ids, month__range=(date(start.year, 1, 1), end)
        )
        .values("outcome", "applicant_type")
        .annotate(
            before=Sum(Case(When(month__lt=start, then=still_open), default=0)),
            n=Sum(Case(When(month__gte=start, then=F("applications")), default=0)),
        )
        .order_by()
    ):
        opening[row["applicant_type"]] += row["before"]
        if not row["n"]:
            continue
        if row["outcome"]:
            closed.append(row)
        else:
            received[row["applicant_type"]] = row["n"]
    flows = []
    for applicant_type in ApplicantType.values:
        new, carried_over = received.get(applicant_type, 0), opening[applicant_type]
        closing = sum(row["n"] for row in closed if row["applicant_type"] == applicant_type)
        flows.append(
            {
                "applicant_type": applicant_type,
                "new": new,
                "carried_over": carried_over,
                "carried_forward": carried_over + new - closing,
            }
        )
    return flows, closed


def appeals_table(*, agency_ids, start, end):
    """Report table 四. One query (see ``appeals_figures``)."""
    return appeals_figures(agency_ids=agency_ids, start=start, end=end)["table"]


def appeals_figures(*, agency_ids, start, end):
    """Report table 四 and, per kind, how many of its cases are new and carried over. One query.

    upheld/corrected/other = decided in [start, end] with that result; pending = filed by end and
    not decided by end (so a case filed in one year and decided in the next shows as pending in
    the first year's report and by its result in the second's); total = the sum of the four.
    ``intake`` splits the same total: new = filed in [start, end]; carried_over = filed before
    start and still undecided at start (the narrative must not count those as filed this year).
    """
    # Appeals carry their application's agency (migration 0010): the agencies' own appeals only.
    rows = (
        AppealModel.objects.filter(agency_id__in=list(agency_ids))
        .values("kind")
        .annotate(
            upheld=Count(
                "id", filter=Q(result=AppealResult.UPHELD, decided_on__range=(start, end))
            ),
            corrected=Count(
                "id", filter=Q(result=AppealResult.CORRECTED, decided_on__range=(start, end))
            ),
            other=Count("id", filter=Q(result=AppealResult.OTHER, decided_on__range=(start, end))),
            pending=Count(
                "id",
                filter=Q(filed_on__lte=end) & (Q(decided_on__isnull=True) | Q(decided_on__gt=end)),
            ),
            new=Count("id", filter=Q(filed_on__range=(start, end))),
            carried_over=Count(
                "id",
                filter=Q(filed_on__lt=start)
                & (Q(decided_on__isnull=True) | Q(decided_on__gte=start)),
            ),
        )
        .order_by()
    )
    table = {kind: dict.fromkeys(APPEAL_RESULTS, 0) for kind in AppealKind.values}
    intake = {kind: {"new": 0, "carried_over": 0} for kind in AppealKind.values}
    for row in rows:
        for key in ("upheld", "corrected", "other", "pending"):
            table[row["kind"]][key] = row[key]
        for key in ("new", "carried_over"):
            intake[row["kind"]][key] = row[key]
    for counts in table.values():
        counts["total"] = (
            counts["upheld"] + counts["corrected"] + counts["other"] + counts["pending"]
        )
    return {"table": table, "intake": intake}


def fees_collected(*, agency_ids, start, end):
    """Information processing fees actually paid in the period, in yuan. One query."""
    total = (
        _applications(agency_ids)
        .filter(fee_paid_on__range=(start, end))
        .aggregate(total=Sum("fee_paid_amount"))["total"]
    )
    return total if total is not None else Decimal("0.00")
