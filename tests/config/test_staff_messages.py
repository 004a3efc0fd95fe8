import logging
from datetime import UTC, datetime

from django.conf import settings
from django.test import TestCase

from accounts.duties import admin_role_grant
from accounts.models import AdminRole, AuditEvent, Role
from config.logfilters import RefusalWithoutTraceback
from disclosure.models import ItemEvent
from tests.factories import make_agency, make_staff


class RefusalPageTests(TestCase):
    def setUp(self):
        self.clerk = make_staff(make_agency(), Role.CLERK)
        self.client.force_login(self.clerk)

    def test_a_refused_member_reads_why_and_what_to_do_in_chinese(self):
        response = self.client.get("/admin/accounts/auditevent/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "您的角色不能进行这项操作", status_code=403)
        self.assertContains(response, "怎么办", status_code=403)
        self.assertContains(response, "返回工作台", status_code=403)
        self.assertNotContains(response, "Traceback", status_code=403)

    def test_a_refusal_is_logged_as_one_line_without_a_traceback(self):
        self.assertIn(
            "refusal_without_traceback", settings.LOGGING["handlers"]["console"]["filters"]
        )
        with self.assertLogs("django.request", "WARNING") as logs:
            self.client.get("/admin/accounts/auditevent/")
        record = logs.records[0]
        self.assertEqual(record.status_code, 403)
        self.assertIsNotNone(record.exc_info)  # Django attaches the exception …
        RefusalWithoutTraceback().filter(record)
        text = logging.Formatter().format(record)  # … the console prints one line
        self.assertNotIn("Traceback", text)
        self.assertEqual(text.count("\n"), 0)


class LocalTimeTests(TestCase):
    """Records name their time in Beijing time, never UTC beside it (04:36 vs 12:36)."""

    moment = datetime(2026, 11, 29, 4, 36, tzinfo=UTC)

    def test_an_item_event_reads_in_beijing_time(self):
        event = ItemEvent(kind=ItemEvent._meta.get_field("kind").choices[0][0], at=self.moment)
        self.assertIn("2026-11-29 12:36", str(event))

    def test_an_audit_event_reads_in_beijing_time(self):
        event = AuditEvent(created_at=self.moment, event=AuditEvent.Event.LOGIN)
        self.assertIn("2026-11-29 12:36", str(event))

    def test_the_audit_log_states_its_zone_on_screen_and_in_the_export(self):
        auditor = make_staff(username="auditor")
        admin_role_grant(user=auditor, role=AdminRole.AUDIT)
        AuditEvent.objects.create(created_at=self.moment, event=AuditEvent.Event.LOGIN)
        self.client.force_login(auditor)
        page = self.client.get("/admin/accounts/auditevent/")
        self.assertContains(page, "时间（北京时间）")
        self.assertContains(page, "2026-11-29 12:36:00")
        export = self.client.get("/admin/accounts/auditevent/export/")
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        self.assertTrue(text.startswith("时间（北京时间）"))
        self.assertIn("2026-11-29 12:36:00", text)
