import base64
import os
from datetime import date
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from accounts.models import Role
from applications.models import Applicant
from tests.applications.builders import ID_NUMBER, PHONE, register
from tests.factories import make_agency, make_staff

NEW_KEY = base64.b64encode(b"n" * 32).decode()


class KeyRotationTests(TestCase):
    def setUp(self):
        agency = make_agency()
        register(agency, make_staff(agency, Role.CLERK), date(2024, 6, 14))
        self.applicant = Applicant.objects.get()

    def test_rotation_re_encrypts_under_the_new_key_and_version(self):
        from django.conf import settings

        old_key, old_index = settings.ZWGK_PII_KEY, self.applicant.id_index
        with (
            override_settings(ZWGK_PII_KEY=NEW_KEY, ZWGK_PII_KEY_VERSION=2),
            mock.patch.dict(os.environ, {"ZWGK_PII_OLD_KEY": old_key}),
        ):
            call_command("rotate_pii_key", stdout=StringIO())
            applicant = Applicant.objects.get()
            self.assertEqual(applicant.key_version, 2)
            self.assertEqual(applicant.reveal()["id_number"], ID_NUMBER)
            self.assertEqual(applicant.reveal()["phone"], PHONE)
            self.assertNotEqual(applicant.id_index, old_index)
            # A second run finds nothing left to do.
            call_command("rotate_pii_key", stdout=StringIO())
        with self.assertRaises(Exception):  # noqa: B017 - the old key no longer decrypts it
            Applicant.objects.get().reveal()

    def test_the_old_key_is_required(self):
        with mock.patch.dict(os.environ, {"ZWGK_PII_OLD_KEY": ""}), self.assertRaises(CommandError):
            call_command("rotate_pii_key")
