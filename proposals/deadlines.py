"""Proposal deadlines count calendar months, not working days (Deputies Law practice).

A month after 31 January is the last day of February: the day of the month is kept when it
exists and clamped to the month's end when it does not.
"""

import calendar
from datetime import date

ANSWER_MONTHS = 3  # ordinary proposals
MAX_MONTHS = 6  # complex proposals, with a recorded reason
REHANDLING_MONTHS = 1  # (practice) a second answer after 不满意 is usually due within a month
PUBLICATION_WORKDAYS = 20  # (practice) replies are commonly published within 20 working days


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, clamped to the end of the target month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def answer_due(assigned: date) -> date:
    return add_months(assigned, ANSWER_MONTHS)


def latest_due(assigned: date) -> date:
    """The furthest an extension may push the answer."""
    return add_months(assigned, MAX_MONTHS)


def chinese_date(day: date) -> str:
    """2024年5月6日: the way dates are written in official documents (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
