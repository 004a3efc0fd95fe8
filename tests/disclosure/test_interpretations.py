"""政策解读: the link from a 解读 to its policy, both pages, the filter, the review warning, the
workbench list and the narrative's count; and the 规章 rule (only agencies with rule-making
power)."""

from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosure import importing, services
from disclosure.checks import rules_without_rule_power
from disclosure.dashboard import awaiting_interpretation
from disclosure.models import DocKind, Genre, InterpretationKind, Item, ItemStatus
from disclosure.selectors import interpretation_counts
from tests.disclosure.builders import Desk


def policy_of(desk, **fields):
    fields.setdefault("category", "policy")
    fields.setdefault("doc_kind", DocKind.NORMATIVE)
    fields.setdefault("document_number", "吴利安监发〔2020〕15号")
    return desk.publish("关于印发《危险化学品重大危险源监督管理办法》的通知", **fields)


def interpretation_of(desk, policy, *, title="《办法》政策解读", publish=True, **fields):
    fields.setdefault("category", "policy")
    fields.setdefault("genre", Genre.INTERPRETATION)
    fields.setdefault("interpretation_kind", InterpretationKind.TEXT)
    fields.setdefault("published_date", date(2020, 5, 15))
    fields.setdefault("formed_date", date(2020, 5, 15))
    if publish:
        return desk.publish(title, interprets=policy, **fields)
    fields.pop("published_date")
    return desk.draft(title, interprets=policy, **fields)


def refused(test, code, call, **kwargs):
    with test.assertRaises(ValidationError) as caught:
        call(**kwargs)
    test.assertEqual(caught.exception.code, code)
    return caught.exception.messages[0]


class LinkRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = Desk(name="某区人民政府")
        cls.desk = Desk(parent=cls.district.agency)
        cls.stranger = Desk()
        cls.policy = policy_of(cls.desk, published_date=date(2020, 5, 15))

    def test_a_interpretation_points_to_a_policy_of_its_agency_or_its_district(self):
        own = interpretation_of(self.desk, self.policy)
        self.assertEqual(own.interprets, self.policy)
        district_policy = policy_of(self.district, document_number="吴利政发〔2020〕3号")
        other = interpretation_of(self.desk, district_policy, title="区政府文件解读")
        self.assertEqual(other.interprets, district_policy)

    def test_another_agencys_policy_is_refused(self):
        theirs = policy_of(self.stranger)
        message = refused(
            self,
            "foreign_policy",
            services.item_create,
            agency=self.desk.agency,
            by=self.desk.clerk,
            title="解读",
            genre=Genre.INTERPRETATION,
            interprets=theirs,
        )
        self.assertIn("本机构或所属区政府", message)

    def test_only_a_policy_can_be_interpreted_and_only_by_a_interpretation(self):
        news = self.desk.publish("区安监局召开会议", category="work", genre="news")
        refused(
            self,
            "not_a_policy",
            services.item_create,
            agency=self.desk.agency,
            by=self.desk.clerk,
            title="解读",
            genre=Genre.INTERPRETATION,
            interprets=news,
        )
        refused(
            self,
            "not_interpretation",
            services.item_create,
            agency=self.desk.agency,
            by=self.desk.clerk,
            title="通知",
            genre="notice",
            interprets=self.policy,
        )

    def test_completeness_asks_for_the_policy_and_the_form(self):
        draft = self.desk.draft("解读", genre=Genre.INTERPRETATION)
        missing = services.missing_fields(draft)
        self.assertIn("解读的政策文件", missing)
        self.assertIn("解读形式", missing)

    def test_a_interpretation_is_never_published_before_its_policy(self):
        pending = self.desk.draft("关于印发《某办法》的通知", category="policy")
        draft = interpretation_of(self.desk, pending, publish=False)
        services.item_submit(item=draft, by=self.desk.clerk)
        services.item_review(item=draft, by=self.desk.reviewer, opinion="同意公开")
        message = refused(
            self, "policy_unpublished", services.item_publish, item=draft, by=self.desk.reviewer
        )
        self.assertIn("尚未发布", message)
        self.assertEqual(Item.objects.get(pk=draft.pk).status, ItemStatus.IN_REVIEW)


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.desk = Desk()
        cls.policy = policy_of(cls.desk, published_date=date(2020, 5, 15))
        cls.text = interpretation_of(cls.desk, cls.policy)
        cls.graphic = interpretation_of(
            cls.desk,
            cls.policy,
            title="图解：《办法》",
            interpretation_kind=InterpretationKind.GRAPHIC,
            published_date=date(2020, 5, 18),
        )
        cls.draft = interpretation_of(cls.desk, cls.policy, title="尚未发布的解读", publish=False)
        cls.lonely = policy_of(cls.desk, document_number="吴利安监发〔2020〕16号")

    def test_policy_page_lists_its_published_interpretations_under_the_metadata(self):
        page = self.client.get(self.policy.get_absolute_url()).content.decode()
        block = page.index('id="interpretations-heading"')
        self.assertLess(page.index('class="item-meta"'), block)
        self.assertLess(block, page.index('class="item-title"'))
        self.assertIn(self.text.get_absolute_url(), page)
        self.assertIn("文字解读", page)
        self.assertIn("图解", page)
        self.assertNotIn("尚未发布的解读", page)

    def test_interpretation_page_links_its_policy(self):
        page = self.client.get(self.graphic.get_absolute_url()).content.decode()
        self.assertIn("本文解读：", page)
        self.assertIn(f'href="{self.policy.get_absolute_url()}"', page)
        self.assertIn("吴利安监发〔2020〕15号", page)
        self.assertNotIn('id="interpretations-heading"', page)

    def test_item_page_queries_do_not_grow_with_interpretations(self):
        cache.clear()
        with self.assertNumQueries(7) as first:
            self.client.get(self.policy.get_absolute_url())
        for n in range(3):
            interpretation_of(self.desk, self.policy, title=f"第{n}篇解读")
        cache.clear()
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(self.policy.get_absolute_url())

    def test_catalog_filters_with_and_without_interpretation(self):
        with_one = self.client.get("/catalog/?interpretation=yes").content.decode()
        self.assertIn(self.policy.title, with_one)
        self.assertNotIn("吴利安监发〔2020〕16号", with_one)
        without = self.client.get("/catalog/?interpretation=no").content.decode()
        self.assertIn("吴利安监发〔2020〕16号", without)
        self.assertNotIn("吴利安监发〔2020〕15号", without)
        self.assertNotIn("图解：《办法》", without)  # a 解读 does not lack a 解读
        api = self.client.get("/api/items/?interpretation=yes").json()
        self.assertEqual([row["id"] for row in api["results"]], [self.policy.pk])

    def test_catalog_filter_queries_do_not_grow_with_rows(self):
        url = "/catalog/?interpretation=no"
        cache.clear()  # cold: the page, its filter form and the catalog tree from the database
        with CaptureQueriesContext(connection) as first:
            self.client.get(url)
        # PostgreSQL adds the planner estimate and a time-boxed count (six statements).
        self.assertLessEqual(len(first), 16)
        for n in range(4):
            policy_of(self.desk, document_number=f"吴利安监发〔2020〕{20 + n}号")
        cache.clear()
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(url)


class ReviewAndWorkbenchTests(TestCase):
    def setUp(self):
        self.desk = Desk()

    def review_page(self, item):
        self.client.force_login(self.desk.reviewer)
        return self.client.get(f"/admin/disclosure/item/{item.pk}/review/").content.decode()

    def test_review_page_warns_when_a_normative_document_has_no_interpretation(self):
        item = self.desk.draft("关于印发《某办法》的通知", doc_kind=DocKind.NORMATIVE)
        services.item_submit(item=item, by=self.desk.clerk)
        page = self.review_page(item)
        self.assertIn("尚无政策解读", page)
        self.assertIn("3个工作日", page)
        draft = interpretation_of(self.desk, item, publish=False)
        page = self.review_page(item)
        self.assertIn(f"“{draft.title}”（草稿）尚未发布", page)
        # A warning, not a refusal: the document is published all the same.
        response = self.client.post(
            f"/admin/disclosure/item/{item.pk}/review/",
            {"opinion": "不涉密，同意公开", "approved": "1", "publish": "on"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Item.objects.get(pk=item.pk).status, ItemStatus.PUBLISHED)

    def test_no_warning_for_other_documents(self):
        item = self.desk.draft("区安监局召开会议", category="work")
        services.item_submit(item=item, by=self.desk.clerk)
        self.assertNotIn("政策解读", self.review_page(item))

    def test_workbench_lists_normative_documents_still_without_one_and_the_late_ones(self):
        # Published Friday 2020-05-15: due 3 working days later, Wednesday 2020-05-20.
        late = policy_of(self.desk, published_date=date(2020, 5, 15))
        recent = policy_of(
            self.desk,
            document_number="吴利安监发〔2020〕16号",
            published_date=timezone.localdate(),
            formed_date=timezone.localdate(),
        )
        done = policy_of(self.desk, document_number="吴利安监发〔2020〕17号")
        interpretation_of(self.desk, done)
        rows = {
            row.item.pk: row
            for row in awaiting_interpretation(self.desk.reviewer, date(2020, 6, 1))
        }
        self.assertEqual(set(rows), {late.pk, recent.pk})
        self.assertEqual(rows[late.pk].due, date(2020, 5, 20))
        self.assertTrue(rows[late.pk].overdue)
        self.assertFalse(rows[recent.pk].overdue)
        self.client.force_login(self.desk.reviewer)
        page = self.client.get("/admin/").content.decode()
        self.assertIn("待发布解读的规范性文件", page)
        self.assertIn("最迟在文件发布后3个工作日内发布", page)
        self.assertIn("2020-05-20", page)
        self.assertIn("已逾期", page)
        self.assertNotIn("吴利安监发〔2020〕17号", page)

    def test_workbench_queries_do_not_grow_with_documents(self):
        policy_of(self.desk, published_date=date(2020, 5, 15))
        with self.assertNumQueries(3):  # the documents, then the calendar: days and years
            awaiting_interpretation(self.desk.reviewer, date(2020, 6, 1))
        for n in range(4):
            policy_of(self.desk, document_number=f"吴利安监发〔2020〕{30 + n}号")
        with self.assertNumQueries(3):
            awaiting_interpretation(self.desk.reviewer, date(2020, 6, 1))


class NarrativeCountTests(TestCase):
    def test_counts_interpreted_in_time_and_without(self):
        desk = Desk()
        on_time = policy_of(desk, published_date=date(2020, 5, 15))
        interpretation_of(desk, on_time, published_date=date(2020, 5, 20))
        late = policy_of(
            desk, document_number="吴利安监发〔2020〕16号", published_date=date(2020, 5, 15)
        )
        interpretation_of(desk, late, title="迟到的解读", published_date=date(2020, 5, 21))
        policy_of(desk, document_number="吴利安监发〔2020〕17号", published_date=date(2020, 6, 1))
        with self.assertNumQueries(3):
            counts = interpretation_counts(agency_ids=[desk.agency.pk], year=2020)
        self.assertEqual(counts, {"published": 3, "interpreted": 2, "in_time": 1, "without": 1})

    def test_the_draft_sentence_counts_them(self):
        from reports.narrative import _interpretation_sentence

        sentence = _interpretation_sentence(
            {"published": 3, "interpreted": 2, "in_time": 1, "without": 1}
        )
        self.assertEqual(
            sentence,
            "本年发布行政规范性文件3件，其中2件发布了政策解读（1件与文件同步或在3个工作日内发布），"
            "1件尚未发布解读。",
        )
        self.assertEqual(_interpretation_sentence({"published": 0}), "")


class RulePowerTests(TestCase):
    def test_an_agency_without_rule_making_power_cannot_mark_a_rule(self):
        desk = Desk(name="某区人民政府")
        message = refused(
            self,
            "no_rule_power",
            services.item_create,
            agency=desk.agency,
            by=desk.clerk,
            title="某区人民政府令",
            doc_kind=DocKind.RULE,
        )
        self.assertIn("没有规章制定权", message)
        self.assertIn("《立法法》第九十一条、第九十三条", message)
        self.assertFalse(Item.objects.exists())

    def test_an_agency_with_rule_making_power_can(self):
        desk = Desk(name="某市人民政府", can_make_rules=True)
        item = desk.draft("某市安全生产条例实施办法", doc_kind=DocKind.RULE)
        self.assertEqual(item.doc_kind, DocKind.RULE)

    def test_the_admin_form_says_so_on_the_field(self):
        desk = Desk()
        self.client.force_login(desk.clerk)
        from tests.disclosure.test_admin import ItemAdminTests

        form = ItemAdminTests._form(
            type("F", (), {"desk": desk})(), doc_kind=DocKind.RULE, category="policy"
        )
        response = self.client.post("/admin/disclosure/item/add/", form)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "没有规章制定权")
        self.assertContains(response, "关于做好汛期安全生产工作的通知")  # nothing typed is lost
        self.assertFalse(Item.objects.exists())

    def test_the_check_lists_rows_from_before_the_rule(self):
        desk = Desk(can_make_rules=True)
        item = desk.publish(
            "某区人民政府令", doc_kind=DocKind.RULE, document_number="某区政府令〔2019〕1号"
        )
        self.assertEqual(rules_without_rule_power(None, databases=["default"]), [])
        type(desk.agency).objects.filter(pk=desk.agency.pk).update(can_make_rules=False)
        warnings = rules_without_rule_power(None, databases=["default"])
        self.assertEqual([w.id for w in warnings], ["disclosure.W001"])
        self.assertIn(f"id={item.pk}", warnings[0].msg)
        self.assertIn("更正", warnings[0].hint)
        # Still readable on its public page and still counted as recorded until corrected.
        self.assertEqual(self.client.get(item.get_absolute_url()).status_code, 200)


class RuleImportTests(TestCase):
    def test_an_imported_rule_of_an_agency_without_the_power_is_a_bad_row(self):
        desk = Desk()
        header = "标题,发布日期,文号,文件类型\n"
        lines = "某区人民政府令,2019-04-12,某区政府令〔2019〕1号,规章\n某通知,2019-04-12,,行政规范性文件\n"
        rows = importing.read_rows("catalog.csv", (header + lines).encode())
        result = importing.validate(desk.agency, rows)
        errors = dict(result.errors)
        self.assertEqual(sorted(errors), [2])
        self.assertIn("没有规章制定权", errors[2])
        self.assertEqual(len(result.rows), 1)


class ImportGenreTests(TestCase):
    def test_the_old_portals_words_for_a_interpretation_map_to_the_genre(self):
        from disclosure.import_mapping import suggest_choice
        from disclosure.models import MappingKind

        for printed in ("解读", "政策解读", "图解", "专家解读"):
            with self.subTest(printed=printed):
                self.assertEqual(
                    suggest_choice(MappingKind.GENRE, printed)[0], Genre.INTERPRETATION
                )


class AttachTests(TestCase):
    def test_files_go_through_the_upload_check_and_published_items_refuse(self):
        desk = Desk()
        item = desk.draft()
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 demo", "application/pdf")
        attachment = services.item_attach(item=item, by=desk.clerk, upload=pdf)
        self.assertEqual(len(attachment.sha256), 64)
        self.assertEqual(attachment.content_type, "application/pdf")
        fake = SimpleUploadedFile("b.pdf", b"not a pdf", "application/pdf")
        refused(self, "bad_type", services.item_attach, item=item, by=desk.clerk, upload=fake)
        published = desk.publish("另一条")
        refused(
            self,
            "published_readonly",
            services.item_attach,
            item=published,
            by=desk.clerk,
            upload=SimpleUploadedFile("c.pdf", b"%PDF-1.4", "application/pdf"),
        )
