"""Attachments' text: real files generated here, read by the limited child process."""

import io
import zipfile
from datetime import date

from django.test import TestCase, override_settings

from disclosure import attachment_text, services
from disclosure.attachment_text import TextStatus
from disclosure.models import Attachment, AttachmentText
from tests.disclosure import files
from tests.disclosure.builders import Desk

LEAKY = "吴忠市利通区安全生产监督管理局\n联系人身份证号 11010519491231002X\n机密★1年"
CLEAN = "关于开展安全生产月活动的通知\n各乡镇、街道：现将有关事项通知如下。"


class ExtractionTests(TestCase):
    def test_pdf_text_is_kept_with_its_pages(self):
        found = attachment_text.extract_bytes(files.pdf([CLEAN, LEAKY]), "通知.pdf")
        self.assertEqual(found.status, TextStatus.OK)
        self.assertIn("11010519491231002X", found.text)
        self.assertEqual([label for label, _ in found.pages], ["第1页", "第2页"])
        second = found.pages[1][1]
        self.assertIn("身份证号", found.text[second:])
        self.assertNotIn("身份证号", found.text[:second])
        self.assertEqual(attachment_text.page_of(found.pages, found.text.index("机密")), "第2页")

    def test_docx_paragraphs_and_tables(self):
        content = files.docx_file(
            ["第一段。", LEAKY], table=[["姓名", "电话"], ["张三", "13912345678"]]
        )
        found = attachment_text.extract_bytes(content, "名单.docx")
        self.assertEqual(found.status, TextStatus.OK)
        self.assertIn("安全生产监督管理局", found.text)
        self.assertIn("张三\t13912345678", found.text)

    def test_xlsx_sheets_and_csv_in_gbk(self):
        found = attachment_text.extract_bytes(
            files.xlsx_file([["姓名", "电话"], ["张三", "13912345678"]]), "名单.xlsx"
        )
        self.assertEqual(found.status, TextStatus.OK)
        self.assertEqual(found.pages, [["工作表“名单”", 0]])
        self.assertIn("张三\t13912345678", found.text)
        found = attachment_text.extract_bytes(
            "姓名,电话\n张三,13912345678\n".encode("gbk"), "a.csv"
        )
        self.assertEqual(found.status, TextStatus.OK)
        self.assertIn("张三,13912345678", found.text)

    def test_malformed_pdf_is_unavailable_with_the_reason(self):
        found = attachment_text.extract_bytes(
            b"%PDF-1.7\n1 0 obj <</Pages 9 0 R>>\x00\x01", "坏.pdf"
        )
        self.assertEqual(found.status, TextStatus.UNAVAILABLE)
        self.assertIn("文本不可用", found.note)
        self.assertIn("损坏", found.note)

    def test_encrypted_pdf_is_unavailable(self):
        found = attachment_text.extract_bytes(files.encrypted_pdf(LEAKY), "加密.pdf")
        self.assertEqual(found.status, TextStatus.UNAVAILABLE)
        self.assertIn("加密", found.note)

    def test_zip_bomb_docx_is_refused_before_parsing(self):
        found = attachment_text.extract_bytes(files.bomb_docx(), "炸弹.docx")
        self.assertEqual(found.status, TextStatus.UNAVAILABLE)
        self.assertIn("压缩炸弹", found.note)
        self.assertLess(found.seconds, 5)

    @override_settings(ZWGK_TEXT_MEMORY_MB=300)
    def test_memory_limit_stops_a_document_that_passes_the_zip_check(self):
        # 1.5 million small paragraphs: an ordinary compression ratio, far too big to hold.
        source = zipfile.ZipFile(io.BytesIO(files.docx_file(["x"])))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as big:
            for member in source.infolist():
                if member.filename != "word/document.xml":
                    big.writestr(member, source.read(member))
            with big.open("word/document.xml", "w", force_zip64=True) as xml:
                xml.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
                    b'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                )
                for start in range(0, 1_500_000, 10_000):
                    xml.write(
                        b"".join(
                            b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % n
                            for n in range(start, start + 10_000)
                        )
                    )
                xml.write(b"</w:body></w:document>")
        found = attachment_text.extract_bytes(out.getvalue(), "大.docx")
        self.assertEqual(found.status, TextStatus.UNAVAILABLE)
        self.assertIn("内存", found.note)

    @override_settings(ZWGK_TEXT_CPU_SECONDS=1)
    def test_cpu_limit_stops_a_long_read(self):
        found = attachment_text.extract_bytes(files.long_pdf(pages=400), "长.pdf")
        self.assertEqual(found.status, TextStatus.UNAVAILABLE)
        self.assertIn("CPU", found.note)

    def test_two_hundred_pages_are_read_within_the_limits(self):
        found = attachment_text.extract_bytes(files.long_pdf(pages=200), "长.pdf")
        self.assertEqual(found.status, TextStatus.OK)
        self.assertEqual(len(found.pages), 200)
        self.assertEqual(found.pages[-1][0], "第200页")

    def test_images_are_not_read(self):
        found = attachment_text.extract_bytes(b"\x89PNG\r\n\x1a\n....", "图.png")
        self.assertEqual(found.status, TextStatus.NOT_READ)

    @override_settings(ZWGK_TEXT_MAX_CHARS=1000)
    def test_text_is_cut_at_the_limit_and_says_so(self):
        found = attachment_text.extract_bytes(files.long_pdf(pages=3), "长.pdf")
        self.assertEqual(found.status, TextStatus.OK)
        self.assertLessEqual(len(found.text), 1000 + 3)
        self.assertIn("只保存了前 1000 个字符", found.note)


class UploadTests(TestCase):
    """Uploads through the admin keep the text; a broken file is saved with the reason."""

    def setUp(self):
        self.desk = Desk(code="000014349")
        self.item = self.desk.draft()
        self.client.force_login(self.desk.clerk)

    def _upload(self, name, content):
        return self.desk.upload(self.client, self.item, name, content)

    def test_docx_upload_keeps_its_text_and_is_searchable_once_published(self):
        response = self._upload("名单.docx", files.docx_file(["隐患整改责任人名单", LEAKY]))
        self.assertEqual(response.status_code, 302)
        record = AttachmentText.objects.get()
        self.assertEqual(record.status, AttachmentText.Status.OK)
        self.assertIn("隐患整改责任人名单", record.text)
        self.item.refresh_from_db()
        self.assertIn("责任", self.item.search_tokens)

    def test_malformed_pdf_upload_is_saved_with_text_unavailable(self):
        response = self._upload("坏.pdf", b"%PDF-1.4\nthis is not a pdf at all")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Attachment.objects.count(), 1)
        record = AttachmentText.objects.get()
        self.assertEqual(record.status, AttachmentText.Status.UNAVAILABLE)
        self.assertIn("损坏", record.note)
        page = self.client.get(f"/admin/disclosure/item/{self.item.pk}/change/")
        self.assertContains(page, "文本不可用")

    def test_zip_bomb_upload_is_saved_with_the_reason_not_an_error(self):
        response = self._upload("炸弹.docx", files.bomb_docx())
        self.assertEqual(response.status_code, 302)
        record = AttachmentText.objects.get()
        self.assertEqual(record.status, AttachmentText.Status.UNAVAILABLE)
        self.assertIn("压缩炸弹", record.note)

    def test_plain_text_upload_is_accepted_and_read(self):
        response = self._upload("说明.txt", "检查说明：联系电话 13912345678".encode("gbk"))
        self.assertEqual(response.status_code, 302)
        attachment = Attachment.objects.get()
        self.assertTrue(attachment.content_type.startswith("text/plain"))
        self.assertIn("13912345678", attachment.text_record.text)

    def test_binary_renamed_txt_is_refused(self):
        response = self._upload("说明.txt", b"MZ\x90\x00\x03\x00\x00\x00")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "内容与扩展名不符")


class ReextractCommandTests(TestCase):
    def test_command_reads_attachments_without_text_and_resumes(self):
        from django.core.files.base import ContentFile
        from django.core.management import call_command

        desk = Desk(code="000014349")
        item = desk.publish(published_date=date(2017, 3, 8))
        attachments = []
        for n in range(3):
            attachment = Attachment(item=item, name=f"附件{n}.pdf", content_type="application/pdf")
            attachment.file.save(
                f"a{n}.pdf", ContentFile(files.pdf([f"第{n}份 隐患排查清单"])), save=False
            )
            attachments.append(attachment)
        services.item_correct_attachments(
            item=item, by=desk.reviewer, reason="补充附件", add=attachments
        )
        AttachmentText.objects.all().delete()
        out = io.StringIO()
        call_command("extract_attachment_text", "--limit", "2", stdout=out)
        self.assertEqual(AttachmentText.objects.count(), 2)
        call_command("extract_attachment_text", stdout=out)
        self.assertEqual(AttachmentText.objects.count(), 3)
        self.assertIn("已提取 1 个", out.getvalue())
        item.refresh_from_db()
        self.assertIn("清单", item.search_tokens)
