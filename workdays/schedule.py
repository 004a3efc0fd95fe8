"""Parse a year's holiday schedule as staff copy it from the State Council notice.

Accepted, one entry per line (name optional, before a colon):
    元旦：1月1日至3日
    春节：2月6日至2月14日
    国庆节、中秋节：2027-10-01 至 2027-10-07
Make-up working days, one or several per line:
    2月4日（星期六）、9月30日（星期六）上班
"""

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError

_PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
_LIST_SEPARATORS = re.compile(r"[、，,;；]")
_RANGE_SEPARATORS = re.compile(r"\s*(?:至|到|~|～|—|–|－|\s-\s)\s*")
_DATE = re.compile(
    r"^(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?:(?P<m>\d{1,2})\s*[月\-/.]\s*)?(?P<d>\d{1,2})\s*[日号]?$"
)
_NAME = re.compile(r"^\s*(?P<name>[^\d:：]*?)\s*[:：]\s*(?P<rest>.*)$")
_NOISE = re.compile(r"放假|调休|上班|共\s*\d+\s*天|休息")


def _parse_date(text, year, default=None):
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    y = int(match["y"]) if match["y"] else (default.year if default else year)
    if match["m"]:
        m = int(match["m"])
    elif default:
        m = default.month
    else:
        raise ValueError(text)
    return date(y, m, int(match["d"]))


def _parse_line(line, year):
    """Return (name, [dates]) for one line; raise ValueError with the bad fragment."""
    name = ""
    match = _NAME.match(line)
    if match:
        name, line = match["name"], match["rest"]
    line = _NOISE.sub("", _PARENS.sub("", line)).strip()
    days = []
    for piece in filter(None, (p.strip() for p in _LIST_SEPARATORS.split(line))):
        parts = _RANGE_SEPARATORS.split(piece)
        if len(parts) > 2:
            raise ValueError(piece)
        start = _parse_date(parts[0], year)
        end = _parse_date(parts[1], year, default=start) if len(parts) == 2 else start
        if end < start or (end - start).days > 31:
            raise ValueError(piece)
        days.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
    if not days:
        raise ValueError(line)
    return name.strip(), days


def _belongs_to(day, year):
    """A year's notice may reach into the last days of December before or January after."""
    return (
        day.year == year
        or (day.year == year - 1 and day.month == 12)
        or (day.year == year + 1 and day.month == 1)
    )


def parse_schedule(year, holidays_text, workdays_text):
    """Return ({date: name} holidays on weekdays, {date: name} make-up weekend workdays).

    Every problem is reported at once, with its line, as a ValidationError a clerk can act on.
    """
    errors, holidays, workdays = [], {}, {}
    for label, text, target in (
        ("放假安排", holidays_text, holidays),
        ("调休上班", workdays_text, workdays),
    ):
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                name, days = _parse_line(raw, year)
            except ValueError:
                errors.append(
                    f"{label}第{number}行「{raw.strip()}」无法识别，请写成「国庆节：10月1日至7日」或「2027-10-01」。"
                )
                continue
            for day in days:
                if not _belongs_to(day, year):
                    errors.append(f"{label}第{number}行的日期 {day:%Y-%m-%d} 不属于{year}年。")
                elif target is workdays and day.weekday() < 5:
                    errors.append(
                        f"调休上班第{number}行：{day:%Y-%m-%d} 本来就是工作日，不需要调休上班。"
                    )
                else:
                    target[day] = name
    for day in sorted(set(holidays) & set(workdays)):
        errors.append(f"{day:%Y-%m-%d} 同时填在放假和调休上班中，请核对。")
    if not holidays:
        errors.append("放假安排为空：请至少录入元旦、春节等法定节假日。")
    if errors:
        raise ValidationError(errors)
    weekday_holidays = {day: name for day, name in holidays.items() if day.weekday() < 5}
    return weekday_holidays, workdays
