import json
from datetime import date

from django.core.cache import cache
from django.test import TestCase

from disclosure import services
from disclosure.models import Item
from tests.disclosure.builders import Desk


class CatalogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(
            name="某区安全生产监督管理局", slug="ajj", short_name="区安监局", code="000014349"
        )
        cls.policy = cls.desk.publish(
            "关于印发安全生产约谈制度的通知",
            category="policy",
            document_number="吴利安监发〔2017〕12号",
            summary="建立约谈制度，推动政务公开。",
            published_date=date(2017, 4, 5),
            doc_kind="normative",
        )
        cls.work = cls.desk.publish(
            "区安监局开展烟花爆竹安全检查",
            category="work",
            published_date=date(2017, 2, 1),
            formed_date=date(2017, 1, 20),
            summary="检查零售网点。",
            body="本次检查重点是安全生产。",
            channels=[cls.desk.board],
        )
        cls.later = cls.desk.publish(
            "2018年信息公开工作要点",
            category="other",
            published_date=date(2018, 1, 9),
            summary="年度公开要点。",
        )
        cls.draft = cls.desk.draft("尚未发布的草稿安全")

    def setUp(self):
        cache.clear()

    def _extra(self, n):
        for i in range(n):
            self.desk.publish(f"额外安全信息{i}", published_date=date(2017, 6, 1 + i))

    def test_list_shows_published_items_only_with_metadata(self):
        response = self.client.get("/catalog/")
        self.assertContains(response, "共 3 条")
        self.assertContains(response, self.policy.index_number)
        self.assertContains(response, "吴利安监发〔2017〕12号")
        self.assertContains(response, "区安监局")
        self.assertNotContains(response, "尚未发布的草稿")

    def test_filters_narrow_the_list(self):
        cases = {
            "category=policy": 1,
            "year=2017": 2,
            f"agency={self.desk.agency.pk}": 3,
            f"channel={self.desk.board.pk}": 1,
            f"topic={self.desk.topic.parent_id}": 3,
            "validity=valid": 3,
            "year=2017&category=work": 1,
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertContains(self.client.get(f"/catalog/?{query}"), f"共 {expected} 条")

    def test_two_character_search_ranks_title_hits_first_and_highlights(self):
        response = self.client.get("/catalog/", {"q": "公开"})
        rows = [item.pk for item in response.context["page_obj"].object_list]
        # the 2018 item has 公开 in its title; the policy only in its summary
        self.assertEqual(rows, [self.later.pk, self.policy.pk])
        self.assertContains(response, "<mark>公开</mark>", html=False)

    def test_search_finds_phrases_and_document_numbers(self):
        self.assertContains(self.client.get("/catalog/", {"q": "烟花爆竹"}), "共 1 条")
        self.assertContains(
            self.client.get("/catalog/", {"q": "吴利安监发〔2017〕12号"}), "共 1 条"
        )
        self.assertContains(self.client.get("/catalog/", {"q": "安全 检查"}), "共 1 条")
        self.assertContains(self.client.get("/catalog/", {"q": "不存在的词语"}), "共 0 条")

    def test_a_word_ending_in_one_character_after_digits_finds_longer_words(self):
        """ "2024年" is found in "2024年汛期" (tokens 2024 年汛 汛期), as a user types it."""
        flood = self.desk.publish("关于做好2024年汛期安全防范工作的通知")
        self.desk.publish("2023年度安全生产工作总结")
        self.desk.publish("关于汛期值班的通知（2024）")
        for query in ["2024年", "2024年汛", "2024年 汛期"]:
            with self.subTest(query=query):
                response = self.client.get("/catalog/", {"q": query})
                rows = [item.pk for item in response.context["page_obj"].object_list]
                self.assertEqual(rows, [flood.pk])
        self.assertContains(self.client.get("/catalog/", {"q": "2023年"}), "共 1 条")
        self.assertContains(self.client.get("/catalog/", {"q": "2025年"}), "共 0 条")

    def test_sort_oldest_first(self):
        response = self.client.get("/catalog/?sort=date")
        self.assertEqual(response.context["page_obj"].object_list[0].pk, self.work.pk)

    def test_bad_input_never_fails(self):
        for query in [
            "year=abc",
            "category=bogus",
            "topic=999999",
            "channel=x",
            "page=zz",
            "page=-4",
            "page=99999999999999999999",
            "sort=evil",
            "agency=1%27%20or%201=1",
            "year=99999",
            "q=" + "安全" * 500,
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%00%01",
        ]:
            with self.subTest(query=query):
                # A page past the end redirects to the last page (a 302 to a 200).
                response = self.client.get(f"/catalog/?{query}", follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(self.client.get("/catalog/?year=abc"), "筛选条件无效")

    def test_html_in_fields_is_escaped(self):
        item = self.desk.publish(
            "<script>alert('x')</script>标题",
            summary="<b>粗</b>",
            body="<img src=x onerror=alert(1)>\n\n- <i>列表</i>",
        )
        response = self.client.get(item.get_absolute_url())
        self.assertNotContains(response, "<script>alert('x')</script>")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;img src=x onerror=alert(1)&gt;")
        response = self.client.get("/catalog/", {"q": "标题"})
        self.assertNotContains(response, "<script>alert('x')</script>")

    def test_detail_shows_the_metadata_table(self):
        response = self.client.get(self.policy.get_absolute_url())
        for text in [
            "索引号",
            self.policy.index_number,
            "发布机构",
            "某区安全生产监督管理局",
            "生成日期",
            "2017-03-01",
            "文号",
            "吴利安监发〔2017〕12号",
            "主题分类",
            "安全生产",
            "体裁分类",
            "通知",
            "有效性",
            "有效",
            "生成后",
        ]:
            self.assertContains(response, text)

    def test_unpublished_and_withdrawn_items_are_404(self):
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
        services.item_withdraw(item=self.work, by=self.desk.reviewer, reason="错误")
        self.assertEqual(self.client.get(self.work.get_absolute_url()).status_code, 404)

    def test_agency_catalog_page(self):
        other = Desk(slug="other")
        other.publish("别的机构的安全信息")
        response = self.client.get("/catalog/agency/ajj/")
        self.assertContains(response, "共 3 条")
        self.assertContains(response, "某区安全生产监督管理局")
        self.assertEqual(self.client.get("/catalog/agency/nope/").status_code, 404)

    def test_home_shows_latest_per_category(self):
        response = self.client.get("/")
        self.assertContains(response, "最新公开信息")
        self.assertContains(response, "关于印发安全生产约谈制度的通知")
        self.assertContains(response, "区安监局开展烟花爆竹安全检查")
        self.assertNotContains(response, "尚未发布的草稿")

    def test_feed_and_sitemap_list_published_items(self):
        feed = self.client.get("/catalog/feed/")
        self.assertContains(feed, "区安监局开展烟花爆竹安全检查")
        self.assertNotContains(feed, "尚未发布的草稿")
        index = self.client.get("/sitemap.xml")
        self.assertContains(index, "sitemap-items.xml")
        items = self.client.get("/sitemap-items.xml")
        self.assertContains(items, f"/catalog/{self.policy.pk}/")
        self.assertNotContains(items, f"/catalog/{self.draft.pk}/")

    def test_api_lists_items_with_stable_keys_and_filters(self):
        data = json.loads(self.client.get("/api/items/?category=policy").content)
        self.assertEqual(data["count"], 1)
        row = data["results"][0]
        self.assertEqual(
            set(row),
            {
                "id",
                "index_number",
                "title",
                "summary",
                "agency",
                "document_number",
                "published_date",
                "category",
                "category_label",
                "validity",
                "url",
            },
        )
        self.assertEqual(row["document_number"], "吴利安监发〔2017〕12号")
        self.assertEqual(
            json.loads(self.client.get("/api/items/", {"q": "公开"}).content)["count"], 2
        )

    def test_api_rejects_bad_filters_with_400_json(self):
        response = self.client.get("/api/items/?category=bogus&year=x")
        self.assertEqual(response.status_code, 400)
        self.assertIn("category", json.loads(response.content)["errors"])

    def test_pagination_and_capped_page_numbers(self):
        self._extra(25)
        first = self.client.get("/catalog/")
        self.assertEqual(len(first.context["page_obj"].object_list), 20)
        second = self.client.get("/catalog/?page=2")
        self.assertEqual(len(second.context["page_obj"].object_list), 8)
        api = json.loads(self.client.get("/api/items/?page=2").content)
        self.assertIsNone(api["next"])
        self.assertIn("page=1", api["previous"])

    def test_query_counts_do_not_grow_with_rows(self):
        pages = [
            "/catalog/",
            "/catalog/?q=安全",
            f"/catalog/?topic={self.desk.topic.pk}&year=2017",
            "/api/items/",
            "/api/items/?q=安全",
            "/catalog/feed/",
            "/",
            "/catalog/agency/ajj/",
            self.policy.get_absolute_url(),
        ]
        before = {}
        for url in pages:
            # Cold pages: the anonymous page cache would otherwise answer without a query.
            cache.clear()
            before[url] = self._count(url)
            cache.clear()
            with self.assertNumQueries(before[url]):
                self.client.get(url)
        self._extra(12)
        for url in pages:
            cache.clear()
            with self.subTest(url=url), self.assertNumQueries(before[url]):
                self.client.get(url)

    def _count(self, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get(url)
        # A sanity cap; the test is that counts stay flat. PostgreSQL adds the planner's estimate
        # and a time-boxed count (its savepoint and statement_timeout), and a cold catalog page
        # reads the tree's two tallies, the agencies and the topics.
        self.assertLessEqual(len(ctx), 18, url)
        return len(ctx)

    def test_published_queryset_is_the_public_rule(self):
        self.assertEqual(set(Item.objects.published()), {self.policy, self.work, self.later})


class CountFloorTests(TestCase):
    """Counting stops at a cap: past it the page says "N 条以上", never a made-up total."""

    def setUp(self):
        cache.clear()
        self.desk = Desk()
        for n in range(3):
            self.desk.publish(f"安全生产检查{n}", published_date=date(2021, 3, n + 1))

    def test_more_rows_than_the_cap_read_as_a_floor(self):
        from unittest import mock

        from disclosure import catalog

        for n in range(20):  # 23 in all: a second page
            self.desk.publish(f"工作动态{n}", published_date=date(2020, 1, n + 1))
        with mock.patch.object(catalog, "COUNT_CAP", 21):
            response = self.client.get("/catalog/")
            api = self.client.get("/api/items/").json()
        page = response.context["page_obj"]
        self.assertEqual((page.count, page.count_at_least, page.count_capped), (21, True, False))
        self.assertContains(response, "21 条以上")
        self.assertEqual((api["count"], api["count_capped"]), (21, True))
        # The last page knows the total.
        cache.clear()
        with mock.patch.object(catalog, "COUNT_CAP", 21):
            page = self.client.get("/catalog/", {"page": 2}).context["page_obj"]
        self.assertEqual((page.count, page.count_at_least, page.count_capped), (23, False, False))

    def test_a_search_counts_only_as_far_as_its_last_page(self):
        from unittest import mock

        from disclosure import catalog

        with mock.patch.object(catalog, "SEARCH_MAX_PAGES", 1):
            page = catalog.catalog_page(Item.objects.published(), words=["安全"], per_page=2)
        self.assertEqual(len(page.object_list), 2)
        # Counting stopped at the cap: "2 条以上", one page (a search shows SEARCH_MAX_PAGES).
        self.assertEqual(
            (page.count, page.count_at_least, page.count_capped, page.num_pages),
            (2, True, False, 1),
        )
        # Under the cap the count is exact; exactly at the cap too ("3 条", not "3 条以上").
        page = catalog.catalog_page(Item.objects.published(), words=["安全"], per_page=2)
        self.assertEqual((page.count, page.count_at_least, page.count_capped), (3, False, False))
        with mock.patch.object(catalog, "SEARCH_MAX_PAGES", 2):  # cap 4
            self.desk.publish("安全生产检查3", published_date=date(2021, 3, 9))
            page = catalog.catalog_page(Item.objects.published(), words=["安全"], per_page=2)
        self.assertEqual((page.count, page.count_at_least, page.count_capped), (4, False, False))
