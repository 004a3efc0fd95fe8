"""Issue 12, critical/high: no single staff member can end up with a working session as someone else.

Each ``Attack`` test is an attack that succeeded on the code before the fix; the ``EveryRole``
test lets every staff role try every admin path that could lead into another member's account.
"""

import json
import re

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.duties import admin_role_grant
from accounts.models import AdminRole, AuditEvent, Membership, Role, User
from tests.factories import PASSWORD, make_agency, make_staff

Event = AuditEvent.Event
CHOSEN = "Attacker-Chose-It-2024"


def make_admin(role, username):
    user = make_staff(username=username)
    admin_role_grant(user=user, role=role)
    return user


class Setup(TestCase):
    """One district with one agency, a second district, and one member for every staff role."""

    @classmethod
    def setUpTestData(cls):
        cls.district = make_agency(name="甲区人民政府", slug="jia")
        cls.agency = make_agency(name="甲区应急局", slug="jia-yjj", parent=cls.district)
        cls.other_district = make_agency(name="乙区人民政府", slug="yi")
        cls.other_agency = make_agency(name="乙区应急局", slug="yi-yjj", parent=cls.other_district)
        cls.clerk = make_staff(cls.agency, Role.CLERK, username="clerk", email="clerk@jia.gov.cn")
        cls.reviewer = make_staff(cls.agency, Role.REVIEWER, username="reviewer")
        cls.head = make_staff(cls.agency, Role.HEAD, username="head", email="head@jia.gov.cn")
        cls.district_admin = make_staff(cls.district, Role.DISTRICT_ADMIN, username="jia_admin")
        cls.system = make_admin(AdminRole.SYSTEM, "xitong")
        cls.security = make_admin(AdminRole.SECURITY, "anquan")
        cls.security2 = make_admin(AdminRole.SECURITY, "anquan2")
        cls.auditor = make_admin(AdminRole.AUDIT, "shenji")
        cls.outsider = make_staff(cls.other_agency, Role.HEAD, username="yi_head")
        # Works in both districts: the district administrator may not manage this person.
        cls.both = make_staff(cls.agency, Role.CLERK, username="both")
        Membership.objects.create(user=cls.both, agency=cls.other_agency, role=Role.REVIEWER)
        for user in (cls.head, cls.outsider, cls.auditor):
            TOTPDevice.objects.create(user=user, name="手机", confirmed=True)

    def password_unchanged(self, user):
        fresh = User.objects.get(pk=user.pk)
        return fresh.password == user.password and fresh.check_password(PASSWORD)

    def can_log_in_as(self, user, password=CHOSEN):
        return authenticate(username=user.username, password=password) is not None


class AttackTests(Setup):
    def test_admin_password_form_for_another_member_is_refused_to_every_administrator(self):
        # Finding 2: 系统管理员 reset 负责人 B's password and logged in as B.
        url = reverse("admin:auth_user_password_change", args=[self.head.pk])
        for actor in (self.system, self.security, self.district_admin):
            with self.subTest(actor=actor.username):
                self.client.force_login(actor)
                self.assertIn(self.client.get(url).status_code, (403, 404))
                self.client.post(
                    url, {"password1": CHOSEN, "password2": CHOSEN, "usable_password": "true"}
                )
                self.assertTrue(self.password_unchanged(self.head))
                self.assertFalse(self.can_log_in_as(self.head))

    def test_only_the_emergency_superuser_may_still_set_a_password_and_it_is_audited(self):
        boss = User.objects.create_superuser("yingji", password=PASSWORD)
        self.client.force_login(boss)
        url = reverse("admin:auth_user_password_change", args=[self.head.pk])
        response = self.client.post(
            url, {"password1": CHOSEN, "password2": CHOSEN, "usable_password": "true"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.can_log_in_as(self.head))
        row = AuditEvent.objects.filter(event=Event.PASSWORD_ADMIN_SET, object_id=str(self.head.pk))
        self.assertEqual(row.get().actor, boss)

    def test_district_admin_cannot_grant_a_membership_to_someone_outside_the_district(self):
        # Finding 1: granting the auditor a membership brought the auditor into scope.
        self.client.force_login(self.district_admin)
        for target in (self.auditor, self.outsider, self.both, self.system):
            with self.subTest(target=target.username):
                response = self.client.post(
                    reverse("admin:accounts_membership_add"),
                    {
                        "user": target.pk,
                        "agency": self.agency.pk,
                        "role": Role.REVIEWER,
                    },
                )
                self.assertEqual(response.status_code, 200)  # the form answers with an error
                self.assertFalse(
                    Membership.objects.filter(
                        user=target, agency=self.agency, role=Role.REVIEWER
                    ).exists()
                )

    def test_the_user_autocomplete_offers_only_members_of_the_district(self):
        self.client.force_login(self.district_admin)
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "accounts",
                "model_name": "membership",
                "field_name": "user",
                "term": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        offered = {int(row["id"]) for row in json.loads(response.content)["results"]}
        self.assertIn(self.clerk.pk, offered)
        for outside in (self.auditor, self.outsider, self.both, self.system, self.security):
            self.assertNotIn(outside.pk, offered, outside.username)

    def test_district_admin_cannot_see_or_edit_a_member_who_also_works_elsewhere(self):
        # The inline let the admin delete the memberships outside the district.
        self.client.force_login(self.district_admin)
        change = reverse("admin:accounts_user_change", args=[self.both.pk])
        self.assertIn(self.client.get(change).status_code, (302, 403, 404))
        outside = Membership.objects.get(user=self.both, agency=self.other_agency)
        self.client.post(
            change,
            {
                "username": "both",
                "name": "x",
                "is_active": "on",
                "is_staff": "on",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": outside.pk,
                "memberships-0-user": self.both.pk,
                "memberships-0-agency": self.other_agency.pk,
                "memberships-0-role": Role.REVIEWER,
                "memberships-0-DELETE": "on",
            },
        )
        self.assertTrue(Membership.objects.filter(pk=outside.pk).exists())

    def test_district_admin_grants_only_roles_in_the_district_and_not_above_its_own(self):
        self.client.force_login(self.district_admin)
        self.client.post(
            reverse("admin:accounts_membership_add"),
            {
                "user": self.clerk.pk,
                "agency": self.other_agency.pk,
                "role": Role.HEAD,
            },
        )
        self.assertFalse(
            Membership.objects.filter(user=self.clerk, agency=self.other_agency).exists()
        )
        response = self.client.post(
            reverse("admin:accounts_membership_add"),
            {
                "user": self.clerk.pk,
                "agency": self.agency.pk,
                "role": Role.REVIEWER,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Membership.objects.filter(user=self.clerk, role=Role.REVIEWER).exists())

    def test_nobody_reads_a_members_totp_key_in_the_admin(self):
        # django-otp's admin showed the key's QR code to anyone who could view devices.
        device = TOTPDevice.objects.get(user=self.head)
        self.client.force_login(self.security)
        page = self.client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, device.key)
        self.assertNotContains(page, "qrcode")
        for name in ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"):
            try:
                url = reverse(f"admin:{name}", kwargs={"pk": device.pk})
            except Exception:
                continue
            self.assertIn(self.client.get(url).status_code, (403, 404))

    def test_security_admin_cannot_delete_a_second_factor_alone(self):
        # Finding 2: 安全管理员 deleted B's TOTP device, then logged in as B.
        device = TOTPDevice.objects.get(user=self.head)
        self.client.force_login(self.security)
        self.client.post(
            reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
        )
        self.client.post(
            reverse("admin:otp_totp_totpdevice_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [device.pk],
                "post": "yes",
            },
        )
        self.assertTrue(TOTPDevice.objects.filter(pk=device.pk).exists())

    def test_nobody_but_the_member_changes_an_existing_members_email(self):
        # Edit the e-mail to one's own, then ask for a reset link: the link would come to the attacker.
        for actor in (self.system, self.district_admin, self.security):
            with self.subTest(actor=actor.username):
                self.client.force_login(actor)
                self.client.post(
                    reverse("admin:accounts_user_change", args=[self.head.pk]),
                    {
                        "username": "head",
                        "name": "x",
                        "email": "evil@example.com",
                        "is_active": "on",
                        "is_staff": "on",
                        "memberships-TOTAL_FORMS": "0",
                        "memberships-INITIAL_FORMS": "0",
                    },
                )
                self.assertEqual(User.objects.get(pk=self.head.pk).email, "head@jia.gov.cn")

    def test_head_cannot_move_the_agency_out_of_its_district(self):
        self.client.force_login(self.head)
        url = reverse("admin:agencies_agency_change", args=[self.agency.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and k != "parent"}
        data.update(name=self.agency.name, short_name=self.agency.short_name, parent="")
        self.client.post(url, data)
        self.agency.refresh_from_db()
        self.assertEqual(self.agency.parent_id, self.district.pk)

    def test_district_admin_moves_agencies_only_within_the_district(self):
        self.client.force_login(self.district_admin)
        url = reverse("admin:agencies_agency_change", args=[self.agency.pk])
        form = self.client.get(url).context["adminform"].form
        self.assertNotIn("parent", form.fields.keys() - {"parent"})
        data = {k: v for k, v in form.initial.items() if v is not None}
        for parent in ("", self.other_district.pk):
            data["parent"] = parent
            self.client.post(url, data)
            self.agency.refresh_from_db()
            self.assertEqual(self.agency.parent_id, self.district.pk)


def admin_paths(test, actor, target):
    """Every admin request an attacker could make against ``target``; returns nothing."""
    c = test.client
    c.force_login(actor)
    uid = target.pk
    # Password forms (admin's own "set password" and the account change form).
    c.post(
        reverse("admin:auth_user_password_change", args=[uid]),
        {"password1": CHOSEN, "password2": CHOSEN, "usable_password": "true"},
    )
    c.post(
        reverse("admin:accounts_user_change", args=[uid]),
        {
            "username": target.username,
            "name": "x",
            "email": "evil@example.com",
            "is_active": "on",
            "is_staff": "on",
            "password": CHOSEN,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    # Reset links: by e-mail (to whatever address the account holds) and by letter.
    c.post(reverse("admin:accounts_user_reset", args=[uid]), {"delivery": "email"})
    c.post(reverse("admin:accounts_user_reset", args=[uid]), {"delivery": "letter"})
    for recovery in target.recoveries.all():
        c.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        c.get(reverse("admin:accounts_recovery_letter", args=[recovery.pk]))
    # Second factor: delete the device directly, or ask and approve alone.
    for device in TOTPDevice.objects.filter(user=target):
        c.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
        c.post(
            reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
            {
                "user": actor.pk,
                "name": "x",
                "key": "00" * 20,
                "step": 30,
                "t0": 0,
                "digits": 6,
                "tolerance": 1,
                "drift": 0,
                "confirmed": "on",
            },
        )
    c.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": uid,
            "name": "x",
            "key": "00" * 20,
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "confirmed": "on",
        },
    )
    c.post(reverse("admin:accounts_user_device_removal", args=[uid]), {"reason": "丢失手机"})
    for recovery in target.recoveries.all():
        c.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
    # Memberships (to bring the target into scope) and group edits (to widen one's own powers).
    for role in Role:
        c.post(
            reverse("admin:accounts_membership_add"),
            {"user": uid, "agency": test.agency.pk, "role": role},
        )
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    for group in Group.objects.filter(name__in=["安全管理员", "系统管理员", "区级管理员"]):
        c.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": group.name, "permissions": every_permission},
        )
    c.post(
        reverse("admin:accounts_user_change", args=[actor.pk]),
        {
            "username": actor.username,
            "name": "x",
            "is_active": "on",
            "is_staff": "on",
            "groups": list(Group.objects.values_list("pk", flat=True)),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    c.logout()


class EveryRoleTests(Setup):
    def test_no_staff_role_ends_up_logged_in_as_another_member(self):
        attackers = {
            "信息员": self.clerk,
            "审核人": self.reviewer,
            "负责人": self.head,
            "区级管理员": self.district_admin,
            "系统管理员": self.system,
            "安全管理员": self.security,
            "审计管理员": self.auditor,
        }

        def powers():
            return (
                set(Group.objects.values_list("name", "permissions__codename")),
                set(User.groups.through.objects.values_list("user_id", "group_id")),
            )

        before_powers = powers()
        for label, actor in attackers.items():
            for target in (self.head, self.clerk, self.outsider, self.security2):
                if target == actor:
                    continue
                with self.subTest(attacker=label, target=target.username):
                    before = User.objects.get(pk=target.pk)
                    devices = set(
                        TOTPDevice.objects.filter(user=target).values_list("key", flat=True)
                    )
                    mail.outbox.clear()
                    admin_paths(self, actor, target)
                    after = User.objects.get(pk=target.pk)
                    self.assertEqual(after.password, before.password)
                    self.assertEqual(after.email, before.email)
                    self.assertFalse(self.can_log_in_as(target))
                    self.assertEqual(
                        set(TOTPDevice.objects.filter(user=target).values_list("key", flat=True)),
                        devices,
                    )
                    # A link may go out by mail, but only to the member's own address.
                    for message in mail.outbox:
                        self.assertEqual(message.to, [before.email])
                    # No link was shown to the attacker: any letter needs a second person.
                    self.assertFalse(
                        target.recoveries.filter(token_hash__gt="", delivery="letter").exists()
                    )
                    self.assertFalse(re.search("evil@example.com", str(mail.outbox)))
        # Nobody widened a role's permissions or gained an administrator role (the 安全管理员 may
        # revoke other people's roles: that is the job, and takes nobody's account).
        permissions, holders = powers()
        self.assertEqual(permissions, before_powers[0])
        self.assertLessEqual(holders, before_powers[1])


def link_in(message):
    return re.search(
        r"http://testserver(/admin/security/set-password/[^/\s]+/)", message.body
    ).group(1)


class ResetByMailTests(Setup):
    def test_reset_link_goes_to_the_member_sets_the_password_once_and_the_member_is_told(self):
        self.client.force_login(self.system)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:accounts_user_reset", args=[self.head.pk]),
                {"delivery": "email", "reason": "本人来电"},
            )
        self.assertEqual(response.status_code, 302)
        self.assertEqual([m.to for m in mail.outbox], [["head@jia.gov.cn"]])
        link = link_in(mail.outbox[0])
        self.assertNotContains(
            self.client.get(response["Location"]), link
        )  # the admin never sees it
        self.client.logout()
        self.assertTrue(self.password_unchanged(self.head))  # the old password works until then
        page = self.client.get(link)
        self.assertContains(page, "设置密码")
        response = self.client.post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN})
        self.assertRedirects(response, reverse("admin:login"), fetch_redirect_response=False)
        self.assertTrue(self.can_log_in_as(self.head))
        # Single use.
        self.assertEqual(self.client.get(link).status_code, 404)
        self.client.post(
            link, {"new_password1": "Another-Passw0rd-77", "new_password2": "Another-Passw0rd-77"}
        )
        self.assertTrue(self.can_log_in_as(self.head))
        events = set(
            AuditEvent.objects.filter(object_id=str(self.head.pk)).values_list("event", flat=True)
        )
        self.assertLessEqual(
            {Event.RECOVERY_REQUESTED, Event.LINK_ISSUED, Event.LINK_USED, Event.PASSWORD_CHANGED},
            events,
        )
        # At the next login the member reads who sent the link and when; the second factor still applies.
        with self.settings(ZWGK_STAFF_2FA=True):
            response = self.client.post(
                reverse("admin:login"),
                {"username": "head", "password": CHOSEN, "next": "/admin/"},
                follow=True,
            )
            self.assertEqual(response.resolver_match.url_name, "otp")
            self.assertContains(response, "xitong")
            self.assertContains(response, "通过该链接设置密码")
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.ACCOUNT_NOTICE, actor=self.head).exists()
        )

    def test_a_link_dies_when_the_password_changes_otherwise_or_it_expires(self):
        from datetime import timedelta
        from unittest import mock

        from django.utils import timezone

        self.client.force_login(self.system)
        for step in ("changed", "expired"):
            mail.outbox.clear()
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(
                    reverse("admin:accounts_user_reset", args=[self.clerk.pk]),
                    {"delivery": "email"},
                )
            link = link_in(mail.outbox[0])
            if step == "changed":
                clerk = User.objects.get(pk=self.clerk.pk)
                clerk.set_password("Changed-Elsewhere-2024")
                clerk.save()
                self.assertEqual(self.client.get(link).status_code, 404)
            else:
                later = timezone.now() + timedelta(hours=25)
                with mock.patch("django.utils.timezone.now", return_value=later):
                    self.assertEqual(self.client.get(link).status_code, 404)

    def test_district_admin_resets_only_members_wholly_in_the_district(self):
        self.client.force_login(self.district_admin)
        for target, allowed in (
            (self.clerk, True),
            (self.both, False),
            (self.outsider, False),
            (self.system, False),
        ):
            with self.subTest(target=target.username):
                response = self.client.post(
                    reverse("admin:accounts_user_reset", args=[target.pk]), {"delivery": "email"}
                )
                self.assertEqual(response.status_code == 302, allowed)

    def test_a_district_admin_who_is_also_security_admin_gains_no_reach_from_it(self):
        admin_role_grant(user=self.district_admin, role=AdminRole.SECURITY)
        self.client.force_login(self.district_admin)
        url = reverse("admin:accounts_user_reset", args=[self.outsider.pk])
        self.assertEqual(self.client.post(url, {"delivery": "email"}).status_code, 403)
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "accounts",
                "model_name": "membership",
                "field_name": "user",
                "term": "",
            },
        )
        offered = {int(row["id"]) for row in json.loads(response.content)["results"]}
        self.assertIn(self.clerk.pk, offered)
        self.assertNotIn(self.outsider.pk, offered)

    def test_new_accounts_have_no_admin_chosen_password_and_get_the_link(self):
        self.client.force_login(self.district_admin)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("admin:accounts_user_add"),
                {
                    "username": "newbie",
                    "name": "新同事",
                    "email": "newbie@jia.gov.cn",
                    "delivery": "email",
                    "password1": CHOSEN,
                    "password2": CHOSEN,
                    "memberships-TOTAL_FORMS": "1",
                    "memberships-INITIAL_FORMS": "0",
                    "memberships-0-agency": self.agency.pk,
                    "memberships-0-role": Role.CLERK,
                },
            )
        self.assertEqual(response.status_code, 302)
        newbie = User.objects.get(username="newbie")
        self.assertFalse(newbie.has_usable_password())
        self.assertEqual(newbie.created_by, self.district_admin)
        self.assertTrue(newbie.memberships.filter(agency=self.agency, role=Role.CLERK).exists())
        self.assertEqual([m.to for m in mail.outbox], [["newbie@jia.gov.cn"]])
        self.client.logout()
        link = link_in(mail.outbox[0])
        self.client.post(link, {"new_password1": CHOSEN, "new_password2": CHOSEN})
        self.assertTrue(self.can_log_in_as(newbie))


class TwoPersonTests(Setup):
    def test_letter_needs_a_second_administrator_and_the_code_only_the_approver_saw(self):
        self.client.force_login(self.system)
        self.client.post(
            reverse("admin:accounts_user_reset", args=[self.reviewer.pk]),
            {"delivery": "letter", "reason": "本人没有邮箱"},
        )
        recovery = self.reviewer.recoveries.get()
        letter = reverse("admin:accounts_recovery_letter", args=[recovery.pk])
        self.assertEqual(self.client.post(letter).status_code, 403)  # not approved yet
        self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        recovery.refresh_from_db()
        self.assertEqual(recovery.status, "pending")  # the requester cannot approve
        self.client.force_login(self.reviewer)  # nor the member
        self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        recovery.refresh_from_db()
        self.assertEqual(recovery.status, "pending")
        self.client.force_login(self.security)
        shown = self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        code = shown.context["code"].replace(" ", "")
        self.assertEqual(len(code), 8)
        self.assertEqual(self.client.post(letter).status_code, 403)  # the approver cannot print
        self.client.force_login(self.system)
        printed = self.client.post(letter)
        self.assertNotContains(printed, code[:4] + " " + code[4:])
        self.assertNotContains(printed, code)
        link = re.search(
            r"http://testserver(/admin/security/set-password/[^/<\s]+/)", printed.content.decode()
        ).group(1)
        self.assertEqual(self.client.post(letter).status_code, 403)  # printed once
        self.client.logout()
        # The link alone does not set a password.
        response = self.client.post(
            link, {"code": "AAAA2222", "new_password1": CHOSEN, "new_password2": CHOSEN}
        )
        self.assertContains(response, "核对码不正确")
        self.assertFalse(self.can_log_in_as(self.reviewer))
        self.client.post(
            link, {"code": code.lower(), "new_password1": CHOSEN, "new_password2": CHOSEN}
        )
        self.assertTrue(self.can_log_in_as(self.reviewer))

    def test_five_wrong_codes_void_the_letter(self):
        from accounts import recovery as rec

        req = rec.password_reset_request(user=self.reviewer, by=self.system, delivery="letter")
        rec.recovery_approve(recovery=req, by=self.security)
        _, token = rec.letter_issue(recovery=req, by=self.system)
        link = reverse("accounts:set_password", args=[token])
        for _ in range(5):
            self.client.post(
                link, {"code": "ZZZZ9999", "new_password1": CHOSEN, "new_password2": CHOSEN}
            )
        self.assertEqual(self.client.get(link).status_code, 404)
        self.assertEqual(AuditEvent.objects.filter(event=Event.LINK_REFUSED).count(), 5)

    def test_device_removal_needs_a_second_security_admin_and_the_member_is_told(self):
        self.client.force_login(self.security)
        self.client.post(
            reverse("admin:accounts_user_device_removal", args=[self.head.pk]),
            {"reason": "手机遗失，本人当面申请"},
        )
        recovery = self.head.recoveries.get()
        self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        self.assertTrue(TOTPDevice.objects.filter(user=self.head).exists())
        self.client.force_login(self.system)  # not a security administrator
        self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        self.assertTrue(TOTPDevice.objects.filter(user=self.head).exists())
        self.client.force_login(self.security2)
        self.client.post(reverse("admin:accounts_recovery_approve", args=[recovery.pk]))
        self.assertFalse(TOTPDevice.objects.filter(user=self.head).exists())
        removed = AuditEvent.objects.get(event=Event.OTP_REMOVED, object_id=str(self.head.pk))
        self.assertEqual(removed.actor, self.security2)
        self.assertIn("anquan", removed.detail)
        self.client.logout()
        with self.settings(ZWGK_STAFF_2FA=True):
            response = self.client.post(
                reverse("admin:login"),
                {"username": "head", "password": PASSWORD, "next": "/admin/"},
                follow=True,
            )
            self.assertContains(response, "绑定动态口令")  # enrols again
            self.assertContains(response, "手机遗失")
            self.assertContains(response, "anquan2")

    def test_the_system_administrator_cannot_request_a_device_removal(self):
        self.client.force_login(self.system)
        url = reverse("admin:accounts_user_device_removal", args=[self.head.pk])
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 403)
        self.assertFalse(self.head.recoveries.exists())


class OwnEmailTests(Setup):
    def test_only_the_member_changes_the_address_and_must_confirm_with_the_password(self):
        self.client.force_login(self.reviewer)
        self.assertContains(
            self.client.get(reverse("admin:password_change")), reverse("accounts:own_email")
        )
        url = reverse("accounts:own_email")
        response = self.client.post(url, {"email": "me@jia.gov.cn", "password": "wrong"})
        self.assertContains(response, "当前密码不正确")
        self.assertEqual(User.objects.get(pk=self.reviewer.pk).email, "")
        self.client.post(url, {"email": "me@jia.gov.cn", "password": PASSWORD})
        self.assertEqual(User.objects.get(pk=self.reviewer.pk).email, "me@jia.gov.cn")
        row = AuditEvent.objects.get(event=Event.USER_CHANGED, object_id=str(self.reviewer.pk))
        self.assertEqual((row.actor, row.detail), (self.reviewer, "本人登记电子邮箱"))
