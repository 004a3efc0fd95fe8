"""Statutory periods of an application, in working days (the day of the event is not counted).

Regulations Art. 30 (correction), 32–34 (consultation, not counted), 33 (20 + at most 20);
国办函〔2020〕109号 (the time between the fee notice and payment is not counted). Applications
received before 2019-05-15 fall under the 2007 Regulations (Art. 24: 15 + at most 15).

How pauses count (Art. 32/33: the consultation time is not counted *in the period*): the period
is walked day by day from the clock start; the working days inside a pause are skipped only if
the pause began while the period was still running (on or before the day the count would have
reached its end). A consultation or fee notice begun after the due date is allowed, but it moves
nothing: the application stays overdue.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from workdays.calendar import UnknownCalendarYear, WorkdayCalendar, span_for

ANSWER_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CORRECTION_REQUEST_WORKDAYS = 7  # the agency must ask for a correction within 7 of receipt
DEFAULT_CORRECTION_WORKDAYS = 10  # the "reasonable period" the applicant gets (practice)
THIRD_PARTY_WORKDAYS = 15
AGENCY_CONSULTATION_WORKDAYS = 15  # Art. 34 names no period; the third-party one is used (practice)
FEE_PAYMENT_WORKDAYS = 20

REGULATIONS_2019 = date(2019, 5, 15)  # the revised Regulations took effect (国务院令第711号)
REGULATIONS_2007 = date(2008, 5, 1)  # the first Regulations took effect (国务院令第492号)
ANSWER_WORKDAYS_2007 = 15  # 2007 Regulations Art. 24
MAX_EXTENSION_WORKDAYS_2007 = 15


@dataclass(frozen=True)
class Periods:
    answer: int
    max_extension: int
    regulations: str


def periods(received_on):
    """The answer period and the longest extension for an application received on that day."""
    if received_on < REGULATIONS_2019:
        return Periods(
            ANSWER_WORKDAYS_2007, MAX_EXTENSION_WORKDAYS_2007, "2007年《条例》第二十四条"
        )
    return Periods(ANSWER_WORKDAYS, MAX_EXTENSION_WORKDAYS, "《条例》第三十三条")


@dataclass(frozen=True)
class Due:
    """A due date, and whether it is provisional (it reaches a year whose schedule is unknown)."""

    date: date
    provisional: bool = False


def _counted_pauses(clock_start, pauses):
    # Pauses before the clock start belong to an earlier period (before a correction).
    return sorted((start, end) for start, end in pauses if start >= clock_start and end > start)


def walk(calendar, clock_start, n, pauses=()):
    """The n-th working day after ``clock_start`` that lies outside every counted pause.

    A pause (start, end) skips the days after ``start`` up to and including ``end``; it counts
    only when it began by the day the period ran out. If the period had no working day left when
    a pause began on its last day, the answer is due on the day the pause ends."""
    pending = _counted_pauses(clock_start, pauses)
    day, count, paused_until = clock_start, 0, None
    while True:
        while pending and pending[0][0] <= day:
            end = pending.pop(0)[1]
            paused_until = end if paused_until is None else max(paused_until, end)
        if paused_until is not None and paused_until <= day:
            paused_until = None
        if count >= n and paused_until is None:
            return day
        day += timedelta(days=1)
        if paused_until is not None and day <= paused_until:
            continue
        count += calendar.is_workday(day)


def _calendar(clock_start, n, pauses, provisional):
    ends = [end for _start, end in _counted_pauses(clock_start, pauses)]
    last = max([clock_start, *ends]) + span_for(n)
    return WorkdayCalendar.load(clock_start, last, provisional=provisional)


def answer_due(*, clock_start, extension_days=0, pauses=(), answer_days=ANSWER_WORKDAYS):
    """The last day to answer: ``answer_days`` (+ extension) working days after ``clock_start``,
    not counting the working days inside pauses begun while the period ran. ``pauses`` holds
    (start, end) pairs; an open pause is passed with its own deadline as end, so the stored date
    stays meaningful. Raises ``UnknownCalendarYear`` for a year nobody has entered."""
    n = answer_days + extension_days
    return walk(_calendar(clock_start, n, pauses, False), clock_start, n, pauses)


def answer_due_provisional(
    *, clock_start, extension_days=0, pauses=(), answer_days=ANSWER_WORKDAYS
) -> Due:
    """As ``answer_due``, but never refused: through a year nobody has entered the date is the
    earliest the true one can be (``workdays.calendar``, PROVISIONAL_RULE) and marked provisional.
    Pauses keep that property: a day skipped by a pause is skipped in both calendars, so the
    provisional working days outside pauses are still a superset of the true ones."""
    n = answer_days + extension_days
    calendar = _calendar(clock_start, n, pauses, True)
    day = walk(calendar, clock_start, n, pauses)
    return Due(day, calendar.guessed(clock_start, day))


def pause_is_late(*, due_date, on):
    """A pause begun after the due date does not stop a clock that has already run out."""
    return due_date is not None and on > due_date


def checked(compute, *args, **kwargs):
    """Run a date computation; a year without a calendar becomes a message staff can act on."""
    try:
        return compute(*args, **kwargs)
    except UnknownCalendarYear as exc:
        raise ValidationError(str(exc), code="unknown_calendar_year") from exc
