from datetime import date

from django.test import SimpleTestCase

from proposals.deadlines import add_months, answer_due, latest_due


class AddMonthsTests(SimpleTestCase):
    def test_calendar_months_clamped_to_the_end_of_the_month(self):
        cases = [
            # (start, months, expected)
            (date(2023, 1, 31), 3, date(2023, 4, 30)),  # the example
            (date(2023, 1, 31), 1, date(2023, 2, 28)),
            (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
            (date(2023, 11, 30), 3, date(2024, 2, 29)),  # into a leap February
            (date(2024, 11, 30), 3, date(2025, 2, 28)),  # into an ordinary February
            (date(2024, 2, 29), 3, date(2024, 5, 29)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2099, 11, 30), 3, date(2100, 2, 28)),  # 2100 is not a leap year
            (date(2023, 10, 15), 3, date(2024, 1, 15)),  # across the year end
            (date(2023, 12, 31), 6, date(2024, 6, 30)),
            (date(2024, 8, 31), 6, date(2025, 2, 28)),
            (date(2024, 3, 1), 0, date(2024, 3, 1)),
        ]
        for start, months, expected in cases:
            with self.subTest(start=start, months=months):
                self.assertEqual(add_months(start, months), expected)

    def test_answer_due_in_three_months_at_most_six(self):
        self.assertEqual(answer_due(date(2023, 1, 31)), date(2023, 4, 30))
        self.assertEqual(latest_due(date(2023, 1, 31)), date(2023, 7, 31))
        self.assertEqual(latest_due(date(2023, 8, 31)), date(2024, 2, 29))
