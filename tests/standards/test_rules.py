"""公开时限 wordings read into rules; anything not certain stays 人工核对 with its text."""

import random
from datetime import date

from django.test import SimpleTestCase

from standards.rules import RuleKind, add_months, parse, safe_date

WORDINGS = [
    ("信息形成或变更之日起20个工作日内", RuleKind.WORKDAYS, {"workdays": 20}),
    ("按进展情况及时公开", RuleKind.PROMPT, {}),
    ("半年至少更新1次", RuleKind.EVERY_MONTHS, {"months": 6}),
    ("每季度", RuleKind.EVERY_MONTHS, {"months": 3}),
    ("每年1月31日前", RuleKind.YEARLY_BY, {"month": 1, "day": 31}),
    ("实时/常态化", RuleKind.PROMPT, {}),
    ("常态化公开", RuleKind.PROMPT, {}),
    ("实时公开", RuleKind.PROMPT, {}),
    ("每月更新", RuleKind.EVERY_MONTHS, {"months": 1}),
    ("每年至少更新一次", RuleKind.EVERY_MONTHS, {"months": 12}),
    ("信息形成或者变更之日起二十个工作日内", RuleKind.WORKDAYS, {"workdays": 20}),
    ("自信息形成或变更之日起15个工作日内", RuleKind.WORKDAYS, {"workdays": 15}),
]


class ParseTests(SimpleTestCase):
    def test_each_wording_of_the_catalogues(self):
        for text, kind, values in WORDINGS:
            with self.subTest(text):
                rule = parse(text)
                assert rule.kind == kind
                assert rule.text == text
                assert rule.kind == RuleKind.MANUAL or rule.label != "人工核对"
                for name, value in values.items():
                    assert getattr(rule, name) == value

    def test_unknown_wording_is_kept_for_a_person(self):
        for text in [
            "视情况而定",
            "每两周",  # a wording no catalogue at hand uses: never guessed
            "信息形成之日起约20日",
            "按上级要求",
            "20个工作日",
        ]:
            with self.subTest(text):
                rule = parse(text)
                assert rule.kind == RuleKind.MANUAL
                assert rule.text == text
                assert rule.reason
                assert rule.label == "人工核对"
                assert not rule.checkable

    def test_empty_cell_is_manual_and_says_so(self):
        rule = parse("")
        assert rule.kind == RuleKind.MANUAL
        assert rule.reason == "目录未载明公开时限"

    def test_meeting_notice_is_manual_because_the_meeting_date_is_not_recorded(self):
        rule = parse("提前一周发通知邀请")
        assert rule.kind == RuleKind.MANUAL
        assert "会议" in rule.reason

    def test_impossible_date_is_not_read(self):
        assert parse("每年13月31日前").kind == RuleKind.MANUAL


class ParsePropertyTests(SimpleTestCase):
    """Properties over generated wordings (a fixed seed, so a failure repeats)."""

    CN = {1: "一", 2: "二", 3: "三", 5: "五", 7: "七", 10: "十", 15: "十五", 20: "二十", 30: "三十"}

    def test_any_count_of_working_days_is_read_back(self):
        for n in range(1, 91):
            assert parse(f"信息形成或变更之日起{n}个工作日内").workdays == n
        for n, written in self.CN.items():
            assert parse(f"信息形成或变更之日起{written}个工作日内").workdays == n

    def test_spaces_and_punctuation_never_change_the_rule(self):
        chance = random.Random(18)
        for text, kind, values in WORDINGS:
            for _ in range(25):
                chars = list(text)
                for _ in range(chance.randint(1, 4)):
                    chars.insert(
                        chance.randint(0, len(chars)), chance.choice([" ", "\u3000", "\n"])
                    )
                spaced = "".join(chars) + chance.choice(["", "。", "；"])
                rule = parse(spaced)
                assert rule.kind == kind, spaced
                assert rule.text == spaced.strip()
                for name, value in values.items():
                    assert getattr(rule, name) == value

    def test_every_yearly_date_is_read(self):
        for month in range(1, 13):
            for day in (1, 15, 28):
                rule = parse(f"每年{month}月{day}日前")
                assert (rule.kind, rule.month, rule.day) == (RuleKind.YEARLY_BY, month, day)

    def test_random_text_never_raises_and_is_never_guessed_as_a_deadline(self):
        chance = random.Random(2019)
        alphabet = (
            "信息形成变更之日起个工作日内每年月季度半更新次及时公开按进展实时常态化0123456789 /、"
        )
        for _ in range(3000):
            text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 18)))
            rule = parse(text)
            if rule.kind == RuleKind.WORKDAYS:
                assert "工作日" in text and "之日起" in text
            if rule.kind == RuleKind.YEARLY_BY:
                assert text.replace(" ", "").startswith("每年")
            if rule.kind == RuleKind.MANUAL:
                assert rule.reason


class MonthArithmeticTests(SimpleTestCase):
    def test_calendar_months_end_on_the_months_last_day_when_shorter(self):
        for start, months, end in [
            (date(2017, 1, 31), 6, date(2017, 7, 31)),
            (date(2017, 8, 31), 6, date(2018, 2, 28)),
            (date(2019, 8, 29), 6, date(2020, 2, 29)),
            (date(2017, 12, 15), 1, date(2018, 1, 15)),
            (date(2017, 3, 31), 3, date(2017, 6, 30)),
            (date(2016, 2, 29), 12, date(2017, 2, 28)),
        ]:
            with self.subTest(start=start, months=months):
                assert add_months(start, months) == end

    def test_safe_date(self):
        assert safe_date(2021, 2, 31) == date(2021, 2, 28)
