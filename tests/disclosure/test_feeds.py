"""Every catalog view has its own feed: the same items as the view, bounded, cached, valid RSS 2.0."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from disclosure import services
from disclosure.feeds import FEED_SIZE
from tests.disclosure.builders import Desk

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def feed_items(response):
    """(channel, items) of an RSS 2.0 response, checked against the spec as it is parsed."""
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    return channel, channel.findall("item")


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区安全生产监督管理局", slug="ajj", code="000014349")
        cls.other = Desk(name="某区教育局", slug="jyj", code="000014350")
        cls.policy = cls.desk.publish(
            "关于印发安全生产约谈制度的通知",
            category="policy",
            summary="建立约谈制度。",
            published_date=date(2017, 4, 5),
        )
        cls.work = cls.desk.publish(
            "区安监局开展烟花爆竹安全检查",
            category="work",
            published_date=date(2017, 2, 1),
            formed_date=date(2017, 1, 20),
        )
        cls.school = cls.other.publish(
            "关于做好校园安全工作的通知", category="policy", published_date=date(2018, 3, 2)
        )
        cls.draft = cls.desk.draft("尚未发布的草稿安全")

    def setUp(self):
        cache.clear()

    def guids(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        _, items = feed_items(response)
        return [item.findtext("guid") for item in items]

    def listed(self, response):
        return [item.index_number for item in response.context["page_obj"].object_list]

    def test_each_view_has_a_feed_of_exactly_its_items(self):
        views = [
            "/catalog/",
            "/catalog/?category=policy",
            f"/catalog/?topic={self.desk.topic.pk}",
            f"/catalog/?topic={self.desk.topic.parent_id}&year=2017",
            f"/catalog/?agency={self.other.agency.pk}",
            "/catalog/?q=安全检查",
            "/catalog/?q=通知&category=policy",
            "/catalog/agency/ajj/",
            "/catalog/agency/ajj/?category=work",
            # Nodes of the catalog tree: their filter is in the address, their feed carries it.
            "/catalog/category/policy/",
            f"/catalog/topic/{self.desk.topic.pk}/?year=2017",
            "/catalog/agency/ajj/category/work/",
            f"/catalog/agency/jyj/topic/{self.desk.topic.parent_id}/",
        ]
        for view in views:
            with self.subTest(view=view):
                response = self.client.get(view)
                link = re.search(r'class="feed-link" href="([^"]+)"', response.content.decode())
                feed = link.group(1).replace("&amp;", "&")
                expected = self.listed(response)
                self.assertTrue(expected)
                self.assertEqual(self.guids(feed), expected)
        # The agency page's feed is the agency's, whatever the query says.
        self.assertEqual(
            self.guids(f"/catalog/agency/ajj/feed/?agency={self.other.agency.pk}"),
            [self.policy.index_number, self.work.index_number],
        )
        self.assertNotIn(self.draft.title, self.client.get("/catalog/feed/").content.decode())

    def test_a_feed_is_the_newest_items_in_date_order_whatever_the_sort(self):
        for day in range(FEED_SIZE + 5):
            self.desk.publish(f"汛期值班安排{day}", published_date=date(2019, 1, 1 + day % 28))
        response = self.client.get("/catalog/feed/?sort=date")
        _, items = feed_items(response)
        self.assertEqual(len(items), FEED_SIZE)
        dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertNotIn("烟花爆竹", response.content.decode())

    def test_feed_is_valid_rss_2_with_a_css_stylesheet(self):
        response = self.client.get("/catalog/feed/", {"category": "policy"})
        self.assertEqual(response["Content-Type"], "application/xml; charset=utf-8")
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        text = response.content.decode()
        self.assertTrue(text.startswith('<?xml version="1.0" encoding="utf-8"?>\n'))
        self.assertRegex(
            text.splitlines()[1],
            r'^<\?xml-stylesheet href="/static/css/feed\.css" media="screen" type="text/css"\?><rss ',
        )
        channel, items = feed_items(response)
        self.assertEqual(channel.findtext("title"), "全部机构 · 政策类 · 法定主动公开内容")
        self.assertEqual(channel.findtext("link"), "http://testserver/catalog/?category=policy")
        self_link = channel.find(f"{ATOM}link")
        self.assertEqual(self_link.get("rel"), "self")
        self.assertEqual(self_link.get("href"), "http://testserver/catalog/feed/?category=policy")
        self.assertEqual(channel.findtext("language"), "zh-cn")
        parsedate_to_datetime(channel.findtext("lastBuildDate"))
        self.assertEqual(len(items), 2)
        for item in items:
            # An item needs a title or a description; its link is absolute, its date RFC 822.
            self.assertTrue(item.findtext("title"))
            self.assertEqual(urlsplit(item.findtext("link")).scheme, "http")
            self.assertIsNotNone(parsedate_to_datetime(item.findtext("pubDate")).tzinfo)
            self.assertEqual(item.find("guid").get("isPermaLink"), "false")
            # RSS's <author> must be an e-mail address: the agency is a dc:creator.
            self.assertIsNone(item.find("author"))
            self.assertTrue(item.findtext(f"{DC}creator"))
        self.assertEqual(
            [item.findtext("link") for item in items],
            [
                f"http://testserver/catalog/{self.school.pk}/",
                f"http://testserver/catalog/{self.policy.pk}/",
            ],
        )

    def test_bad_filters_answer_400_in_words(self):
        response = self.client.get("/catalog/feed/?category=bogus")
        self.assertEqual(response.status_code, 400)
        self.assertIn("信息类别", response.content.decode())
        self.assertEqual(self.client.get("/catalog/agency/nope/feed/").status_code, 404)
        self.assertContains(
            self.client.get("/catalog/feed/help/?year=x"), "发布年份", status_code=400
        )
        # The catalog lists nothing for a single character (it says two are needed): nor does
        # its feed; with a longer word beside it, both search that word.
        short = self.client.get("/catalog/feed/", {"q": "安"})
        self.assertContains(short, "检索词至少需要两个字", status_code=400)
        view = self.client.get("/catalog/?q=安+检查")
        self.assertTrue(self.listed(view))
        self.assertEqual(self.guids("/catalog/feed/?q=安+检查"), self.listed(view))

    def test_feeds_and_help_pages_come_from_the_page_cache_until_a_publication(self):
        for url in ("/catalog/feed/?category=policy", "/catalog/agency/ajj/feed/help/"):
            with self.subTest(url=url):
                first = self.client.get(url).content
                with self.assertNumQueries(0):
                    self.assertEqual(self.client.get(url).content, first)
                # A random parameter reuses the entry instead of filling the cache.
                with self.assertNumQueries(0):
                    self.client.get(url + "&utm_source=x" if "?" in url else url + "?x=1")
        item = self.desk.draft("关于发布安全生产新政策的通知", category="policy")
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        services.item_publish(item=item, by=self.desk.reviewer)
        self.assertIn(
            "关于发布安全生产新政策的通知",
            self.client.get("/catalog/feed/?category=policy").content.decode(),
        )
        self.assertIn(
            "关于发布安全生产新政策的通知",
            self.client.get("/catalog/agency/ajj/feed/help/").content.decode(),
        )

    def test_query_counts_do_not_grow_with_rows(self):
        urls = ["/catalog/feed/", "/catalog/feed/?q=安全", "/catalog/agency/ajj/feed/help/"]
        before = {}
        for url in urls:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            # PostgreSQL adds the planner estimate and a time-boxed count, as on the catalog.
            self.assertLessEqual(len(queries), 14, url)
            before[url] = len(queries)
        for day in range(12):
            self.desk.publish(f"安全生产检查通报{day}", published_date=date(2019, 2, 1 + day))
        for url in urls:
            cache.clear()
            with self.subTest(url=url), self.assertNumQueries(before[url]):
                self.client.get(url)

    def test_help_page_gives_the_address_and_previews_the_feed(self):
        response = self.client.get("/catalog/agency/ajj/feed/help/?category=work")
        self.assertContains(response, "某区安全生产监督管理局 · 工作动态")
        self.assertContains(
            response, 'value="http://testserver/catalog/agency/ajj/feed/?category=work"'
        )
        self.assertContains(response, "区安监局开展烟花爆竹安全检查")
        self.assertNotContains(response, "关于印发安全生产约谈制度的通知")
        self.assertContains(response, 'href="/catalog/agency/ajj/?category=work"')
