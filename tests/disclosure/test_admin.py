from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from disclosure import services
from disclosure.models import Attachment, Item, ItemEventKind, ItemStatus
from tests.disclosure.builders import Desk
from tests.factories import make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


class ItemAdminTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349")
        self.client.force_login(self.desk.clerk)

    def _form(self, **overrides):
        data = {
            "title": "关于做好汛期安全生产工作的通知",
            "summary": "部署汛期工作。",
            "formed_date": "2017-06-01",
            "agency": self.desk.agency.pk,
            "category": "work",
            "topic": self.desk.topic.pk,
            "genre": "notice",
            "channels": [self.desk.portal.pk],
            "disclosure_mode": "proactive",
            "doc_kind": "",
            "validity": "valid",
            "document_number": "吴利安监发[2017]9号",
            "keywords": "",
            "body": "",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "reviews-TOTAL_FORMS": "0",
            "reviews-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
        data.update(overrides)
        return data

    def test_clerk_adds_a_draft_through_the_service(self):
        response = self.client.post("/admin/disclosure/item/add/", self._form())
        self.assertEqual(
            response.status_code, 302, getattr(response, "context_data", {}).get("errors")
        )
        item = Item.objects.get()
        self.assertEqual(item.status, ItemStatus.DRAFT)
        self.assertEqual(item.document_number, "吴利安监发〔2017〕9号")
        self.assertEqual(item.created_by, self.desk.clerk)
        self.assertEqual(list(item.channels.all()), [self.desk.portal])
        self.assertTrue(item.events.filter(kind=ItemEventKind.CREATED).exists())

    def test_bad_document_number_keeps_the_form_with_a_chinese_error(self):
        response = self.client.post(
            "/admin/disclosure/item/add/", self._form(document_number="乱写")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "文号格式应为")
        self.assertContains(response, "关于做好汛期安全生产工作的通知")
        self.assertFalse(Item.objects.exists())

    def test_submit_review_and_publish_through_the_step_pages(self):
        item = self.desk.draft()
        self.client.post(f"/admin/disclosure/item/{item.pk}/submit/")
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.IN_REVIEW)
        # a clerk reads the review page with who does the review, and gets no form to fill in
        page = self.client.get(f"/admin/disclosure/item/{item.pk}/review/")
        self.assertContains(page, "待审核人处理")
        self.assertNotContains(page, 'name="opinion"')
        # a posted review anyway is refused, saying who does it
        response = self.client.post(
            f"/admin/disclosure/item/{item.pk}/review/",
            {"opinion": "同意", "approved": "1", "publish": "on"},
        )
        self.assertContains(response, "审核人", status_code=403)
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.IN_REVIEW)
        self.client.force_login(self.desk.reviewer)
        response = self.client.post(
            f"/admin/disclosure/item/{item.pk}/review/",
            {"opinion": "不涉密，同意公开", "approved": "1", "publish": "on"},
        )
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.PUBLISHED)
        self.assertTrue(item.index_number.startswith("000014349/"))

    def test_published_item_is_corrected_only_with_a_reason(self):
        item = self.desk.publish()
        self.client.force_login(self.desk.reviewer)
        url = f"/admin/disclosure/item/{item.pk}/change/"
        form = self._form(
            title="更正后的标题", document_number="", formed_date="2017-03-01", summary=item.summary
        )
        response = self.client.post(url, form)
        self.assertContains(response, "须填写更正理由")
        response = self.client.post(url, {**form, "correction_reason": "标题有误"})
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.title, "更正后的标题")
        self.assertEqual(item.events.get(kind=ItemEventKind.CORRECTED).note, "标题有误")

    def test_withdraw_and_validity_steps(self):
        item = self.desk.publish()
        self.client.force_login(self.desk.reviewer)
        self.client.post(
            f"/admin/disclosure/item/{item.pk}/validity/",
            {"validity": "repealed", "changed_on": "2018-01-02"},
        )
        response = self.client.post(f"/admin/disclosure/item/{item.pk}/withdraw/", {"reason": ""})
        self.assertEqual(response.status_code, 200)
        self.client.post(f"/admin/disclosure/item/{item.pk}/withdraw/", {"reason": "重复发布"})
        item.refresh_from_db()
        self.assertEqual((item.status, item.validity), (ItemStatus.WITHDRAWN, "repealed"))

    def test_other_agencies_items_are_invisible(self):
        stranger = Desk()
        item = stranger.draft("别处的草稿")
        self.assertEqual(
            self.client.get(f"/admin/disclosure/item/{item.pk}/change/").status_code, 302
        )
        self.assertNotContains(self.client.get("/admin/disclosure/item/"), "别处的草稿")
        self.assertIn(
            self.client.get(f"/admin/disclosure/item/{item.pk}/review/").status_code, (403, 404)
        )

    def test_changelist_query_count_is_constant(self):
        for n in range(3):
            self.desk.publish(f"信息{n}", published_date=date(2017, 4, 3 + n))
        url = "/admin/disclosure/item/?status__exact=published"
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(self.client.get(url).status_code, 200)
        for n in range(10):
            self.desk.publish(f"更多{n}", published_date=date(2017, 5, 2 + n))
        with CaptureQueriesContext(connection) as second:
            self.client.get(url)
        self.assertEqual(len(first), len(second))

    def _confirm(self, response):
        """Step 2 of the import page: post the mapping form as shown (its initial choices)."""
        form = response.context["mapping_form"]
        data = {"token": response.context["token"]}
        data.update({name: field.initial for name, field in form.fields.items()})
        return self.client.post("/admin/disclosure/item/import/", data)

    def test_import_upload_reports_bad_rows(self):
        csv = "标题,发布日期\n好的一行,2017-01-05\n,2017-01-06\n".encode()
        self.client.force_login(self.desk.reviewer)
        response = self.client.post(
            "/admin/disclosure/item/import/",
            {
                "agency": self.desk.agency.pk,
                "file": SimpleUploadedFile("a.csv", csv),
            },
        )
        self.assertContains(response, "第3行")
        self.assertContains(response, "修正后重新上传")
        self.assertNotContains(response, "确认映射并导入")
        self.assertFalse(Item.objects.exists())
        response = self.client.post(
            "/admin/disclosure/item/import/",
            {
                "agency": self.desk.agency.pk,
                "file": SimpleUploadedFile("a.csv", csv),
                "only_good": "on",
            },
        )
        self.assertFalse(Item.objects.exists())  # the upload is the dry run
        self.assertContains(response, "确认映射并导入 1 条")
        self._confirm(response)
        self.assertEqual(Item.objects.count(), 1)

    def _large_csv(self, rows):
        lines = ["标题,发布日期"] + [
            f"历年目录第{n}条,2016-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(rows)
        ]
        return SimpleUploadedFile("catalog.csv", "\n".join(lines).encode())

    def test_a_large_import_streams_its_progress_and_imports_every_row(self):
        from disclosure.services import IMPORT_BATCH

        self.client.force_login(self.desk.reviewer)
        rows = IMPORT_BATCH * 2 + 7
        response = self._confirm(
            self.client.post(
                "/admin/disclosure/item/import/",
                {"agency": self.desk.agency.pk, "file": self._large_csv(rows)},
            )
        )
        self.assertTrue(response.streaming)
        self.assertEqual(response["X-Accel-Buffering"], "no")
        page = b"".join(response.streaming_content).decode()
        self.assertEqual(page.count("<progress"), 3)
        self.assertIn(f'<progress value="{IMPORT_BATCH}" max="{rows}">', page)
        self.assertIn(f"已导入 {rows} 条公开信息", page)
        self.assertTrue(page.rstrip().endswith("</html>"))
        self.assertEqual(Item.objects.filter(agency=self.desk.agency).count(), rows)

    def test_leaving_a_large_import_half_way_imports_nothing(self):
        from disclosure import importing
        from disclosure.admin import import_progress_chunks
        from disclosure.services import IMPORT_BATCH

        rows = importing.validate(
            self.desk.agency,
            importing.read_rows("catalog.csv", self._large_csv(IMPORT_BATCH * 3).read()),
        ).rows
        chunks = import_progress_chunks(
            "<page>", "</page>", agency=self.desk.agency, by=self.desk.reviewer, rows=rows
        )
        self.assertEqual(next(chunks), "<page>")
        self.assertIn("<progress", next(chunks))  # the first batch went in
        self.assertTrue(Item.objects.exists())
        chunks.close()  # the browser went away: the server closes the response
        self.assertFalse(Item.objects.exists())

    def test_a_clerk_cannot_start_a_large_import(self):
        from disclosure.services import IMPORT_BATCH

        self.client.force_login(self.desk.clerk)
        # The role is checked before the file is read: no dry run, no kept upload, nothing imported.
        response = self.client.post(
            "/admin/disclosure/item/import/",
            {"agency": self.desk.agency.pk, "file": self._large_csv(IMPORT_BATCH + 1)},
        )
        self.assertFalse(getattr(response, "streaming", False))
        self.assertContains(response, "审核人")
        self.assertIsNone(response.context["token"])
        self.assertFalse(Item.objects.exists())


class AttachmentTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.item = self.desk.draft()
        self.client.force_login(self.desk.clerk)

    def _upload(self, name, content):
        return self.desk.upload(self.client, self.item, name, content)

    def test_pdf_is_stored_with_digest_and_served_as_download_once_published(self):
        response = self._upload("检查方案.pdf", PDF)
        self.assertEqual(response.status_code, 302)
        attachment = Attachment.objects.get()
        self.assertEqual(len(attachment.sha256), 64)
        self.assertEqual(attachment.content_type, "application/pdf")
        url = attachment.get_absolute_url()
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)  # draft: not public
        self.client.force_login(self.desk.clerk)
        self.assertEqual(self.client.get(url).status_code, 200)  # staff of the agency may
        self.client.logout()
        item = self.item
        from disclosure import services

        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意")
        services.item_publish(item=item, by=self.desk.reviewer, published_date=date(2017, 3, 8))
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn("filename*=utf-8''", response["Content-Disposition"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_renamed_executable_is_refused(self):
        response = self._upload("通知.pdf", EXE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "内容与扩展名不符")
        self.assertFalse(Attachment.objects.exists())

    def test_pdf_named_as_image_and_html_are_refused(self):
        self.assertContains(self._upload("a.png", PDF), "内容与扩展名不符")
        self.assertContains(
            self._upload("a.html", b"<script>alert(1)</script>"), "内容与扩展名不符"
        )

    def test_size_limit(self):
        with self.settings(DISCLOSURE_ATTACHMENT_MAX_BYTES=10):
            self.assertContains(self._upload("a.pdf", PDF), "不能超过")


class AttachmentCorrectionTests(TestCase):
    """A published item's files change only through 更正附件, with a reason, recorded."""

    def setUp(self):
        self.desk = Desk()
        self.item = self._published_with_file(self.desk, "旧方案.pdf")
        self.url = f"/admin/disclosure/item/{self.item.pk}/attachments/"

    @staticmethod
    def _published_with_file(desk, name):
        item = desk.draft()
        Attachment.objects.create(
            item=item,
            file=SimpleUploadedFile("old.pdf", PDF),
            name=name,
            content_type="application/pdf",
            size=len(PDF),
            sha256="a" * 64,
        )
        services.item_submit(item=item, by=desk.clerk)
        services.item_review(item=item, by=desk.reviewer, opinion="同意")
        return services.item_publish(item=item, by=desk.reviewer, published_date=date(2017, 3, 8))

    def test_reviewer_replaces_a_file_with_a_reason_and_the_change_is_recorded(self):
        old = self.item.attachments.get()
        digest = self.item.content_digest
        self.client.force_login(self.desk.reviewer)
        page = self.client.get(f"/admin/disclosure/item/{self.item.pk}/change/")
        self.assertContains(page, "更正附件")
        response = self.client.post(
            self.url,
            {
                "remove": [old.pk],
                "file": SimpleUploadedFile("方案（修订）.pdf", PDF + b"%v2\n"),
                "name": "",
                "reason": "原附件为征求意见稿，更正为正式文本。",
            },
        )
        self.assertRedirects(response, f"/admin/disclosure/item/{self.item.pk}/change/")
        self.item.refresh_from_db()
        self.assertEqual([a.name for a in self.item.attachments.all()], ["方案（修订）.pdf"])
        self.assertNotEqual(self.item.content_digest, digest)
        event = self.item.events.latest("id")
        self.assertEqual(
            (event.kind, event.note),
            (ItemEventKind.CORRECTED, "原附件为征求意见稿，更正为正式文本。"),
        )
        before, after = event.changes["attachments"]
        self.assertIn("旧方案.pdf", before[0])
        self.assertIn("方案（修订）.pdf", after[0])

    def test_no_reason_no_change_and_the_choice_is_kept(self):
        old = self.item.attachments.get()
        self.client.force_login(self.desk.reviewer)
        response = self.client.post(self.url, {"remove": [old.pk], "reason": ""})
        self.assertContains(response, "更正须说明理由")
        self.assertContains(response, "checked")
        self.assertTrue(self.item.attachments.exists())

    def test_a_renamed_executable_is_refused_and_nothing_changes(self):
        self.client.force_login(self.desk.reviewer)
        response = self.client.post(
            self.url, {"file": SimpleUploadedFile("正式文本.pdf", EXE), "reason": "更换"}
        )
        self.assertContains(response, "内容与扩展名不符")
        self.assertEqual(self.item.attachments.count(), 1)

    def test_an_item_without_files_is_offered_only_the_upload(self):
        item = self.desk.publish("没有附件的信息")
        self.client.force_login(self.desk.reviewer)
        url = f"/admin/disclosure/item/{item.pk}/attachments/"
        page = self.client.get(url)
        self.assertNotContains(page, "删除这些附件")
        self.assertContains(page, 'name="file"')
        self.assertContains(
            self.client.post(url, {"reason": "补充"}), "请选择要删除的附件或上传新的附件"
        )
        response = self.client.post(
            url, {"file": SimpleUploadedFile("正式文本.pdf", PDF), "reason": "补充正式文本"}
        )
        self.assertRedirects(response, f"/admin/disclosure/item/{item.pk}/change/")
        self.assertEqual([a.name for a in item.attachments.all()], ["正式文本.pdf"])

    def test_a_clerk_may_not_correct(self):
        self.client.force_login(self.desk.clerk)
        response = self.client.post(
            self.url, {"remove": [self.item.attachments.get().pk], "reason": "换"}
        )
        self.assertContains(response, "errornote")
        self.assertEqual(self.item.attachments.count(), 1)

    def test_another_agencys_items_and_files_are_out_of_reach(self):
        other = self._published_with_file(Desk(), "别处.pdf")
        self.client.force_login(self.desk.reviewer)
        self.assertIn(
            self.client.get(f"/admin/disclosure/item/{other.pk}/attachments/").status_code,
            (302, 403, 404),
        )
        with self.assertRaises(ValidationError):
            services.item_correct_attachments(
                item=self.item, by=self.desk.reviewer, reason="换", remove=[other.attachments.get()]
            )
        self.assertEqual(other.attachments.count(), 1)


class RoleGroupTests(TestCase):
    def test_reviewer_group_may_add_reviews_clerk_may_not(self):
        desk = Desk()
        self.assertTrue(desk.reviewer.has_perm("disclosure.add_review"))
        self.assertFalse(desk.clerk.has_perm("disclosure.add_review"))
        self.assertTrue(make_staff(desk.agency, Role.CLERK).has_perm("disclosure.add_item"))
