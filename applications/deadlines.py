"""Statutory periods of an application, in working days (the day of the event is not counted).

Regulations Art. 30 (correction), 32–34 (consultation, not counted), 33 (20 + at most 20);
国办函〔2020〕109号 (the time between the fee notice and payment is not counted).
"""

from django.core.exceptions import ValidationError

from workdays.calendar import UnknownCalendarYear, add_workdays, workdays_between

ANSWER_WORKDAYS = 20
MAX_EXTENSION_WORKDAYS = 20
CORRECTION_REQUEST_WORKDAYS = 7  # the agency must ask for a correction within 7 of receipt
DEFAULT_CORRECTION_WORKDAYS = 10  # the "reasonable period" the applicant gets (practice)
THIRD_PARTY_WORKDAYS = 15
AGENCY_CONSULTATION_WORKDAYS = 15  # Art. 34 names no period; the third-party one is used (practice)
FEE_PAYMENT_WORKDAYS = 20


def answer_due(*, clock_start, extension_days=0, pauses=()):
    """The last day to answer: 20 (+ extension) working days after ``clock_start``, not counting
    the working days inside pauses that began after it. ``pauses`` holds (start, end) pairs; an
    open pause is passed with its own deadline as end, so the stored date stays meaningful."""
    excluded = sum(
        workdays_between(start, end) for start, end in pauses if start >= clock_start
    )
    return add_workdays(clock_start, ANSWER_WORKDAYS + extension_days + excluded)


def checked(compute, *args, **kwargs):
    """Run a date computation; a year without a calendar becomes a message staff can act on."""
    try:
        return compute(*args, **kwargs)
    except UnknownCalendarYear as exc:
        raise ValidationError(str(exc), code="unknown_calendar_year") from exc
