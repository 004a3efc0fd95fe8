"""The applicant's plaintext ID number (and phone, address) is nowhere it should not be.

Not in any database table, not in the logs, not in error mails, not on any public page or API,
after a real submission through the public form.
"""

import io
import logging
import re
from unittest import mock

from django.core import mail
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from accounts.masking import PersonalDataFilter, mask_text
from applications.models import Application
from tests.applications.builders import ADDRESS, ID_NUMBER, PHONE
from tests.applications.test_public import FormData
from tests.factories import make_agency

SECRETS = (ID_NUMBER, PHONE, ADDRESS)


@override_settings(ADMINS=[("运维", "ops@example.gov.cn")], DEBUG=False)
class PlaintextIdNumberTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.log = io.StringIO()
        self.handlers = [
            h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)
        ]
        self.assertTrue(self.handlers, "the root logger has its console handler")
        self.streams = [h.setStream(self.log) for h in self.handlers]
        self.submit()

    def tearDown(self):
        for handler, stream in zip(self.handlers, self.streams, strict=True):
            handler.setStream(stream)

    def submit(self):
        response = self.client.post("/apply/", FormData(self.agency).data)
        self.assertRedirects(response, reverse("applications:receipt"))
        receipt = self.client.get(reverse("applications:receipt"))
        self.code = re.search(
            r'data-testid="query-code">([A-Z0-9-]+)<', receipt.content.decode()
        ).group(1)
        self.application = Application.objects.get()
        self.public = [receipt]

    def assert_clean(self, text, where):
        for secret in SECRETS:
            self.assertNotIn(secret, text, where)

    def test_not_in_any_database_table(self):
        tables = connection.introspection.table_names()
        self.assertIn("applications_applicant", tables)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                for row in cursor.fetchall():
                    text = " ".join(
                        bytes(v).decode("latin-1") if isinstance(v, memoryview | bytes) else str(v)
                        for v in row
                    )
                    self.assert_clean(text, table)

    def test_not_on_any_public_page_or_api(self):
        pages = list(self.public)
        anonymous = Client()
        for url in (
            "/",
            "/catalog/",
            "/api/items/",
            "/catalog/feed/",
            "/sitemap.xml",
            "/guide/",
            "/proposals/",
            "/proposals/api/",
            "/reports/",
            "/apply/",
            "/apply/status/",
        ):
            pages.append(anonymous.get(url))
        pages.append(
            self.client.post(
                "/apply/status/",
                {"tracking_number": self.application.tracking_number, "code": self.code},
            )
        )
        self.assertContains(pages[-1], self.application.tracking_number)
        for response in pages:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            self.assert_clean(body.decode("utf-8", "replace"), response.wsgi_request.path)
            self.assert_clean(str(response.headers), response.wsgi_request.path)

    def test_not_in_logs_or_error_mails_even_when_the_submission_fails(self):
        failing = mock.patch(
            "applications.services.application_submit",
            side_effect=RuntimeError(f"保存失败：{ID_NUMBER} {PHONE}"),
        )
        client = Client(raise_request_exception=False)
        with failing:
            response = client.post("/apply/", FormData(self.agency, name="王二").data)
        self.assertEqual(response.status_code, 500)
        logging.getLogger("applications").warning("回拨申请人 %s，身份证 %s", PHONE, ID_NUMBER)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assert_clean(message.subject + message.body, "error mail")
        for alternative, _ in getattr(message, "alternatives", []):
            self.assert_clean(alternative, "error mail (html)")
        self.assertIn("110101********", message.body)
        logged = self.log.getvalue()
        self.assertIn("138****5678", logged)
        self.assert_clean(logged, "log")
        # The failed submission kept nothing.
        self.assertEqual(Application.objects.count(), 1)


class MaskingTests(TestCase):
    def test_patterns_are_masked_and_other_numbers_kept(self):
        self.assertEqual(mask_text("身份证11010119900307123X。"), "身份证110101********123X。")
        self.assertEqual(mask_text("电话 13812345678"), "电话 138****5678")
        self.assertEqual(
            mask_text("索引号 11640302MB0000002B-2017-001"), "索引号 11640302MB0000002B-2017-001"
        )
        self.assertEqual(mask_text("0953-2666295"), "0953-2666295")

    def test_the_log_filter_masks_arguments_and_tracebacks(self):
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "号码 %s", (PHONE,), None)
        try:
            raise ValueError(ID_NUMBER)
        except ValueError:
            import sys

            record.exc_info = sys.exc_info()
        PersonalDataFilter().filter(record)
        self.assertEqual(record.getMessage(), "号码 138****5678")
        self.assertNotIn(ID_NUMBER, record.exc_text)
