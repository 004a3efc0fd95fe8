"""The monitor: what each agency should have published under its 事项 and its site's columns.

For every 事项 of the catalogues an agency adopted, the newest publication filed under it, its
rule (``standards.rules``) and a state on a given day (``as_of``, today or a past year's last
day). Working-day rules count with the real calendar (``workdays``); periodic ones in calendar
months. The site's columns are checked as the national website inspection does (政府网站与政务新媒体
检查指标, see ``standards.columns``). One call reads any number of agencies in a fixed number of
queries, so the district page costs what one agency's page costs.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum

from disclosure.models import Item, ItemStatus
from standards import columns as site_columns
from standards.models import Adoption, Catalogue, Entry, Filing, UnfiledTally
from standards.rules import RuleKind, State, add_months, safe_date
from workdays.calendar import UnknownCalendarYear, WorkdayCalendar, span_for

SOON_WORKDAYS = 5  # a per-item deadline this close is 即将逾期
SOON_DAYS = 15  # a periodic deadline this close (calendar days) is 即将逾期


@dataclass
class EntryRow:
    entry: Entry
    rule: object
    last: date | None = None
    year_count: int = 0
    slowest: int | None = None  # most working days an item of the year took (not imported)
    pending: list = field(default_factory=list)  # (title, due date)
    state: str = State.ON_TIME
    due: date | None = None
    detail: str = ""

    @property
    def state_label(self):
        return State(self.state).label


def _ordered(counts):
    return [(state, counts[state]) for state in State if counts[state]]


@dataclass
class AgencyMonitor:
    agency: object
    as_of: date
    year: int
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    catalogues: list = field(default_factory=list)
    unfiled: int = 0  # published in the year, filed under no 事项

    @property
    def groups(self):
        """[(一级事项, {state: count}, rows)] in catalogue order."""
        grouped = defaultdict(list)
        for row in self.rows:
            grouped[row.entry.level1].append(row)
        return [
            (level1, _ordered(Counter(row.state for row in rows)), rows)
            for level1, rows in grouped.items()
        ]

    @property
    def counts(self):
        return Counter(row.state for row in self.rows)

    @property
    def state_counts(self):
        """[(State, count)] in the order of ``State``, states with no 事项 left out."""
        return _ordered(self.counts)

    @property
    def column_counts(self):
        return Counter(row.state for row in self.columns)

    @property
    def score(self):
        """按时 share (0–100) of everything that can be checked: 事项 and columns; None if nothing."""
        checked = [r for r in self.rows if r.state != State.MANUAL] + self.columns
        if not checked:
            return None
        return round(100 * sum(r.state == State.ON_TIME for r in checked) / len(checked))

    @property
    def incomplete(self):
        return [c for c in self.catalogues if not c.complete]

    @property
    def gaps(self):
        """The 事项 with nothing published in the year, and those late (for the annual report)."""
        empty = [r for r in self.rows if r.state != State.MANUAL and not r.year_count]
        late = [r for r in self.rows if r.state == State.LATE and r.year_count]
        return empty, late


def _cycle_deadline(rule, as_of):
    """The yearly deadline the state is judged against: this year's once passed, else last year's."""
    this = safe_date(as_of.year, rule.month, rule.day)
    return this if as_of > this else safe_date(as_of.year - 1, rule.month, rule.day)


def _judge(row, as_of, calendar, yearly_dates):
    """``yearly_dates``: the agency's publications under this 事项 in the last two years
    (YEARLY_BY rules only)."""
    rule = row.rule
    if rule.kind == RuleKind.MANUAL:
        row.state, row.detail = State.MANUAL, rule.reason
        return
    if rule.kind == RuleKind.WORKDAYS:
        overdue = [(t, due) for t, due in row.pending if due is not None and due < as_of]
        if overdue:
            row.state = State.LATE
            row.detail = f"{len(overdue)} 条已形成、超过{rule.workdays}个工作日仍未发布"
            row.due = min(due for _, due in overdue)
            return
        if row.slowest is not None and row.slowest > rule.workdays:
            row.state = State.LATE
            row.detail = f"本年有信息超过{rule.workdays}个工作日才发布（最长 {row.slowest} 个）"
            return
        waiting = [due for _, due in row.pending if due is not None]
        if waiting:
            row.due = min(waiting)
            try:
                left = calendar.between(as_of, row.due)
            except UnknownCalendarYear:
                left = None
            if left is not None and left <= SOON_WORKDAYS:
                row.state, row.detail = (
                    State.SOON,
                    f"{len(waiting)} 条待发布，{left} 个工作日内到期",
                )
                return
        if row.last is None:
            row.state = State.NEVER
        return
    if row.last is None:
        row.state = State.NEVER
        return
    if rule.kind == RuleKind.EVERY_MONTHS:
        row.due = add_months(row.last, rule.months)
        if as_of > row.due:
            row.state = State.LATE
            row.detail = f"距上次公开已超过{rule.months}个月（应于 {row.due:%Y-%m-%d} 前更新）"
        elif (row.due - as_of).days <= SOON_DAYS:
            row.state, row.detail = State.SOON, f"应于 {row.due:%Y-%m-%d} 前更新"
        return
    if rule.kind == RuleKind.YEARLY_BY:
        deadline = _cycle_deadline(rule, as_of)
        opens = safe_date(deadline.year - 1, rule.month, rule.day)
        row.due = safe_date(deadline.year + 1, rule.month, rule.day)
        if not any(opens < day <= deadline for day in yearly_dates):
            row.state = State.LATE
            row.detail = f"{deadline:%Y年%m月%d日}前没有公开"
            row.due = deadline
        elif (row.due - as_of).days <= SOON_DAYS and not any(
            deadline < day <= as_of for day in yearly_dates
        ):
            row.state, row.detail = State.SOON, f"应于 {row.due:%Y-%m-%d} 前公开"
        return
    # PROMPT: no fixed deadline; having published is all the platform can check.


def _published(rows, as_of, start, end):
    """[(agency id, 事项 id, last publication up to as_of, count in start–end, slowest)].

    One query over the filings' copies of their items (never the items): per (agency, 事项) one
    descent of the index ``filing_published`` for the newest date and one range of it for the
    year, so the pages read follow the number of 事项 and the year's filings, not the history.
    """
    if not rows:
        return []
    pairs = ", ".join(f"({int(agency_id)}, {int(entry_id)})" for agency_id, entry_id in rows)
    # The status as a literal: the partial index's condition must be seen in the statement.
    same = (
        "FROM standards_filing f WHERE f.agency_id = p.column1 AND f.entry_id = p.column2 "
        f"AND f.status = '{ItemStatus.PUBLISHED.value}'"
    )
    year = f"{same} AND f.published_date >= %s AND f.published_date <= %s"
    sql = (
        "SELECT p.column1, p.column2, "
        f"(SELECT f.published_date {same} AND f.published_date <= %s "
        "ORDER BY f.published_date DESC LIMIT 1), "
        f"(SELECT COUNT(*) {year}), "
        f"(SELECT MAX(f.publish_workdays) {year} AND NOT f.imported) "
        f"FROM (VALUES {pairs}) p"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of, start, end, start, end])
        return [
            (agency_id, entry_id, _as_date(last), count, slowest)
            for agency_id, entry_id, last, count, slowest in cursor.fetchall()
        ]


def _as_date(value):
    """SQLite returns a raw column's date as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _unfiled(ids, start, end):
    """[(agency id, items published in start–end filed under no 事项)].

    PostgreSQL sums UnfiledTally (kept by triggers: a year is at most 366 rows per agency);
    SQLite tests each item of the year for a filing.
    """
    if connection.vendor == "postgresql":
        return (
            UnfiledTally.objects.filter(
                agency_id__in=ids, day__gte=start, day__lte=end, items__gt=0
            )
            .values_list("agency_id")
            .annotate(n=Sum("items"))
        )
    return (
        Item.objects.published()
        .filter(agency_id__in=ids, published_date__gte=start, published_date__lte=end)
        .exclude(Exists(Filing.objects.filter(item_id=OuterRef("pk"))))
        .values_list("agency_id")
        .annotate(n=Count("pk"))
    )


def monitor(agencies, *, as_of, year=None):
    """{agency id: AgencyMonitor} for the given agencies on ``as_of`` (year: that of as_of).

    A fixed number of queries whatever the number of agencies, 事项 and items.
    """
    year = year or as_of.year
    agencies = list(agencies)
    ids = [agency.pk for agency in agencies]
    result = {a.pk: AgencyMonitor(agency=a, as_of=as_of, year=year) for a in agencies}
    adopted = defaultdict(set)
    for agency_id, catalogue_id in Adoption.objects.filter(agency_id__in=ids).values_list(
        "agency_id", "catalogue_id"
    ):
        adopted[catalogue_id].add(agency_id)
    catalogues = {
        c.pk: c
        for c in Catalogue.objects.filter(Q(pk__in=list(adopted)) | Q(owner_id__in=ids)).order_by(
            "owner_id", "id"
        )
    }
    entries = list(Entry.objects.filter(catalogue_id__in=list(catalogues)))
    for catalogue in catalogues.values():
        for agency_id in adopted.get(catalogue.pk, ()) | (
            {catalogue.owner_id} if catalogue.owner_id else set()
        ):
            result[agency_id].catalogues.append(catalogue)
    rows = {}
    for entry in entries:
        entry.catalogue = catalogues[entry.catalogue_id]
        owners = adopted.get(entry.catalogue_id, set()) | (
            {entry.catalogue.owner_id} if entry.catalogue.owner_id else set()
        )
        for agency_id in owners:
            rows[agency_id, entry.pk] = EntryRow(entry=entry, rule=entry.rule)
    start, end = date(year, 1, 1), min(as_of, date(year, 12, 31))
    for agency_id, entry_id, last, count, slowest in _published(rows, as_of, start, end):
        row = rows[agency_id, entry_id]
        row.last, row.year_count, row.slowest = last, count, slowest
    pending = list(
        Filing.objects.filter(
            agency_id__in=ids,
            status__in=[ItemStatus.DRAFT, ItemStatus.IN_REVIEW],
            formed_date__isnull=False,
            formed_date__lte=as_of,
            entry_id__in=[e.pk for e in entries if e.rule.kind == RuleKind.WORKDAYS],
        ).values_list("agency_id", "entry_id", "item__title", "formed_date")
    )
    calendar = None
    if pending:
        first = min(p[3] for p in pending)
        calendar = WorkdayCalendar.load(min(first, as_of), max(as_of, first) + span_for(40))
    for agency_id, entry_id, title, formed in pending:
        row = rows.get((agency_id, entry_id))
        if row is None:
            continue
        try:
            due = calendar.add(formed, row.rule.workdays)
        except UnknownCalendarYear:
            due = None
        row.pending.append((title, due))
    yearly = [e.pk for e in entries if e.rule.kind == RuleKind.YEARLY_BY]
    yearly_dates = defaultdict(set)
    if yearly:
        for agency_id, entry_id, day in Filing.objects.filter(
            agency_id__in=ids,
            status=ItemStatus.PUBLISHED,
            published_date__gt=date(as_of.year - 2, 1, 1),
            published_date__lte=as_of,
            entry_id__in=yearly,
        ).values_list("agency_id", "entry_id", "published_date"):
            yearly_dates[agency_id, entry_id].add(day)
    for (agency_id, entry_id), row in rows.items():
        _judge(row, as_of, calendar, yearly_dates.get((agency_id, entry_id), ()))
        result[agency_id].rows.append(row)
    for monitored in result.values():
        monitored.rows.sort(key=lambda r: (r.entry.catalogue_id, r.entry.number, r.entry.pk))
    for agency_id, n in _unfiled(ids, start, end):
        result[agency_id].unfiled = n
    for agency_id, column_rows in site_columns.check(ids, as_of=as_of).items():
        result[agency_id].columns = column_rows
    return result


def monitor_one(agency, *, as_of, year=None):
    return monitor([agency], as_of=as_of, year=year)[agency.pk]


def year_end(year, today):
    """The day a year is judged on: its last day once it is over, else today."""
    return min(date(year, 12, 31), today)
