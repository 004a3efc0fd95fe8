"""The monitor reads the filings' copies of their items (and, on PostgreSQL, UnfiledTally): an
item's later change — published, re-dated, withdrawn, corrected, deleted, filed elsewhere —
keeps the monitor true. Every check compares with what the items themselves say."""

import importlib
from datetime import date
from types import SimpleNamespace

from django.db import connection
from django.test import TestCase

from accounts.models import Role
from disclosure import services as disclosure
from disclosure.models import Item, ItemStatus
from standards import services, triggers
from standards.models import Filing, UnfiledTally
from standards.monitor import State, monitor, monitor_one
from tests.disclosure.builders import Desk
from tests.factories import make_staff
from tests.standards.builders import adopted_catalogue, entry, file

COPIED = ["status", "published_date", "formed_date", "publish_workdays", "imported"]
END_2017 = date(2017, 12, 31)
migration = importlib.import_module("standards.migrations.0002_monitor_copies")


def copies_match_items(test):
    """Every filing's copies equal its item's fields, read back from the database."""
    filings = Filing.objects.values_list("item_id", *COPIED)
    items = {
        row[0]: row[1:]
        for row in Item.objects.filter(filings__isnull=False).values_list("pk", *COPIED)
    }
    test.assertTrue(filings)
    for item_id, *copied in filings:
        test.assertEqual(tuple(copied), items[item_id], f"item {item_id}")


def unfiled_by_items(agency, year):
    return (
        Item.objects.published()
        .filter(agency=agency, published_date__year=year, filings__isnull=True)
        .count()
    )


def allow_edit():
    """A recorded correction: PostgreSQL's read-only rule lets a published item change."""
    disclosure._allow_published_edit()


class CopyTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.head = make_staff(self.desk.agency, Role.HEAD)
        self.catalogue = adopted_catalogue(self.desk, self.head)
        self.laws = entry(self.catalogue, "法律法规")
        self.standards = entry(self.catalogue, "标准")

    def row(self, level2, as_of=END_2017, year=None):
        result = monitor_one(self.desk.agency, as_of=as_of, year=year)
        return next(r for r in result.rows if r.entry.level2 == level2)

    def test_a_draft_filed_then_published_then_withdrawn(self):
        item = self.desk.draft("待发布", formed_date=date(2017, 3, 1))
        file(item, self.laws)
        copies_match_items(self)
        row = self.row("法律法规", as_of=date(2017, 3, 10))
        assert (row.last, row.year_count, [t for t, _ in row.pending]) == (None, 0, ["待发布"])
        disclosure.item_submit(item=item, by=self.desk.clerk)
        disclosure.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        item = disclosure.item_publish(
            item=item, by=self.desk.reviewer, published_date=date(2017, 3, 20)
        )
        copies_match_items(self)
        row = self.row("法律法规")
        assert (row.last, row.year_count, row.slowest, row.pending) == (
            date(2017, 3, 20),
            1,
            item.publish_workdays,
            [],
        )
        disclosure.item_withdraw(item=item, by=self.desk.reviewer, reason="内容有误")
        copies_match_items(self)
        row = self.row("法律法规")
        assert (row.last, row.year_count, row.state) == (None, 0, State.NEVER)

    def test_a_re_dated_item_moves_to_its_new_year(self):
        item = self.desk.publish(
            "标准目录", published_date=date(2017, 5, 2), formed_date=date(2017, 5, 2)
        )
        file(item, self.standards)
        allow_edit()
        Item.objects.filter(pk=item.pk).update(published_date=date(2016, 11, 30))
        copies_match_items(self)
        row = self.row("标准")
        assert (row.last, row.year_count) == (date(2016, 11, 30), 0)
        assert self.row("标准", as_of=date(2016, 12, 31)).year_count == 1

    def test_the_newest_publication_is_the_last_up_to_the_day_judged(self):
        for day in (date(2016, 4, 1), date(2017, 2, 1), date(2017, 9, 1)):
            file(
                self.desk.publish(f"标准{day}", published_date=day, formed_date=day), self.standards
            )
        assert self.row("标准", as_of=date(2017, 8, 31)).last == date(2017, 2, 1)
        assert self.row("标准", as_of=date(2017, 8, 31)).year_count == 1
        assert self.row("标准", as_of=date(2017, 1, 31)).last == date(2016, 4, 1)
        assert self.row("标准").last == date(2017, 9, 1)
        # A past year judged later: its own count, the newest date up to the day judged.
        later = self.row("标准", as_of=date(2018, 3, 1), year=2017)
        assert (later.year_count, later.last) == (2, date(2017, 9, 1))

    def test_imported_items_never_count_as_slow(self):
        item = self.desk.publish(
            "旧法规", published_date=date(2017, 3, 8), formed_date=date(2017, 3, 8)
        )
        file(item, self.laws)
        allow_edit()
        Item.objects.filter(pk=item.pk).update(imported=True, publish_workdays=30)
        copies_match_items(self)
        assert self.row("法律法规").slowest is None
        Item.objects.filter(pk=item.pk).update(imported=False)
        assert self.row("法律法规").slowest == 30
        assert self.row("法律法规").state == State.LATE

    def test_a_deleted_item_leaves_the_monitor(self):
        kept = self.desk.publish(
            "保留", published_date=date(2017, 1, 5), formed_date=date(2017, 1, 5)
        )
        gone = self.desk.publish(
            "删除", published_date=date(2017, 6, 5), formed_date=date(2017, 6, 5)
        )
        file(kept, self.standards)
        file(gone, self.standards)
        draft = self.desk.draft("草稿", formed_date=date(2017, 3, 1))
        file(draft, self.laws)
        allow_edit()
        gone.delete()
        draft.delete()
        row = self.row("标准")
        assert (row.last, row.year_count) == (date(2017, 1, 5), 1)
        assert self.row("法律法规").pending == []
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 0

    def test_refiled_and_unfiled_items(self):
        item = self.desk.publish(
            "国家标准", published_date=date(2017, 4, 6), formed_date=date(2017, 4, 6)
        )
        other = self.desk.publish(
            "工作动态", published_date=date(2017, 4, 6), formed_date=date(2017, 4, 6)
        )
        services.item_set_entries(item=item, entries=[self.laws], by=self.head)
        assert (self.row("法律法规").year_count, self.row("标准").year_count) == (1, 0)
        services.item_set_entries(item=item, entries=[self.standards], by=self.head)
        assert (self.row("法律法规").year_count, self.row("标准").year_count) == (0, 1)
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 1  # ``other``
        services.item_set_entries(item=item, entries=[], by=self.head)
        assert self.row("标准").year_count == 0
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 2
        # Both items under two 事项 in one statement: each leaves the unfiled count once.
        services.items_file(items=[item, other], entries=[self.laws, self.standards], by=self.head)
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 0
        assert (self.row("法律法规").year_count, self.row("标准").year_count) == (2, 2)
        Filing.objects.filter(item=other, entry=self.laws).delete()
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 0
        Filing.objects.filter(item=other).delete()
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == 1

    def test_the_unfiled_count_follows_every_change(self):
        items = [
            self.desk.publish(
                f"信息{n}", published_date=date(2017, 1 + n, 10), formed_date=date(2017, 1 + n, 10)
            )
            for n in range(4)
        ]
        old = self.desk.publish(
            "去年", published_date=date(2016, 12, 30), formed_date=date(2016, 12, 30)
        )
        file(items[0], self.laws)
        disclosure.item_withdraw(item=items[1], by=self.desk.reviewer, reason="重复")
        allow_edit()
        Item.objects.filter(pk=old.pk).update(published_date=date(2017, 1, 2))
        Item.objects.filter(pk=items[2].pk).update(published_date=date(2016, 6, 1))
        items[3].delete()
        self.desk.draft("草稿")
        expected = unfiled_by_items(self.desk.agency, 2017)
        assert expected == 1  # ``old``, re-dated into 2017
        assert monitor_one(self.desk.agency, as_of=END_2017).unfiled == expected
        assert monitor_one(self.desk.agency, as_of=date(2016, 12, 31)).unfiled == 1
        # Up to the day judged only.
        assert monitor_one(self.desk.agency, as_of=date(2017, 1, 1)).unfiled == 0

    def test_a_stale_filing_saved_again_keeps_its_items_fields(self):
        item = self.desk.draft("草稿")
        filing = file(item, self.laws)
        disclosure.item_submit(item=item, by=self.desk.clerk)
        disclosure.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        disclosure.item_publish(item=item, by=self.desk.reviewer, published_date=date(2017, 3, 20))
        filing.save()  # the instance still holds the draft's copies
        copies_match_items(self)

    def test_the_yearly_rule_reads_each_agencys_own_publications(self):
        """Two agencies on one catalogue: one's annual report is not the other's."""
        second = Desk()
        services.catalogue_adopt(
            agency=second.agency, catalogue=self.catalogue, by=make_staff(second.agency, Role.HEAD)
        )
        report = entry(self.catalogue, "年度报告")
        file(
            self.desk.publish(
                "2016年年报", published_date=date(2017, 1, 20), formed_date=date(2017, 1, 20)
            ),
            report,
        )
        # The second agency's last report came out before the 2017 cycle opened.
        file(
            second.publish(
                "2014年年报", published_date=date(2016, 1, 15), formed_date=date(2016, 1, 15)
            ),
            report,
        )
        result = monitor([self.desk.agency, second.agency], as_of=END_2017)

        def state(agency):
            return next(r for r in result[agency.pk].rows if r.entry == report).state

        assert (state(self.desk.agency), state(second.agency)) == (State.ON_TIME, State.LATE)


class BackfillTests(TestCase):
    """Migration 0002 fills the copies and the tally for rows made before it: the same values
    as the triggers keep."""

    def test_copies_and_tally_made_again_from_the_items(self):
        desk = Desk()
        catalogue = adopted_catalogue(desk)
        filed = desk.publish("法规", published_date=date(2017, 2, 3), formed_date=date(2017, 2, 3))
        file(filed, entry(catalogue, "法律法规"))
        file(desk.draft("草稿", formed_date=date(2017, 5, 1)), entry(catalogue, "法律法规"))
        desk.publish("动态", published_date=date(2017, 2, 3), formed_date=date(2017, 2, 3))
        desk.publish("动态二", published_date=date(2017, 8, 9), formed_date=date(2017, 8, 9))
        kept = sorted(Filing.objects.values_list("pk", *COPIED))
        tally = sorted(
            UnfiledTally.objects.filter(items__gt=0).values_list("agency", "day", "items")
        )
        Filing.objects.update(
            status="", published_date=None, formed_date=None, publish_workdays=None
        )
        UnfiledTally.objects.all().delete()
        with connection.cursor() as cursor:
            # What a schema editor offers the migration's functions (SQLite refuses a real one
            # inside the test's transaction).
            editor = SimpleNamespace(connection=connection, execute=cursor.execute)
            migration.copy_existing(None, editor)
            migration.count_existing(None, editor)
        assert sorted(Filing.objects.values_list("pk", *COPIED)) == kept
        assert (
            sorted(UnfiledTally.objects.filter(items__gt=0).values_list("agency", "day", "items"))
            == tally
        )
        if connection.vendor == "postgresql":
            assert tally == [
                (desk.agency.pk, date(2017, 2, 3), 1),
                (desk.agency.pk, date(2017, 8, 9), 1),
            ]


class SqliteTriggerTests(TestCase):
    """SQLite drops a table's triggers when it rebuilds the table (as a migration altering it
    does): after a migrate they are made again and the copies read again."""

    def test_a_lost_trigger_is_made_again_after_migrate(self):
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL alters tables in place and keeps their triggers")
        desk = Desk()
        catalogue = adopted_catalogue(desk)
        item = desk.draft("草稿")
        file(item, entry(catalogue, "法律法规"))
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER filing_follow")
        Item.objects.filter(pk=item.pk).update(status=ItemStatus.IN_REVIEW)
        assert Filing.objects.get().status == ItemStatus.DRAFT  # unkept
        triggers.ensure_after_migrate(sender=None, using="default")
        copies_match_items(self)
        Item.objects.filter(pk=item.pk).update(status=ItemStatus.DRAFT)
        copies_match_items(self)
