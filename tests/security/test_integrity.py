"""Official records: read-only in PostgreSQL once published; ``verify_integrity`` finds tampering."""

import hashlib
import unittest
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, TransactionTestCase

from accounts.models import AuditEvent
from disclosure import services
from disclosure.models import Attachment, Item, ItemStatus
from reports.services import report_publish
from tests.disclosure.builders import Desk
from tests.reports.base import ReportSetup

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ON_POSTGRESQL = "the read-only triggers exist on PostgreSQL only; CI runs this on PostgreSQL"


def tamper(model, pk, **values):
    """Change a row the way an intruder with SQL access would, past the trigger on PostgreSQL."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('zwgk.allow_published_edit', 'on', true)")
        model.objects.filter(pk=pk).update(**values)


class IntegrityBase(TestCase):
    def setUp(self):
        self.make_published()

    def make_published(self):
        self.desk = Desk()
        item = self.desk.draft()
        self.attachment = Attachment.objects.create(
            item=item,
            name="通知.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            file=ContentFile(PDF, name="notice.pdf"),
        )
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        self.item = services.item_publish(
            item=item, by=self.desk.reviewer, published_date=date(2017, 3, 8)
        )


class VerifyIntegrityTests(IntegrityBase):
    def verify(self):
        out, err = StringIO(), StringIO()
        call_command("verify_integrity", stdout=out, stderr=err)
        return out.getvalue()

    def test_untouched_records_pass_and_the_check_is_audited(self):
        self.assertIn("完整性校验通过", self.verify())
        self.assertTrue(
            AuditEvent.objects.filter(
                event=AuditEvent.Event.INTEGRITY_CHECKED, outcome="success"
            ).exists()
        )

    def test_a_corrected_item_still_passes(self):
        services.item_correct(
            item=self.item, by=self.desk.reviewer, reason="错别字", summary="更正后的概述。"
        )
        self.verify()

    def test_a_changed_body_in_the_database_fails(self):
        tamper(Item, self.item.pk, body="篡改后的正文")
        with self.assertRaises(CommandError):
            self.verify()
        self.assertTrue(
            AuditEvent.objects.filter(
                event=AuditEvent.Event.INTEGRITY_CHECKED, outcome="failure"
            ).exists()
        )

    def test_a_changed_attachment_file_fails(self):
        with open(self.attachment.file.path, "ab") as handle:
            handle.write(b"extra")
        with self.assertRaises(CommandError):
            self.verify()

    def test_a_missing_attachment_file_fails(self):
        self.attachment.file.storage.delete(self.attachment.file.name)
        with self.assertRaises(CommandError):
            self.verify()

    def test_exit_status_is_non_zero_from_the_command_line(self):
        tamper(Item, self.item.pk, title="篡改")
        from django.core.management import execute_from_command_line

        # run_from_argv closes the connections when done, which would end the test's transaction.
        with (
            mock.patch("django.core.management.base.connections.close_all"),
            self.assertRaises(SystemExit) as caught,
        ):
            execute_from_command_line(["manage.py", "verify_integrity"])
        self.assertNotEqual(caught.exception.code, 0)


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", ON_POSTGRESQL)
class PublishedReadOnlyTests(IntegrityBase):
    def refused(self, sql, params):
        with (
            self.assertRaises(DatabaseError) as caught,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
        return str(caught.exception)

    def test_raw_sql_cannot_change_or_delete_a_published_item(self):
        self.assertIn(
            "更正",
            self.refused("UPDATE disclosure_item SET title = 'x' WHERE id = %s", [self.item.pk]),
        )
        self.assertIn(
            "撤回", self.refused("DELETE FROM disclosure_item WHERE id = %s", [self.item.pk])
        )
        self.refused("UPDATE disclosure_item SET content_digest = '' WHERE id = %s", [self.item.pk])
        self.item.refresh_from_db()
        self.assertEqual(self.item.title, "关于开展安全生产大检查的通知")

    def test_orm_cannot_change_a_published_item_either(self):
        with self.assertRaises(DatabaseError), transaction.atomic():
            Item.objects.filter(pk=self.item.pk).update(summary="x")
        self.item.body = "改"
        with self.assertRaises(DatabaseError), transaction.atomic():
            self.item.save()

    def test_attachments_of_a_published_item_are_read_only(self):
        self.refused(
            "UPDATE disclosure_attachment SET sha256 = 'x' WHERE id = %s", [self.attachment.pk]
        )
        self.refused("DELETE FROM disclosure_attachment WHERE id = %s", [self.attachment.pk])

    def test_drafts_stay_editable(self):
        draft = self.desk.draft("草稿")
        Item.objects.filter(pk=draft.pk).update(title="草稿二")
        draft.delete()

    def test_published_report_versions_are_frozen(self):
        setup = ReportSetup()
        setup.setUp()
        version = report_publish(report=setup.make_report(year=2025), by=setup.head)
        self.assertIn(
            "年度报告",
            self.refused(
                "UPDATE reports_reportversion SET reason = 'x' WHERE id = %s", [version.pk]
            ),
        )
        self.refused("DELETE FROM reports_reportversion WHERE id = %s", [version.pk])


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", ON_POSTGRESQL)
class CorrectionFlagTests(TransactionTestCase):
    """Each service call commits its own transaction here, as in production."""

    serialized_rollback = True  # Desk needs the topics that a data migration loads

    def setUp(self):
        IntegrityBase.make_published(self)

    refused = PublishedReadOnlyTests.refused

    def test_correction_withdrawal_and_validity_still_work(self):
        services.item_correct(
            item=self.item, by=self.desk.reviewer, reason="错别字", summary="新概述。"
        )
        services.item_set_validity(
            item=self.item, by=self.desk.reviewer, validity="repealed", changed_on=date(2018, 1, 1)
        )
        services.item_withdraw(item=self.item, by=self.desk.reviewer, reason="已被新文件替代")
        self.item.refresh_from_db()
        self.assertEqual((self.item.summary, self.item.status), ("新概述。", ItemStatus.WITHDRAWN))
        self.refused("UPDATE disclosure_item SET title = 'x' WHERE id = %s", [self.item.pk])

    def test_the_correction_flag_lasts_only_for_its_transaction(self):
        services.item_correct(
            item=self.item, by=self.desk.reviewer, reason="错别字", summary="新概述。"
        )
        self.refused("UPDATE disclosure_item SET body = 'x' WHERE id = %s", [self.item.pk])
