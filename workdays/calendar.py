"""Chinese working days: Monday–Friday, minus holidays, plus make-up working weekends (调休).

Statutory deadlines count working days from the day after the start date (the start is not
counted). A deadline that would reach a year whose schedule nobody has entered is refused,
because guessing would give a citizen or a clerk a wrong date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from workdays.models import CalendarYear, DayKind, SpecialDay


class UnknownCalendarYear(Exception):
    """Raised when a computation needs a year whose holiday schedule has not been entered."""

    def __init__(self, year):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入，无法计算工作日期限。"
            f"请在管理后台「工作日历 › 录入年度放假安排」中按国务院办公厅通知录入{year}年的放假和调休日期。"
        )


@dataclass(frozen=True)
class WorkdayCalendar:
    """An in-memory view of the calendar for a date range: build once, ask many times."""

    first: date
    last: date
    holidays: frozenset
    workdays: frozenset
    known_years: frozenset

    @classmethod
    def load(cls, start, end):
        """Two queries, whatever the range."""
        rows = SpecialDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
        holidays, workdays = set(), set()
        for day, kind in rows:
            (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
        years = CalendarYear.objects.filter(year__range=(start.year, end.year))
        known = frozenset(years.values_list("year", flat=True))
        return cls(start, end, frozenset(holidays), frozenset(workdays), known)

    def is_workday(self, day):
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the loaded range {self.first}–{self.last}")
        if day.year not in self.known_years:
            raise UnknownCalendarYear(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add(self, start, n):
        """The n-th working day after ``start`` (``start`` itself not counted); n ≥ 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def between(self, start, end):
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count


def _span_for(n):
    # Long holidays (Spring Festival, National Day) never make 20 working days take more than
    # about 5 calendar weeks; twice the days plus a month is a comfortable bound.
    return timedelta(days=2 * n + 31)


def add_workdays(start, n):
    """The date n working days after ``start``, counting from the day after it."""
    return WorkdayCalendar.load(start, start + _span_for(n)).add(start, n)


def workdays_between(start, end):
    if end <= start:
        return 0
    return WorkdayCalendar.load(start, end).between(start, end)


def is_workday(day):
    return WorkdayCalendar.load(day, day).is_workday(day)
