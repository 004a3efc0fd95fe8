"""Finding one's way on the public site: the catalog tree, the header search, 当前位置, robots.txt,
pages past the end, the home page's dates, repealed documents' banner."""

import io
import re
import unittest
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from agencies.models import join_place
from disclosure import services, tree
from disclosure.models import CategoryTotal, Item, Topic, TopicTally, Validity
from tests.disclosure.builders import Desk
from tests.factories import make_agency


class JoinPlaceTests(TestCase):
    """The guide writes the address and then the OGI office: a place name shared by both is
    written once ("吴忠市利通区利通区…" was the demo's guide)."""

    def test_the_shared_place_name_is_written_once(self):
        cases = [
            (
                "宁夏回族自治区吴忠市利通区",
                "利通区安全生产监督管理局办公室",
                "宁夏回族自治区吴忠市利通区安全生产监督管理局办公室",
            ),
            ("吴忠市利通区", "吴忠市利通区人民政府办公室", "吴忠市利通区人民政府办公室"),
            ("吴忠市利通区胜利路1号", "局办公室", "吴忠市利通区胜利路1号局办公室"),
            # One character in common is a coincidence: 区 + 区政府办公室 stays as written.
            ("某某区", "区政府办公室", "某某区区政府办公室"),
            ("", "局办公室", "局办公室"),
            ("吴忠市利通区", "", "吴忠市利通区"),
        ]
        for address, office, expected in cases:
            with self.subTest(address=address, office=office):
                self.assertEqual(join_place(address, office), expected)

    def test_the_guide_does_not_double_the_district(self):
        make_agency(
            name="吴忠市利通区安全生产监督管理局",
            slug="ajj",
            address="宁夏回族自治区吴忠市利通区",
            ogi_office="利通区安全生产监督管理局办公室",
        )
        response = self.client.get("/guide/ajj/")
        self.assertContains(response, "到宁夏回族自治区吴忠市利通区安全生产监督管理局办公室提交")
        self.assertNotContains(response, "利通区利通区")


class SmallPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj", short_name="区应急局", code="000014351")
        cls.old = cls.desk.publish("关于2017年汛期工作的通知", published_date=date(2017, 6, 5))
        cls.new = cls.desk.publish("关于2024年汛期工作的通知", published_date=date(2024, 6, 5))

    def setUp(self):
        cache.clear()

    def test_robots_txt_allows_the_site_and_points_to_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[:3], ["User-agent: *", "Allow: /", "Disallow: /admin/"])
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertEqual(self.client.get("/sitemap.xml").status_code, 200)

    def test_home_page_dates_show_the_year(self):
        response = self.client.get("/")
        self.assertContains(response, '<span class="date">2017-06-05</span>')
        self.assertContains(response, '<span class="date">2024-06-05</span>')

    def test_a_page_past_the_end_redirects_to_the_last_page(self):
        for n in range(45):
            self.desk.publish(f"第{n}号工作动态", published_date=date(2020, 1, 1))
        # 47 items: three pages of twenty.
        response = self.client.get("/catalog/", {"page": 9, "category": "work", "x": "1"})
        self.assertRedirects(response, "/catalog/?category=work&page=3")
        self.assertContains(self.client.get("/catalog/?category=work&page=3"), "第 3 页 / 共 3 页")
        # A search with a single page goes to the address without a page number.
        response = self.client.get("/catalog/agency/yjj/", {"q": "汛期", "page": 5})
        self.assertRedirects(response, "/catalog/agency/yjj/?q=%E6%B1%9B%E6%9C%9F")
        # Pages that exist are served as they are; so is page 1 of an empty result.
        self.assertEqual(self.client.get("/catalog/?page=2").status_code, 200)
        self.assertContains(self.client.get("/catalog/?q=不存在的词语&page=1"), "共 0 条")

    def test_a_repealed_or_expired_document_says_so_above_its_text(self):
        url = self.old.get_absolute_url()
        self.assertNotContains(self.client.get(url), "validity-banner")
        services.item_set_validity(
            item=self.old,
            by=self.desk.reviewer,
            validity=Validity.REPEALED,
            changed_on=date(2019, 3, 1),
        )
        response = self.client.get(url)
        self.assertContains(response, "<strong>本文件已废止</strong>（2019年3月1日起）")
        services.item_set_validity(
            item=self.new, by=self.desk.reviewer, validity=Validity.EXPIRED, changed_on=None
        )
        self.assertContains(self.client.get(self.new.get_absolute_url()), "本文件已失效")

    def test_a_single_character_gets_a_hint_instead_of_no_result(self):
        response = self.client.get("/catalog/", {"q": "汛"})
        self.assertContains(response, "检索词至少需要两个字")
        self.assertContains(response, "“汛”")
        self.assertNotContains(response, "共 0 条")
        self.assertIsNone(response.context["page_obj"])
        # With a longer word beside it, the single character is left out and the rest searched.
        response = self.client.get("/catalog/", {"q": "汛 2024"})
        self.assertContains(response, "已忽略")
        self.assertEqual([i.pk for i in response.context["page_obj"]], [self.new.pk])
        # Digits and Latin letters are words of their own (文号 numbers): searched as before.
        self.assertNotContains(self.client.get("/catalog/", {"q": "7"}), "至少需要两个字")


class HeaderSearchAndBreadcrumbTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj", short_name="区应急局", code="000014352")
        cls.item = cls.desk.publish("关于开展安全生产大检查的通知")

    def setUp(self):
        cache.clear()

    def test_every_public_page_has_the_search_box_and_its_place(self):
        pages = {
            "/": ["首页"],
            "/guide/": ["首页", "公开指南"],
            "/guide/yjj/": ["首页", "公开指南", "某区应急管理局"],
            "/rules/yjj/": ["首页", "公开制度", "某区应急管理局"],
            "/catalog/": ["首页", "法定主动公开内容"],
            "/catalog/?q=安全": ["首页", "法定主动公开内容", "检索结果"],
            "/catalog/agency/yjj/": ["首页", "法定主动公开内容", "区应急局"],
            "/catalog/category/policy/": ["首页", "法定主动公开内容", "政策类"],
            f"/catalog/agency/yjj/topic/{self.desk.topic.pk}/": [
                "首页",
                "法定主动公开内容",
                "区应急局",
                "安全生产",
            ],
            self.item.get_absolute_url(): [
                "首页",
                "法定主动公开内容",
                "区应急局",
                "关于开展安全生产大检查的通知",
            ],
            "/reports/": ["首页", "公开年报"],
            "/apply/": ["首页", "依申请公开"],
            "/apply/status/": ["首页", "依申请公开", "申请进度查询"],
            "/proposals/": ["首页", "建议提案办理"],
            "/proposals/sessions/": ["首页", "建议提案办理", "各届次汇总"],
            "/catalog/feed/help/": ["首页", "法定主动公开内容", "如何订阅"],
            "/subscriptions/": ["首页", "法定主动公开内容", "邮件订阅"],
            "/no-such-page/": ["首页", "页面不存在"],
        }
        for url, steps in pages.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                html = response.content.decode()
                self.assertIn('<form class="site-search" action="/catalog/"', html)
                crumbs = html.split('aria-label="当前位置"', 1)[1].split("</nav>", 1)[0]
                items = re.findall(r"<li[^>]*>(.*?)</li>", crumbs)
                labels = [re.sub(r"<[^>]+>", "", text) for text in items]
                self.assertEqual(labels, steps)
                self.assertEqual(crumbs.count('aria-current="page"'), 1)

    def test_inside_an_agency_the_search_is_scoped_to_it_with_a_switch_to_the_whole_site(self):
        agency = self.desk.agency
        for url in ["/catalog/agency/yjj/", self.item.get_absolute_url(), "/guide/yjj/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(
                    response,
                    f'<input type="radio" name="agency" value="{agency.pk}" checked> 本机构（区应急局）',
                    html=False,
                )
                self.assertContains(response, '<input type="radio" name="agency" value=""> 全站')
        # On the site's own pages there is nothing to scope to.
        self.assertNotContains(self.client.get("/"), 'name="agency"')
        # The header's 全站 choice sends an empty agency: the whole catalog is searched.
        response = self.client.get("/catalog/", {"q": "安全", "agency": ""})
        self.assertEqual([i.pk for i in response.context["page_obj"]], [self.item.pk])
        self.assertContains(response, 'name="q" value="安全"')


class CatalogTreeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = Desk(
            name="某某区人民政府", slug="qzf", short_name="区政府", code="000014353"
        )
        cls.desk = Desk(
            name="某区应急管理局",
            slug="yjj",
            short_name="区应急局",
            code="000014354",
            parent=cls.district.agency,
        )
        cls.rules_topic = Topic.objects.get(name="行政规范性文件")
        cls.desk.publish("安全生产检查一", category="work")
        cls.desk.publish("安全生产检查二", category="work")
        cls.normative = cls.desk.publish(
            "某区应急管理局行政规范性文件", category="policy", topic=cls.rules_topic
        )
        cls.district.publish("区政府通知", category="policy", topic=None)

    def setUp(self):
        cache.clear()

    def test_counts_come_from_the_tallies_and_match_the_lists(self):
        counts = tree.counts()
        a, d = self.desk.agency.pk, self.district.agency.pk
        self.assertEqual(counts["category"], {(a, "work"): 2, (a, "policy"): 1, (d, "policy"): 1})
        self.assertEqual(counts["topic"], {(a, self.desk.topic.pk): 2, (a, self.rules_topic.pk): 1})
        for url, n in [
            ("/catalog/", 4),
            ("/catalog/agency/yjj/", 3),
            ("/catalog/category/policy/", 2),
            ("/catalog/agency/yjj/category/work/", 2),
            ("/catalog/agency/qzf/category/work/", 0),
            (f"/catalog/topic/{self.rules_topic.parent_id}/", 1),
            (f"/catalog/agency/yjj/topic/{self.desk.topic.pk}/", 2),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.context["page_obj"].count, n)

    def test_each_node_links_its_children_with_their_counts(self):
        response = self.client.get("/catalog/agency/yjj/")
        html = response.content.decode()
        tree_html = html.split('<details class="catalog-tree"', 1)[1].split("</details>", 1)[0]
        for href, label, count in [
            ("/catalog/", "全部机构", 4),
            ("/catalog/agency/yjj/category/work/", "工作动态", 2),
            ("/catalog/agency/yjj/category/policy/", "政策类", 1),
            (
                f"/catalog/agency/yjj/topic/{self.rules_topic.parent_id}/",
                "法规、规章和规范性文件",
                1,
            ),
            (f"/catalog/agency/yjj/topic/{self.desk.topic.parent_id}/", "监督检查", 2),
            ("/catalog/agency/qzf/", "区政府", 1),
            ("/catalog/agency/yjj/", "区应急局", 3),
        ]:
            with self.subTest(label=label):
                self.assertIn(f'<a href="{href}"', tree_html)
                self.assertRegex(
                    tree_html,
                    rf'<a href="{href}"[^>]*>{label} <span class="count">{count}</span></a>',
                )
        # 其他 has no item in this agency: not listed. The unit is indented under its government.
        self.assertNotIn("/catalog/agency/yjj/category/other/", tree_html)
        self.assertIn(
            '<li class="depth-1 open"><a href="/catalog/agency/yjj/" aria-current="page"', tree_html
        )
        # A sub-topic shows once its parent is open.
        self.assertNotIn(f"/catalog/agency/yjj/topic/{self.rules_topic.pk}/", tree_html)
        opened = self.client.get(f"/catalog/agency/yjj/topic/{self.rules_topic.parent_id}/")
        self.assertContains(
            opened,
            f'<a href="/catalog/agency/yjj/topic/{self.rules_topic.pk}/">行政规范性文件 <span class="count">1</span></a>',
        )

    def test_unknown_nodes_are_404(self):
        for url in [
            "/catalog/category/bogus/",
            "/catalog/topic/999999/",
            "/catalog/agency/nope/category/work/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_node_fixes_its_filter_and_keeps_the_others(self):
        response = self.client.get(
            "/catalog/agency/yjj/category/work/", {"category": "policy", "q": "检查一"}
        )
        self.assertEqual([i.title for i in response.context["page_obj"]], ["安全生产检查一"])
        # Its feed and e-mail subscription follow the node.
        self.assertContains(
            response,
            'href="/catalog/agency/yjj/feed/?q=%E6%A3%80%E6%9F%A5%E4%B8%80&amp;category=work"',
        )
        self.assertContains(
            response, f"/subscriptions/?agency={self.desk.agency.pk}&amp;category=work"
        )
        # The advanced search hides what the node fixes.
        form = (
            response.content.decode().split('class="catalog-filter"', 1)[1].split("</form>", 1)[0]
        )
        self.assertNotIn('name="category"', form)
        self.assertNotIn('name="agency"', form)
        self.assertIn('name="year"', form)

    def test_node_pages_are_in_the_anonymous_page_cache(self):
        urls = [
            "/catalog/category/policy/",
            f"/catalog/topic/{self.rules_topic.pk}/",
            "/catalog/agency/yjj/category/work/",
            f"/catalog/agency/yjj/topic/{self.desk.topic.pk}/?page=1&utm_source=x",
        ]
        for url in urls:
            with self.subTest(url=url):
                first = self.client.get(url)
                with self.assertNumQueries(0):
                    again = self.client.get(url)
                self.assertEqual(again.content, first.content)
        # Publishing starts a new generation: the count beside the node changes at once.
        self.desk.publish("安全生产检查三", category="work")
        response = self.client.get("/catalog/agency/yjj/category/work/")
        self.assertEqual(response.context["page_obj"].count, 3)
        self.assertContains(response, '工作动态 <span class="count">3</span>')

    def test_query_counts_do_not_grow_with_agencies_or_items(self):
        url = f"/catalog/agency/yjj/topic/{self.desk.topic.pk}/"

        def cold():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            return len(queries)

        before = cold()
        if connection.vendor == "sqlite":
            # The node's agency and topic, the filter's checks of both and the sub-topics, the
            # page's rows and count, the channel options, the tree's two counts and its agency
            # and topic lists, the site's name for the header. (PostgreSQL adds the count's
            # planner estimate and time limit.)
            self.assertEqual(before, 13)
        # The tree alone: two counts (from the tallies on PostgreSQL), agencies, topics.
        cache.clear()
        with self.assertNumQueries(2):
            tree.counts()
        with self.assertNumQueries(4):
            tree.build(agency=self.desk.agency, topic=self.desk.topic)
        with self.assertNumQueries(2):  # the counts are kept for the generation
            tree.build(category="work")
        for n in range(5):
            extra = Desk(name=f"第{n}机构", slug=f"extra{n}", code=f"00001440{n}")
            extra.publish(f"第{n}机构的通知", category="other")
            self.desk.publish(f"安全生产检查{n}", category="work")
        self.assertEqual(cold(), before)

    @pytest.mark.postgres
    @unittest.skipUnless(
        connection.vendor == "postgresql", "CategoryTotal is kept by PostgreSQL triggers"
    )
    def test_the_triggers_keep_the_category_totals_that_a_rebuild_recounts(self):
        a, d = self.desk.agency.pk, self.district.agency.pk

        def kept():
            return set(
                CategoryTotal.objects.filter(items__gt=0).values_list("agency", "category", "items")
            )

        self.assertEqual(kept(), {(a, "work", 2), (a, "policy", 1), (d, "policy", 1)})
        third = self.desk.publish("第三次检查", category="work")
        self.assertEqual(kept(), {(a, "work", 3), (a, "policy", 1), (d, "policy", 1)})
        services.item_withdraw(item=third, by=self.desk.reviewer, reason="重复")
        services.item_correct(
            item=self.normative, by=self.desk.reviewer, reason="类别记错", category="other"
        )
        misfiled = self.desk.publish("区政府的通知", category="policy")
        with connection.cursor() as cursor:  # a recorded data fix files it under the district
            cursor.execute("SELECT set_config('zwgk.allow_published_edit', 'on', true)")
        Item.objects.filter(pk=misfiled.pk).update(agency=self.district.agency)
        expected = {(a, "work", 2), (a, "other", 1), (d, "policy", 2)}
        self.assertEqual(kept(), expected)
        self.assertEqual(tree.counts()["category"], {(agency, c): n for agency, c, n in expected})
        CategoryTotal.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        self.assertEqual(
            set(CategoryTotal.objects.values_list("agency", "category", "items")), expected
        )

    @pytest.mark.postgres
    @unittest.skipUnless(
        connection.vendor == "postgresql", "TopicTally is kept by PostgreSQL triggers"
    )
    def test_the_triggers_keep_the_topic_tally_that_a_rebuild_recounts(self):
        services.item_correct(
            item=self.normative, by=self.desk.reviewer, reason="主题记错", topic=self.desk.topic
        )
        services.item_withdraw(item=self.normative, by=self.desk.reviewer, reason="重复")
        self.desk.publish("第三次检查", category="work")
        kept = set(TopicTally.objects.filter(items__gt=0).values_list("agency", "topic", "items"))
        self.assertEqual(kept, {(self.desk.agency.pk, self.desk.topic.pk, 3)})
        TopicTally.objects.update(items=99)
        call_command("rebuild_catalog_tally", stdout=io.StringIO())
        self.assertEqual(set(TopicTally.objects.values_list("agency", "topic", "items")), kept)
