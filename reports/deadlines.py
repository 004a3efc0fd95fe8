"""When a report may be published, when it is due, and whether it came out on time.

The report covers a calendar year, so it can be published from 1 January of the next year.
The deadline depends on the kind of agency (《条例》第四十九条): a people's government at county
level or above publishes by 31 March, its departments by 31 January (after submitting the
report to the government's OGI office), towns and sub-districts as their province rules; each
agency may override the default (``Agency.report_deadline``).
"""

from dataclasses import dataclass
from datetime import date

from reports.models import publishing_opens


def in_chinese(day):
    """``2018年2月28日``: official documents write no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def report_deadline(agency, year):
    """The last day to publish ``agency``'s report on ``year``."""
    return agency.report_deadline_in(year)


@dataclass(frozen=True)
class DateState:
    """What the staff pages say about a report's dates (banner, list column, board)."""

    state: str  # not_open | open | late | on_time | published_late | elsewhere
    deadline: date
    opens: date
    rule: str
    days: int = 0  # days left (open), days late (late, published_late)
    published_on: date | None = None

    @property
    def can_publish(self):
        return self.state != "not_open"

    @property
    def message(self):
        due = in_chinese(self.deadline)
        if self.state == "not_open":
            return (
                f"{self.opens.year - 1}年度尚未结束：报告现在只能预览，{in_chinese(self.opens)}起可以发布。"
                f"发布截止日为{due}。"
            )
        if self.state == "open":
            return f"距发布截止日（{due}）还有{self.days}天。"
        if self.state == "late":
            return f"已超过发布截止日（{due}）{self.days}天，请尽快发布。"
        if self.state == "on_time":
            return f"已于{in_chinese(self.published_on)}按期发布（截止日{due}）。"
        if self.state == "published_late":
            return f"于{in_chinese(self.published_on)}发布，晚于截止日（{due}）{self.days}天。"
        return f"已于{in_chinese(self.published_on)}在公开目录中发布（截止日{due}），原文尚未录入本平台。"


def date_state(report, today, *, published_on=None, catalog_published_on=None):
    """The date state of ``report`` on ``today``.

    ``published_on``: the publication date of its first version, when published;
    ``catalog_published_on``: when the report was published only as a catalog item.
    """
    deadline = report_deadline(report.agency, report.year)
    opens = publishing_opens(report.year)
    common = {"deadline": deadline, "opens": opens, "rule": report.agency.report_deadline_rule}
    if published_on is not None:
        late = (published_on - deadline).days
        if late > 0:
            return DateState("published_late", days=late, published_on=published_on, **common)
        return DateState("on_time", published_on=published_on, **common)
    if catalog_published_on is not None:
        return DateState("elsewhere", published_on=catalog_published_on, **common)
    if today < opens:
        return DateState("not_open", days=(deadline - today).days, **common)
    days = (deadline - today).days
    if days < 0:
        return DateState("late", days=-days, **common)
    return DateState("open", days=days, **common)
