import io
from datetime import date

from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from disclosure import importing, services
from disclosure.models import ChannelTally
from disclosure.selectors import proactive_counts
from tests.disclosure.builders import Desk
from tests.disclosure.test_import import GOOD, HEADER


class ChannelTallyTests(TestCase):
    """The tally the report reads must give what joining the item-channel links gives.

    On PostgreSQL the first comes from the tally its triggers keep; SQLite joins both times.
    """

    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")
        d = self.desk
        self.both = d.publish("两个渠道", published_date=date(2017, 3, 8), channels=[d.portal, d.board])
        self.portal_only = d.publish("门户", published_date=date(2017, 11, 30))
        d.publish("次年", published_date=date(2018, 1, 1), channels=[d.board])

    def _both_ways(self, year=2017):
        """The channel counts from the tallies and from the links; every other figure must agree."""
        ids = [self.desk.agency.pk]
        from_tally = proactive_counts(agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 31))
        # One day short of whole months: the selector counts the items and joins the links
        # instead (nothing is published on 31 December in these tests).
        from_links = proactive_counts(agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 30))
        for key in ("total", "by_category", "by_month"):
            self.assertEqual(from_tally[key], from_links[key], key)
        return from_tally["by_channel"], from_links["by_channel"]

    def test_publishing_counts_each_channel_in_its_month(self):
        tally, links = self._both_ways()
        self.assertEqual(tally, [("门户网站", 2), ("政务公开栏", 1)])
        self.assertEqual(tally, links)

    def test_withdrawing_takes_the_item_off_every_channel(self):
        services.item_withdraw(item=self.both, by=self.desk.reviewer, reason="重复")
        tally, links = self._both_ways()
        self.assertEqual(tally, [("门户网站", 1)])  # 政务公开栏 at 0 is not listed
        self.assertEqual(tally, links)

    def test_correcting_the_channels_moves_the_count(self):
        services.item_correct(item=self.portal_only, by=self.desk.reviewer, reason="渠道记错",
                              channels=[self.desk.board])
        tally, links = self._both_ways()
        self.assertEqual(tally, [("政务公开栏", 2), ("门户网站", 1)])
        self.assertEqual(tally, links)

    def test_imported_items_are_counted(self):
        result = importing.validate(self.desk.agency, importing.read_rows(
            "catalog.csv", (HEADER + "".join(GOOD)).encode()))
        services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        tally, links = self._both_ways()
        self.assertEqual(tally, [("门户网站", 4), ("政务公开栏", 2)])
        self.assertEqual(tally, links)

    def test_rebuild_recounts_the_same_rows(self):
        before = set(ChannelTally.objects.values_list("agency", "channel", "month", "items"))
        ChannelTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        after = set(ChannelTally.objects.values_list("agency", "channel", "month", "items"))
        self.assertEqual(len(after), 4)  # portal 2017-03 and 2017-11, board 2017-03 and 2018-01
        if connection.vendor == "postgresql":  # what the triggers kept
            self.assertEqual(after, before)

    def test_writes_past_the_services_are_counted_too(self):
        from disclosure.models import Item

        if connection.vendor == "postgresql":  # a recorded data fix, as the correction service does
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('zwgk.allow_published_edit', 'on', true)")
        Item.objects.filter(pk=self.both.pk).update(published_date=date(2017, 12, 1))
        Item.objects.filter(pk=self.portal_only.pk).update(status="withdrawn")
        self.both.channels.remove(self.desk.board)
        tally, links = self._both_ways()
        self.assertEqual(tally, [("门户网站", 1)])
        self.assertEqual(tally, links)


class CategoryTallyTests(TestCase):
    """The report's category and month counts, from the tally (PostgreSQL) or the items."""

    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")
        self.policy = self.desk.publish("政策解读", category="policy", published_date=date(2017, 3, 8))
        self.work = self.desk.publish("工作动态", published_date=date(2017, 11, 30))
        self.desk.publish("次年", published_date=date(2018, 1, 1))
        self.draft = self.desk.draft("草稿")

    def counts(self):
        return proactive_counts(agency_ids=[self.desk.agency.pk], start=date(2017, 1, 1), end=date(2017, 12, 31))

    def test_published_items_count_by_category_and_month(self):
        counts = self.counts()
        self.assertEqual(counts["total"], 2)
        self.assertEqual(counts["by_category"], {"policy": 1, "work": 1, "other": 0})
        self.assertEqual((counts["by_month"][3], counts["by_month"][11], sum(counts["by_month"].values())),
                         (1, 1, 2))

    def test_withdrawal_correction_and_publishing_move_the_counts(self):
        services.item_withdraw(item=self.policy, by=self.desk.reviewer, reason="重复")
        services.item_correct(item=self.work, by=self.desk.reviewer, reason="类别记错", category="other")
        services.item_submit(item=self.draft, by=self.desk.clerk)
        services.item_review(item=self.draft, by=self.desk.reviewer, opinion="同意")
        services.item_publish(item=self.draft, by=self.desk.reviewer, published_date=date(2017, 6, 1))
        counts = self.counts()
        self.assertEqual(counts["by_category"], {"policy": 0, "work": 1, "other": 1})
        self.assertEqual((counts["by_month"][3], counts["by_month"][6], counts["by_month"][11]), (0, 1, 1))

    def test_rebuild_recounts_what_the_triggers_kept(self):
        from disclosure.models import CategoryTally

        services.item_withdraw(item=self.policy, by=self.desk.reviewer, reason="重复")
        kept = {row for row in CategoryTally.objects.values_list("agency", "category", "month", "items") if row[3]}
        CategoryTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        rebuilt = set(CategoryTally.objects.values_list("agency", "category", "month", "items"))
        self.assertEqual(rebuilt, {(self.desk.agency.pk, "work", date(2017, 11, 1), 1),
                                   (self.desk.agency.pk, "work", date(2018, 1, 1), 1)})
        if connection.vendor == "postgresql":  # the triggers kept the same (rows at 0 aside)
            self.assertEqual(kept, rebuilt)
