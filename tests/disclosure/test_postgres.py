"""PostgreSQL-only behaviour: the tsvector search and index numbers under concurrent publishing."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from disclosure import services
from disclosure.models import Item
from tests.disclosure.builders import Desk

# Decided before any set-up: a transactional test that starts and then skips would flush the
# migration-seeded rows (topics, calendar, role groups) for the tests after it.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: run with DATABASE_URL=postgres://…",
    ),
]


class PostgresSearchTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.hit = self.desk.publish("政务公开工作要点", summary="安全生产。")
        self.body = self.desk.publish("年度计划", summary="推进政务公开标准化。")
        self.miss = self.desk.publish("烟花爆竹检查", summary="零售网点。")

    def test_generated_vector_is_indexed_and_used_for_search(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'item_search_gin'")
            self.assertIn("gin (search_vector)", cursor.fetchone()[0])
        response = self.client.get("/catalog/", {"q": "公开"})
        rows = [item.pk for item in response.context["page_obj"].object_list]
        self.assertEqual(rows, [self.hit.pk, self.body.pk])

    def test_phrases_match_consecutive_characters_only(self):
        self.assertEqual(
            self.client.get("/catalog/", {"q": "政务公开"}).context["page_obj"].count, 2
        )
        self.assertEqual(
            self.client.get("/catalog/", {"q": "公开政务"}).context["page_obj"].count, 0
        )

    def test_vector_follows_corrections(self):
        services.item_correct(
            item=self.miss, by=self.desk.reviewer, reason="补充", summary="公开零售网点名单。"
        )
        self.assertEqual(self.client.get("/catalog/", {"q": "名单"}).context["page_obj"].count, 1)


class PhraseCheckTests(TestCase):
    """Rows come from the AND of the bigrams; only they are checked as phrases."""

    def setUp(self):
        self.desk = Desk()
        self.phrase = self.desk.publish(
            "年度工作", summary="开展隐患排查治理。", published_date=date(2020, 1, 5)
        )
        # Every bigram of 隐患排查, never in a row: found by the AND, not by the phrase.
        self.decoys = [
            self.desk.publish(
                f"通报{n}",
                summary="发现隐患，患排列，排查完毕。",
                published_date=date(2020, 2, n + 1),
            )
            for n in range(3)
        ]

    def test_bigrams_apart_are_not_a_phrase_match(self):
        page = self.client.get("/catalog/", {"q": "隐患排查"}).context["page_obj"]
        self.assertEqual([item.pk for item in page.object_list], [self.phrase.pk])
        # The AND counted four; the last page proves there is one.
        self.assertEqual((page.count, page.count_capped), (1, False))

    def test_titles_with_the_bigrams_apart_are_not_title_hits(self):
        # Newer than the phrase match, all three bigrams in the title, never in a row.
        decoy = self.desk.publish("隐患通报：患排序与排查", published_date=date(2021, 1, 1))
        title_hit = self.desk.publish("隐患排查通知", published_date=date(2019, 1, 1))
        page = self.client.get("/catalog/", {"q": "隐患排查"}).context["page_obj"]
        # Title hits first (the older title), then the body match; the decoy nowhere.
        self.assertEqual([item.pk for item in page.object_list], [title_hit.pk, self.phrase.pk])
        self.assertNotIn(decoy.pk, [item.pk for item in page.object_list])

    def test_a_window_of_decoys_falls_back_to_the_full_phrase_check(self):
        from unittest import mock

        from disclosure import catalog

        with mock.patch.object(catalog, "PHRASE_SLACK", 0):
            page = catalog.catalog_page(Item.objects.published(), words=["隐患排查"], per_page=2)
        self.assertEqual([item.pk for item in page.object_list], [self.phrase.pk])

    def test_phrase_search_query_count_does_not_grow_with_candidates(self):
        from django.core.cache import cache
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as before:
            self.client.get("/catalog/", {"q": "隐患排查"})
        for n in range(5):
            self.desk.publish(
                f"再通报{n}", summary="隐患，患排，排查。", published_date=date(2021, 1, n + 1)
            )
        cache.clear()
        with self.assertNumQueries(len(before)):
            self.client.get("/catalog/", {"q": "隐患排查"})


class RecentWindowTests(TestCase):
    """A search with more matches than the pages show reads the newest rows of the list first,
    through the unindexed match function, and gives the same pages as reading every match."""

    def setUp(self):
        self.desk = Desk()
        self.items = [
            self.desk.publish(
                f"工作动态{n}",
                summary="推进尾矿库闭库治理。" if n % 3 else "其他工作。",
                published_date=date(2020, 1, 1 + n),
            )
            for n in range(24)
        ]
        self.title_hit = self.desk.publish("闭库治理通知", published_date=date(2019, 6, 1))

    def pages(self, sort="-date", **patches):
        from unittest import mock

        from disclosure import catalog

        with (
            mock.patch.object(catalog, "SEARCH_MAX_PAGES", 3),  # the cap: 12 of the 17 matches
            mock.patch.multiple(catalog, **patches),
        ):
            return [
                [
                    row.pk
                    for row in catalog.catalog_page(
                        Item.objects.published(),
                        words=["闭库治理"],
                        sort=sort,
                        number=number,
                        per_page=4,
                    ).object_list
                ]
                for number in (1, 2, 3)
            ]

    def test_windowed_pages_equal_the_pages_of_every_match(self):
        hits = [item.pk for item in reversed(self.items) if "闭库" in item.summary]
        expected = [[self.title_hit.pk, *hits[:3]], hits[3:7], hits[7:11]]
        # A window larger than the list, one that holds the first pages, and one too small for
        # any page (read every match instead): the same rows in each case.
        oldest = [item.pk for item in self.items if "闭库" in item.summary]
        oldest_first = [[self.title_hit.pk, *oldest[:3]], oldest[3:7], oldest[7:11]]
        for window in (1000, 12, 2):
            with self.subTest(window=window):
                self.assertEqual(self.pages(RECENT_WINDOW=window), expected)
                self.assertEqual(self.pages("date", RECENT_WINDOW=window), oldest_first)

    def test_the_window_is_read_through_the_unindexed_function(self):
        from django.test.utils import CaptureQueriesContext

        from disclosure.search import UNINDEXED_MATCH

        with CaptureQueriesContext(connection) as queries:
            self.pages(RECENT_WINDOW=1000)
        self.assertTrue(any(UNINDEXED_MATCH in q["sql"] for q in queries.captured_queries))
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [UNINDEXED_MATCH])
            self.assertIsNotNone(cursor.fetchone())


class ConcurrentNumberingTests(TransactionTestCase):
    """Two reviewers publishing at the same moment get distinct, gap-free numbers."""

    WORKERS = 6
    serialized_rollback = True

    def setUp(self):
        self.desk = Desk(code="000014349")
        self.items = []
        for n in range(self.WORKERS):
            item = self.desk.draft(f"并发发布{n}")
            services.item_submit(item=item, by=self.desk.clerk)
            services.item_review(item=item, by=self.desk.reviewer, opinion="同意")
            self.items.append(item)

    def test_concurrent_publishing_allocates_unique_gap_free_numbers(self):
        barrier = threading.Barrier(self.WORKERS)
        errors = []

        def publish(item):
            try:
                barrier.wait()
                services.item_publish(
                    item=item, by=self.desk.reviewer, published_date=date(2017, 5, 2)
                )
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish, args=(item,)) for item in self.items]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        numbers = sorted(Item.objects.values_list("index_seq", flat=True))
        self.assertEqual(numbers, list(range(1, self.WORKERS + 1)))
        self.assertEqual(
            len(set(Item.objects.values_list("index_number", flat=True))), self.WORKERS
        )

    def test_rolled_back_publication_leaves_no_gap(self):
        from django.db import transaction

        with self.assertRaises(RuntimeError), transaction.atomic():
            services.item_publish(
                item=self.items[0], by=self.desk.reviewer, published_date=date(2017, 5, 2)
            )
            raise RuntimeError("e.g. the attachment store failed")
        item = services.item_publish(
            item=self.items[1], by=self.desk.reviewer, published_date=date(2017, 5, 2)
        )
        self.assertEqual(item.index_number, "000014349/2017-00001")
