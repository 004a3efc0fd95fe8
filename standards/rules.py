"""公开时限 as a rule: the wording of a catalogue row read into something the monitor can check.

Only wordings whose meaning is certain are read; anything else (a new phrase, an empty cell, a
deadline tied to an event the platform does not record) is kept as printed and shown as
人工核对 — a guessed deadline would mark an agency late, or on time, for no reason.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import models


class RuleKind(models.TextChoices):
    WORKDAYS = "workdays", "形成或变更之日起按工作日计"
    EVERY_MONTHS = "months", "定期更新（按自然月计）"
    YEARLY_BY = "yearly_by", "每年规定日期前"
    PROMPT = "prompt", "及时公开（无固定期限）"
    MANUAL = "manual", "人工核对"


@dataclass(frozen=True)
class Rule:
    kind: str
    text: str  # the wording as printed in the catalogue
    workdays: int = 0  # WORKDAYS: within this many working days of forming
    months: int = 0  # EVERY_MONTHS: at least one publication in every span of this many months
    month: int = 0  # YEARLY_BY: by this month and day of every year
    day: int = 0
    reason: str = ""  # MANUAL: why it is not checked automatically

    @property
    def checkable(self):
        return self.kind in (RuleKind.WORKDAYS, RuleKind.EVERY_MONTHS, RuleKind.YEARLY_BY)

    @property
    def label(self):
        if self.kind == RuleKind.WORKDAYS:
            return f"形成或变更之日起{self.workdays}个工作日内"
        if self.kind == RuleKind.EVERY_MONTHS:
            return {1: "每月至少更新1次", 3: "每季度至少更新1次", 6: "半年至少更新1次"}.get(
                self.months, f"每{self.months}个月至少更新1次"
            )
        if self.kind == RuleKind.YEARLY_BY:
            return f"每年{self.month}月{self.day}日前"
        if self.kind == RuleKind.PROMPT:
            return "及时公开（无固定期限）"
        return "人工核对"


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_CN_DIGITS |= {"九": 9, "十": 10}


def _number(text):
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十":
        return 10 + _CN_DIGITS[text[1]]
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    raise ValueError(text)


_NUM = r"(\d+|[一二两三四五六七八九十]{1,3})"
_WORKDAYS = re.compile(
    rf"^(?:自?信息)?(?:形成或(?:者)?变更|形成|产生|制作或获取)之日起{_NUM}个工作日内$"
)
_YEARLY_BY = re.compile(rf"^每年{_NUM}月{_NUM}日(?:前|之前|以前)$")
_PERIODS = [
    (re.compile(r"^(?:每)?半年(?:至少)?更新(?:1|一)次$"), 6),
    (re.compile(r"^每半年(?:更新|公开)?(?:一次|1次)?$"), 6),
    (re.compile(r"^每(?:个)?季度(?:至少)?(?:更新|公开)?(?:(?:1|一)次)?$"), 3),
    (re.compile(r"^每(?:个)?月(?:至少)?(?:更新|公开)?(?:(?:1|一)次)?$"), 1),
    (re.compile(r"^每年(?:至少)?(?:更新|公开)?(?:(?:1|一)次)?$"), 12),
]
_PROMPT = re.compile(r"^(?:按(?:工作)?进展情况)?(?:及时|实时|常态化|动态)(?:公开|更新)?$")
_ADVANCE = re.compile(rf"^(?:会前|提前){_NUM}?(?:周|天|日|个工作日)")
_PROMPT_ALSO = {"实时/常态化", "实时、常态化", "常态化公开", "实时公开", "按进展情况及时公开"}


def parse(text):
    """The rule a 公开时限 cell states; unknown or empty wording → MANUAL, kept as printed."""
    printed = (text or "").strip()
    compact = re.sub(r"[\s\u3000，,。；;]", "", printed)
    if not compact:
        return Rule(RuleKind.MANUAL, printed, reason="目录未载明公开时限")
    found = _WORKDAYS.match(compact)
    if found:
        return Rule(RuleKind.WORKDAYS, printed, workdays=_number(found.group(1)))
    found = _YEARLY_BY.match(compact)
    if found:
        month, day = _number(found.group(1)), _number(found.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return Rule(RuleKind.YEARLY_BY, printed, month=month, day=day)
    for pattern, months in _PERIODS:
        if pattern.match(compact):
            return Rule(RuleKind.EVERY_MONTHS, printed, months=months)
    if compact in _PROMPT_ALSO or _PROMPT.match(compact):
        return Rule(RuleKind.PROMPT, printed)
    if _ADVANCE.match(compact):
        return Rule(RuleKind.MANUAL, printed, reason="期限以会议（活动）日期为准，平台不记录该日期")
    return Rule(RuleKind.MANUAL, printed, reason="公开时限的写法无法自动判断，请人工核对")


class State(models.TextChoices):
    """What the monitor says of a 事项 or a site column on a given day."""

    LATE = "late", "逾期"
    NEVER = "never", "从未公开"
    SOON = "soon", "即将逾期"
    MANUAL = "manual", "人工核对"
    ON_TIME = "on_time", "按时"
    EMPTY = "empty", "空白栏目"  # site columns only: nothing in the last year


def add_months(day, months):
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    return safe_date(day.year + month // 12, month % 12 + 1, day.day)


def safe_date(year, month, day):
    """The date, or the month's last day when the month is shorter (31 → 30, 29 February → 28)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
