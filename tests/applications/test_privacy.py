"""Who sees the applicant's personal data: anonymous, another agency, own clerk, reviewer."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from django.db import connection
from django.test import TestCase

from accounts.models import AuditEvent, Role
from applications import pii
from applications.models import Applicant, EventKind
from tests.applications.builders import ADDRESS, ID_NUMBER, PHONE, register
from tests.factories import PASSWORD, make_agency, make_staff

MASKED_ID = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
MASKED_PHONE = "138****5678"


class PrivacyMatrixTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application = register(self.agency, self.clerk, date(2024, 6, 14))
        self.case = f"/admin/applications/application/{self.application.pk}/change/"
        self.reveal = f"/admin/applications/application/{self.application.pk}/reveal/"

    def login(self, user):
        self.client.force_login(user)

    def assertNoFullData(self, response):
        for value in (ID_NUMBER, PHONE, ADDRESS):
            self.assertNotContains(response, value, status_code=response.status_code)

    def test_anonymous_is_sent_to_the_login(self):
        for url in (self.case, self.reveal, "/admin/applications/application/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/admin/login/", response["Location"])
        response = self.client.post(self.reveal)
        self.assertEqual(response.status_code, 302)

    def test_another_agencys_clerk_sees_nothing(self):
        self.login(make_staff(make_agency(), Role.CLERK))
        self.assertEqual(self.client.get(self.case).status_code, 403)
        self.assertEqual(self.client.post(self.reveal).status_code, 403)
        listing = self.client.get("/admin/applications/application/")
        self.assertNotContains(listing, self.application.tracking_number)
        self.assertFalse(self.application.events.filter(kind=EventKind.PII_REVEALED).exists())

    def test_own_clerk_sees_masked_values_and_can_reveal_one_record_with_a_trace(self):
        self.login(self.clerk)
        response = self.client.get(self.case)
        self.assertContains(response, MASKED_ID)
        self.assertContains(response, MASKED_PHONE)
        self.assertNoFullData(response)
        listing = self.client.get("/admin/applications/application/")
        self.assertContains(listing, self.application.tracking_number)
        self.assertNoFullData(listing)
        self.assertEqual(self.client.get(self.reveal).status_code, 302)  # reveal is POST only
        response = self.client.post(self.reveal)
        self.assertContains(response, ID_NUMBER)
        self.assertContains(response, PHONE)
        self.assertContains(response, ADDRESS)
        self.assertIn("no-store", response["Cache-Control"])
        event = self.application.events.get(kind=EventKind.PII_REVEALED)
        self.assertEqual(event.actor, self.clerk)

    def test_reviewer_sees_the_case_masked_but_cannot_reveal(self):
        self.login(make_staff(self.agency, Role.REVIEWER))
        response = self.client.get(self.case)
        self.assertContains(response, MASKED_ID)
        self.assertNotContains(response, self.reveal)
        self.assertEqual(self.client.post(self.reveal).status_code, 403)

    def test_district_admin_sees_the_case_masked_but_cannot_reveal(self):
        district = make_agency()
        self.agency.parent = district
        self.agency.save()
        self.login(make_staff(district, Role.DISTRICT_ADMIN))
        response = self.client.get(self.case)
        self.assertContains(response, MASKED_ID)
        self.assertEqual(self.client.post(self.reveal).status_code, 403)

    def test_reveal_is_audited(self):
        self.login(self.clerk)
        self.client.post(self.reveal)
        row = AuditEvent.objects.filter(event="pii.viewed").get()
        self.assertEqual(row.object_id, str(self.application.pk))
        self.assertNotIn(ID_NUMBER, row.detail)


class EncryptionTests(TestCase):
    def setUp(self):
        agency = make_agency()
        self.application = register(agency, make_staff(agency, Role.CLERK), date(2024, 6, 14))

    def test_personal_data_is_encrypted_at_rest_with_a_key_version(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM applications_applicant")
            raw = " ".join(
                str(bytes(v) if isinstance(v, memoryview | bytes) else v) for v in cursor.fetchone()
            )
        for value in (ID_NUMBER, PHONE, ADDRESS):
            self.assertNotIn(value, raw)
        applicant = Applicant.objects.get()
        self.assertEqual(applicant.key_version, 1)
        self.assertEqual(
            applicant.reveal(), {"id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS}
        )

    def test_ciphertexts_are_bound_to_their_field(self):
        applicant = Applicant.objects.get()
        with self.assertRaises(Exception):  # noqa: B017 - cryptography's InvalidTag
            pii.decrypt(applicant.phone_enc, field="address")

    def test_blind_index_finds_the_applicant_in_the_admin_search(self):
        agency = self.application.agency
        clerk = make_staff(agency, Role.CLERK)
        self.client.force_login(clerk)
        response = self.client.get("/admin/applications/application/", {"q": ID_NUMBER.lower()})
        self.assertContains(response, self.application.tracking_number)
        self.assertNotIn(ID_NUMBER, response["Location"] if response.has_header("Location") else "")
        response = self.client.get("/admin/applications/application/", {"q": "110101199001011237"})
        self.assertNotContains(response, self.application.tracking_number)

    def test_production_refuses_to_start_without_the_key(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZWGK_"))}
        env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "x" * 60,
                "DJANGO_ALLOWED_HOSTS": "example.gov.cn",
            }
        )
        root = Path(__file__).resolve().parents[2]
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ZWGK_PII_KEY", result.stderr)


class LoginFormTests(TestCase):
    """The password fixture is used so the staff pages are reached as a real login would."""

    def test_clerk_can_log_in_and_open_the_register(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        self.assertTrue(self.client.login(username=clerk.username, password=PASSWORD))
        self.assertEqual(self.client.get("/admin/applications/application/").status_code, 200)


class ExportTests(TestCase):
    def test_the_csv_export_is_masked_and_audited(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        application = register(agency, clerk, date(2024, 6, 14))
        self.client.force_login(clerk)
        response = self.client.post(
            "/admin/applications/application/",
            {"action": "export_csv", "_selected_action": [application.pk]},
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        body = response.content.decode("utf-8-sig")
        self.assertIn(application.tracking_number, body)
        self.assertIn(MASKED_ID, body)
        self.assertIn(MASKED_PHONE, body)
        for value in (ID_NUMBER, PHONE, ADDRESS, "张测试"):
            self.assertNotIn(value, body)
        self.assertTrue(AuditEvent.objects.filter(event="pii.exported").exists())
