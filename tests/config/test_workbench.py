from datetime import date

from django.template.loader import render_to_string
from django.test import TestCase

from accounts.models import Role
from config.admin_site import calendar_alert, missing_calendar_year
from tests.factories import make_agency, make_staff
from workdays.deadlines import Deadline, classify
from workdays.models import CalendarYear


def deadline(due, title="事项"):
    return Deadline(
        due=due, kind="依申请公开", title=title, url="/admin/", agency="某局", status="办理中"
    )


class ClassifyTests(TestCase):
    def test_rows_are_sorted_and_classified_in_working_days(self):
        today = date(2017, 9, 29)  # Friday before National Day 2017
        rows = classify(
            [
                deadline(date(2017, 10, 27), "远"),
                deadline(date(2017, 9, 26), "超期"),
                deadline(date(2017, 10, 12), "将到期"),
            ],
            today,
        )
        self.assertEqual([r["deadline"].title for r in rows], ["超期", "将到期", "远"])
        self.assertEqual([r["state"] for r in rows], ["overdue", "soon", "ok"])
        self.assertEqual(rows[0]["workdays"], 3)  # 9-27, 9-28, 9-29 late
        # 9-30 (make-up Saturday), 10-09 … 10-12: five working days left despite the holiday week.
        self.assertEqual(rows[1]["workdays"], 5)

    def test_a_deadline_in_a_year_without_calendar_is_flagged_not_guessed(self):
        CalendarYear.objects.filter(year=2027).delete()
        rows = classify([deadline(date(2027, 1, 20))], date(2026, 12, 1))
        self.assertEqual(rows[0]["state"], "unknown")
        self.assertIsNone(rows[0]["workdays"])

    def test_empty(self):
        self.assertEqual(classify([], date(2017, 1, 3)), [])


class WorkbenchTests(TestCase):
    def test_reminds_to_enter_next_years_schedule_late_in_the_year(self):
        CalendarYear.objects.filter(year=2027).delete()
        self.assertEqual(missing_calendar_year(date(2026, 11, 25)), 2027)
        self.assertIsNone(missing_calendar_year(date(2026, 6, 1)))
        self.assertIsNone(missing_calendar_year(date(2025, 11, 25)))  # 2026 is known

    def test_admin_index_is_the_workbench(self):
        agency = make_agency()
        self.client.force_login(make_staff(agency, Role.CLERK))
        response = self.client.get("/admin/")
        self.assertContains(response, "期限提醒")


class CalendarAlertTests(TestCase):
    """The missing-year reminder goes to who can enter the calendar, others only when affected."""

    today = date(2026, 11, 25)

    def setUp(self):
        CalendarYear.objects.filter(year=2027).delete()
        self.agency = make_agency()

    def test_a_district_admin_is_reminded_without_any_affected_deadline(self):
        admin = make_staff(self.agency, Role.DISTRICT_ADMIN)
        self.assertEqual(calendar_alert(admin, [], self.today), (2027, 0))

    def test_a_clerk_is_not_reminded_when_none_of_the_deadlines_needs_the_year(self):
        clerk = make_staff(self.agency, Role.CLERK)
        rows = classify([deadline(date(2026, 12, 10))], self.today)
        self.assertEqual(calendar_alert(clerk, rows, self.today), (None, 0))

    def test_a_clerk_is_told_when_a_deadline_reaches_the_missing_year(self):
        clerk = make_staff(self.agency, Role.CLERK)
        rows = classify(
            [deadline(date(2026, 12, 10)), deadline(date(2027, 1, 20), "跨年")], self.today
        )
        self.assertEqual(calendar_alert(clerk, rows, self.today), (2027, 1))

    def test_nobody_is_reminded_while_the_year_is_entered(self):
        admin = make_staff(self.agency, Role.DISTRICT_ADMIN)
        self.assertEqual(calendar_alert(admin, [], date(2025, 11, 25)), (None, 0))


class DeadlineStateCellTests(TestCase):
    """The 剩余工作日 cell reads right when a deadline passed over a weekend."""

    def cell(self, due, today):
        (row,) = classify([deadline(due)], today)
        return render_to_string("admin/_deadline_state.html", {"row": row}).strip()

    def test_due_friday_seen_on_sunday_is_overdue_by_less_than_a_working_day(self):
        # 2026-11-27 is a Friday, 2026-11-29 a Sunday: past due, no working day lost yet.
        self.assertIn("已超期（不足1个工作日）", self.cell(date(2026, 11, 27), date(2026, 11, 29)))

    def test_working_days_late_are_counted(self):
        self.assertIn("超期 1 个工作日", self.cell(date(2026, 11, 27), date(2026, 11, 30)))
