"""The site's columns under the national website inspection (政府网站与政务新媒体检查指标).

The inspection fails a site whose 动态、要闻类 columns go two weeks without an update, whose
通知公告、政策文件类 columns go six months, whose 人事、规划计划类 columns go a year, and any column
left empty. This platform has no free-form columns: a column is a slice of the catalog, and the
mapping below says which (it is what the public catalog shows under each heading):

======================  ==============================================================
inspection column        this platform's records
======================  ==============================================================
动态、要闻               信息类别 工作动态, or 体裁 工作动态
通知公告、政策文件       信息类别 政策类, or 体裁 通知、公告、通告
人事、规划计划           主题分类 机构职能、公务员招考、规划计划 (and their sub-topics), or 体裁 规划计划
======================  ==============================================================
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q

from disclosure.models import Category, Genre, Item, Topic
from standards.rules import Rule, RuleKind, State, add_months

PERSONNEL_TOPICS = ("机构职能", "公务员招考", "规划计划")


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    mapping: str  # what it is here, shown on the monitor
    days: int = 0  # allowed gap in calendar days (两周)
    months: int = 0  # or in calendar months
    soon_days: int = 15

    def due(self, last):
        return last + timedelta(days=self.days) if self.days else add_months(last, self.months)


COLUMNS = (
    Column("news", "动态、要闻类", "信息类别“工作动态”或体裁“工作动态”", days=14, soon_days=3),
    Column("notices", "通知公告、政策文件类", "信息类别“政策类”或体裁“通知、公告、通告”", months=6),
    Column(
        "personnel",
        "人事、规划计划类",
        "主题分类“机构职能、公务员招考、规划计划”或体裁“规划计划”",
        months=12,
    ),
)


@dataclass
class ColumnRow:
    column: Column
    last: date | None
    total: int
    state: str
    due: date | None = None
    detail: str = ""

    @property
    def state_label(self):
        return State(self.state).label

    @property
    def rule(self):
        limit = f"{self.column.days // 7}周" if self.column.days else f"{self.column.months}个月"
        return Rule(RuleKind.MANUAL, f"超过{limit}未更新即不合格")


def _filters(topic_ids):
    return {
        "news": Q(category=Category.WORK) | Q(genre=Genre.NEWS),
        "notices": Q(category=Category.POLICY)
        | Q(genre__in=[Genre.NOTICE, Genre.ANNOUNCEMENT, Genre.PUBLIC_NOTICE]),
        "personnel": Q(topic_id__in=topic_ids) | Q(genre=Genre.PLAN),
    }


# No column may go longer than this without an update, so older items never change a state: the
# check reads one window of items, not an agency's whole history. A column with nothing in the
# window fails either way (空白栏目 or more than a year without update); it is reported as
# “近一年没有信息” without telling the two apart, which would mean reading all past years.
WINDOW_MONTHS = 12


def check(agency_ids, *, as_of):
    """{agency id: [ColumnRow]}: two queries for any number of agencies."""
    topic_ids = list(
        Topic.objects.filter(
            Q(name__in=PERSONNEL_TOPICS, parent__isnull=True)
            | Q(parent__name__in=PERSONNEL_TOPICS, parent__parent__isnull=True)
        ).values_list("pk", flat=True)
    )
    filters = _filters(topic_ids)
    annotations = {}
    for column in COLUMNS:
        annotations[f"{column.key}_last"] = Max("published_date", filter=filters[column.key])
        annotations[f"{column.key}_total"] = Count("pk", filter=filters[column.key])
    found = {
        row["agency_id"]: row
        for row in Item.objects.published()
        .filter(
            agency_id__in=list(agency_ids),
            published_date__lte=as_of,
            published_date__gte=add_months(as_of, -WINDOW_MONTHS),
        )
        .values("agency_id")
        .annotate(**annotations)
    }
    result = {}
    for agency_id in agency_ids:
        row, rows = found.get(agency_id, {}), []
        for column in COLUMNS:
            last, total = row.get(f"{column.key}_last"), row.get(f"{column.key}_total") or 0
            if last is None:
                rows.append(
                    ColumnRow(
                        column,
                        None,
                        0,
                        State.EMPTY,
                        detail="近一年没有信息（空白栏目或超过一年未更新）",
                    )
                )
                continue
            due = column.due(last)
            if as_of > due:
                state, detail = State.LATE, f"自 {last:%Y-%m-%d} 起未更新"
            elif (due - as_of).days <= column.soon_days:
                state, detail = State.SOON, f"应于 {due:%Y-%m-%d} 前更新"
            else:
                state, detail = State.ON_TIME, ""
            rows.append(ColumnRow(column, last, total, state, due, detail))
        result[agency_id] = rows
    return result
