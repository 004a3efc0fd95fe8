"""The business services write the security audit trail in their own transaction."""

from unittest import mock

from django.db import IntegrityError
from django.test import TestCase

from accounts.models import AuditEvent
from disclosure import services
from disclosure.models import ItemStatus
from tests.disclosure.builders import Desk

Event = AuditEvent.Event


class CatalogAuditTests(TestCase):
    def setUp(self):
        self.desk = Desk()

    def test_review_publish_correct_and_withdraw_are_audited(self):
        item = self.desk.publish()
        services.item_correct(item=item, by=self.desk.reviewer, reason="错别字", summary="新。")
        services.item_withdraw(item=item, by=self.desk.reviewer, reason="已废止")
        events = list(
            AuditEvent.objects.filter(object_type="disclosure.item", object_id=str(item.pk))
            .order_by("id")
            .values_list("event", "actor_id")
        )
        self.assertEqual(
            [e for e, _ in events],
            [
                Event.ITEM_SUBMITTED,
                Event.ITEM_REVIEWED,
                Event.ITEM_PUBLISHED,
                Event.ITEM_CORRECTED,
                Event.ITEM_WITHDRAWN,
            ],
        )
        self.assertEqual(events[2][1], self.desk.reviewer.pk)

    def test_a_failing_audit_write_leaves_the_item_unpublished(self):
        item = self.desk.draft()
        services.item_submit(item=item, by=self.desk.clerk)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        with (
            mock.patch(
                "accounts.audit.AuditEvent.objects.create", side_effect=IntegrityError("磁盘已满")
            ),
            self.assertRaises(IntegrityError),
        ):
            services.item_publish(item=item, by=self.desk.reviewer)
        item.refresh_from_db()
        self.assertEqual((item.status, item.index_number), (ItemStatus.IN_REVIEW, ""))


class DemoAuditTests(TestCase):
    def test_the_demo_workflows_leave_their_audit_trail(self):
        from io import StringIO

        from django.core.management import call_command

        call_command("seed_demo", stdout=StringIO())
        recorded = set(AuditEvent.objects.values_list("event", flat=True))
        for event in (
            Event.USER_CREATED,
            Event.ROLE_GRANTED,
            Event.ITEM_PUBLISHED,
            Event.PROPOSAL_TRANSITION,
            Event.APPLICATION_CREATED,
        ):
            self.assertIn(event, recorded)


class AdminChangesAuditTests(TestCase):
    def test_a_change_in_any_apps_admin_is_audited_once(self):
        from django.contrib.auth.models import Group
        from django.urls import reverse

        from accounts.duties import admin_role_grant
        from accounts.models import AdminRole
        from tests.factories import make_staff
        from workdays.models import CalendarYear

        system = make_staff(username="xitong")
        admin_role_grant(user=system, role=AdminRole.SYSTEM)
        Group.objects.get(name=AdminRole.SYSTEM)
        year = CalendarYear.objects.order_by("year").first()
        self.client.force_login(system)
        url = reverse("admin:workdays_calendaryear_change", args=[year.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        form = page.context["adminform"].form
        data = {name: form[name].value() or "" for name in form.fields}
        data["note"] = "已核对" if "note" in data else data.get("note", "")
        self.client.post(url, data)
        events = AuditEvent.objects.filter(
            object_type="workdays.calendaryear", object_id=str(year.pk)
        )
        self.assertEqual(events.count(), 1, list(events.values_list("event", "detail")))
        self.assertEqual(events.get().actor, system)
