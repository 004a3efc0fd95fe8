"""公开制度: each 制度 is a published item with its text; an agency without its own shows its
district government's and says so."""

from datetime import date

from django.core.cache import cache
from django.test import TestCase

from tests.disclosure.builders import Desk


def publish_rule(desk, title, **fields):
    fields.setdefault("body", f"{title}的全文。\n\n第一条 ……")
    return desk.publish(title, ogi_rule=True, category="other", genre="rules", **fields)


class RulesPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = Desk(name="某区人民政府", slug="district")
        cls.bureau = Desk(name="某区安全生产监督管理局", slug="bureau", parent=cls.district.agency)
        cls.town = Desk(name="某镇人民政府", slug="town", parent=cls.district.agency)
        cls.alone = Desk(name="某独立机构", slug="alone")
        cls.district_rule = publish_rule(cls.district, "某区政府信息公开工作制度")
        cls.bureau_rule = publish_rule(cls.bureau, "某局政府信息公开保密审查制度")
        cls.draft = cls.bureau.draft("尚未发布的制度", ogi_rule=True)
        cls.not_a_rule = cls.bureau.publish("某局工作动态")

    def test_own_rules_open_on_their_item_page_with_the_text(self):
        page = self.client.get("/rules/bureau/").content.decode()
        self.assertIn(f'href="{self.bureau_rule.get_absolute_url()}"', page)
        self.assertNotIn("某区政府信息公开工作制度", page)
        self.assertNotIn("本机关未单独制定", page)
        self.assertNotIn("尚未发布的制度", page)
        self.assertNotIn("某局工作动态", page)
        item = self.client.get(self.bureau_rule.get_absolute_url()).content.decode()
        self.assertIn("某局政府信息公开保密审查制度的全文。", item)
        self.assertIn('href="/rules/bureau/"', item)

    def test_an_agency_without_its_own_shows_the_districts_and_says_so(self):
        page = self.client.get("/rules/town/").content.decode()
        self.assertIn("本机关未单独制定政府信息公开制度，执行某区人民政府的政府信息公开制度", page)
        self.assertIn(f'href="{self.district_rule.get_absolute_url()}"', page)

    def test_no_rules_anywhere_is_said_plainly(self):
        page = self.client.get("/rules/alone/").content.decode()
        self.assertIn("本机关尚未发布政府信息公开工作制度", page)

    def test_query_counts_do_not_grow_with_rules(self):
        cache.clear()
        with self.assertNumQueries(4) as fallback:  # agency, own (none), district's, header
            self.client.get("/rules/town/")
        cache.clear()
        with self.assertNumQueries(3):  # agency, own rules, header
            self.client.get("/rules/bureau/")
        for n in range(4):
            publish_rule(self.bureau, f"某局第{n}项制度", published_date=date(2018, 1, 5))
            publish_rule(self.district, f"某区第{n}项制度")
        cache.clear()
        with self.assertNumQueries(3):
            self.client.get("/rules/bureau/")
        cache.clear()
        with self.assertNumQueries(len(fallback.captured_queries)):
            self.client.get("/rules/town/")

    def test_anonymous_rules_pages_come_from_the_page_cache(self):
        cache.clear()
        self.client.get("/rules/bureau/")
        self.client.get("/rules/")
        with self.assertNumQueries(0):
            self.assertContains(self.client.get("/rules/bureau/"), "某局政府信息公开保密审查制度")
            self.client.get("/rules/")
        # Publishing a new 制度 starts a new catalog generation: the page shows it at once.
        publish_rule(self.bureau, "某局新制度")
        self.assertContains(self.client.get("/rules/bureau/"), "某局新制度")
