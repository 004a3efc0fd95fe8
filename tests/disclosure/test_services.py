from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from accounts.models import Role
from disclosure import services
from disclosure.models import Item, ItemEvent, ItemEventKind, ItemStatus, Review, Validity
from tests.disclosure.builders import Desk
from tests.factories import make_staff


class ItemWorkflowTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349")

    def test_clerk_drafts_reviewer_publishes_with_index_number_and_events(self):
        item = self.desk.draft()
        self.assertEqual(item.status, ItemStatus.DRAFT)
        services.item_submit(item=item, by=self.desk.clerk)
        review = services.item_review(
            item=item, by=self.desk.reviewer, opinion="同意公开", escalated=True
        )
        self.assertTrue(review.escalated)
        item = services.item_publish(
            item=item, by=self.desk.reviewer, published_date=date(2017, 3, 8)
        )
        self.assertEqual(item.status, ItemStatus.PUBLISHED)
        self.assertEqual(item.index_number, "000014349/2017-00001")
        self.assertEqual(len(item.content_digest), 64)
        self.assertEqual(item.publish_workdays, 5)
        kinds = list(item.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            [
                ItemEventKind.CREATED,
                ItemEventKind.SUBMITTED,
                ItemEventKind.REVIEWED,
                ItemEventKind.PUBLISHED,
            ],
        )

    def test_index_numbers_are_sequential_per_year_and_restart_each_year(self):
        numbers = [
            self.desk.publish(f"信息{n}", published_date=date(2017, 5, n)).index_number
            for n in (2, 3)
        ]
        numbers.append(self.desk.publish("次年", published_date=date(2018, 1, 5)).index_number)
        self.assertEqual(
            numbers, ["000014349/2017-00001", "000014349/2017-00002", "000014349/2018-00001"]
        )

    def test_agency_pattern_is_used(self):
        self.desk.agency.index_pattern = "LT-{year}-{seq:03d}"
        self.desk.agency.save()
        self.assertEqual(self.desk.publish().index_number, "LT-2017-001")

    def test_publish_without_review_is_refused(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        with self.assertRaises(ValidationError) as caught:
            services.item_publish(item=item, by=self.desk.reviewer)
        self.assertEqual(caught.exception.code, "review_required")

    def test_draft_cannot_be_published_directly(self):
        with self.assertRaises(ValidationError) as caught:
            services.item_publish(item=self.desk.draft(), by=self.desk.reviewer)
        self.assertEqual(caught.exception.code, "invalid_transition")
        self.assertIn("草稿", caught.exception.messages[0])

    def test_refused_review_returns_item_to_draft(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(
            item=item, by=self.desk.reviewer, opinion="涉及个人信息，删除后再报", approved=False
        )
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.DRAFT)
        self.assertEqual(item.events.last().kind, ItemEventKind.RETURNED)

    def test_review_needs_an_opinion(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        with self.assertRaises(ValidationError):
            services.item_review(item=item, by=self.desk.reviewer, opinion="  ")
        self.assertFalse(Review.objects.exists())

    def test_clerk_may_not_review_or_publish(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        with self.assertRaises(PermissionDenied):
            services.item_review(item=item, by=self.desk.clerk, opinion="同意")

    def test_staff_of_another_agency_may_not_draft(self):
        other = make_staff(Desk().agency, Role.CLERK)
        with self.assertRaises(PermissionDenied):
            services.item_create(agency=self.desk.agency, by=other, title="越权")

    def test_document_number_is_normalised(self):
        item = self.desk.draft(document_number="吴利政办发【2017】第012号")
        self.assertEqual(item.document_number, "吴利政办发〔2017〕12号")

    def test_bad_document_number_is_refused_in_chinese(self):
        with self.assertRaises(ValidationError) as caught:
            self.desk.draft(document_number="2017年12号文")
        self.assertIn("文号格式", caught.exception.messages[0])

    def test_channels_of_another_agency_are_refused(self):
        stranger = Desk()
        with self.assertRaises(ValidationError):
            self.desk.draft(channels=[stranger.portal])

    def test_withdraw_needs_reason_and_hides_item(self):
        item = self.desk.publish()
        with self.assertRaises(ValidationError):
            services.item_withdraw(item=item, by=self.desk.reviewer, reason="")
        services.item_withdraw(item=item, by=self.desk.reviewer, reason="内容有误")
        self.assertFalse(Item.objects.published().exists())
        with self.assertRaises(ValidationError):
            services.item_withdraw(item=item, by=self.desk.reviewer, reason="再次")

    def test_correction_records_old_and_new_values_and_new_digest(self):
        item = self.desk.publish()
        digest = item.content_digest
        item = services.item_correct(
            item=item,
            by=self.desk.reviewer,
            reason="标题错字",
            title="关于开展安全生产大检查的通知（更正）",
        )
        self.assertNotEqual(item.content_digest, digest)
        event = item.events.get(kind=ItemEventKind.CORRECTED)
        self.assertEqual(event.note, "标题错字")
        self.assertEqual(event.changes["title"][1], "关于开展安全生产大检查的通知（更正）")

    def test_correction_is_refused_without_reason_or_change_or_on_drafts(self):
        item = self.desk.publish()
        with self.assertRaises(ValidationError):
            services.item_correct(item=item, by=self.desk.reviewer, reason="", title="新")
        with self.assertRaises(ValidationError):
            services.item_correct(
                item=item, by=self.desk.reviewer, reason="无变化", title=item.title
            )
        with self.assertRaises(ValidationError):
            services.item_correct(
                item=self.desk.draft(), by=self.desk.reviewer, reason="x", title="y"
            )
        with self.assertRaises(ValidationError):
            services.item_correct(item=item, by=self.desk.reviewer, reason="x", status="draft")

    def test_drafts_are_edited_with_an_event_but_published_items_are_not(self):
        item = self.desk.draft()
        services.item_update(item=item, by=self.desk.clerk, summary="新的概述")
        self.assertTrue(ItemEvent.objects.filter(item=item, kind=ItemEventKind.EDITED).exists())
        published = self.desk.publish("另一条")
        with self.assertRaises(ValidationError):
            services.item_update(item=published, by=self.desk.clerk, summary="偷偷改")

    def test_editing_an_item_in_review_sends_it_back_to_draft(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意")
        item = services.item_update(item=item, by=self.desk.clerk, summary="审核后改动")
        self.assertEqual(item.status, ItemStatus.DRAFT)
        with self.assertRaises(ValidationError):
            services.item_publish(item=item, by=self.desk.reviewer)

    def test_validity_change_is_recorded(self):
        item = self.desk.publish(doc_kind="normative", document_number="吴利安监发〔2017〕3号")
        services.item_set_validity(
            item=item,
            by=self.desk.reviewer,
            validity=Validity.REPEALED,
            changed_on=date(2019, 6, 30),
        )
        item.refresh_from_db()
        self.assertEqual(
            (item.validity, item.validity_changed_on), (Validity.REPEALED, date(2019, 6, 30))
        )
        with self.assertRaises(ValidationError):
            services.item_set_validity(
                item=item,
                by=self.desk.reviewer,
                validity=Validity.EXPIRED,
                changed_on=date(2016, 1, 1),
            )

    def test_late_publication_is_flagged(self):
        item = self.desk.publish(formed_date=date(2017, 1, 3), published_date=date(2017, 3, 1))
        self.assertGreater(item.publish_workdays, 20)
        self.assertTrue(item.is_late)

    def test_missing_fields_checklist(self):
        item = services.item_create(agency=self.desk.agency, by=self.desk.clerk, title="只有标题")
        self.assertEqual(
            services.missing_fields(item),
            ["内容概述", "生成日期", "主题分类", "体裁分类", "发布渠道"],
        )
        self.assertEqual(services.missing_fields(self.desk.draft()), [])

    def test_default_channels_are_added_once(self):
        # the desk already has its 政务公开栏
        self.assertEqual(services.channels_seed_defaults(agency=self.desk.agency), 6)
        self.assertEqual(services.channels_seed_defaults(agency=self.desk.agency), 0)
