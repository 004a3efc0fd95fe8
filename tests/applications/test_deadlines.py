"""Deadline scenarios as tables, through the services (the stored due date)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts.models import Role
from applications import deadlines, fees, services
from applications.models import ApplicationEvent, Channel, EventKind, PauseKind
from tests.applications.builders import handling, register
from tests.factories import make_agency, make_staff
from workdays.models import CalendarYear, SpecialDay


class AnswerDueTests(TestCase):
    """20 working days, the day of receipt not counted; checked against the State Council schedules."""

    CASES = [
        # (received on, due on, why)
        (
            date(2019, 9, 25),
            date(2019, 10, 28),
            "National Day 2019 and the make-up Sunday 9-29 and Saturday 10-12",
        ),
        (date(2024, 6, 15), date(2024, 7, 12), "received on a Saturday: counting starts on Monday"),
        (date(2024, 6, 14), date(2024, 7, 12), "…the same as received on the Friday before"),
        (
            date(2024, 9, 27),
            date(2024, 10, 30),
            "across National Day 2024 with make-up Sunday 9-29 and Saturday 10-12",
        ),
        (date(2021, 3, 15), date(2021, 4, 13), "Qingming 2021 (Monday 4-5 off)"),
    ]

    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def test_domain_example_counts_20_working_days_across_national_day_2017(self):
        # Received 2017-09-25: 10-01…08 off, Saturday 9-30 worked → 2017-10-27.
        self.assertEqual(deadlines.answer_due(clock_start=date(2017, 9, 25)), date(2017, 10, 27))

    def test_due_dates(self):
        for received, due, why in self.CASES:
            with self.subTest(why):
                application = register(self.agency, self.clerk, received)
                self.assertEqual(application.due_date, due)
                self.assertEqual(deadlines.answer_due(clock_start=received), due)


class ReceiptDateTests(TestCase):
    """Art. 31: which day counts as the day of receipt, per channel."""

    CASES = [
        (Channel.IN_PERSON, {}, date(2024, 3, 4)),
        (Channel.PHONE, {}, date(2024, 3, 4)),
        (Channel.POST, {"signed_on": date(2024, 3, 7)}, date(2024, 3, 7)),
        (Channel.FAX, {"confirmed_on": date(2024, 3, 5)}, date(2024, 3, 5)),
        (Channel.EMAIL, {"confirmed_on": date(2024, 3, 6)}, date(2024, 3, 6)),
    ]

    def test_receipt_date_per_channel(self):
        for channel, extra, expected in self.CASES:
            with self.subTest(channel):
                got = services.receipt_date(channel=channel, submitted_on=date(2024, 3, 4), **extra)
                self.assertEqual(got, expected)

    def test_post_without_signing_date_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            services.receipt_date(channel=Channel.POST, submitted_on=date(2024, 3, 4))
        self.assertIn("签收日期", str(ctx.exception))

    def test_signing_before_posting_is_refused(self):
        with self.assertRaises(ValidationError):
            services.receipt_date(
                channel=Channel.POST, submitted_on=date(2024, 3, 4), signed_on=date(2024, 3, 1)
            )

    def test_registered_post_application_counts_from_the_signing_day(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        application = register(
            agency, clerk, date(2024, 6, 11), channel=Channel.POST, signed_on=date(2024, 6, 14)
        )
        self.assertEqual(application.received_on, date(2024, 6, 14))
        self.assertEqual(application.due_date, date(2024, 7, 12))


class ClockTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)

    def test_correction_restarts_the_clock_from_the_corrected_application(self):
        application = register(self.agency, self.clerk, date(2022, 5, 11))
        services.application_review(application=application, by=self.clerk, on=date(2022, 5, 12))
        application = services.application_request_correction(
            application=application, by=self.clerk, items="写明文件名称", on=date(2022, 5, 13)
        )
        # While waiting, the stored date is the applicant's correction deadline (10 working days).
        self.assertEqual(application.due_date, date(2022, 5, 27))
        application = services.application_receive_correction(
            application=application, by=self.clerk, on=date(2022, 5, 20)
        )
        # Dragon Boat Festival 2022-06-03 (Friday) is not counted.
        self.assertEqual(application.due_date, date(2022, 6, 20))
        self.assertEqual(application.clock_start, date(2022, 5, 20))

    def test_consultation_during_a_holiday_excludes_only_its_working_days(self):
        application = handling(self.agency, self.clerk, date(2024, 9, 20))
        self.assertEqual(application.due_date, date(2024, 10, 23))
        application = services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.THIRD_PARTY,
            party="某公司",
            on=date(2024, 9, 27),
        )
        pause = application.pauses.get()
        self.assertEqual(pause.until, date(2024, 10, 23))  # 15 working days for the third party
        application = services.application_resume(
            application=application, by=self.clerk, on=date(2024, 10, 14)
        )
        # 8 working days paused (9-29, 9-30, 10-8…10-12, 10-14): 20 + 8 after 9-20.
        self.assertEqual(application.due_date, date(2024, 11, 4))
        event = ApplicationEvent.objects.filter(
            application=application, kind=EventKind.RESUMED
        ).get()
        self.assertEqual((event.old_due, event.new_due), (date(2024, 11, 13), date(2024, 11, 4)))

    def test_extension_adds_working_days_and_is_recorded_with_both_dates(self):
        application = handling(self.agency, self.clerk, date(2024, 6, 14))
        application = services.application_extend(
            application=application, by=self.head, days=20, reason="需调取档案", on=date(2024, 7, 1)
        )
        self.assertEqual(application.due_date, date(2024, 8, 9))
        event = application.events.get(kind=EventKind.EXTENDED)
        self.assertEqual((event.old_due, event.new_due), (date(2024, 7, 12), date(2024, 8, 9)))

    def test_extension_into_a_year_without_calendar_gives_a_provisional_date(self):
        CalendarYear.objects.filter(year=2026).delete()
        SpecialDay.objects.filter(date__year=2026).delete()  # as before its notice is entered
        application = handling(self.agency, self.clerk, date(2025, 12, 1))
        # While 2026 is unknown its notice may still make a December 2025 weekend a working day
        # (as 2018-12-29 was for 元旦 2019), so those count: 20 days → Sunday 12-21, provisional.
        self.assertEqual(
            (application.due_date, application.due_provisional), (date(2025, 12, 21), True)
        )
        application = services.application_extend(
            application=application,
            by=self.head,
            days=20,
            reason="需调取档案",
            on=date(2025, 12, 10),
        )
        # 12-22…12-31 (30), 1-1 off, then every day of 2026 counts: 1-2…1-11 (40).
        self.assertEqual(
            (application.extension_days, application.due_date, application.due_provisional),
            (20, date(2026, 1, 11), True),
        )

    def test_fee_period_is_not_counted(self):
        application = handling(self.agency, self.clerk, date(2025, 3, 3))
        application = services.application_fee_notice(
            application=application,
            by=self.clerk,
            method="by_page",
            pages=120,
            on=date(2025, 3, 10),
        )
        self.assertEqual(application.fee_amount, Decimal("1100"))
        application = services.application_fee_paid(
            application=application, by=self.clerk, amount=Decimal("1100"), on=date(2025, 3, 20)
        )
        # 8 working days (3-11…3-20) not counted; Qingming 2025-04-04 is a holiday.
        self.assertEqual(application.due_date, date(2025, 4, 11))


class FeeTests(TestCase):
    def test_fee_by_count_bands(self):
        for nth, fee in [
            (1, 0),
            (10, 0),
            (11, 100),
            (30, 100),
            (31, 200),
            (40, 200),
            (41, 300),
            (55, 400),
        ]:
            with self.subTest(nth=nth):
                self.assertEqual(fees.fee_by_count(nth), Decimal(fee))

    def test_fee_by_pages_is_progressive(self):
        for pages, fee in [(30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)]:
            with self.subTest(pages=pages):
                self.assertEqual(fees.fee_by_pages(pages), Decimal(fee))


class UnknownYearReceiptTests(TestCase):
    def test_an_application_is_received_even_without_a_calendar_with_a_provisional_date(self):
        CalendarYear.objects.filter(year=2025).delete()
        SpecialDay.objects.filter(date__year=2025).delete()
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        application = register(agency, clerk, date(2024, 12, 20))
        # Every day after 12-20 but 1-1 counts (December weekends too, see above): 2025-01-10
        # (the true date, with the 2025 schedule, is 2025-01-20).
        self.assertEqual(
            (application.due_date, application.due_provisional), (date(2025, 1, 10), True)
        )
        services.application_review(application=application, by=clerk, on=date(2024, 12, 20))
