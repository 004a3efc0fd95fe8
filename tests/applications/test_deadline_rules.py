"""The deadline rules of issue 14: provisional dates, late pauses, extensions and corrections, the
2007 Regulations, impossible registration dates, and recomputation when a year is entered."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts.models import Role
from applications import deadlines, services
from applications.dashboard import deadlines as board_deadlines
from applications.models import Application, ApplicationEvent, Channel, EventKind, PauseKind
from applications.services.steps import due
from tests.applications.builders import applicant, handling, register
from tests.factories import make_agency, make_staff
from workdays.calendar import UnknownCalendarYear, WorkdayCalendar, is_fixed_holiday
from workdays.deadlines import classify
from workdays.models import CalendarYear, SpecialDay
from workdays.services import schedule_enter

# The State Council's 2025 schedule (国办发明电〔2024〕12号) as a clerk types it.
HOLIDAYS_2025 = """元旦：1月1日
春节：1月28日至2月4日
清明节：4月4日至6日
劳动节：5月1日至5日
端午节：5月31日至6月2日
国庆节、中秋节：10月1日至8日"""
WORKDAYS_2025 = (
    "1月26日（星期日）、2月8日（星期六）、4月27日（星期日）、9月28日（星期日）、10月11日（星期六）"
)


def forget(year):
    """The database as it was before ``year``'s notice was entered."""
    CalendarYear.objects.filter(year__gte=year).delete()
    SpecialDay.objects.filter(date__gte=date(year - 1, 12, 1)).delete()


class ProvisionalRuleTests(TestCase):
    """The provisional date is never later than the true one, whatever the schedule turns out to be."""

    @classmethod
    def setUpTestData(cls):
        cls.full = WorkdayCalendar.load(date(2008, 1, 1), date(2027, 6, 30))

    def without(self, year):
        """The in-memory calendar before ``year``'s notice: its days and the December before are
        unknown (the notice for 2019 set 2018-12-29 and 2018-12-31)."""

        def keep(day):
            return day < date(year - 1, 12, 1)

        return WorkdayCalendar(
            self.full.first,
            self.full.last,
            frozenset(filter(keep, self.full.holidays)),
            frozenset(filter(keep, self.full.workdays)),
            frozenset(y for y in self.full.known_years if y < year),
            provisional=True,
        )

    def test_provisional_is_never_later_than_true_for_every_year_2009_to_2026(self):
        # Every start from November of the year before to the end of the unknown year, 15/20/40
        # working days, with and without a consultation pause: ~17 000 comparisons in memory.
        checked = 0
        for year in range(2009, 2027):
            guess = self.without(year)
            start = date(year - 1, 11, 1)
            while start <= date(year, 12, 31) - timedelta(days=70):
                for n in (15, 20, 40):
                    for pauses in ((), ((start + timedelta(days=3), start + timedelta(days=24)),)):
                        try:
                            true = deadlines.walk(self.full, start, n, pauses)
                        except UnknownCalendarYear:  # reaches 2027, which nobody knows yet
                            continue
                        provisional = deadlines.walk(guess, start, n, pauses)
                        self.assertLessEqual(provisional, true, (year, start, n, pauses))
                        checked += 1
                start += timedelta(days=2)
        self.assertGreater(checked, 15000)

    def test_a_monday_to_friday_guess_would_be_late_where_make_up_days_come_first(self):
        # Why weekends count: 2026-01-04 (Sunday) was a make-up working day. Received 2025-12-12,
        # the true 20th working day is 2026-01-12; Monday–Friday with 1-1…1-2 off gives 01-13.
        start, n = date(2025, 12, 12), 20
        true = deadlines.walk(self.full, start, n)
        self.assertEqual(true, date(2026, 1, 12))
        monday_to_friday = start
        for _ in range(n):
            monday_to_friday += timedelta(days=1)
            while monday_to_friday.weekday() >= 5 or monday_to_friday in (
                date(2026, 1, 1),
                date(2026, 1, 2),
            ):
                monday_to_friday += timedelta(days=1)
        self.assertGreater(monday_to_friday, true)  # a Mon–Fri guess would make staff late
        self.assertLessEqual(deadlines.walk(self.without(2026), start, n), true)

    CASES = [
        # (clock start, working days, year not yet entered, date, provisional, why); each case
        # forgets its year and every later one, so the years go down.
        (date(2026, 4, 20), 20, 2027, date(2026, 5, 20), False, "2026 known, far from December"),
        (
            date(2026, 12, 25),
            5,
            2027,
            date(2026, 12, 30),
            True,
            "Saturday 12-26, Sunday 12-27 count",
        ),
        (date(2026, 12, 28), 5, 2027, date(2027, 1, 3), True, "1-1 (fixed 元旦) never counts"),
        (
            date(2025, 9, 20),
            20,
            2026,
            date(2025, 10, 23),
            False,
            "2025 known: true National Day 2025",
        ),
        (
            date(2024, 11, 1),
            20,
            2025,
            date(2024, 11, 29),
            False,
            "no December day reached: a true date",
        ),
        (
            date(2024, 11, 20),
            20,
            2025,
            date(2024, 12, 13),
            True,
            "Sunday 12-01 and 12-07, 12-08 count",
        ),
        (
            date(2024, 12, 20),
            20,
            2025,
            date(2025, 1, 10),
            True,
            "every day but 1-1 counts (weekends too)",
        ),
    ]

    def test_provisional_dates(self):
        for start, n, year, expected, provisional, why in self.CASES:
            with self.subTest(why):
                forget(year)
                due = deadlines.answer_due_provisional(clock_start=start, answer_days=n)
                self.assertEqual((due.date, due.provisional), (expected, provisional))
                if year in self.full.known_years:  # the true date is never earlier
                    self.assertLessEqual(due.date, deadlines.walk(self.full, start, n))

    def test_fixed_holidays(self):
        self.assertEqual(
            [
                d
                for d in (
                    date(2031, 1, 1),
                    date(2031, 5, 1),
                    date(2031, 10, 3),
                    date(2031, 10, 4),
                    date(2031, 2, 1),
                )
                if is_fixed_holiday(d)
            ],
            [date(2031, 1, 1), date(2031, 5, 1), date(2031, 10, 3)],
        )

    def test_strict_computation_still_refuses_an_unknown_year(self):
        forget(2025)
        with self.assertRaises(ValidationError) as ctx:
            deadlines.checked(deadlines.answer_due, clock_start=date(2024, 12, 20))
        self.assertIn("2025年的节假日安排尚未录入", ctx.exception.messages[0])


class LatePauseTests(TestCase):
    """Art. 32/33: a pause counts only if it began while the period was still running."""

    @classmethod
    def setUpTestData(cls):
        cls.calendar = WorkdayCalendar.load(date(2024, 1, 1), date(2026, 12, 31))

    CASES = [
        # (clock start, pause start, pause end, due, why)
        (
            date(2025, 11, 3),
            None,
            None,
            date(2025, 12, 1),
            "no pause: 2025-12-01 (the issue's example)",
        ),
        (
            date(2025, 11, 3),
            date(2025, 12, 4),
            date(2025, 12, 24),
            date(2025, 12, 1),
            "begun 3 working days late: moves nothing (the issue saw 12-15)",
        ),
        (
            date(2025, 11, 3),
            date(2025, 12, 2),
            date(2025, 12, 5),
            date(2025, 12, 1),
            "begun the day after the due date: moves nothing",
        ),
        (
            date(2025, 11, 3),
            date(2025, 12, 1),
            date(2025, 12, 10),
            date(2025, 12, 10),
            "begun on the last day: answer due the day the consultation ends",
        ),
        (
            date(2025, 11, 3),
            date(2025, 11, 28),
            date(2025, 12, 10),
            date(2025, 12, 11),
            "begun with 1 working day left: that day after the pause",
        ),
        (
            date(2025, 11, 3),
            date(2025, 11, 4),
            date(2025, 11, 10),
            date(2025, 12, 5),
            "4 working days paused inside the period (11-05…11-10): +4",
        ),
        (
            date(2025, 9, 19),
            date(2025, 9, 26),
            date(2025, 10, 13),
            date(2025, 11, 3),
            "pause across National Day 2025 and make-up Sunday 9-28 / Saturday 10-11",
        ),
        (
            date(2025, 12, 10),
            date(2025, 12, 12),
            date(2025, 12, 19),
            date(2026, 1, 15),
            "pause in December, period across 元旦 2026 and make-up Sunday 2026-01-04",
        ),
        (
            date(2025, 11, 3),
            date(2025, 10, 20),
            date(2025, 11, 10),
            date(2025, 12, 1),
            "pause before the clock start (before a correction): ignored",
        ),
    ]

    def test_pauses(self):
        for start, pause_start, pause_end, expected, why in self.CASES:
            with self.subTest(why):
                pauses = [(pause_start, pause_end)] if pause_start else []
                self.assertEqual(deadlines.walk(self.calendar, start, 20, pauses), expected)

    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def test_a_late_consultation_is_allowed_but_the_application_stays_overdue(self):
        application = handling(self.agency, self.clerk, date(2025, 11, 3))
        self.assertEqual(application.due_date, date(2025, 12, 1))
        application = services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.THIRD_PARTY,
            party="某公司",
            on=date(2025, 12, 4),
        )
        self.assertEqual(application.due_date, date(2025, 12, 1))
        self.assertIn(application, Application.objects.overdue(date(2025, 12, 4)))
        event = application.events.get(kind=EventKind.PAUSED)
        self.assertIn("答复期限已于2025-12-01届满", event.note)
        application = services.application_resume(
            application=application, by=self.clerk, on=date(2025, 12, 24)
        )
        self.assertEqual(application.due_date, date(2025, 12, 1))

    def test_a_late_fee_notice_moves_nothing(self):
        application = handling(self.agency, self.clerk, date(2025, 11, 3))
        application = services.application_fee_notice(
            application=application,
            by=self.clerk,
            method="by_page",
            pages=120,
            on=date(2025, 12, 3),
        )
        self.assertEqual(application.due_date, date(2025, 12, 1))
        self.assertIn("仍属逾期", application.events.get(kind=EventKind.FEE_NOTIFIED).note)

    def test_a_timely_consultation_still_stops_the_clock(self):
        application = handling(self.agency, self.clerk, date(2025, 11, 3))
        application = services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.AGENCY,
            party="区财政局",
            on=date(2025, 11, 28),
        )
        self.assertEqual(application.pauses.get().until, date(2025, 12, 19))
        self.assertEqual(application.due_date, date(2025, 12, 22))  # 1 day left after 12-19
        self.assertNotIn("届满", application.events.get(kind=EventKind.PAUSED).note)


class ExtensionAndCorrectionTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)

    def test_an_extension_before_a_correction_does_not_carry_into_the_restarted_period(self):
        application = handling(self.agency, self.clerk, date(2024, 6, 3))
        application = services.application_extend(
            application=application, by=self.head, days=20, reason="需调取档案", on=date(2024, 6, 4)
        )
        self.assertEqual(application.due_date, date(2024, 7, 30))
        application = services.application_request_correction(
            application=application, by=self.clerk, items="写明文件名称", on=date(2024, 6, 5)
        )
        application = services.application_receive_correction(
            application=application, by=self.clerk, on=date(2024, 6, 12)
        )
        # 20 working days from 06-12 (Dragon Boat 06-10 is before it), not 40.
        self.assertEqual((application.extension_days, application.due_date), (0, date(2024, 7, 10)))
        note = application.events.get(kind=EventKind.CORRECTION_RECEIVED).note
        self.assertIn("须重新批准", note)
        # The restarted period may be extended once, with a new approval.
        application = services.application_accept(
            application=application, by=self.clerk, on=date(2024, 6, 12)
        )
        application = services.application_extend(
            application=application,
            by=self.head,
            days=10,
            reason="补正后仍需调取档案",
            on=date(2024, 7, 1),
        )
        self.assertEqual(application.due_date, date(2024, 7, 24))
        with self.assertRaises(ValidationError):
            services.application_extend(
                application=application,
                by=self.head,
                days=5,
                reason="再次延期",
                on=date(2024, 7, 2),
            )

    def test_an_old_extension_dated_before_the_clock_start_is_not_counted(self):
        # Rows written before this rule (an extension kept after a correction) read the same way.
        application = handling(self.agency, self.clerk, date(2024, 6, 3))
        Application.objects.filter(pk=application.pk).update(
            extension_days=20, extended_on=date(2024, 6, 4), clock_start=date(2024, 6, 12)
        )
        application.refresh_from_db()
        self.assertEqual(due(application), date(2024, 7, 10))
        Application.objects.filter(pk=application.pk).update(extended_on=date(2024, 6, 12))
        application.refresh_from_db()
        self.assertEqual(due(application), date(2024, 8, 7))  # approved in the running period


class Regulations2007Tests(TestCase):
    """Applications received before 2019-05-15 (imported history): 15 + at most 15."""

    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)

    CASES = [
        (date(2017, 9, 25), date(2017, 10, 20), "15 across National Day 2017 and make-up 9-30"),
        (date(2018, 12, 20), date(2019, 1, 11), "15 across 元旦 2019 (12-29 worked, 12-31 off)"),
        (date(2019, 5, 14), date(2019, 6, 4), "the last day under the 2007 Regulations: 15"),
        (date(2019, 5, 15), date(2019, 6, 13), "the first day under the 2019 Regulations: 20"),
    ]

    def test_answer_periods(self):
        for received, expected, why in self.CASES:
            with self.subTest(why):
                self.assertEqual(register(self.agency, self.clerk, received).due_date, expected)

    def test_extension_is_at_most_15_under_the_2007_regulations(self):
        application = handling(self.agency, self.clerk, date(2018, 3, 1))
        with self.assertRaises(ValidationError) as ctx:
            services.application_extend(
                application=application,
                by=self.head,
                days=16,
                reason="需调取档案",
                on=date(2018, 3, 5),
            )
        self.assertIn("最长不得超过15个工作日", str(ctx.exception))
        application = services.application_extend(
            application=application, by=self.head, days=15, reason="需调取档案", on=date(2018, 3, 5)
        )
        self.assertEqual(application.due_date, date(2018, 4, 13))  # 30 after 3-1, Qingming 4-5…6


class RegistrationDateTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    CASES = [
        (
            Channel.IN_PERSON,
            date(1, 1, 1),
            {},
            "submitted_on",
            "早于《中华人民共和国政府信息公开条例》施行之日",
        ),
        (Channel.IN_PERSON, date(2008, 4, 30), {}, "submitted_on", "2008年5月1日"),
        (Channel.IN_PERSON, date(2099, 1, 1), {}, "submitted_on", "晚于今天"),
        (Channel.POST, date(2024, 3, 1), {"signed_on": date(2099, 3, 4)}, "signed_on", "晚于今天"),
        (
            Channel.FAX,
            date(2007, 3, 1),
            {"confirmed_on": date(2024, 3, 4)},
            "submitted_on",
            "2008年5月1日",
        ),
    ]

    def test_impossible_dates_are_refused_on_their_field(self):
        for channel, submitted, extra, field, message in self.CASES:
            with self.subTest(channel=channel, submitted=submitted):
                with self.assertRaises(ValidationError) as ctx:
                    register(self.agency, self.clerk, submitted, channel=channel, **extra)
                self.assertIn(field, ctx.exception.error_dict)
                self.assertIn(message, " ".join(ctx.exception.error_dict[field][0].messages))
        self.assertFalse(Application.objects.exists())

    def test_the_first_possible_day_is_accepted(self):
        application = register(self.agency, self.clerk, date(2008, 5, 1))
        self.assertTrue(application.tracking_number.startswith("YS20080501-"))
        self.assertEqual(application.due_date, date(2008, 5, 22))  # 15 working days, 2007 rules


class RecomputeOnEntryTests(TestCase):
    def setUp(self):
        forget(2025)
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.admin = make_staff(self.agency, Role.HEAD)

    def test_entering_the_year_recomputes_open_provisional_applications_with_an_event(self):
        open_one = handling(self.agency, self.clerk, date(2024, 12, 20))
        waiting = register(
            self.agency, self.clerk, date(2024, 12, 18), person=applicant(name="李测试")
        )
        closed = register(
            self.agency, self.clerk, date(2024, 12, 19), person=applicant(name="王测试")
        )
        services.application_withdraw(application=closed, by=self.clerk, on=date(2024, 12, 19))
        closed.refresh_from_db()
        self.assertEqual((open_one.due_date, open_one.due_provisional), (date(2025, 1, 10), True))
        rows = classify(board_deadlines(self.admin, date(2024, 12, 23)), date(2024, 12, 23))
        self.assertEqual([r["deadline"].provisional for r in rows], [True, True])

        entry = schedule_enter(
            year=2025,
            holidays_text=HOLIDAYS_2025,
            workdays_text=WORKDAYS_2025,
            note="国办发明电〔2024〕12号",
            by=self.admin,
        )

        self.assertEqual(entry.recomputed, 2)
        open_one.refresh_from_db()
        self.assertEqual((open_one.due_date, open_one.due_provisional), (date(2025, 1, 20), False))
        event = open_one.events.get(kind=EventKind.RECALCULATED)
        self.assertEqual(
            (event.old_due, event.new_due, event.actor),
            (date(2025, 1, 10), date(2025, 1, 20), self.admin),
        )
        self.assertIn("录入2025年放假安排后重算（暂定期限2025-01-10）", event.note)
        waiting.refresh_from_db()
        self.assertEqual((waiting.due_date, waiting.due_provisional), (date(2025, 1, 16), False))
        # A closed application keeps its record untouched.
        self.assertFalse(
            ApplicationEvent.objects.filter(
                application=closed, kind=EventKind.RECALCULATED
            ).exists()
        )
        # Entering the same schedule again moves nothing and writes nothing.
        again = schedule_enter(
            year=2025, holidays_text=HOLIDAYS_2025, workdays_text=WORKDAYS_2025, by=self.admin
        )
        self.assertEqual(again.recomputed, 0)
        self.assertEqual(ApplicationEvent.objects.filter(kind=EventKind.RECALCULATED).count(), 2)

    def test_the_admin_form_reports_how_many_were_recomputed(self):
        handling(self.agency, self.clerk, date(2024, 12, 20))
        self.client.force_login(make_staff(self.agency, Role.DISTRICT_ADMIN))
        response = self.client.post(
            "/admin/workdays/calendaryear/enter/",
            {
                "year": 2025,
                "note": "",
                "holidays_text": HOLIDAYS_2025,
                "workdays_text": WORKDAYS_2025,
            },
            follow=True,
        )
        self.assertContains(response, "已按新日历重算1件的期限")


class BoardTests(TestCase):
    def test_provisional_rows_are_counted_and_other_rows_in_an_unknown_year_are_unknown(self):
        from workdays.deadlines import Deadline

        forget(2025)
        row = {"kind": "依申请公开", "title": "t", "url": "/", "agency": "a", "status": "s"}
        guessed = Deadline(due=date(2025, 1, 10), provisional=True, **row)
        other = Deadline(due=date(2025, 1, 10), **row)
        known = Deadline(due=date(2024, 11, 29), **row)
        with self.assertNumQueries(2):
            rows = classify([guessed, other, known], date(2024, 11, 22))
        states = [(r["deadline"].provisional, r["state"], r["workdays"]) for r in rows]
        # 11-25…11-29 are 5 working days whatever December brings; 暂定 counts them, all 31 days of
        # December and 1-2…1-10 (45).
        self.assertEqual(states, [(False, "soon", 5), (True, "ok", 45), (False, "unknown", None)])


class SpecialDayCorrectionTests(TestCase):
    def test_a_day_corrected_in_the_admin_recomputes_the_open_applications(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        application = handling(agency, clerk, date(2024, 6, 14))
        self.assertEqual(application.due_date, date(2024, 7, 12))
        self.client.force_login(make_staff(agency, Role.DISTRICT_ADMIN))
        response = self.client.post(
            "/admin/workdays/specialday/add/",
            {
                "date": "2024-07-01",
                "kind": "holiday",
                "name": "测试假日",
                "source": "staff",
                "note": "更正",
            },
        )
        self.assertEqual(response.status_code, 302)
        application.refresh_from_db()
        self.assertEqual(application.due_date, date(2024, 7, 15))
        self.assertTrue(application.events.filter(kind=EventKind.RECALCULATED).exists())
