"""Role × staff URL × method → allowed or refused, for every registered admin model and staff view.

The expected answer comes from the permissions the roles declare (``<app>/roles.py`` and
``accounts.roles.ADMIN_ROLE_PERMISSIONS``): a role may never get more than it declares. Models
registered by any app are picked up from ``admin.site._registry``, so new ones are covered.
"""

from functools import partial
from importlib import import_module
from io import StringIO

from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import NoReverseMatch, reverse

from accounts.duties import admin_role_grant
from accounts.models import AdminRole, Role
from accounts.roles import ADMIN_ROLE_PERMISSIONS
from agencies.models import Agency
from tests.factories import make_staff

STANDARD = ("changelist", "add", "change", "delete", "history", "autocomplete")


def declared_permissions():
    """Role (business or administrator) → the permission names its code declares."""
    declared = {role: set() for role in Role}
    for app_config in apps.get_app_configs():
        try:
            mapping = import_module(f"{app_config.name}.roles").ROLE_PERMISSIONS
        except (ModuleNotFoundError, AttributeError):
            continue
        for role, names in mapping.items():
            declared[Role(role)] |= set(names)
    declared.update({AdminRole(role): set(names) for role, names in ADMIN_ROLE_PERMISSIONS.items()})
    return declared


def refused(response):
    """403, 404, or the admin's redirect away from an object the user may not reach."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" not in response["Location"]


class RoleMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        agency = Agency.objects.get(slug="ltq-ajj")
        district = Agency.objects.get(slug="ltq")
        cls.users = {}
        for role in Role:
            place = district if role == Role.DISTRICT_ADMIN else agency
            cls.users[role] = make_staff(place, role, username=f"matrix_{role}")
        for role in AdminRole:
            user = make_staff(username=f"matrix_admin_{role.name.lower()}")
            admin_role_grant(user=user, role=role)
            cls.users[role] = user
        cls.declared = declared_permissions()

    def models(self):
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            yield (
                model,
                model_admin,
                f"{opts.app_label}.{{}}_{opts.model_name}",
                (f"admin:{opts.app_label}_{opts.model_name}_"),
            )

    def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(self):
        for model, _, _, prefix in self.models():
            for name in ("changelist", "add"):
                with self.subTest(model=model._meta.label, url=name):
                    response = self.client.get(reverse(prefix + name))
                    self.assertEqual(response.status_code, 302)
                    self.assertIn("/admin/login/", response["Location"])

    def test_no_role_reaches_more_than_it_declares(self):
        for role, user in self.users.items():
            self.client.force_login(user)
            perms = self.declared[role]
            for model, _, perm, prefix in self.models():
                obj = model._default_manager.order_by("pk").first()
                may_view = bool({perm.format("view"), perm.format("change")} & perms)
                may_add = perm.format("add") in perms
                may_delete = perm.format("delete") in perms
                checks = [
                    ("GET", reverse(prefix + "changelist"), may_view),
                    ("GET", reverse(prefix + "add"), may_add),
                    ("POST", reverse(prefix + "add"), may_add),
                ]
                if obj is not None:
                    checks += [
                        ("GET", reverse(prefix + "change", args=[obj.pk]), may_view),
                        ("POST", reverse(prefix + "delete", args=[obj.pk]), may_delete),
                    ]
                for method, url, allowed in checks:
                    if allowed:
                        continue  # scope and workflow rules may still refuse; tested per app
                    with self.subTest(
                        role=role.label, model=model._meta.label, method=method, url=url
                    ):
                        if method == "GET":
                            response = self.client.get(url)
                        else:
                            # "post": "yes" confirms a delete, so a wrongly allowed one would happen.
                            response = self.client.post(url, {"post": "yes"})
                        self.assertTrue(refused(response), response.status_code)
                if obj is not None and not may_delete:
                    self.assertTrue(model._default_manager.filter(pk=obj.pk).exists())

    def test_declared_view_permission_opens_the_list(self):
        for role, user in self.users.items():
            self.client.force_login(user)
            for model, _, perm, prefix in self.models():
                if perm.format("view") not in self.declared[role]:
                    continue
                with self.subTest(role=role.label, model=model._meta.label):
                    self.assertEqual(
                        self.client.get(reverse(prefix + "changelist")).status_code, 200
                    )

    def test_custom_staff_views_refuse_anonymous_and_role_less_staff(self):
        nobody = make_staff(username="matrix_nobody")
        urls = [reverse("accounts:otp")]
        for model, model_admin, _, _ in self.models():
            obj = model._default_manager.order_by("pk").first()
            for pattern in model_admin.get_urls():
                name = getattr(pattern, "name", None) or ""
                if not name or name.rsplit("_", 1)[-1] in STANDARD:
                    continue
                try:
                    urls.append(reverse(f"admin:{name}"))
                except NoReverseMatch:
                    if obj is not None:
                        try:
                            urls.append(reverse(f"admin:{name}", args=[obj.pk]))
                        except NoReverseMatch:
                            continue
        self.assertIn(reverse("admin:accounts_auditevent_export"), urls)
        for url in urls:
            with self.subTest(url=url):
                self.client.logout()
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/login/", response["Location"])
                if url == reverse("accounts:otp"):
                    continue  # every logged-in staff member uses the second-factor step
                self.client.force_login(nobody)
                for method in ("GET", "POST"):
                    response = self.client.generic(method, url)
                    self.assertTrue(refused(response), f"{method} {response.status_code}")


class _Undo(Exception):
    def __init__(self, value):
        self.value = value


def undone(action):
    """Run ``action`` and roll back whatever it changed; returns its result."""
    from django.db import transaction

    try:
        with transaction.atomic():
            raise _Undo(action())
    except _Undo as undo:
        return undo.value


class AccountPathsMatrixTests(TestCase):
    """Every role × the membership, password and second-factor paths (issue 12)."""

    @classmethod
    def setUpTestData(cls):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        RoleMatrixTests.setUpTestData.__func__(cls)
        agency = Agency.objects.get(slug="ltq-ajj")
        cls.agency = agency
        cls.target = make_staff(agency, Role.CLERK, username="matrix_target", email="t@ltq.gov.cn")
        cls.device = TOTPDevice.objects.create(user=cls.target, name="手机", confirmed=True)

    def test_each_role_reaches_exactly_the_account_paths_it_is_given(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import recovery
        from accounts.models import Membership, Recovery, User

        target, device = self.target, self.device
        system = self.users[AdminRole.SYSTEM]
        # What each path gives, and to whom (every other role is refused).
        paths = {
            "admin password form": (
                lambda c: (
                    c.post(
                        reverse("admin:auth_user_password_change", args=[target.pk]),
                        {
                            "password1": "X-Chosen-Passw0rd-1",
                            "password2": "X-Chosen-Passw0rd-1",
                            "usable_password": "true",
                        },
                    )
                    and User.objects.get(pk=target.pk).check_password("X-Chosen-Passw0rd-1")
                ),
                set(),
            ),
            "reset link": (
                lambda c: (
                    c.post(
                        reverse("admin:accounts_user_reset", args=[target.pk]),
                        {"delivery": "email"},
                    ).status_code
                    == 302
                    and target.recoveries.exists()
                ),
                {Role.DISTRICT_ADMIN, AdminRole.SYSTEM},
            ),
            "device removal request": (
                lambda c: (
                    c.post(
                        reverse("admin:accounts_user_device_removal", args=[target.pk]),
                        {"reason": "丢失"},
                    ).status_code
                    == 302
                    and target.recoveries.exists()
                ),
                {AdminRole.SECURITY},
            ),
            "device delete": (
                lambda c: (
                    c.post(
                        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
                        {"post": "yes"},
                    )
                    and not TOTPDevice.objects.filter(pk=device.pk).exists()
                ),
                set(),
            ),
            "device approve": (
                lambda c: (
                    lambda r: (
                        c.post(reverse("admin:accounts_recovery_approve", args=[r.pk]))
                        and not TOTPDevice.objects.filter(pk=device.pk).exists()
                    )
                )(
                    Recovery.objects.create(
                        user=target,
                        kind="device",
                        status="pending",
                        requested_by=system,
                        reason="x",
                    )
                ),
                {AdminRole.SECURITY},
            ),
            "membership grant": (
                lambda c: (
                    c.post(
                        reverse("admin:accounts_membership_add"),
                        {
                            "user": target.pk,
                            "agency": self.agency.pk,
                            "role": Role.REVIEWER,
                        },
                    )
                    and Membership.objects.filter(user=target, role=Role.REVIEWER).exists()
                ),
                {Role.DISTRICT_ADMIN},
            ),
            "membership revoke": (
                lambda c: (
                    c.post(
                        reverse(
                            "admin:accounts_membership_delete",
                            args=[target.memberships.get(role=Role.CLERK).pk],
                        ),
                        {"post": "yes"},
                    )
                    and not target.memberships.filter(role=Role.CLERK).exists()
                ),
                {Role.DISTRICT_ADMIN},
            ),
        }
        for role, user in self.users.items():
            for name, (attempt, allowed_roles) in paths.items():
                with self.subTest(role=role.label, path=name):
                    self.client.force_login(user)
                    self.assertEqual(
                        bool(undone(partial(attempt, self.client))), role in allowed_roles
                    )
        self.assertTrue(recovery.may_manage(self.users[Role.DISTRICT_ADMIN], target))


# --- Attachment downloads (issue 12, point 3): every role, with and without the staff rules. ---


class AttachmentPathMatrixTests(TestCase):
    """``/catalog/<pk>/attachments/<id>/`` for a draft: the agency's staff only, and only once the
    session passes the staff rules; a published item's file for everybody."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        agency = Agency.objects.get(slug="ltq-ajj")
        district = Agency.objects.get(slug="ltq")
        other = Agency.objects.exclude(
            pk__in=[agency.pk, district.pk]
        ).first() or Agency.objects.create(name="另一机构", slug="matrix-other", code="000000009")
        cls.users = {}
        for role in Role:
            place = district if role == Role.DISTRICT_ADMIN else agency
            cls.users[role] = make_staff(place, role, username=f"attach_{role}")
        for role in AdminRole:
            user = make_staff(username=f"attach_admin_{role.name.lower()}")
            admin_role_grant(user=user, role=role)
            cls.users[role] = user
        cls.outsider = make_staff(other, Role.HEAD, username="attach_outsider")
        cls.agency = agency
        # Who works for the agency: its own members and the district administrator above it.
        cls.agency_staff = {Role.CLERK, Role.REVIEWER, Role.HEAD, Role.DISTRICT_ADMIN}

    def setUp(self):
        # Files go to the per-test media folder (tests/conftest.py), so they are made here.
        import hashlib

        from django.core.files.base import ContentFile

        from disclosure import services
        from disclosure.models import Attachment
        from tests.disclosure.builders import Desk

        pdf = b"%PDF-1.4\n"

        def attach(item, name):
            return Attachment.objects.create(
                item=item,
                file=ContentFile(pdf, name="m.pdf"),
                name=name,
                content_type="application/pdf",
                size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
            ).get_absolute_url()

        draft = services.item_create(
            agency=self.agency, by=self.users[Role.CLERK], title="草稿：附件矩阵"
        )
        self.draft_url = attach(draft, "草稿.pdf")
        desk = Desk()
        public_item = desk.draft("已公开：附件矩阵")
        self.public_url = attach(public_item, "公开.pdf")
        services.item_submit(item=public_item, by=desk.clerk)
        services.item_review(item=public_item, by=desk.reviewer, opinion="不涉密，同意公开。")
        services.item_publish(item=public_item, by=desk.reviewer)

    def test_draft_attachment_for_every_role(self):
        self.assertEqual(self.client.get(self.draft_url).status_code, 404)  # anonymous
        for role, user in [*self.users.items(), ("outsider", self.outsider)]:
            with self.subTest(role=getattr(role, "label", role)):
                self.client.force_login(user)
                expected = 200 if role in self.agency_staff else 404
                self.assertEqual(self.client.get(self.draft_url).status_code, expected)

    @override_settings(ZWGK_STAFF_2FA=True)
    def test_without_the_second_factor_no_role_reaches_the_draft(self):
        for role, user in self.users.items():
            with self.subTest(role=role.label):
                self.client.force_login(user)  # password step only: not verified
                self.assertEqual(self.client.get(self.draft_url).status_code, 404)

    @override_settings(STAFF_ALLOWED_NETWORKS=["10.20.0.0/16"])
    def test_outside_the_staff_network_no_role_reaches_the_draft(self):
        for role, user in self.users.items():
            with self.subTest(role=role.label):
                self.client.force_login(user)
                self.assertEqual(
                    self.client.get(self.draft_url, REMOTE_ADDR="198.51.100.7").status_code, 404
                )
                expected = 200 if role in self.agency_staff else 404
                self.assertEqual(
                    self.client.get(self.draft_url, REMOTE_ADDR="10.20.1.1").status_code, expected
                )

    def test_published_attachments_are_public_for_every_role(self):
        self.assertEqual(self.client.get(self.public_url).status_code, 200)
        for role, user in self.users.items():
            with self.subTest(role=role.label):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.public_url).status_code, 200)
