import unittest

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import TestCase, TransactionTestCase

from accounts import audit
from accounts.models import AuditEvent
from agencies.models import Agency
from tests.factories import make_agency, make_staff

ON_POSTGRESQL = "the append-only trigger exists on PostgreSQL only; CI runs this on PostgreSQL"


class AuditRecordTests(TestCase):
    def test_record_writes_actor_object_outcome_and_request_context(self):
        agency = make_agency()
        user = make_staff(agency)
        self.client.force_login(user)
        event = audit.record(
            event=AuditEvent.Event.OBJECT_CHANGED, actor=user, obj=agency, detail="修改电话"
        )
        self.assertEqual(event.actor_name, user.username)
        self.assertEqual(event.object_type, "agencies.agency")
        self.assertEqual(event.object_id, str(agency.pk))
        self.assertEqual(event.outcome, AuditEvent.Outcome.SUCCESS)
        self.assertIsNotNone(event.created_at.tzinfo)

    def test_request_id_and_ip_come_from_the_current_request(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
        request.request_id = "abc123"
        event = audit.record(event=AuditEvent.Event.AUDIT_READ, request=request)
        self.assertEqual((event.ip, event.request_id), ("10.1.2.3", "abc123"))

    def test_every_response_carries_a_request_id(self):
        response = self.client.get("/healthz")
        self.assertRegex(response.headers["X-Request-ID"], r"^[0-9a-f]{32}$")

    def test_detail_never_keeps_id_or_mobile_numbers(self):
        event = audit.record(
            event=AuditEvent.Event.PII_VIEWED, detail="身份证 110101199003071234 电话 13812345678"
        )
        self.assertNotIn("110101199003071234", event.detail)
        self.assertNotIn("13812345678", event.detail)
        self.assertIn("110101********1234", event.detail)
        self.assertIn("138****5678", event.detail)

    def test_events_cannot_be_changed_or_deleted_through_the_orm(self):
        event = audit.record(event=AuditEvent.Event.LOGIN)
        event.detail = "篡改"
        with self.assertRaises(PermissionError):
            event.save()
        with self.assertRaises(PermissionError):
            event.delete()
        with self.assertRaises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).update(detail="篡改")
        with self.assertRaises(PermissionError):
            AuditEvent.objects.all().delete()
        self.assertEqual(AuditEvent.objects.get(pk=event.pk).detail, "")


class AuditRollbackTests(TransactionTestCase):
    serialized_rollback = True  # leave the migrations' data (groups, calendars) for later tests

    def test_a_failed_audit_write_rolls_the_action_back(self):
        agency = make_agency(name="原名称")

        def rename():
            with transaction.atomic():
                Agency.objects.filter(pk=agency.pk).update(name="新名称")
                # Stands for any failing audit insert (disk full, trigger, constraint).
                AuditEvent.objects.create(event=None)

        with pytest.raises(IntegrityError):
            rename()
        agency.refresh_from_db()
        self.assertEqual(agency.name, "原名称")

    def test_record_participates_in_the_callers_transaction(self):
        agency = make_agency(name="原名称")
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record(event=AuditEvent.Event.OBJECT_CHANGED, obj=agency)
            raise RuntimeError
        self.assertFalse(AuditEvent.objects.exists())


@pytest.mark.postgres
@unittest.skipUnless(connection.vendor == "postgresql", ON_POSTGRESQL)
class AuditTriggerTests(TestCase):
    def test_raw_update_and_delete_are_refused_by_the_database(self):
        event = audit.record(event=AuditEvent.Event.LOGIN)
        for sql in (
            "UPDATE accounts_auditevent SET detail = 'x' WHERE id = %s",
            "DELETE FROM accounts_auditevent WHERE id = %s",
        ):
            with (
                self.subTest(sql=sql),
                self.assertRaises(DatabaseError) as caught,
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
            self.assertIn("审计日志只能追加", str(caught.exception))
        self.assertTrue(AuditEvent.objects.filter(pk=event.pk, detail="").exists())

    def test_orm_bypass_through_the_base_queryset_is_refused_too(self):
        event = audit.record(event=AuditEvent.Event.LOGIN)
        from django.db.models import QuerySet

        with self.assertRaises(DatabaseError), transaction.atomic():
            QuerySet(AuditEvent).filter(pk=event.pk).update(detail="x")
        with self.assertRaises(DatabaseError), transaction.atomic():
            QuerySet(AuditEvent).filter(pk=event.pk)._raw_delete(connection.alias)
