"""Keyset pagination of the catalog: bookmarks (?after=date.id) beyond the numbered pages."""

import json
from datetime import date
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from disclosure import catalog
from disclosure.catalog import bookmark, catalog_page, parse_after
from disclosure.models import Item
from tests.disclosure.builders import Desk


class KeysetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj", short_name="区应急局", code="000014350")
        # Eleven items, seven of them on one day: the order within a day is by id.
        days = [date(2020, 5, 1)] * 7 + [date(2020, 4, 2), date(2020, 6, 3)] * 2
        cls.items = [
            cls.desk.publish(f"安全检查通报第{n}期", published_date=day)
            for n, day in enumerate(days, start=1)
        ]

    def setUp(self):
        cache.clear()

    def expected(self, sort="-date"):
        order = ("published_date", "id") if sort == "date" else ("-published_date", "-id")
        return list(Item.objects.published().order_by(*order).values_list("pk", flat=True))

    def walk(self, sort="-date", per_page=3):
        """Every row reached from the first page by following the bookmarks."""
        page = catalog_page(Item.objects.published(), sort=sort, per_page=per_page, number=1)
        seen = [item.pk for item in page]
        after, number = page.next_after, 1
        while after:
            number += 1
            page = catalog_page(
                Item.objects.published(),
                sort=sort,
                per_page=per_page,
                number=number,
                after=parse_after(after),
            )
            self.assertTrue(page.keyset)
            self.assertEqual(page.number, number)
            seen += [item.pk for item in page]
            after = page.next_after
        return seen, page

    def test_bookmarks_walk_every_row_once_in_a_stable_order_with_ties(self):
        with mock.patch.object(catalog, "KEYSET_FROM_PAGE", 1):
            for sort in ("-date", "date"):
                with self.subTest(sort=sort):
                    seen, last = self.walk(sort)
                    self.assertEqual(seen, self.expected(sort))
                    # The last page: two rows (11 = 3 × 3 + 2), no bookmark after it.
                    self.assertEqual((len(last.object_list), last.next_after), (2, ""))
                    self.assertFalse(last.has_next())

    def test_a_page_size_that_divides_the_rows_ends_without_an_empty_page(self):
        Item.objects.filter(pk=self.items[-1].pk).update(status="withdrawn")
        with mock.patch.object(catalog, "KEYSET_FROM_PAGE", 1):
            seen, last = self.walk(per_page=5)
        self.assertEqual(seen, self.expected())
        self.assertEqual(len(last.object_list), 5)

    def test_the_first_numbered_pages_keep_numbers_and_deeper_ones_hand_out_bookmarks(self):
        first = catalog_page(Item.objects.published(), per_page=3, number=1)
        self.assertEqual(first.next_after, "")  # page 1 < KEYSET_FROM_PAGE: "page=2"
        with mock.patch.object(catalog, "KEYSET_FROM_PAGE", 2):
            second = catalog_page(Item.objects.published(), per_page=3, number=2)
        rows = self.expected()
        self.assertEqual([item.pk for item in second], rows[3:6])
        self.assertEqual(second.next_after, bookmark(Item.objects.get(pk=rows[5])))

    def test_a_bookmark_after_the_last_row_is_an_empty_last_page(self):
        last = Item.objects.get(pk=self.expected()[-1])
        page = catalog_page(
            Item.objects.published(), per_page=3, number=5, after=parse_after(bookmark(last))
        )
        self.assertEqual((page.object_list, page.next_after, page.has_next()), ([], "", False))

    def test_malformed_bookmarks_are_ignored(self):
        for raw in ("", "2020-05-01", "2020-13-01.4", "x.1", "2020-05-01.-3", "2020-05-01.1;"):
            with self.subTest(raw=raw):
                self.assertIsNone(parse_after(raw))
        # Ignored, the address is an ordinary ?page=7, past the last page: sent to the last page.
        response = self.client.get("/catalog/?after=garbage&page=7", follow=True)
        self.assertEqual(response.redirect_chain, [("/catalog/", 302)])
        self.assertEqual(response.context["page_obj"].number, 1)

    def test_a_bookmark_url_shows_the_same_rows_after_a_new_publication(self):
        rows = self.expected()
        url = f"/catalog/?after={bookmark(Item.objects.get(pk=rows[2]))}&page=2"
        before = self.client.get(url)
        self.assertEqual([i.pk for i in before.context["page_obj"]], rows[3:])
        self.assertContains(before, "第 2 页")
        new = self.desk.publish("新发布的安全通报", published_date=date(2020, 7, 1))
        cache.clear()
        after = self.client.get(url)
        # The numbered pages now start one row later (the new item comes first); the bookmark's
        # rows do not move.
        numbered = self.client.get("/catalog/")
        self.assertEqual(numbered.context["page_obj"].object_list[0].pk, new.pk)
        self.assertEqual([i.pk for i in after.context["page_obj"]], rows[3:])

    def test_pages_link_the_next_bookmark_and_the_api_follows_it(self):
        extra = [
            self.desk.publish(f"月度安全简报{n}", published_date=date(2019, 1, 1 + n))
            for n in range(20)
        ]
        self.assertEqual(len(extra), 20)  # 31 items: page 1 (20 rows) and a page 2
        with mock.patch.object(catalog, "KEYSET_FROM_PAGE", 1):
            first = self.client.get("/catalog/?category=work")
            key = first.context["page_obj"].next_after
            self.assertTrue(key)
            self.assertContains(first, f"after={key}&amp;page=2")
            self.assertContains(first, "category=work&amp;after=")
            second = self.client.get(f"/catalog/?category=work&after={key}&page=2")
            self.assertEqual(len(second.context["page_obj"].object_list), 11)
            self.assertNotContains(second, "下一页")
            api = json.loads(self.client.get("/api/items/?category=work").content)
            self.assertIn(f"after={key}&page=2", api["next"])
            page2 = json.loads(self.client.get(api["next"].split("testserver")[1]).content)
            self.assertEqual(len(page2["results"]), 11)
            self.assertIsNone(page2["next"])

    def test_a_bookmarked_page_costs_the_queries_of_the_first(self):
        key = bookmark(Item.objects.get(pk=self.expected()[2]))
        self.assertEqual(self.queries(f"/catalog/?after={key}&page=2"), self.queries("/catalog/"))

    def queries(self, url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured.captured_queries)

    def test_a_bookmark_past_the_numbered_pages_shows_no_page_count(self):
        key = bookmark(Item.objects.get(pk=self.expected()[2]))
        with mock.patch.object(catalog, "MAX_PAGES", 1):
            response = self.client.get(f"/catalog/?after={key}&page=3")
            page = response.context["page_obj"]
            self.assertTrue(page.open_ended and page.previous_out_of_range)
        self.assertContains(response, "第 3 页")
        self.assertNotContains(response, "页 / 共")
        self.assertNotContains(response, 'rel="prev"')
        self.assertContains(response, "首页")
