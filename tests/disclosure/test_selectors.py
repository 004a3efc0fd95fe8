from datetime import date, timedelta

from django.test import TestCase

from disclosure import services
from disclosure.dashboard import deadlines
from disclosure.selectors import normative_document_counts, proactive_counts
from tests.disclosure.builders import Desk
from tests.factories import make_staff


class ProactiveCountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk()
        d = cls.desk
        d.publish(
            "政策", category="policy", published_date=date(2017, 3, 8), channels=[d.portal, d.board]
        )
        d.publish("动态一", category="work", published_date=date(2017, 3, 9))
        d.publish("动态二", category="work", published_date=date(2017, 11, 9), channels=[d.board])
        d.publish("次年", category="other", published_date=date(2018, 1, 9))
        withdrawn = d.publish("撤回的", category="other", published_date=date(2017, 5, 9))
        services.item_withdraw(item=withdrawn, by=d.reviewer, reason="错误")
        d.draft("草稿")

    def _counts(self):
        return proactive_counts(
            agency_ids=[self.desk.agency.pk], start=date(2017, 1, 1), end=date(2017, 12, 31)
        )

    def test_counts_published_items_of_the_period(self):
        counts = self._counts()
        self.assertEqual(counts["total"], 3)
        self.assertEqual(counts["by_category"], {"policy": 1, "work": 2, "other": 0})
        self.assertEqual(counts["by_channel"], [("政务公开栏", 2), ("门户网站", 2)])
        self.assertEqual(counts["by_month"][3], 2)
        self.assertEqual(counts["by_month"][11], 1)
        self.assertEqual(sum(counts["by_month"].values()), 3)

    def test_query_count_is_constant(self):
        with self.assertNumQueries(2):
            self._counts()
        for n in range(5):
            self.desk.publish(f"更多{n}", published_date=date(2017, 7, 3 + n))
        with self.assertNumQueries(2):
            self.assertEqual(self._counts()["total"], 8)

    def test_other_agencies_are_not_counted(self):
        other = Desk()
        other.publish("别处")
        self.assertEqual(self._counts()["total"], 3)


class NormativeDocumentCountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(can_make_rules=True)  # a 设区的市 government: it may make 规章
        d = cls.desk
        cls.old = d.publish(
            "2016规范性文件",
            doc_kind="normative",
            document_number="某发〔2016〕1号",
            formed_date=date(2016, 5, 1),
            published_date=date(2016, 5, 6),
        )
        cls.new = d.publish(
            "2017规范性文件",
            doc_kind="normative",
            document_number="某发〔2017〕2号",
            formed_date=date(2017, 5, 1),
            published_date=date(2017, 5, 8),
        )
        d.publish(
            "2017规章",
            doc_kind="rule",
            document_number="某政令〔2017〕1号",
            formed_date=date(2017, 6, 1),
            published_date=date(2017, 6, 6),
        )
        d.publish("普通信息")
        services.item_set_validity(
            item=cls.old, by=d.reviewer, validity="repealed", changed_on=date(2017, 9, 1)
        )
        services.item_set_validity(
            item=cls.new, by=d.reviewer, validity="expired", changed_on=date(2018, 3, 1)
        )

    def _counts(self, year):
        return normative_document_counts(agency_ids=[self.desk.agency.pk], year=year)

    def test_issued_repealed_and_in_force_per_year(self):
        self.assertEqual(
            self._counts(2016),
            {
                "rules": {"issued": 0, "repealed": 0, "in_force": 0},
                "normative_docs": {"issued": 1, "repealed": 0, "in_force": 1},
            },
        )
        self.assertEqual(
            self._counts(2017),
            {
                "rules": {"issued": 1, "repealed": 0, "in_force": 1},
                "normative_docs": {"issued": 1, "repealed": 1, "in_force": 1},
            },
        )
        self.assertEqual(
            self._counts(2018)["normative_docs"], {"issued": 0, "repealed": 1, "in_force": 0}
        )

    def test_one_query(self):
        with self.assertNumQueries(1):
            self._counts(2017)


class DeadlineBoardTests(TestCase):
    def setUp(self):
        self.desk = Desk()

    def test_unpublished_items_with_a_formed_date_are_due_20_workdays_later(self):
        item = self.desk.draft("等待发布", formed_date=date(2017, 9, 25))
        self.desk.draft("没有生成日期", formed_date=None)
        self.desk.publish("已发布")
        rows = deadlines(self.desk.clerk, date(2017, 10, 9))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0].due, date(2017, 10, 27))  # the National Day week is not counted
        self.assertEqual(rows[0].kind, "主动公开")
        self.assertIn(f"/admin/disclosure/item/{item.pk}/", rows[0].url)

    def test_only_the_users_agencies_and_constant_queries(self):
        stranger = make_staff()
        self.desk.draft("一", formed_date=date(2017, 3, 1))
        self.assertEqual(deadlines(stranger, date(2017, 3, 2)), [])
        with self.assertNumQueries(4):  # memberships, items, calendar days, calendar years
            deadlines(self.desk.reviewer, date(2017, 3, 2))
        for n in range(4):
            self.desk.draft(f"更多{n}", formed_date=date(2017, 3, 1) + timedelta(days=n))
        self.desk.reviewer.__dict__.pop("_access", None)
        with self.assertNumQueries(4):
            self.assertEqual(len(deadlines(self.desk.reviewer, date(2017, 3, 2))), 5)
