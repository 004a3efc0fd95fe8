"""Rows of the shared staff deadline board (applications and proposals in one list).

An app that has deadlines provides ``<app>/dashboard.py`` with
``deadlines(user, today) -> list[Deadline]`` (open records of the user's agencies only,
using ``accounts.access``, in a constant number of queries); the admin index merges them.
"""

from dataclasses import dataclass, replace
from datetime import date

from workdays.calendar import UnknownCalendarYear, WorkdayCalendar

SOON_WORKDAYS = 5  # "due in ≤ 5 working days" is highlighted


@dataclass(frozen=True)
class Deadline:
    due: date
    kind: str  # what it is, e.g. "依申请公开", "人大代表建议", "主动公开"
    title: str
    url: str  # the staff page of the record
    agency: str
    status: str  # the record's status label
    provisional: bool = False  # the due date reaches a year nobody has entered (暂定)


def classify(deadlines, today):
    """Sort by due date and attach ``state`` ("overdue", "soon", "ok", "unknown") and
    ``workdays``: working days left, or for an overdue row working days late. Two queries.

    A provisional row (the earliest date the true deadline can be) is counted with the
    provisional calendar; any other row that needs a year nobody has entered is "unknown"."""
    if not deadlines:
        return []
    first = min(today, *(d.due for d in deadlines))
    last = max(today, *(d.due for d in deadlines))
    guessing = WorkdayCalendar.load(first, last, provisional=True)
    strict = replace(guessing, provisional=False)  # the same rows, no query
    rows = []
    for deadline in sorted(deadlines, key=lambda d: d.due):
        calendar = guessing if deadline.provisional else strict
        try:
            if deadline.due < today:
                state, left = "overdue", calendar.between(deadline.due, today)
            else:
                left = calendar.between(today, deadline.due)
                state = "soon" if left <= SOON_WORKDAYS else "ok"
        except UnknownCalendarYear:
            state, left = "unknown", None
        rows.append({"deadline": deadline, "state": state, "workdays": left})
    return rows
