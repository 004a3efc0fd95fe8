"""The monitor pages, the district page, the item form's 事项, the bulk action, the public tree."""

import csv
import io
from datetime import date

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from accounts.models import Role
from standards.models import Entry, Filing
from tests.disclosure.builders import Desk
from tests.factories import make_staff
from tests.standards.builders import adopted_catalogue, entry, file


class MonitorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj")
        cls.catalogue = adopted_catalogue(cls.desk)
        file(cls.desk.publish("法律汇编"), entry(cls.catalogue, "法律法规"))

    def test_an_agency_sees_its_monitor_by_year(self):
        self.client.force_login(self.desk.clerk)
        url = reverse("admin:standards_monitor", args=[self.desk.agency.pk])
        self.client.get(url)  # session and permission caches warm
        with self.assertNumQueries(20):
            response = self.client.get(url, {"year": 2017})
        self.assertContains(response, "法律法规")
        self.assertContains(response, "从未公开")
        self.assertContains(response, "人工核对")
        self.assertContains(response, "人事、规划计划类")
        self.assertContains(response, "判定日：2017年12月31日")

    def test_an_incomplete_catalogue_is_stated(self):
        self.catalogue.complete = False
        self.catalogue.completeness_note = "只收录了前 10 行。"
        self.catalogue.save()
        self.client.force_login(self.desk.clerk)
        response = self.client.get(reverse("admin:standards_monitor", args=[self.desk.agency.pk]))
        self.assertContains(response, "标准目录不完整")
        self.assertContains(response, "只收录了前 10 行。")

    def test_other_agencies_monitors_are_not_shown(self):
        self.client.force_login(make_staff(Desk().agency))
        response = self.client.get(reverse("admin:standards_monitor", args=[self.desk.agency.pk]))
        assert response.status_code == 404

    def test_the_workbench_shows_the_monitor_block(self):
        self.client.force_login(self.desk.clerk)
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, "公开监测（基层政务公开标准目录）")
        self.assertContains(response, "从未公开")


class DistrictPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = Desk(name="某区人民政府", slug="district")
        cls.admin = make_staff(cls.district.agency, Role.DISTRICT_ADMIN)
        cls.units = []
        for n in range(3):
            desk = Desk(name=f"下属单位{n}", slug=f"unit{n}", parent=cls.district.agency)
            catalogue = adopted_catalogue(desk, field=f"领域{n}")
            if n == 0:  # one unit publishes its laws on time; it scores higher
                file(
                    desk.publish("法律汇编", published_date=date(2017, 3, 8)),
                    entry(catalogue, "法律法规"),
                )
            cls.units.append(desk)

    def test_a_district_admin_sees_every_units_score(self):
        self.client.force_login(self.admin)
        url = reverse("admin:standards_district")
        response = self.client.get(url, {"year": 2017})
        for n in range(3):
            self.assertContains(response, f"下属单位{n}")
        rows = response.context["rows"]
        assert [m.agency.name for m in rows][-1] == "下属单位0"  # lowest score first
        assert rows[-1].score > rows[0].score

    def test_the_page_costs_the_same_for_more_units(self):
        self.client.force_login(self.admin)
        url = reverse("admin:standards_district")
        self.client.get(url)
        with self.assertNumQueries(22):
            self.client.get(url, {"year": 2017})
        for n in range(3, 6):
            adopted_catalogue(
                Desk(name=f"下属单位{n}", parent=self.district.agency), field=f"领域{n}"
            )
        with self.assertNumQueries(22):
            self.client.get(url, {"year": 2017})

    def test_a_clerk_may_not_see_the_district_page(self):
        self.client.force_login(self.units[0].clerk)
        assert self.client.get(reverse("admin:standards_district")).status_code == 403


class FilingAdminTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.catalogue = adopted_catalogue(self.desk)
        self.item = self.desk.publish()
        self.client.force_login(self.desk.clerk)

    def test_the_item_form_offers_entries_grouped_by_first_level(self):
        response = self.client.get(reverse("admin:disclosure_item_change", args=[self.item.pk]))
        self.assertContains(response, '<optgroup label="政策文件（安全生产）">')
        self.assertContains(response, 'data-entry-filter="1"')
        self.assertContains(response, "js/entry-filter.js")

    def test_bulk_action_files_the_selected_items(self):
        other = self.desk.publish("第二条")
        url = reverse("admin:disclosure_item_changelist")
        ids = [self.item.pk, other.pk]
        page = self.client.post(url, {"action": "file_selected", "_selected_action": ids})
        self.assertContains(page, "将以下 2 条公开信息归入所选事项")
        laws = entry(self.catalogue, "法律法规")
        done = self.client.post(
            url,
            {
                "action": "file_selected",
                "_selected_action": ids,
                "apply": "1",
                "entries": [laws.pk],
            },
        )
        assert done.status_code == 302
        assert set(Filing.objects.values_list("item_id", flat=True)) == set(ids)


class CatalogueImportPageTests(TestCase):
    def setUp(self):
        district = Desk()
        self.client.force_login(make_staff(district.agency, Role.DISTRICT_ADMIN))

    def upload(self, rows):
        out = io.StringIO()
        csv.writer(out).writerows([["序号", "一级事项", "二级事项", "公开时限"], *rows])
        content = io.BytesIO(out.getvalue().encode())
        content.name = "目录.csv"
        return self.client.post(
            reverse("admin:standards_catalogue_import"),
            {"field": "安全生产", "title": "安全生产目录", "complete": "on", "file": content},
        )

    def test_bad_rows_are_listed_by_line_and_nothing_is_imported(self):
        response = self.upload([["1", "政策文件", "法律法规", ""], ["2", "", "", ""]])
        self.assertContains(response, "第3行")
        self.assertContains(response, "二级事项不能为空")
        self.assertContains(response, "未导入任何事项")
        assert not Entry.objects.exists()

    def test_good_file_creates_the_catalogue(self):
        response = self.upload([["1", "政策文件", "法律法规", "每季度"]])
        assert response.status_code == 302
        assert Entry.objects.get().rule.months == 3


class PublicTreeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="tree")
        cls.catalogue = adopted_catalogue(cls.desk)
        cls.item = cls.desk.publish("法律汇编")
        file(cls.item, entry(cls.catalogue, "法律法规"))
        file(cls.desk.draft("草稿不公开"), entry(cls.catalogue, "法律法规"))

    def setUp(self):
        cache.clear()

    def test_the_tree_shows_levels_time_limits_and_publishers_and_is_cached(self):
        url = reverse("standards:tree", args=["tree"])
        # The agency, its 事项 with their counts, the site's agency for the page header.
        with self.assertNumQueries(3):
            response = self.client.get(url)
        self.assertContains(response, "<h3>政策文件</h3>", html=False)
        self.assertContains(response, "信息形成或变更之日起20个工作日内")
        self.assertContains(response, "应急管理部门")
        self.assertContains(response, "1 条")
        with self.assertNumQueries(0):
            assert self.client.get(url).content == response.content

    def test_an_entry_lists_only_its_published_items(self):
        laws = entry(self.catalogue, "法律法规")
        url = reverse("standards:entry", args=["tree", laws.pk])
        response = self.client.get(url)
        self.assertContains(response, "法律汇编")
        self.assertNotContains(response, "草稿不公开")
        other = Desk(slug="else")
        assert (
            self.client.get(reverse("standards:entry", args=["else", laws.pk])).status_code == 404
        )
        assert other


class TreeBesideTheCatalogTreeTests(TestCase):
    def test_an_agencys_catalog_page_links_its_tree_by_entries(self):
        desk = Desk(slug="beside")
        desk.publish()
        response = self.client.get(reverse("disclosure:agency_items", args=["beside"]))
        self.assertContains(response, reverse("standards:tree", args=["beside"]))
        self.assertNotContains(self.client.get("/catalog/"), "/standard/")


class LocalEntryPageTests(TestCase):
    """补充本机构事项: for those who may add a 事项 (负责人), refused to the others."""

    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk(name="某区应急管理局", slug="yjj")
        adopted_catalogue(cls.desk)

    def test_the_head_gets_the_form(self):
        self.client.force_login(make_staff(self.desk.agency, Role.HEAD))
        response = self.client.get(reverse("admin:standards_local_entry"))
        self.assertContains(response, "补充本机构事项")

    def test_a_clerk_is_refused_before_seeing_the_form(self):
        self.client.force_login(self.desk.clerk)
        for method in ("get", "post"):
            response = getattr(self.client, method)(reverse("admin:standards_local_entry"))
            assert response.status_code == 403
