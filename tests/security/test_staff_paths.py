"""Issue 12, medium and low findings: each test plays the attack and fails on the code before it.

Staff rules on every path, login lockout that a shared IP cannot turn against the staff, XLSX
bombs, formula injection in exports, masking, index-number patterns, attachment names, the
audit log's account names, bad admin filters, the login fallback and the HTTPS redirect.
"""

import csv
import hashlib
import io
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook

from accounts import lockout, spreadsheets
from accounts import services as account_services
from accounts.masking import mask_id_number
from accounts.models import AdminRole, AuditEvent, Role
from agencies.models import Agency
from applications import pii
from disclosure import archives, importing, services
from disclosure.models import Attachment
from tests.disclosure.builders import Desk
from tests.factories import PASSWORD, make_staff

Event = AuditEvent.Event
PDF = b"%PDF-1.4\n% a draft\n"
WRONG = "Wrong-Passw0rd-9999"


def add_attachment(item, name="草稿附件.pdf"):
    return Attachment.objects.create(
        item=item,
        file=ContentFile(PDF, name="draft.pdf"),
        name=name,
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )


class StaffRulesOnEveryPathTests(TestCase):
    """A session that does not pass the staff rules reaches nothing staff-only, on any URL."""

    def setUp(self):
        self.desk = Desk()
        self.draft = self.desk.draft()
        self.draft_file = add_attachment(self.draft).get_absolute_url()
        published = self.desk.draft("已公开的通知")
        self.public_file = add_attachment(published, "公开附件.pdf").get_absolute_url()
        services.item_submit(item=published, by=self.desk.clerk)
        services.item_review(item=published, by=self.desk.reviewer, opinion="不涉密，同意公开。")
        services.item_publish(item=published, by=self.desk.reviewer)

    def login(self):
        response = self.client.post(
            reverse("admin:login"),
            {"username": self.desk.clerk.username, "password": PASSWORD, "next": "/admin/"},
        )
        self.assertEqual(response.status_code, 302)

    def test_a_fully_logged_in_member_downloads_the_draft(self):
        self.login()
        self.assertEqual(self.client.get(self.draft_file).status_code, 200)

    @override_settings(ZWGK_STAFF_2FA=True)
    def test_a_password_only_session_cannot_download_drafts(self):
        self.login()
        self.assertEqual(self.client.get(self.draft_file).status_code, 404)
        self.assertEqual(self.client.get(self.public_file).status_code, 200)
        # With the second factor the same session reaches the draft.
        self.client.get(reverse("accounts:otp"))
        device = TOTPDevice.objects.get(user=self.desk.clerk)
        response = self.client.post(
            reverse("accounts:otp"), {"token": f"{totp(device.bin_key):06d}", "next": "/admin/"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get(self.draft_file).status_code, 200)

    @override_settings(STAFF_ALLOWED_NETWORKS=["10.1.0.0/16"])
    def test_outside_the_staff_network_drafts_are_as_hidden_as_the_admin(self):
        self.client.post(
            reverse("admin:login"),
            {"username": self.desk.clerk.username, "password": PASSWORD, "next": "/admin/"},
            REMOTE_ADDR="10.1.2.3",
        )
        self.assertEqual(self.client.get(self.draft_file, REMOTE_ADDR="10.1.2.3").status_code, 200)
        outside = "203.0.113.9"
        self.assertEqual(self.client.get("/admin/", REMOTE_ADDR=outside).status_code, 404)
        self.assertEqual(self.client.get(self.draft_file, REMOTE_ADDR=outside).status_code, 404)
        self.assertEqual(self.client.get(self.public_file, REMOTE_ADDR=outside).status_code, 200)
        self.assertEqual(self.client.get("/", REMOTE_ADDR=outside).status_code, 200)

    def test_an_expired_password_must_be_changed_before_drafts_open(self):
        self.login()
        type(self.desk.clerk).objects.filter(pk=self.desk.clerk.pk).update(
            password_changed_at=timezone.now() - timedelta(days=91)
        )
        self.assertEqual(self.client.get(self.draft_file).status_code, 404)
        self.assertEqual(self.client.get(self.public_file).status_code, 200)

    def test_anonymous_public_pages_still_come_from_the_page_cache(self):
        self.client.get("/catalog/")
        with self.assertNumQueries(0):
            self.assertEqual(Client().get("/catalog/").status_code, 200)


class SharedAddressLoginTests(TestCase):
    """Made-up names from one address (an office's NAT) must not lock the real staff out."""

    def setUp(self):
        self.user = make_staff(username="lisi")

    def login(self, username, password, ip="10.0.0.5"):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )

    @override_settings(LOGIN_IP_DELAY_SECONDS=0, LOGIN_IP_FAILURE_LIMIT=6)
    def test_many_unknown_names_do_not_deny_a_real_account_its_correct_password(self):
        for n in range(8):
            self.login(f"nobody{n}", WRONG)
        self.assertEqual(self.login("lisi", PASSWORD).status_code, 302)

    @override_settings(LOGIN_IP_FAILURE_LIMIT=6)
    def test_failures_from_a_busy_address_are_slowed_not_the_others(self):
        for n in range(6):
            self.assertEqual(lockout.failure_delay(ip="10.0.0.5"), 0)
            with self.settings(LOGIN_IP_DELAY_SECONDS=0):
                self.login(f"nobody{n}", WRONG)
        with self.settings(LOGIN_IP_DELAY_SECONDS=0):
            self.login("nobody-more", WRONG)
        self.assertGreater(lockout.failure_delay(ip="10.0.0.5"), 0)
        self.assertEqual(lockout.failure_delay(ip="10.0.0.6"), 0)

    @override_settings(LOGIN_IP_DELAY_SECONDS=0, LOGIN_IP_FAILURE_LIMIT=6)
    def test_the_per_account_lock_still_holds_on_a_busy_address(self):
        for n in range(8):
            self.login(f"nobody{n}", WRONG)
        for _ in range(5):
            self.login("lisi", WRONG)
        self.assertEqual(self.login("lisi", PASSWORD).status_code, 200)
        self.assertEqual(self.login("lisi", PASSWORD, ip="10.0.0.7").status_code, 302)

    def test_an_id_or_mobile_number_typed_as_login_name_is_masked_in_the_log(self):
        for name in ("110101199003071234", "13812345678"):
            with self.subTest(name=name):
                for _ in range(5):
                    self.login(name, WRONG)
                names = set(
                    AuditEvent.objects.filter(
                        event__in=[Event.LOGIN_FAILED, Event.LOCKED_OUT]
                    ).values_list("actor_name", flat=True)
                )
                self.assertFalse([n for n in names if name in n], names)
                # The lock still counts by the (masked) name: the pair is locked.
                self.assertTrue(lockout.refused(username=name, ip="10.0.0.5"))
        self.assertIn("110101********1234", names)
        self.assertIn("138****5678", names)


def bomb_xlsx(megabytes=30):
    """A real workbook whose cell text unpacks to ``megabytes`` MB from a few dozen KB."""
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "发布日期"])
    sheet.append(["A" * 1000, "2017-03-08"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if b"A" * 1000 in data:  # the sheet or the shared strings, as openpyxl wrote it
                data = data.replace(b"A" * 1000, b"A" * (megabytes * 1024 * 1024))
            target.writestr(info.filename, data)
    return out.getvalue()


class XlsxBombTests(TestCase):
    def setUp(self):
        self.desk = Desk()

    def test_a_bomb_is_refused_before_it_is_inflated(self):
        content = bomb_xlsx()
        self.assertLess(len(content), 200 * 1024)
        tracemalloc.start()
        try:
            with self.assertRaises(importing.ImportFileError) as caught:
                importing.read_rows("catalog.xlsx", content)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        self.assertIn("压缩", str(caught.exception))
        self.assertLess(peak, 8 * 1024 * 1024)

    def test_the_guard_reads_the_central_directory_and_passes_real_office_files(self):
        book = Workbook()
        book.active.append(["标题", "发布日期"])
        book.active.append(["区安监局开展安全检查", "2017-03-03"])
        plain = io.BytesIO()
        book.save(plain)
        archives.check_zip(io.BytesIO(plain.getvalue()))
        self.assertEqual(len(importing.read_rows("c.xlsx", plain.getvalue())), 1)
        with self.assertRaises(ValidationError):
            archives.check_zip(io.BytesIO(plain.getvalue()), archives.ZipLimits(total=100))
        with self.assertRaises(ValidationError):
            archives.check_zip(io.BytesIO(b"PK\x03\x04 not a zip"))

    def test_the_admin_checks_the_role_before_reading_the_file(self):
        self.client.force_login(self.desk.clerk)
        response = self.client.post(
            reverse("admin:disclosure_item_import"),
            {
                "agency": self.desk.agency.pk,
                "file": SimpleUploadedFile("c.csv", "标题,发布日期\n坏行,明天\n".encode()),
            },
        )
        self.assertContains(response, "审核人")
        self.assertNotContains(response, "存在错误")

    def test_the_command_checks_the_role_before_reading_the_file(self):
        with TemporaryDirectory() as folder:
            path = Path(folder) / "c.csv"
            path.write_text("标题,发布日期\n坏行,明天\n", encoding="utf-8")
            with self.assertRaises(CommandError) as caught:
                call_command(
                    "import_items",
                    str(path),
                    agency=self.desk.agency.slug,
                    user=self.desk.clerk.username,
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
        self.assertIn("审核人", str(caught.exception))


class FormulaInjectionTests(TestCase):
    def test_cells_that_would_start_a_formula_are_neutralised(self):
        for value in ("=cmd|'X'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
            with self.subTest(value=value):
                self.assertEqual(spreadsheets.safe_cell(value), "'" + value)
        self.assertEqual(spreadsheets.safe_cell("正常文字"), "正常文字")
        self.assertEqual(spreadsheets.safe_cell(-3), -3)
        self.assertEqual(spreadsheets.safe_cell(None), "")

    def test_the_applications_export_neutralises_an_applicants_document_number(self):
        from applications.models import IdType
        from tests.applications.builders import applicant, register

        desk = Desk()
        person = applicant(
            name='=HYPERLINK("http://x")', id_type=IdType.OTHER, id_number="=cmd|'X'!A0"
        )
        application = register(desk.agency, desk.clerk, timezone.localdate(), person=person)
        self.client.force_login(desk.clerk)
        response = self.client.post(
            reverse("admin:applications_application_changelist"),
            {
                "action": "export_csv",
                "_selected_action": [application.pk],
            },
        )
        self.assertEqual(response.status_code, 200)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 2)
        for cell in rows[1]:
            self.assertFalse(cell.startswith(spreadsheets.FORMULA_START), cell)
        self.assertTrue(any(cell.startswith("'=") for cell in rows[1]), rows[1])

    def test_the_audit_export_neutralises_a_login_name(self):
        Client().post(reverse("admin:login"), {"username": "=1+2", "password": WRONG})
        auditor = make_staff(username="auditor_x")
        from accounts.duties import admin_role_grant

        admin_role_grant(user=auditor, role=AdminRole.AUDIT)
        self.client.force_login(auditor)
        response = self.client.get(reverse("admin:accounts_auditevent_export"))
        body = b"".join(response.streaming_content).decode()
        self.assertIn("'=1+2", body)
        self.assertNotIn(",=1+2", body)


class MaskingTests(TestCase):
    def test_short_id_numbers_show_at_most_three_characters(self):
        for value in ("E12345678", "EA12345678", "H1234567890", "AB123456789012"):
            with self.subTest(value=value):
                masked = mask_id_number(value)
                self.assertEqual(len(masked), len(value))
                self.assertLessEqual(sum(char != "*" for char in masked), 3, masked)
        self.assertEqual(mask_id_number("11010119900307123X"), "110101********123X")
        self.assertEqual(mask_id_number("110101900307123"), "110101******123")

    def test_there_is_one_masking_rule(self):
        self.assertIs(pii.mask_id_number, mask_id_number)
        from accounts import masking

        for name in ("mask_phone", "mask_name", "mask_email", "mask_address"):
            self.assertIs(getattr(pii, name), getattr(masking, name))


class IndexPatternTests(TestCase):
    def test_a_pattern_too_long_for_the_column_is_refused_when_saved(self):
        agency = Desk().agency
        agency.index_pattern = (
            "{code}-政府信息公开目录索引号前缀很长很长很长很长很长很长很长很长很长-{year}-{seq:05d}"
        )
        with self.assertRaises(ValidationError) as caught:
            agency.full_clean()
        self.assertIn("index_pattern", caught.exception.message_dict)
        agency.index_pattern = "{seq:0999999d}"
        with self.assertRaises(ValidationError):
            agency.full_clean()
        agency.index_pattern = "{code}/{year}-{seq:05d}"
        agency.full_clean()

    def test_the_admin_form_refuses_it(self):
        root = make_staff(username="root_pattern")
        root.is_superuser = True
        root.save()
        self.client.force_login(root)
        agency = Agency.objects.create(
            name="索引号测试局", slug="pattern-test", code="11640302MB0000002B"
        )
        url = reverse("admin:agencies_agency_change", args=[agency.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        data = {field.html_name: field.value() or "" for field in page.context["adminform"].form}
        data.update({"index_pattern": "{code}" + "-" * 40 + "{year}{seq}"})
        data = {k: v for k, v in data.items() if v is not None}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "超过 60 个字符")


class AttachmentNameTests(TestCase):
    def test_bidi_and_control_characters_are_stripped_from_stored_and_download_names(self):
        desk = Desk()
        item = desk.draft()
        attachment = add_attachment(item, "evil\u202egpj.html\u200b\x07")
        attachment.refresh_from_db()
        self.assertEqual(attachment.name, "evilgpj.html")
        self.client.force_login(desk.clerk)
        response = self.client.get(attachment.get_absolute_url())
        self.assertNotIn("\u202e", response["Content-Disposition"])
        self.assertNotIn("%E2%80%AE", response["Content-Disposition"])


class BadAdminFilterTests(TestCase):
    def setUp(self):
        self.root = make_staff(username="root_filters")
        self.root.is_superuser = True
        self.root.save()

    def test_bad_filters_give_a_400_or_are_ignored_never_a_500(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.root)
        cases = [
            "/admin/accounts/auditevent/export/?created_at__year=x",
            "/admin/accounts/auditevent/?created_at__year=99999999999",
            "/admin/disclosure/item/?published_date__year=99999999999",
            "/admin/disclosure/item/?published_date__year=2017&published_date__month=99999999999",
            "/admin/disclosure/item/?year=99999",
        ]
        for url in cases:
            with self.subTest(url=url):
                response = client.get(url)
                self.assertIn(response.status_code, (302, 400), response.status_code)
                if response.status_code == 302:
                    self.assertIn("e=1", response["Location"])


class LoginFallbackTests(TestCase):
    def test_an_unsafe_next_falls_back_to_the_staff_home(self):
        make_staff(username="wangwu")
        response = self.client.post(
            reverse("admin:login") + "?next=https://evil.example/",
            {"username": "wangwu", "password": PASSWORD, "next": "https://evil.example/"},
        )
        self.assertRedirects(response, reverse("admin:index"), fetch_redirect_response=False)


class HttpsRedirectHeadersTests(TestCase):
    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_the_redirect_to_https_carries_the_security_headers(self):
        response = Client().get("/catalog/")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))
        self.assertIn("default-src 'self'", response.headers.get("Content-Security-Policy", ""))
        self.assertEqual(response.headers.get("X-Frame-Options"), "DENY")
        self.assertEqual(response.headers.get("X-Content-Type-Options"), "nosniff")
        self.assertTrue(response.headers.get("X-Request-ID"))


class FourEyesTests(TestCase):
    """One 审核人 cannot draft, review and publish the same item alone (issue 12, point 6)."""

    def setUp(self):
        self.desk = Desk()
        self.head = make_staff(self.desk.agency, Role.HEAD)
        self.second = make_staff(self.desk.agency, Role.REVIEWER)

    def own_item(self, author):
        item = services.item_create(
            agency=self.desk.agency,
            by=author,
            title="本人起草的通知",
            summary="摘要",
            channels=[self.desk.portal],
        )
        return services.item_submit(item=item, by=author)

    def test_the_author_cannot_approve_or_publish_alone(self):
        item = self.own_item(self.desk.reviewer)
        with self.assertRaises(ValidationError) as caught:
            services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        self.assertEqual(caught.exception.code, "four_eyes")
        self.assertFalse(item.reviews.exists())
        # Another reviewer's approval is the second pair of eyes; then the author may publish.
        services.item_review(item=item, by=self.second, opinion="不涉密，同意公开。")
        item = services.item_publish(item=item, by=self.desk.reviewer)
        self.assertTrue(item.is_published)

    def test_whoever_edited_the_draft_counts_as_an_author(self):
        item = self.desk.draft()
        services.item_update(item=item, by=self.second, summary="由审核人改写的摘要")
        services.item_submit(item=item, by=self.desk.clerk)
        with self.assertRaises(ValidationError):
            services.item_review(item=item, by=self.second, opinion="同意公开。")
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")

    def test_only_the_head_switches_it_off_and_every_self_review_is_audited(self):
        for someone in (self.desk.reviewer, self.desk.clerk):
            with self.assertRaises(PermissionDenied):
                account_services.agency_set_self_review(
                    agency=self.desk.agency, by=someone, allowed=True
                )
        account_services.agency_set_self_review(agency=self.desk.agency, by=self.head, allowed=True)
        switch = AuditEvent.objects.get(
            event=Event.SETTINGS_CHANGED, object_id=str(self.desk.agency.pk)
        )
        self.assertEqual(switch.actor, self.head)
        item = self.own_item(self.desk.reviewer)
        services.item_review(item=item, by=self.desk.reviewer, opinion="同意公开。")
        services.item_publish(item=item, by=self.desk.reviewer)
        notes = AuditEvent.objects.filter(
            object_type="disclosure.item", object_id=str(item.pk), detail__contains="本人审核"
        )
        self.assertEqual(
            set(notes.values_list("event", flat=True)), {Event.ITEM_REVIEWED, Event.ITEM_PUBLISHED}
        )
        # Switched back on, the next item needs a second person again.
        account_services.agency_set_self_review(
            agency=self.desk.agency, by=self.head, allowed=False
        )
        with self.assertRaises(ValidationError):
            services.item_review(
                item=self.own_item(self.desk.reviewer), by=self.desk.reviewer, opinion="同意公开。"
            )

    def test_the_head_switches_it_in_the_agency_form_others_see_it_read_only(self):
        url = reverse("admin:agencies_agency_change", args=[self.desk.agency.pk])
        self.client.force_login(self.head)
        page = self.client.get(url)
        form = page.context["adminform"].form
        self.assertIn("self_review_allowed", form.fields)
        data = {field.html_name: field.value() for field in form}
        data = {key: value for key, value in data.items() if value not in (None, False)}
        data["self_review_allowed"] = "on"
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", None) and response.context["adminform"].form.errors,
        )
        self.desk.agency.refresh_from_db()
        self.assertTrue(self.desk.agency.self_review_allowed)
        self.assertTrue(
            AuditEvent.objects.filter(event=Event.SETTINGS_CHANGED, actor=self.head).exists()
        )
        district_admin = make_staff(self.desk.agency, Role.DISTRICT_ADMIN)
        self.client.force_login(district_admin)
        form = self.client.get(url).context["adminform"].form
        self.assertNotIn("self_review_allowed", form.fields)
