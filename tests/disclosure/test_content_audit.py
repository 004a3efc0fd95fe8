"""manage.py check_published_content on the demo: hits found, masked, resumable, on the staff page."""

import csv
import io
from datetime import date

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import TestCase

from accounts.models import Role
from disclosure import services
from disclosure.models import (
    Attachment,
    ContentAudit,
    ContentAuditHit,
    Item,
    ItemStatus,
)
from disclosure.screening import item_hits
from tests.disclosure import files
from tests.factories import make_staff


class PublishedContentAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())
        cls.agency = Item.objects.get(title="区安监局召开2017年全区安全生产工作会议").agency
        cls.reviewer = make_staff(cls.agency, Role.REVIEWER, username="audit-reviewer")
        clerk = make_staff(cls.agency, Role.CLERK, username="audit-clerk")
        # A leak that got through (the reviewer gave a reason at the time): a list with an ID
        # number in its attachment, published like any other item.
        item = services.item_create(
            agency=cls.agency,
            by=clerk,
            title="2017年安全生产先进个人名单公示",
            summary="公示先进个人名单。",
            formed_date=date(2017, 12, 1),
        )
        attachment = Attachment(item=item, name="名单.docx", content_type="application/msword")
        attachment.file.save(
            "list.docx",
            ContentFile(files.docx_file(["先进个人：张三，身份证号 11010519491231002X"])),
            save=False,
        )
        attachment.save()
        services.attachment_text_store(attachment=attachment)
        services.item_submit(item=item, by=clerk)
        reasons = {hit.fingerprint: "公示需要" for hit in item_hits(item)}
        services.item_review(item=item, by=cls.reviewer, opinion="同意公开。", hit_reasons=reasons)
        cls.leak = services.item_publish(
            item=item, by=cls.reviewer, published_date=date(2017, 12, 5)
        )

    def test_scan_finds_the_leak_and_writes_a_masked_csv(self):
        out = io.StringIO()
        path = self._tmp("report.csv")
        call_command(
            "check_published_content", "--agency", self.agency.slug, "--csv", path, stdout=out
        )
        audit = ContentAudit.objects.get()
        self.assertIsNotNone(audit.finished_at)
        published = Item.objects.published().filter(agency=self.agency).count()
        self.assertEqual(audit.items_checked, published)
        leak = ContentAuditHit.objects.get(item=self.leak)
        self.assertEqual(leak.location, "附件《名单.docx》")
        self.assertEqual(leak.masked, "110105********002X")
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][:3], ["机构", "索引号", "名称"])
        self.assertIn(
            ["身份证号码", "附件《名单.docx》", "110105********002X"], [r[4:7] for r in rows]
        )
        self.assertNotIn("11010519491231002X", text)
        self.assertIn("检查完成", out.getvalue())

    def test_a_stopped_run_resumes_from_its_checkpoint(self):
        out = io.StringIO()
        call_command(
            "check_published_content", "--batch-size", "10", "--max-batches", "2", stdout=out
        )
        audit = ContentAudit.objects.get()
        self.assertIsNone(audit.finished_at)
        self.assertEqual(audit.items_checked, 20)
        first_stop = audit.last_item_id
        call_command("check_published_content", "--resume", "--batch-size", "10", stdout=out)
        audit.refresh_from_db()
        self.assertEqual(ContentAudit.objects.count(), 1)
        self.assertGreater(audit.last_item_id, first_stop)
        self.assertEqual(
            audit.items_checked, Item.objects.filter(status=ItemStatus.PUBLISHED).count()
        )
        self.assertEqual(ContentAuditHit.objects.filter(item=self.leak).count(), 1)  # once

    def test_since_limits_the_scan(self):
        call_command("check_published_content", "--since", "2017-12-01", stdout=io.StringIO())
        audit = ContentAudit.objects.get()
        self.assertEqual(
            audit.items_checked,
            Item.objects.published().filter(published_date__gte=date(2017, 12, 1)).count(),
        )

    def test_bad_arguments_are_refused_in_chinese(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "找不到机构"):
            call_command("check_published_content", "--agency", "nope", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            call_command("check_published_content", "--since", "2017/1/1", stdout=io.StringIO())

    def test_staff_page_and_csv_download(self):
        call_command("check_published_content", "--agency", self.agency.slug, stdout=io.StringIO())
        audit = ContentAudit.objects.get()
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/disclosure/contentaudit/{audit.pk}/change/")
        self.assertContains(page, "2017年安全生产先进个人名单公示")
        self.assertContains(page, "110105********002X")
        self.assertNotContains(page, "11010519491231002X")
        listing = self.client.get("/admin/disclosure/contentaudit/")
        self.assertContains(listing, "已完成")
        download = self.client.get(f"/admin/disclosure/contentaudit/{audit.pk}/csv/")
        body = b"".join(download.streaming_content).decode("utf-8-sig")
        self.assertIn("110105********002X", body)
        # A district-wide run shows each agency's staff their own hits only.
        call_command("check_published_content", stdout=io.StringIO())
        everywhere = ContentAudit.objects.get(agency__isnull=True)
        page = self.client.get(f"/admin/disclosure/contentaudit/{everywhere.pk}/change/")
        self.assertContains(page, "2017年安全生产先进个人名单公示")
        # Another agency's staff do not see this agency's run, nor its hits in the wide one.
        from tests.factories import make_agency

        stranger = make_staff(make_agency(), Role.REVIEWER, username="stranger")
        self.client.force_login(stranger)
        self.assertEqual(
            self.client.get(f"/admin/disclosure/contentaudit/{audit.pk}/change/").status_code, 404
        )
        page = self.client.get(f"/admin/disclosure/contentaudit/{everywhere.pk}/change/")
        self.assertNotContains(page, "2017年安全生产先进个人名单公示")

    def _tmp(self, name):
        import tempfile

        folder = tempfile.mkdtemp()
        return f"{folder}/{name}"
