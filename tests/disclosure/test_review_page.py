"""保密审查与发布: the reviewer reads the text under review beside the form; others see who does it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from disclosure import services
from disclosure.models import Attachment, ItemStatus
from tests.disclosure.builders import Desk
from tests.factories import make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def attach(item, name, content, content_type):
    return Attachment.objects.create(
        item=item,
        file=SimpleUploadedFile(name, content),
        name=name,
        content_type=content_type,
        size=len(content),
        sha256="ab" * 32,
    )


class ReviewPageTests(TestCase):
    def setUp(self):
        self.desk = Desk()
        self.item = self.desk.draft(body="第一段：检查范围。\n\n第二段：检查时间。", genre="")
        self.pdf = attach(self.item, "方案.pdf", PDF, "application/pdf")
        self.png = attach(self.item, "照片.png", PNG, "image/png")
        self.svg = attach(self.item, "图.svg", SVG, "image/svg+xml")
        services.item_submit(item=self.item, by=self.desk.clerk)
        self.url = f"/admin/disclosure/item/{self.item.pk}/review/"

    def test_the_reviewer_sees_title_body_attachments_and_completeness_beside_the_form(self):
        self.client.force_login(self.desk.reviewer)
        page = self.client.get(self.url)
        self.assertContains(page, "关于开展安全生产大检查的通知")
        self.assertContains(page, "第二段：检查时间。")
        self.assertContains(page, "部署全区安全生产大检查。")  # 内容概述
        self.assertContains(page, "尚缺：体裁分类")  # the completeness check
        view = f"/admin/disclosure/item/{self.item.pk}/attachments/"
        self.assertContains(page, f'<iframe class="review-pdf" src="{view}{self.pdf.pk}/view/"')
        self.assertContains(page, f'<img class="review-image" src="{view}{self.png.pk}/view/"')
        self.assertNotContains(page, f"{view}{self.svg.pk}/view/")  # SVG can carry script
        self.assertContains(page, "浏览器不能直接显示，请下载后审阅")
        self.assertContains(page, 'name="opinion"')
        self.assertContains(page, f'title="{"ab" * 32}"')  # the digest whole on hover

    def test_the_review_page_reads_a_constant_number_of_queries(self):
        self.client.force_login(self.desk.reviewer)
        self.client.get(self.url)  # the session is written once
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url)
        attach(self.item, "方案二.pdf", PDF, "application/pdf")
        attach(self.item, "照片二.png", PNG, "image/png")
        with CaptureQueriesContext(connection) as after:
            self.client.get(self.url)
        self.assertEqual(len(after), len(before))

    def test_a_pdf_opens_inline_framed_only_by_our_own_pages(self):
        self.client.force_login(self.desk.clerk)
        response = self.client.get(
            f"/admin/disclosure/item/{self.item.pk}/attachments/{self.pdf.pk}/view/"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], "inline")
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertIn("frame-ancestors 'self'", response["Content-Security-Policy"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])
        self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_an_svg_is_never_served_inline(self):
        self.client.force_login(self.desk.clerk)
        response = self.client.get(
            f"/admin/disclosure/item/{self.item.pk}/attachments/{self.svg.pk}/view/"
        )
        self.assertEqual(response.status_code, 404)

    def test_staff_of_another_agency_cannot_open_the_attachment(self):
        other = make_staff(Desk().agency, Role.REVIEWER)
        self.client.force_login(other)
        response = self.client.get(
            f"/admin/disclosure/item/{self.item.pk}/attachments/{self.pdf.pk}/view/"
        )
        self.assertEqual(response.status_code, 404)

    def test_the_author_reviewer_is_told_that_another_reviewer_decides(self):
        author = self.desk.reviewer
        item = services.item_create(agency=self.desk.agency, by=author, title="本人起草的信息")
        services.item_submit(item=item, by=author)
        self.client.force_login(author)
        page = self.client.get(f"/admin/disclosure/item/{item.pk}/review/")
        self.assertContains(page, "双人审核")
        self.assertNotContains(page, 'name="opinion"')


class ItemNextStepTests(TestCase):
    """Only the buttons the member may press; who does the rest where they may not."""

    def setUp(self):
        self.desk = Desk()
        self.item = self.desk.draft()

    def page(self, user):
        self.client.force_login(user)
        return self.client.get(f"/admin/disclosure/item/{self.item.pk}/change/")

    def test_a_clerk_submits_a_draft_and_then_reads_that_the_reviewer_handles_it(self):
        page = self.page(self.desk.clerk)
        self.assertContains(page, "提交审核")
        self.assertContains(page, 'name="_submit_for_review"')
        services.item_submit(item=self.item, by=self.desk.clerk)
        page = self.page(self.desk.clerk)
        self.assertNotContains(page, "/review/")
        self.assertContains(page, "待审核人处理")

    def test_a_reviewer_gets_the_review_button(self):
        services.item_submit(item=self.item, by=self.desk.clerk)
        page = self.page(self.desk.reviewer)
        self.assertContains(page, f"/admin/disclosure/item/{self.item.pk}/review/")
        self.assertNotContains(page, "待审核人处理")

    def test_a_clerk_gets_no_withdraw_button_on_a_published_item(self):
        services.item_submit(item=self.item, by=self.desk.clerk)
        services.item_review(item=self.item, by=self.desk.reviewer, opinion="同意")
        services.item_publish(item=self.item, by=self.desk.reviewer)
        page = self.page(self.desk.clerk)
        self.assertNotContains(page, "/withdraw/")
        self.assertContains(page, "由本机构审核人或负责人办理")
        self.assertContains(self.page(self.desk.reviewer), "/withdraw/")

    def test_save_and_submit_is_one_click_from_the_form(self):
        self.client.force_login(self.desk.clerk)
        page = self.client.get(f"/admin/disclosure/item/{self.item.pk}/change/")
        form = page.context["adminform"].form
        data = {
            name: form[name].value() if form[name].value() is not None else ""
            for name in form.fields
        }
        data["channels"] = [self.desk.portal.pk]
        data.update(
            {
                "attachments-TOTAL_FORMS": "0",
                "attachments-INITIAL_FORMS": "0",
                "reviews-TOTAL_FORMS": "0",
                "reviews-INITIAL_FORMS": "0",
                "events-TOTAL_FORMS": str(self.item.events.count()),
                "events-INITIAL_FORMS": str(self.item.events.count()),
                "_submit_for_review": "保存并提交审核",
            }
        )
        response = self.client.post(f"/admin/disclosure/item/{self.item.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.item.refresh_from_db()
        self.assertEqual(self.item.status, ItemStatus.IN_REVIEW)
