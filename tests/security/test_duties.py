"""三权分立: the administrator roles, their limits, the audit screen and the account checks."""

import csv
import io
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.duties import admin_role_grant, admin_role_revoke
from accounts.models import AdminRole, AuditEvent, User
from accounts.roles import ADMIN_ROLE_PERMISSIONS
from tests.factories import make_staff

Event = AuditEvent.Event


def make_admin(role, username=None):
    user = make_staff(username=username)
    admin_role_grant(user=user, role=role)
    return user


class AdminRoleGroupTests(TestCase):
    def test_the_three_groups_exist_with_their_declared_permissions(self):
        for role, names in ADMIN_ROLE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            self.assertEqual(held, set(names), role)

    def test_the_system_administrator_has_no_permission_on_applicant_data(self):
        names = ADMIN_ROLE_PERMISSIONS[AdminRole.SYSTEM]
        self.assertFalse([n for n in names if n.startswith("applications.")])
        self.assertNotIn("accounts.view_auditevent", names)

    def test_the_audit_administrator_can_only_read_the_audit_log(self):
        self.assertEqual(ADMIN_ROLE_PERMISSIONS[AdminRole.AUDIT], ["accounts.view_auditevent"])


class SeparationOfDutiesTests(TestCase):
    def test_grant_refuses_audit_role_to_a_system_administrator(self):
        user = make_admin(AdminRole.SYSTEM)
        with self.assertRaises(ValidationError) as caught:
            admin_role_grant(user=user, role=AdminRole.AUDIT)
        self.assertEqual(caught.exception.code, "duties_conflict")
        self.assertFalse(user.groups.filter(name=AdminRole.AUDIT).exists())

    def test_grant_and_revoke_are_audited(self):
        user = make_admin(AdminRole.SECURITY)
        admin_role_revoke(user=user, role=AdminRole.SECURITY)
        events = AuditEvent.objects.filter(object_id=str(user.pk), object_type="accounts.user")
        self.assertEqual(
            set(events.values_list("event", flat=True)) & {Event.ROLE_GRANTED, Event.ROLE_REVOKED},
            {Event.ROLE_GRANTED, Event.ROLE_REVOKED},
        )

    def test_any_other_path_to_the_groups_is_guarded_too(self):
        user = make_admin(AdminRole.AUDIT)
        system = Group.objects.get(name=AdminRole.SYSTEM)
        with self.assertRaises(ValidationError), transaction.atomic():
            user.groups.add(system)
        with self.assertRaises(ValidationError), transaction.atomic():
            system.user_set.add(user)
        self.assertFalse(user.groups.filter(pk=system.pk).exists())

    def test_security_and_audit_roles_may_be_combined(self):
        user = make_admin(AdminRole.SECURITY)
        admin_role_grant(user=user, role=AdminRole.AUDIT)
        self.assertEqual(user.groups.count(), 2)

    def test_the_user_admin_form_refuses_the_combination(self):
        security = make_admin(AdminRole.SECURITY, username="anquan")
        target = make_staff(username="target")
        self.client.force_login(security)
        groups = Group.objects.filter(name__in=[AdminRole.SYSTEM, AdminRole.AUDIT])
        response = self.client.post(
            reverse("admin:accounts_user_change", args=[target.pk]),
            {
                "username": "target",
                "name": "x",
                "email": "",
                "is_active": "on",
                "is_staff": "on",
                "groups": [g.pk for g in groups],
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "三权分立")
        self.assertFalse(target.groups.exists())

    def test_only_the_security_administrator_may_change_groups(self):
        system = make_admin(AdminRole.SYSTEM, username="xitong")
        target = make_staff(username="target2")
        self.client.force_login(system)
        audit_group = Group.objects.get(name=AdminRole.AUDIT)
        self.client.post(
            reverse("admin:accounts_user_change", args=[target.pk]),
            {
                "username": "target2",
                "name": "x",
                "email": "",
                "is_active": "on",
                "is_staff": "on",
                "groups": [audit_group.pk],
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        self.assertFalse(target.groups.exists())
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.USER_CHANGED, object_id=str(target.pk)).exists()
        )


class AuditScreenTests(TestCase):
    def setUp(self):
        self.auditor = make_admin(AdminRole.AUDIT, username="shenji")
        audit.record(event=Event.LOGIN_FAILED, actor="=HYPERLINK(1)", outcome="failure")
        audit.record(event=Event.ITEM_PUBLISHED, detail="发布")
        self.url = reverse("admin:accounts_auditevent_changelist")

    def test_the_auditor_reads_the_log_and_the_read_is_audited(self):
        self.client.force_login(self.auditor)
        response = self.client.get(self.url, {"event__exact": Event.ITEM_PUBLISHED})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "按当前筛选导出 CSV")
        read = AuditEvent.objects.get(event=Event.AUDIT_READ)
        self.assertEqual(read.actor, self.auditor)
        self.assertIn("item.published", read.detail)

    def test_the_audit_screen_is_view_only(self):
        self.client.force_login(self.auditor)
        event = AuditEvent.objects.first()
        self.assertEqual(self.client.get(reverse("admin:accounts_auditevent_add")).status_code, 403)
        change = reverse("admin:accounts_auditevent_change", args=[event.pk])
        page = self.client.get(change)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.client.post(change, {"detail": "篡改"})
        delete = reverse("admin:accounts_auditevent_delete", args=[event.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(AuditEvent.objects.filter(pk=event.pk, detail=event.detail).exists())

    def test_csv_export_follows_the_filters_is_audited_and_defuses_formulas(self):
        self.client.force_login(self.auditor)
        response = self.client.get(
            reverse("admin:accounts_auditevent_export"), {"event__exact": Event.LOGIN_FAILED}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][0], "时间（北京时间）")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][3], "'=HYPERLINK(1)")
        exported = AuditEvent.objects.get(event=Event.AUDIT_EXPORTED)
        self.assertIn("1 条", exported.detail)

    def test_other_administrators_and_staff_cannot_read_the_log(self):
        for user in (make_admin(AdminRole.SYSTEM), make_admin(AdminRole.SECURITY), make_staff()):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            self.assertEqual(
                self.client.get(reverse("admin:accounts_auditevent_export")).status_code, 403
            )

    def test_changelist_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.auditor)
        self.client.get(self.url)
        with self.assertNumQueries(14) as first:
            self.client.get(self.url)
        for _ in range(30):
            audit.record(event=Event.LOGIN)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(self.url)


class AccountChecksTests(TestCase):
    def run_checks(self):
        out = io.StringIO()
        try:
            call_command("check", databases=["default"], stdout=out, stderr=out)
        except SystemCheckError as exc:
            return str(exc)
        return out.getvalue()

    def test_default_account_names_are_flagged(self):
        make_staff(username="admin")
        self.assertIn("accounts.W001", self.run_checks())

    def test_dormant_accounts_are_flagged(self):
        user = make_staff(username="laowang")
        User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=120))
        self.assertIn("laowang", self.run_checks())

    def test_more_than_one_superuser_is_flagged(self):
        User.objects.create_superuser("yingji1", password="X-Passw0rd-long-1")
        self.assertNotIn("accounts.W003", self.run_checks())
        User.objects.create_superuser("yingji2", password="X-Passw0rd-long-2")
        self.assertIn("accounts.W003", self.run_checks())

    def test_a_lone_security_administrator_is_flagged(self):
        make_admin(AdminRole.SECURITY, username="anquan_only")
        self.assertIn("accounts.W004", self.run_checks())
        make_admin(AdminRole.SECURITY, username="anquan_second")
        self.assertNotIn("accounts.W004", self.run_checks())

    def test_a_clean_database_has_no_findings(self):
        make_staff(username="zhangsan")
        self.assertNotIn("accounts.", self.run_checks())

    @override_settings(AUDIT_RETENTION_DAYS=180)
    def test_short_audit_retention_is_an_error(self):
        self.assertIn("accounts.E001", self.run_checks())
