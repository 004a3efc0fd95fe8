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
        ids = [self.desk.agency.pk]
        from_tally = proactive_counts(agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 31))
        # One day short of whole months: the selector joins the links instead (nothing is
        # published on 31 December in these tests).
        from_links = proactive_counts(agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 30))
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
        call_command("rebuild_channel_tally", stdout=io.StringIO())
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
