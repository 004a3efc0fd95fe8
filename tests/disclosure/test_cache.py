from datetime import date

from django.core.cache import cache
from django.test import TestCase

from config.headers import CONTENT_SECURITY_POLICY
from disclosure import services
from disclosure.cache import GENERATION_KEY, generation
from tests.disclosure.builders import Desk

CACHED_PAGES = ["/", "/catalog/", "/catalog/?q=安全", "/api/items/", "/catalog/agency/cache/"]


class AnonymousPageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(
            name="某区应急管理局", slug="cache", short_name="区应急局", code="000014350"
        )
        cls.item = cls.desk.publish("关于安全生产检查的通知", published_date=date(2020, 5, 6))

    def setUp(self):
        cache.clear()

    def test_a_second_anonymous_visit_runs_no_query(self):
        for url in [*CACHED_PAGES, self.item.get_absolute_url()]:
            with self.subTest(url=url):
                first = self.client.get(url)
                with self.assertNumQueries(0):
                    again = self.client.get(url)
                self.assertEqual(again.status_code, 200)
                self.assertEqual(again.content, first.content)
                self.assertEqual(again["Content-Type"], first["Content-Type"])

    def test_parameters_the_page_does_not_read_share_its_entry(self):
        from django.core.cache import caches
        from django.core.cache.backends.locmem import LocMemCache

        first = self.client.get("/catalog/", {"q": "安全", "from": "timeline"})
        self.assertNotContains(first, "timeline")  # links carry only the catalog's filters
        # Another tracking parameter, the filters in another order, an empty filter: one entry.
        for query in ("?q=安全&utm_source=wechat", "?agency=&q=安全", "?sort=&q=安全&x=1"):
            with self.subTest(query=query), self.assertNumQueries(0):
                self.assertEqual(self.client.get("/catalog/" + query).content, first.content)
        self.client.get(self.item.get_absolute_url())  # fills the item page's entry
        with self.assertNumQueries(0):
            self.client.get(self.item.get_absolute_url() + "?x=1")
        backend = caches["default"]
        if isinstance(
            backend, LocMemCache
        ):  # the test settings' cache (not Redis): entries countable
            stored = len(backend._cache)
            for n in range(20):  # random parameters take no new entries
                self.client.get(f"/catalog/?q=安全&r={n}")
            self.assertEqual(len(backend._cache), stored)

    def test_pages_differ_by_the_filters_they_read(self):
        self.client.get("/catalog/", {"q": "安全"})
        with self.assertNumQueries(0):
            self.client.get("/catalog/", {"q": "安全"})
        page = self.client.get("/catalog/", {"q": "防汛"})  # a real filter: its own page
        self.assertEqual(page.context["page_obj"].words, ["防汛"])

    def test_cached_pages_keep_every_security_header(self):
        self.client.get("/catalog/")
        hit = self.client.get("/catalog/")
        self.assertEqual(hit["Content-Security-Policy"], CONTENT_SECURITY_POLICY)
        for header in (
            "X-Content-Type-Options",
            "Referrer-Policy",
            "X-Frame-Options",
            "Cross-Origin-Opener-Policy",
            "Permissions-Policy",
        ):
            self.assertIn(header, hit.headers, header)
        self.assertNotIn("Set-Cookie", hit.headers)

    def test_publishing_withdrawing_and_correcting_show_at_once(self):
        self.assertNotContains(self.client.get("/catalog/"), "新发布的防汛通知")
        new = self.desk.publish("新发布的防汛通知", published_date=date(2021, 7, 1))
        self.assertContains(self.client.get("/catalog/"), "新发布的防汛通知")
        services.item_correct(
            item=new, by=self.desk.reviewer, reason="名称有误", title="更正后的防汛通知"
        )
        page = self.client.get("/catalog/")
        self.assertContains(page, "更正后的防汛通知")
        self.assertNotContains(page, "新发布的防汛通知")
        services.item_withdraw(item=new, by=self.desk.reviewer, reason="重复发布")
        self.assertNotContains(self.client.get("/catalog/"), "更正后的防汛通知")
        self.assertEqual(self.client.get(new.get_absolute_url()).status_code, 404)

    def test_generation_moves_after_the_commit_too(self):
        before = generation()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.desk.publish("又一条通知", published_date=date(2021, 8, 1))
        self.assertTrue(callbacks)
        self.assertGreater(generation(), before + 1)  # once at once, once after the commit

    def test_agency_renamed_in_the_admin_shows_at_once(self):
        self.client.get("/catalog/")
        agency = self.desk.agency
        agency.name = "某区应急管理局（新）"
        agency.save()
        self.assertContains(self.client.get("/catalog/"), "某区应急管理局（新）")

    def test_a_lost_generation_never_restarts_an_old_one(self):
        first = generation()
        cache.delete(GENERATION_KEY)
        self.assertNotEqual(generation(), first)

    def test_visitors_with_a_session_or_messages_are_never_served_from_the_cache(self):
        self.client.get("/catalog/")
        for cookie in ("sessionid", "messages", "zwgk_primary"):
            with self.subTest(cookie=cookie):
                self.client.cookies.clear()
                self.client.cookies[cookie] = "x"
                self.assertGreater(self._queries("/catalog/"), 0)

    def test_staff_pages_and_the_application_form_are_never_stored(self):
        for url in ("/apply/", "/admin/login/"):
            with self.subTest(url=url):
                self.client.cookies.clear()
                self.assertEqual(self.client.get(url).status_code, 200)
                self.assertEqual([key for key in cache._cache if ":page:" in key], [])
        self.client.get("/catalog/")  # the check above can see a stored page
        self.assertEqual(len([key for key in cache._cache if ":page:" in key]), 1)

    def _queries(self, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            self.client.get(url)
        return len(ctx)

    def test_responses_setting_a_cookie_are_not_stored(self):
        from django.test import RequestFactory

        from disclosure.cache import AnonymousPageCacheMiddleware, public_cache

        calls = []

        @public_cache
        def view(request):
            from django.http import HttpResponse

            calls.append(1)
            response = HttpResponse("hello")
            response.set_cookie("token", "secret")
            return response

        middleware = AnonymousPageCacheMiddleware(view)
        middleware(RequestFactory().get("/x/"))
        response = middleware(RequestFactory().get("/x/"))
        self.assertEqual(len(calls), 2)
        self.assertIn("token", response.cookies)

    def test_post_is_never_answered_from_the_cache(self):
        from django.http import HttpResponse
        from django.test import RequestFactory

        from disclosure.cache import AnonymousPageCacheMiddleware, public_cache

        middleware = AnonymousPageCacheMiddleware(
            public_cache(lambda request: HttpResponse(request.method))
        )
        middleware(RequestFactory().get("/x/"))
        self.assertEqual(middleware(RequestFactory().post("/x/")).content, b"POST")

    def test_filter_form_fragment_is_cached_with_the_generation(self):
        self.client.get("/catalog/?year=2020")
        cache_keys = self._fragment_keys()
        self.assertEqual(len(cache_keys), 1)
        # A deep page of the same filters reuses the fragment: no agency or topic options query.
        self.client.get("/catalog/?year=2020&page=2")
        self.assertEqual(self._fragment_keys(), cache_keys)

    def _fragment_keys(self):
        return {key for key in cache._cache if "fragment:catalog-filter" in key}
