"""The monitor's states at their boundaries: working days on the real calendar, calendar months."""

from datetime import date, timedelta

from django.test import TestCase

from disclosure.models import Category
from standards.monitor import SOON_DAYS, SOON_WORKDAYS, State, monitor, monitor_one
from tests.disclosure.builders import Desk
from tests.standards.builders import adopted_catalogue, entry, file
from workdays.calendar import add_workdays, workdays_between


def state_of(desk, level2, as_of, year=None):
    result = monitor_one(desk.agency, as_of=as_of, year=year)
    return next(r for r in result.rows if r.entry.level2 == level2)


class WorkdayRuleTests(TestCase):
    """信息形成或变更之日起20个工作日内, item by item."""

    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)
        self.laws = entry(self.catalogue, "法律法规")
        # Formed before the 2017 Spring Festival: the real holidays lengthen the span.
        self.formed = date(2017, 1, 20)
        self.due = add_workdays(self.formed, 20)

    def test_nothing_filed_is_never_published(self):
        assert state_of(self.desk, "法律法规", date(2017, 12, 31)).state == State.NEVER

    def test_published_on_the_twentieth_working_day_is_on_time(self):
        assert self.due > self.formed + timedelta(days=28)  # the holiday week counts as none
        item = self.desk.publish("法律汇编", published_date=self.due, formed_date=self.formed)
        file(item, self.laws)
        row = state_of(self.desk, "法律法规", date(2017, 12, 31))
        assert (row.state, row.year_count, row.last, row.slowest) == (
            State.ON_TIME,
            1,
            self.due,
            20,
        )

    def test_published_on_the_twenty_first_working_day_is_late(self):
        late = add_workdays(self.formed, 21)
        item = self.desk.publish("法律汇编", published_date=late, formed_date=self.formed)
        file(item, self.laws)
        row = state_of(self.desk, "法律法规", date(2017, 12, 31))
        assert row.state == State.LATE
        assert "最长 21 个" in row.detail

    def test_a_late_item_of_another_year_does_not_make_this_year_late(self):
        late = add_workdays(self.formed, 25)
        file(self.desk.publish("旧", published_date=late, formed_date=self.formed), self.laws)
        assert state_of(self.desk, "法律法规", date(2018, 12, 31)).state == State.ON_TIME

    def test_a_waiting_item_is_soon_then_late_the_day_after_its_deadline(self):
        published = self.desk.publish(
            "已发布", published_date=date(2017, 1, 10), formed_date=date(2017, 1, 5)
        )
        file(published, self.laws)
        waiting = self.desk.draft("待发布", formed_date=self.formed)
        file(waiting, self.laws)
        six_before = self.due
        while workdays_between(six_before, self.due) < SOON_WORKDAYS + 1:
            six_before -= timedelta(days=1)
        five_before = add_workdays(six_before, 1)
        assert state_of(self.desk, "法律法规", six_before).state == State.ON_TIME
        assert state_of(self.desk, "法律法规", five_before).state == State.SOON
        assert state_of(self.desk, "法律法规", self.due).state == State.SOON
        row = state_of(self.desk, "法律法规", self.due + timedelta(days=1))
        assert (row.state, row.due) == (State.LATE, self.due)


class MonthRuleTests(TestCase):
    """半年至少更新1次, in calendar months from the last publication."""

    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)
        item = self.desk.publish(
            "国家标准目录", published_date=date(2017, 1, 31), formed_date=date(2017, 1, 20)
        )
        file(item, entry(self.catalogue, "标准"))

    def test_boundaries(self):
        due = date(2017, 7, 31)  # six calendar months after 31 January
        cases = [
            (due - timedelta(days=SOON_DAYS + 1), State.ON_TIME),
            (due - timedelta(days=SOON_DAYS), State.SOON),
            (due, State.SOON),
            (due + timedelta(days=1), State.LATE),
        ]
        for as_of, expected in cases:
            with self.subTest(as_of=as_of):
                row = state_of(self.desk, "标准", as_of)
                assert row.state == expected
                assert row.due == due

    def test_a_later_publication_restarts_the_six_months(self):
        file(
            self.desk.publish("更新", published_date=date(2017, 6, 30)),
            entry(self.catalogue, "标准"),
        )
        assert state_of(self.desk, "标准", date(2017, 8, 1)).state == State.ON_TIME
        assert state_of(self.desk, "标准", date(2017, 12, 31)).state == State.LATE


class OtherRuleTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)

    def test_yearly_deadline_31_january(self):
        report = entry(self.catalogue, "年度报告")
        file(
            self.desk.publish(
                "2016年年报", published_date=date(2017, 1, 31), formed_date=date(2017, 1, 20)
            ),
            report,
        )
        assert state_of(self.desk, "年度报告", date(2017, 12, 31)).state == State.ON_TIME
        assert state_of(self.desk, "年度报告", date(2018, 1, 15)).state == State.ON_TIME
        assert state_of(self.desk, "年度报告", date(2018, 1, 16)).state == State.SOON  # 15 days
        assert state_of(self.desk, "年度报告", date(2018, 1, 31)).state == State.SOON
        assert state_of(self.desk, "年度报告", date(2018, 2, 1)).state == State.LATE
        file(self.desk.publish("2017年年报", published_date=date(2018, 1, 31)), report)
        assert state_of(self.desk, "年度报告", date(2018, 2, 1)).state == State.ON_TIME

    def test_published_a_day_late_misses_the_yearly_deadline(self):
        report = entry(self.catalogue, "年度报告")
        file(
            self.desk.publish(
                "2016年年报", published_date=date(2017, 2, 1), formed_date=date(2017, 1, 20)
            ),
            report,
        )
        assert state_of(self.desk, "年度报告", date(2017, 12, 31)).state == State.LATE

    def test_manual_and_prompt_rules(self):
        assert state_of(self.desk, "重要会议", date(2017, 12, 31)).state == State.MANUAL
        assert state_of(self.desk, "行政强制", date(2017, 12, 31)).state == State.MANUAL
        assert state_of(self.desk, "重大决策草案", date(2017, 12, 31)).state == State.NEVER
        file(self.desk.publish("草案"), entry(self.catalogue, "重大决策草案"))
        assert state_of(self.desk, "重大决策草案", date(2017, 12, 31)).state == State.ON_TIME

    def test_counts_per_first_level_and_score(self):
        result = monitor_one(self.desk.agency, as_of=date(2017, 12, 31))
        groups = {level1: dict(counts) for level1, counts, _ in result.groups}
        assert groups == {
            "政策文件": {State.NEVER: 3, State.MANUAL: 1},
            "依法行政": {State.NEVER: 1, State.MANUAL: 1},
        }
        # Nothing published at all: every checkable 事项 and every column fails.
        assert result.score == 0


class ColumnTests(TestCase):
    """动态、要闻类 two weeks; 通知公告、政策文件类 six months; 人事、规划计划类 a year; empty."""

    def setUp(self):
        self.desk = Desk()
        self.desk.publish("工作动态", published_date=date(2017, 3, 1), category=Category.WORK)
        self.desk.publish("通知", published_date=date(2017, 3, 1), category=Category.POLICY)

    def columns(self, as_of):
        result = monitor_one(self.desk.agency, as_of=as_of)
        return {row.column.key: row.state for row in result.columns}

    def test_news_fails_after_two_weeks(self):
        assert self.columns(date(2017, 3, 15))["news"] == State.SOON
        assert self.columns(date(2017, 3, 16))["news"] == State.LATE
        assert self.columns(date(2017, 3, 11))["news"] == State.ON_TIME

    def test_notices_fail_after_six_months_and_an_empty_column_is_reported(self):
        assert self.columns(date(2017, 9, 1))["notices"] == State.SOON
        assert self.columns(date(2017, 9, 2))["notices"] == State.LATE
        assert self.columns(date(2017, 9, 1))["personnel"] == State.EMPTY

    def test_personnel_and_plans_fail_after_a_year(self):
        self.desk.publish("规划", published_date=date(2017, 3, 1), genre="plan")
        assert self.columns(date(2018, 3, 1))["personnel"] == State.SOON
        # A year and a day: nothing left in the year's window, reported like an empty column.
        assert self.columns(date(2018, 3, 2))["personnel"] == State.EMPTY


class MonitorQueryTests(TestCase):
    """A fixed number of queries whatever the number of agencies, 事项 and items."""

    def test_queries_do_not_grow_with_agencies_or_items(self):
        desks = [Desk() for _ in range(2)]
        for desk in desks:
            catalogue = adopted_catalogue(desk, field=f"领域{desk.agency.pk}")
            file(desk.publish("甲"), entry(catalogue, "法律法规"))
        agencies = [d.agency for d in desks]
        with self.assertNumQueries(9):
            monitor(agencies, as_of=date(2017, 12, 31))
        for desk in desks:
            catalogue = desk.agency.catalogue_adoptions.get().catalogue
            file(desk.publish("乙"), entry(catalogue, "标准"))
        more = Desk()
        adopted_catalogue(more, field="另一领域")
        with self.assertNumQueries(9):
            monitor([*agencies, more.agency], as_of=date(2017, 12, 31))
