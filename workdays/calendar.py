"""Chinese working days: Monday–Friday, minus holidays, plus make-up working weekends (调休).

Statutory deadlines count working days from the day after the start date (the start is not
counted). A deadline that would reach a year whose schedule nobody has entered is refused,
because guessing would give a citizen or a clerk a wrong date — unless the caller asks for a
*provisional* calendar (``provisional=True``), which answers for such a year with the earliest
date the true answer can be (see PROVISIONAL_RULE below).
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


# Days that are public holidays under every version of the national holiday rules since 1999
# (全国年节及纪念日放假办法: 元旦 1 January, 劳动节 1 May, 国庆节 1–3 October). They are never working
# days, whatever the State Council's yearly notice says; every other day of a year nobody has
# entered may turn out to be a working day.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})

# PROVISIONAL_RULE
# In a year whose schedule is not entered, the provisional calendar counts every day as a possible
# working day except the fixed holidays above (and except holidays a neighbouring year's notice
# already set in it). A year's notice may also set days in the December before it (2018-12-29, a
# Saturday, was worked for 元旦 2019), so while next year is unknown, December weekends count too. Why this is the earliest the true date can be: the true working days of that
# year are Monday–Friday minus its holidays plus its make-up working weekends (调休), and any weekend
# day may be made a working day; so the true working days are a subset of the provisional ones.
# The n-th element of a set is never later than the n-th element of a subset of it, so the
# n-th working day after a date is, provisionally, never later than it truly is. A deadline that
# trusts the provisional date is never missed; once the year is entered it moves only later.


def is_fixed_holiday(day):
    return (day.month, day.day) in FIXED_HOLIDAYS


@dataclass(frozen=True)
class WorkdayCalendar:
    """An in-memory view of the calendar for a date range: build once, ask many times."""

    first: date
    last: date
    holidays: frozenset
    workdays: frozenset
    known_years: frozenset
    provisional: bool = False  # answer for unknown years by PROVISIONAL_RULE instead of raising

    @classmethod
    def load(cls, start, end, *, provisional=False):
        """Two queries, whatever the range."""
        rows = SpecialDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
        holidays, workdays = set(), set()
        for day, kind in rows:
            (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
        # One year more: whether next year is known decides how December is read provisionally.
        years = CalendarYear.objects.filter(year__range=(start.year, end.year + 1))
        known = frozenset(years.values_list("year", flat=True))
        return cls(start, end, frozenset(holidays), frozenset(workdays), known, provisional)

    def touches_unknown_year(self, start, end):
        return any(year not in self.known_years for year in range(start.year, end.year + 1))

    def _uncertain(self, day):
        """A day whose kind next year's (or its own year's) notice may still change to working."""
        if day.year not in self.known_years:
            return True
        return (
            day.month == 12
            and day.weekday() >= 5
            and day.year + 1 not in self.known_years
            and day not in self.workdays
        )

    def guessed(self, start, end):
        """True when a provisional count over the days after ``start`` up to ``end`` read a day
        that a schedule not yet entered may still change (the answer is then provisional)."""
        if self.touches_unknown_year(start, end):
            return True
        day = start
        while day < end:
            day += timedelta(days=1)
            if self._uncertain(day):
                return True
        return False

    def is_workday(self, day):
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the loaded range {self.first}–{self.last}")
        if day.year not in self.known_years:
            if not self.provisional:
                raise UnknownCalendarYear(day.year)
            if day in self.workdays or day in self.holidays:
                return day in self.workdays  # set by the neighbouring year's notice
            return not is_fixed_holiday(day)
        if self.provisional and self._uncertain(day) and day not in self.holidays:
            return True  # a December weekend next year's notice may make a working day
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


def span_for(n):
    # Long holidays (Spring Festival, National Day) never make 20 working days take more than
    # about 5 calendar weeks; twice the days plus a month is a comfortable bound.
    return timedelta(days=2 * n + 31)


def add_workdays(start, n):
    """The date n working days after ``start``, counting from the day after it."""
    return WorkdayCalendar.load(start, start + span_for(n)).add(start, n)


def workdays_between(start, end):
    if end <= start:
        return 0
    return WorkdayCalendar.load(start, end).between(start, end)


def is_workday(day):
    return WorkdayCalendar.load(day, day).is_workday(day)
