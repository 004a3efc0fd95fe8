"""The content check in the workflow: on submit, at review, the recorded override, the fixes."""

import io
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

from accounts.models import AuditEvent
from disclosure import services
from disclosure.contentcheck import HitKind
from disclosure.models import (
    Attachment,
    ContentHitDecision,
    ItemEventKind,
    ItemStatus,
    LinkCheck,
    SensitiveWord,
)
from disclosure.screening import item_hits
from tests.disclosure import files
from tests.disclosure.builders import Desk

LEAKY_LINES = [
    "机密★1年",
    "吴忠市利通区安全生产监督管理局关于整改责任人的通知",
    "责任人身份证号 11010519491231002X",
]


def attach(item, name, content):
    """An attachment with its text stored, as an upload through the admin would leave it."""
    attachment = Attachment(item=item, name=name, content_type="application/octet-stream")
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    services.attachment_text_store(attachment=attachment)
    return attachment


class ContentCheckWorkflowTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349")

    def _draft(self, **fields):
        fields.setdefault("formed_date", date(2020, 5, 6))
        return self.desk.draft(**fields)

    def test_docx_and_pdf_attachments_are_checked_with_their_place(self):
        item = self._draft(title="关于公布整改责任人的通知")
        attach(item, "名单.docx", files.docx_file(LEAKY_LINES))
        attach(item, "附表.pdf", files.pdf(["附表说明", "\n".join(LEAKY_LINES)]))
        attach(item, "说明.pdf", files.pdf(["关于开展安全生产月活动的说明"]))
        hits = item_hits(item)
        places = {(hit.kind, hit.location) for hit in hits}
        for where in ("附件《名单.docx》", "附件《附表.pdf》第2页"):
            self.assertIn((HitKind.ID_NUMBER, where), places)
            self.assertIn((HitKind.SECRECY, where), places)
            self.assertIn((HitKind.OLD_ORGAN, where), places)
        self.assertFalse([hit for hit in hits if "说明.pdf" in hit.location])

    def test_a_clean_item_passes_without_reasons(self):
        item = self._draft(body="各乡镇：请做好汛期安全防范工作。")
        attach(item, "说明.docx", files.docx_file(["做好汛期安全防范工作。"]))
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        item = services.item_publish(item=item, by=self.desk.reviewer)
        self.assertEqual(item.status, ItemStatus.PUBLISHED)

    def test_submit_records_the_counts_never_the_values(self):
        item = self._draft(body="联系电话 13912345678")
        services.item_submit(item=item, by=self.desk.clerk)
        event = item.events.get(kind=ItemEventKind.SUBMITTED)
        self.assertIn("手机号码 1 处", event.note)
        self.assertNotIn("13912345678", event.note)

    def test_review_refuses_approval_while_a_hit_has_no_reason(self):
        item = self._draft(body="责任人身份证号 11010519491231002X")
        services.item_submit(item=item, by=self.desk.clerk)
        with self.assertRaises(ValidationError) as refused:
            services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        self.assertEqual(refused.exception.code, "content_hits_unresolved")
        self.assertIn("身份证号码（正文）", refused.exception.messages[0])
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.IN_REVIEW)
        self.assertFalse(item.reviews.exists())
        # Sending it back needs no reason: the clerk will fix the text.
        services.item_review(
            item=item, by=self.desk.reviewer, opinion="请删除身份证号。", approved=False
        )
        item.refresh_from_db()
        self.assertEqual(item.status, ItemStatus.DRAFT)

    def test_recorded_reason_per_hit_lets_the_item_publish_and_is_audited(self):
        item = self._draft(body="处罚决定书：当事人身份证号 11010519491231002X\n机密★1年")
        services.item_submit(item=item, by=self.desk.clerk)
        hits = item_hits(item)
        self.assertEqual(len(hits), 2)
        reasons = {hit.fingerprint: "行政处罚决定依法公开，当事人已同意" for hit in hits[:1]}
        with self.assertRaises(ValidationError):  # one reason for two hits
            services.item_review(
                item=item, by=self.desk.reviewer, opinion="同意公开。", hit_reasons=reasons
            )
        self.assertFalse(ContentHitDecision.objects.exists())  # nothing half-recorded
        reasons[hits[1].fingerprint] = "引用的是已解密文件的原标注"
        services.item_review(
            item=item, by=self.desk.reviewer, opinion="同意公开。", hit_reasons=reasons
        )
        item = services.item_publish(item=item, by=self.desk.reviewer)
        self.assertEqual(item.status, ItemStatus.PUBLISHED)
        decisions = ContentHitDecision.objects.filter(item=item)
        self.assertEqual(decisions.count(), 2)
        self.assertEqual({d.decided_by for d in decisions}, {self.desk.reviewer})
        audit = AuditEvent.objects.filter(detail__startswith="内容检查提示按原样公开")
        self.assertEqual(audit.count(), 2)
        self.assertFalse(audit.filter(detail__contains="11010519491231002X").exists())
        self.assertTrue(audit.filter(detail__contains="110105********002X").exists())

    def test_fixing_the_text_resolves_the_hit(self):
        item = self._draft(body="联系电话 13912345678")
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(
            item=item, by=self.desk.reviewer, opinion="请删除手机号。", approved=False
        )
        services.item_update(item=item, by=self.desk.clerk, body="联系电话 0953-2012345")
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        item = services.item_publish(item=item, by=self.desk.reviewer)
        self.assertEqual(item.status, ItemStatus.PUBLISHED)

    def test_publish_refuses_a_hit_that_appeared_after_the_review(self):
        item = self._draft(title="中华人民共合国安全生产法宣传周活动方案")
        services.item_submit(item=item, by=self.desk.clerk)
        SensitiveWord.objects.filter(word="中华人民共合国").delete()
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        SensitiveWord.objects.create(word="中华人民共合国", suggestion="中华人民共和国")
        with self.assertRaises(ValidationError) as refused:
            services.item_publish(item=item, by=self.desk.reviewer)
        self.assertEqual(refused.exception.code, "content_hits_unresolved")

    def test_district_words_apply_to_the_district_only(self):
        other = Desk(code="000099999", name="另一区政府", slug="other")
        SensitiveWord.objects.create(district=self.desk.agency, word="利通去", suggestion="利通区")
        mine = self._draft(title="利通去安全检查")
        theirs = other.draft(title="利通去安全检查", formed_date=date(2020, 5, 6))
        self.assertEqual([h.kind for h in item_hits(mine)], [HitKind.WORDING])
        self.assertEqual(item_hits(theirs), [])

    def test_replacing_a_published_attachment_stores_the_new_text(self):
        item = self.desk.publish()
        upload = SimpleUploadedFile("新.docx", files.docx_file(["更正后的名单，不含个人信息。"]))
        from disclosure.forms import AttachmentCorrectionForm

        form = AttachmentCorrectionForm(
            {"reason": "原附件含身份证号，已替换"}, {"file": upload}, item=item
        )
        self.assertTrue(form.is_valid(), form.errors)
        services.item_correct_attachments(
            item=item,
            by=self.desk.reviewer,
            reason="替换附件",
            add=[form.cleaned_data["new_attachment"]],
        )
        record = Attachment.objects.get(item=item).text_record
        self.assertIn("更正后的名单", record.text)
        item.refresh_from_db()
        self.assertIn("名单", item.search_tokens)


class _Answer(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok.html" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


class DeadLinkTests(TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def test_command_marks_dead_links_and_the_check_flags_them(self):
        desk = Desk(code="000014349")
        item = desk.draft(
            body=f"详见 {self.base}/ok.html 和 {self.base}/gone.html 以及 http://127.0.0.1:1/x",
            formed_date=date(2020, 5, 6),
        )
        out = io.StringIO()
        call_command("check_links", "--timeout", "2", stdout=out)
        self.assertIn("检查了 3 个链接，无法访问 2 个", out.getvalue())
        self.assertTrue(LinkCheck.objects.get(url=f"{self.base}/ok.html").ok)
        self.assertEqual(LinkCheck.objects.get(url=f"{self.base}/gone.html").status, "HTTP 404")
        self.assertEqual(LinkCheck.objects.get(url="http://127.0.0.1:1/x").status, "连接被拒绝")
        dead = [(h.matched, h.detail) for h in item_hits(item) if h.kind == HitKind.DEAD_LINK]
        self.assertEqual(
            dead, [(f"{self.base}/gone.html", "HTTP 404"), ("http://127.0.0.1:1/x", "连接被拒绝")]
        )
        # Checked links are not fetched again within the max age.
        call_command("check_links", stdout=out)
        self.assertIn("检查了 0 个链接", out.getvalue())


class ReviewPageTests(TestCase):
    def setUp(self):
        self.desk = Desk(code="000014349")
        self.item = self.desk.draft(
            body="责任人身份证号 11010519491231002X", formed_date=date(2020, 5, 6)
        )
        attach(self.item, "名单.pdf", files.pdf(["封面", "机密★1年"]))
        services.item_submit(item=self.item, by=self.desk.clerk)
        self.client.force_login(self.desk.reviewer)
        self.url = f"/admin/disclosure/item/{self.item.pk}/review/"

    def test_page_lists_the_hits_with_context_and_place(self):
        page = self.client.get(self.url)
        self.assertContains(page, "内容检查：2 处提示")
        self.assertContains(page, "<mark>11010519491231002X</mark>", html=False)
        self.assertContains(page, "附件《名单.pdf》第2页")
        # Each reason field once, under its hit (not again among the review's own fields).
        self.assertContains(page, "按原样公开的理由（密级或内部标志）", count=1)

    def test_publishing_without_reasons_is_refused_then_with_them_done(self):
        data = {"opinion": "同意公开。", "approved": "1", "publish": "on"}
        page = self.client.post(self.url, data)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "内容检查有 2 处提示未处理")
        self.item.refresh_from_db()
        self.assertEqual(self.item.status, ItemStatus.IN_REVIEW)
        for hit in item_hits(self.item):
            data[f"hit_{hit.fingerprint}"] = "依法公开的处罚决定附件"
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        self.item.refresh_from_db()
        self.assertEqual(self.item.status, ItemStatus.PUBLISHED)
        self.assertEqual(ContentHitDecision.objects.filter(item=self.item).count(), 2)

    def test_submit_page_shows_the_clerk_the_hits(self):
        item = self.desk.draft(body="电话 13912345678")
        self.client.force_login(self.desk.clerk)
        page = self.client.get(f"/admin/disclosure/item/{item.pk}/submit/")
        self.assertContains(page, "内容检查：1 处提示")
        self.assertContains(page, "手机号码")
