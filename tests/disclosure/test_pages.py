from django.test import TestCase

from tests.factories import make_agency


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_agency(name="某区人民政府", slug="district")
        cls.agency = make_agency(
            name="某区安全生产监督管理局",
            slug="ajj",
            parent=cls.district,
            phone="0953-2666295",
            email="ajj@example.gov.cn",
            ogi_office="局办公室",
            rules_text="保密审查制度\n考核制度",
        )

    def test_home_shows_the_disclosure_column(self):
        response = self.client.get("/")
        for label in [
            "公开指南",
            "公开制度",
            "法定主动公开内容",
            "公开年报",
            "依申请公开",
            "建议提案办理",
        ]:
            self.assertContains(response, label)
        self.assertContains(response, "某区人民政府")

    def test_guide_is_built_from_the_agency_details(self):
        response = self.client.get("/guide/ajj/")
        self.assertContains(response, "某区安全生产监督管理局")
        self.assertContains(response, "0953-2666295")
        self.assertContains(response, "ajj@example.gov.cn")
        self.assertContains(response, "20个工作日")

    def test_rules_page_lists_each_rule(self):
        # Titles typed on the agency form (the old way) stay visible, marked as not yet published.
        response = self.client.get("/rules/ajj/")
        self.assertContains(response, "<li>保密审查制度</li>", html=True)
        self.assertContains(response, "全文尚未在本平台发布")

    def test_unknown_agency_is_a_404_page_in_chinese(self):
        response = self.client.get("/guide/nope/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "页面不存在", status_code=404)

    def test_query_counts_do_not_grow_with_agencies(self):
        with self.assertNumQueries(2):  # the site header's agency, the list
            self.client.get("/guide/")
        for _ in range(5):
            make_agency(parent=self.district)
        with self.assertNumQueries(2):
            self.client.get("/guide/")
        with self.assertNumQueries(2):
            self.client.get("/guide/ajj/")

    def test_user_text_is_escaped(self):
        self.agency.rules_text = "<script>alert(1)</script>"
        self.agency.save()
        response = self.client.get("/rules/ajj/")
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;")
