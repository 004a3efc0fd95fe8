from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from workdays.calendar import (
    UnknownCalendarYear,
    WorkdayCalendar,
    add_workdays,
    is_workday,
    workdays_between,
)
from workdays.models import CalendarYear, DayKind, Source, SpecialDay
from workdays.schedule import parse_schedule
from workdays.services import schedule_enter


class AddWorkdaysTests(TestCase):
    """Counted from the day after the start; holidays skipped; make-up weekends counted."""

    CASES = [
        # start, n, expected, why
        (
            date(2017, 9, 25),
            20,
            date(2017, 10, 27),
            "DOMAIN.md: across National Day 2017, 9-30 worked",
        ),
        (date(2017, 9, 29), 1, date(2017, 9, 30), "2017-09-30 is a make-up Saturday"),
        (date(2017, 9, 30), 1, date(2017, 10, 9), "10-01…08 is the National Day holiday"),
        (date(2017, 10, 1), 0, date(2017, 10, 1), "zero days is the start itself"),
        (
            date(2018, 2, 9),
            1,
            date(2018, 2, 11),
            "2018-02-11 (Sunday) is a Spring Festival make-up day",
        ),
        (date(2018, 2, 14), 1, date(2018, 2, 22), "Spring Festival 2018: 02-15…02-21"),
        (
            date(2017, 1, 20),
            20,
            date(2017, 2, 22),
            "Spring Festival 2017 with make-up 01-22 and 02-04",
        ),
        (date(2017, 12, 29), 1, date(2018, 1, 2), "New Year 2018: 12-30…01-01 off"),
        (date(2020, 12, 31), 20, date(2021, 1, 29), "year end into 2021"),
        (
            date(2017, 9, 23),
            1,
            date(2017, 9, 25),
            "received on a Saturday: next working day is Monday",
        ),
        (date(2026, 12, 30), 1, date(2026, 12, 31), "last working day of the last known year"),
    ]

    def test_table(self):
        for start, n, expected, why in self.CASES:
            with self.subTest(why):
                self.assertEqual(add_workdays(start, n), expected)

    def test_unknown_year_is_refused_with_a_message_naming_the_year(self):
        CalendarYear.objects.filter(year=2027).delete()
        with self.assertRaises(UnknownCalendarYear) as caught:
            add_workdays(date(2026, 12, 20), 20)
        self.assertEqual(caught.exception.year, 2027)
        self.assertIn("2027年的节假日安排尚未录入", str(caught.exception))

    def test_between_counts_working_days_after_start_through_end(self):
        self.assertEqual(workdays_between(date(2017, 9, 25), date(2017, 10, 27)), 20)
        self.assertEqual(workdays_between(date(2017, 10, 27), date(2017, 9, 25)), 0)
        self.assertEqual(workdays_between(date(2017, 9, 29), date(2017, 10, 8)), 1)

    def test_is_workday(self):
        self.assertTrue(is_workday(date(2017, 9, 30)))
        self.assertFalse(is_workday(date(2017, 10, 2)))
        self.assertFalse(is_workday(date(2017, 9, 24)))

    def test_calendar_loads_in_two_queries_whatever_the_range(self):
        with self.assertNumQueries(2):
            calendar = WorkdayCalendar.load(date(2010, 1, 1), date(2020, 12, 31))
        self.assertEqual(
            calendar.between(date(2010, 1, 1), date(2020, 12, 31)),
            workdays_between(date(2010, 1, 1), date(2020, 12, 31)),
        )

    def test_negative_n_is_an_error(self):
        with self.assertRaises(ValueError):
            add_workdays(date(2017, 1, 3), -1)


class SeedTests(TestCase):
    def test_package_years_are_seeded_by_migration(self):
        years = set(CalendarYear.objects.values_list("year", flat=True))
        self.assertTrue(set(range(2004, 2027)) <= years)
        day = SpecialDay.objects.get(date=date(2017, 9, 30))
        self.assertEqual(
            (day.kind, day.name, day.source), (DayKind.WORKDAY, "国庆节调休", Source.PACKAGE)
        )
        self.assertEqual(SpecialDay.objects.get(date=date(2017, 10, 2)).name, "国庆节")


SCHEDULE_2027 = """元旦：1月1日至3日
春节：2月6日至2月13日
清明节：4月3日至5日
劳动节：5月1日至5日
端午节：6月9日
国庆节、中秋节：2027-10-01 至 2027-10-07
"""


class ScheduleEntryTests(TestCase):
    def test_parse_accepts_chinese_and_iso_dates_and_ranges(self):
        holidays, workdays = parse_schedule(
            2027, SCHEDULE_2027, "2月20日（星期六）、10月9日（星期六）上班"
        )
        self.assertIn(date(2027, 10, 4), holidays)
        self.assertEqual(holidays[date(2027, 2, 8)], "春节")
        self.assertNotIn(date(2027, 2, 6), holidays)  # a Saturday: already a day off
        self.assertEqual(set(workdays), {date(2027, 2, 20), date(2027, 10, 9)})

    def test_bad_lines_are_all_reported_with_their_line_numbers(self):
        with self.assertRaises(ValidationError) as caught:
            parse_schedule(2027, "元旦：1月1日\n春节：某月某日\n国庆：2028-10-01", "2月22日")
        text = " ".join(caught.exception.messages)
        self.assertIn("放假安排第2行", text)
        self.assertIn("不属于2027年", text)
        self.assertIn("本来就是工作日", text)

    def test_entering_a_year_makes_its_deadlines_computable_and_is_recorded(self):
        CalendarYear.objects.filter(year=2027).delete()
        schedule_enter(year=2027, holidays_text=SCHEDULE_2027, workdays_text="10月9日", note="测试")
        self.assertEqual(add_workdays(date(2027, 9, 30), 1), date(2027, 10, 8))
        self.assertEqual(add_workdays(date(2027, 10, 8), 1), date(2027, 10, 9))
        # A correction replaces the year's days and keeps both entries.
        schedule_enter(year=2027, holidays_text="国庆节：10月1日至10月8日")
        self.assertEqual(add_workdays(date(2027, 9, 30), 1), date(2027, 10, 11))
        self.assertEqual(CalendarYear.objects.get(year=2027).source, Source.STAFF)
        from workdays.models import ScheduleEntry

        self.assertEqual(ScheduleEntry.objects.filter(year=2027).count(), 2)

    def test_a_failed_entry_changes_nothing(self):
        before = SpecialDay.objects.filter(date__year=2026).count()
        with self.assertRaises(ValidationError):
            schedule_enter(year=2026, holidays_text="乱写的内容")
        self.assertEqual(SpecialDay.objects.filter(date__year=2026).count(), before)
        self.assertEqual(CalendarYear.objects.get(year=2026).source, Source.PACKAGE)


@pytest.mark.django_db
def test_admin_schedule_entry_form(admin_client):
    CalendarYear.objects.filter(year=2027).delete()
    url = "/admin/workdays/calendaryear/enter/"
    response = admin_client.post(url, {"year": 2027, "holidays_text": "元旦 1月1日\n春节：某日"})
    assert response.status_code == 200
    assert "第2行" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = admin_client.post(
        url, {"year": 2027, "holidays_text": SCHEDULE_2027, "note": "国办发明电"}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027, source=Source.STAFF).exists()
