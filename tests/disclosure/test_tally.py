import io
import unittest
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase

from disclosure import importing, services
from disclosure.models import CategoryTally, ChannelTally
from disclosure.selectors import proactive_counts
from tests.disclosure.builders import Desk
from tests.disclosure.test_import import GOOD, HEADER

TRIGGERS_ON_POSTGRESQL = (
    "the tallies are kept by PostgreSQL triggers; on SQLite the report "
    "always joins the items. CI runs this on PostgreSQL"
)


class ChannelTallyTests(TestCase):
    """The report's channel counts after each kind of change: from the tally the triggers keep
    on PostgreSQL, from the item-channel links on SQLite."""

    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")
        d = self.desk
        self.both = d.publish(
            "两个渠道", published_date=date(2017, 3, 8), channels=[d.portal, d.board]
        )
        self.portal_only = d.publish("门户", published_date=date(2017, 11, 30))
        d.publish("次年", published_date=date(2018, 1, 1), channels=[d.board])

    def by_channel(self, year=2017):
        ids = [self.desk.agency.pk]
        return proactive_counts(agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 31))[
            "by_channel"
        ]

    def test_publishing_counts_each_channel_in_its_month(self):
        self.assertEqual(self.by_channel(), [("门户网站", 2), ("政务公开栏", 1)])

    def test_withdrawing_takes_the_item_off_every_channel(self):
        services.item_withdraw(item=self.both, by=self.desk.reviewer, reason="重复")
        self.assertEqual(self.by_channel(), [("门户网站", 1)])  # 政务公开栏 at 0 is not listed

    def test_correcting_the_channels_moves_the_count(self):
        services.item_correct(
            item=self.portal_only,
            by=self.desk.reviewer,
            reason="渠道记错",
            channels=[self.desk.board],
        )
        self.assertEqual(self.by_channel(), [("政务公开栏", 2), ("门户网站", 1)])

    def test_imported_items_are_counted(self):
        result = importing.validate(
            self.desk.agency, importing.read_rows("catalog.csv", (HEADER + "".join(GOOD)).encode())
        )
        services.items_import(agency=self.desk.agency, by=self.desk.reviewer, rows=result.rows)
        self.assertEqual(self.by_channel(), [("门户网站", 4), ("政务公开栏", 2)])

    def test_rebuild_recounts_the_links(self):
        ChannelTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        after = set(ChannelTally.objects.values_list("agency", "channel", "month", "items"))
        self.assertEqual(len(after), 4)  # portal 2017-03 and 2017-11, board 2017-03 and 2018-01

    def test_writes_past_the_services_are_counted_too(self):
        from disclosure.models import Item

        if connection.vendor == "postgresql":  # a recorded data fix, as the correction service does
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('zwgk.allow_published_edit', 'on', true)")
        Item.objects.filter(pk=self.both.pk).update(published_date=date(2017, 12, 1))
        Item.objects.filter(pk=self.portal_only.pk).update(status="withdrawn")
        self.both.channels.remove(self.desk.board)
        self.assertEqual(self.by_channel(), [("门户网站", 1)])


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", TRIGGERS_ON_POSTGRESQL)
class ChannelTallyTriggerTests(ChannelTallyTests):
    """Every change above again, and the tally the triggers keep must give what joining the
    item-channel links gives (the selector joins when the period is not whole months)."""

    def by_channel(self, year=2017):
        ids = [self.desk.agency.pk]
        from_tally = proactive_counts(
            agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 31)
        )
        # One day short of whole months: the selector counts the items and joins the links
        # instead (nothing is published on 31 December in these tests).
        from_links = proactive_counts(
            agency_ids=ids, start=date(year, 1, 1), end=date(year, 12, 30)
        )
        for key in ("total", "by_category", "by_month", "by_channel"):
            self.assertEqual(from_tally[key], from_links[key], key)
        return from_tally["by_channel"]

    def test_the_triggers_kept_what_a_rebuild_recounts(self):
        services.item_withdraw(item=self.both, by=self.desk.reviewer, reason="重复")
        kept = set(
            ChannelTally.objects.filter(items__gt=0).values_list(
                "agency", "channel", "month", "items"
            )
        )
        ChannelTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        self.assertEqual(
            set(ChannelTally.objects.values_list("agency", "channel", "month", "items")), kept
        )


class CategoryTallyTests(TestCase):
    """The report's category and month counts, from the tally (PostgreSQL) or the items (SQLite)."""

    def setUp(self):
        self.desk = Desk(code="000014349", slug="ajj")
        self.policy = self.desk.publish(
            "政策解读", category="policy", published_date=date(2017, 3, 8)
        )
        self.work = self.desk.publish("工作动态", published_date=date(2017, 11, 30))
        self.desk.publish("次年", published_date=date(2018, 1, 1))
        self.draft = self.desk.draft("草稿")

    def counts(self):
        return proactive_counts(
            agency_ids=[self.desk.agency.pk], start=date(2017, 1, 1), end=date(2017, 12, 31)
        )

    def test_published_items_count_by_category_and_month(self):
        counts = self.counts()
        self.assertEqual(counts["total"], 2)
        self.assertEqual(counts["by_category"], {"policy": 1, "work": 1, "other": 0})
        self.assertEqual(
            (counts["by_month"][3], counts["by_month"][11], sum(counts["by_month"].values())),
            (1, 1, 2),
        )

    def test_withdrawal_correction_and_publishing_move_the_counts(self):
        services.item_withdraw(item=self.policy, by=self.desk.reviewer, reason="重复")
        services.item_correct(
            item=self.work, by=self.desk.reviewer, reason="类别记错", category="other"
        )
        services.item_submit(item=self.draft, by=self.desk.clerk)
        services.item_review(item=self.draft, by=self.desk.reviewer, opinion="同意")
        services.item_publish(
            item=self.draft, by=self.desk.reviewer, published_date=date(2017, 6, 1)
        )
        counts = self.counts()
        self.assertEqual(counts["by_category"], {"policy": 0, "work": 1, "other": 1})
        self.assertEqual(
            (counts["by_month"][3], counts["by_month"][6], counts["by_month"][11]), (0, 1, 1)
        )

    def test_rebuild_recounts_the_items(self):
        services.item_withdraw(item=self.policy, by=self.desk.reviewer, reason="重复")
        CategoryTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        rebuilt = set(CategoryTally.objects.values_list("agency", "category", "month", "items"))
        self.assertEqual(
            rebuilt,
            {
                (self.desk.agency.pk, "work", date(2017, 11, 1), 1),
                (self.desk.agency.pk, "work", date(2018, 1, 1), 1),
            },
        )

    @pytest.mark.postgres
    @unittest.skipUnless(connection.vendor == "postgresql", TRIGGERS_ON_POSTGRESQL)
    def test_the_triggers_kept_what_a_rebuild_recounts(self):
        services.item_withdraw(item=self.policy, by=self.desk.reviewer, reason="重复")
        kept = set(
            CategoryTally.objects.filter(items__gt=0).values_list(
                "agency", "category", "month", "items"
            )
        )
        self.assertEqual(
            kept,
            {
                (self.desk.agency.pk, "work", date(2017, 11, 1), 1),
                (self.desk.agency.pk, "work", date(2018, 1, 1), 1),
            },
        )
        CategoryTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        self.assertEqual(
            set(CategoryTally.objects.values_list("agency", "category", "month", "items")), kept
        )
