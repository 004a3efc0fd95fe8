"""Seed the calendar from the chinesecalendar package (years it carries, 2004 onward)."""

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


def package_years():
    years = {day.year for day in chinese_calendar.holidays} | {
        day.year for day in chinese_calendar.workdays
    }
    # A year counts as carried only when the package has its full schedule, so the first and
    # every later year must have a Spring Festival entry.
    return sorted(
        year
        for year in years
        if any(
            d.year == year and n == "Spring Festival" for d, n in chinese_calendar.holidays.items()
        )
    )


def seed_from_package(SpecialDay, CalendarYear, years=None):
    """Insert package days for years not yet entered; staff entries are never overwritten.

    Takes the model classes so that a data migration can pass its historical models.
    """
    years = set(years or package_years())
    already = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    todo = years - already
    if not todo:
        return 0
    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year in todo and day.weekday() < 5:
            rows.append(
                SpecialDay(
                    date=day,
                    kind="holiday",
                    name=HOLIDAY_NAMES.get(name, name or ""),
                    source="package",
                )
            )
    for day, name in chinese_calendar.workdays.items():
        if day.year in todo and day.weekday() >= 5:
            label = HOLIDAY_NAMES.get(name, name or "")
            rows.append(
                SpecialDay(
                    date=day,
                    kind="workday",
                    name=f"{label}调休" if label else "调休",
                    source="package",
                )
            )
    SpecialDay.objects.bulk_create(rows, ignore_conflicts=True)
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(
                year=year, source="package", note="chinesecalendar 软件包（依国务院办公厅通知）"
            )
            for year in sorted(todo)
        ]
    )
    return len(rows)
