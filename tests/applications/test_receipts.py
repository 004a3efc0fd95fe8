"""Issue 14, the applicant: the same submission always gives the same receipt (code included),
the code can be kept (print, e-mail), the printed 受理回执, the error summary, and 暂定 dates."""

import re
from datetime import date, timedelta

from django.core import mail, signing
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications import services, throttling, views
from applications.models import Application, EventKind, Throttle
from tests.applications.builders import ADDRESS, ID_NUMBER, PHONE, applicant
from tests.applications.test_public import APPLY, STATUS, FormData, receipt_facts
from tests.factories import make_agency, make_staff
from workdays.models import CalendarYear, SpecialDay

RECEIPT = "/apply/receipt/"
ADMIN = "/admin/applications/application/"


def token_of(response):
    return signing.loads(response.context["form"]["token"].value(), salt=views.TOKEN_SALT)


def aged(payload, seconds=10):
    return signing.dumps(dict(payload, t=payload["t"] - seconds), salt=views.TOKEN_SALT)


def set_posts(client_count):
    """As if this client had already posted the form ``client_count`` times this hour."""
    Throttle.objects.all().delete()
    key = throttling._key("apply", throttling.pii.blind_index("127.0.0.1", field="client")[:32])
    Throttle.objects.create(
        key=key, count=client_count, expires_at=timezone.now() + timedelta(hours=1)
    )


class SameSubmissionTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")

    def test_a_second_post_that_would_meet_the_question_returns_the_first_receipt(self):
        # The first post is the client's third this hour; the double click is its fourth, which
        # used to be refused with the arithmetic question (and answering it made a second one).
        set_posts(2)
        data = FormData(self.agency).data
        self.assertEqual(self.client.post(APPLY, data).status_code, 302)
        first = receipt_facts(self.client.get(RECEIPT))
        response = self.client.post(APPLY, data)
        self.assertRedirects(response, RECEIPT)
        self.assertEqual(receipt_facts(self.client.get(RECEIPT)), first)
        self.assertEqual(Application.objects.count(), 1)
        self.assertIsNotNone(first[1])

    def test_answering_the_question_of_the_second_post_never_creates_a_second_application(self):
        # The second post arrives while the first is still being saved: it meets the question.
        set_posts(3)
        data = FormData(self.agency).data
        key = signing.loads(data["token"], salt=views.TOKEN_SALT)["k"]
        response = self.client.post(APPLY, data)
        self.assertContains(response, "请回答下面的问题")
        question = token_of(response)
        self.assertEqual(question["k"], key)  # the re-issued form keeps the submission key
        # Meanwhile the first post commits (another request of the same browser).
        first, code = services.application_submit(
            agency=self.agency,
            submission_key=key,
            applicant=applicant(),
            applicant_type="natural_person",
            description="2024年度安全生产执法检查计划",
            form="electronic",
            delivery="online",
        )
        response = self.client.post(
            APPLY, dict(data, token=aged(question), answer=str(sum(question["q"])))
        )
        self.assertRedirects(response, RECEIPT)
        self.assertEqual(Application.objects.count(), 1)
        self.assertEqual(receipt_facts(self.client.get(RECEIPT)), (first.tracking_number, code))

    def test_a_refused_post_keeps_the_key_so_the_retry_is_the_same_submission(self):
        data = FormData(self.agency, website="http://spam").data  # tripped honeypot
        key = signing.loads(data["token"], salt=views.TOKEN_SALT)["k"]
        response = self.client.post(APPLY, data)
        question = token_of(response)
        self.assertEqual(question["k"], key)
        retry = dict(data, website="", token=aged(question), answer=str(sum(question["q"])))
        self.assertRedirects(self.client.post(APPLY, retry), RECEIPT)
        self.assertRedirects(self.client.post(APPLY, retry), RECEIPT)
        self.assertEqual(Application.objects.get().submission_key, key)

    def test_the_service_returns_the_same_code_for_the_same_key(self):
        kwargs = {
            "agency": self.agency,
            "submission_key": "a" * 32,
            "applicant": applicant(),
            "applicant_type": "natural_person",
            "description": "某文件",
            "form": "electronic",
            "delivery": "online",
        }
        first, code = services.application_submit(**kwargs)
        with self.assertNumQueries(3):  # savepoint, one SELECT by key, release: nothing written
            again, same = services.application_submit(**kwargs)
        self.assertEqual((again.pk, same), (first.pk, code))
        self.assertTrue(services.code_matches(first, code))


class CodeKeptTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局", phone="0953-7654321")
        self.client.post(APPLY, FormData(self.agency).data)
        self.application = Application.objects.get()

    def test_the_receipt_offers_print_and_mail_and_shows_the_due_date(self):
        response = self.client.get(RECEIPT)
        self.assertContains(response, "打印或存为PDF")
        self.assertContains(response, "发送回执到我的邮箱（l***@example.com）")
        self.assertContains(response, f"{self.application.due_date:%Y年%-m月%-d日}前")
        self.assertNotContains(response, "li@example.com")

    def test_mail_sends_the_receipt_with_the_code_after_commit_and_records_it(self):
        number, code = receipt_facts(self.client.get(RECEIPT))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("applications:receipt_mail"), follow=True)
        self.assertContains(response, "回执已发送到 l***@example.com")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["li@example.com"])
        self.assertIn(number, message.subject)
        self.assertIn(f"查询码：{code}", message.body)
        self.assertIn("http://testserver/apply/status/", message.body)
        self.assertNotIn(PHONE, message.body)
        self.assertTrue(self.application.events.filter(kind=EventKind.RECEIPT_MAILED).exists())

    def test_mail_is_limited_per_receipt(self):
        for _ in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(reverse("applications:receipt_mail"))
        response = self.client.post(reverse("applications:receipt_mail"), follow=True)
        self.assertContains(response, "已经发送多次")
        self.assertEqual(len(mail.outbox), 3)

    def test_another_browser_cannot_mail_or_see_the_receipt(self):
        self.client.logout()
        self.client.cookies.clear()
        self.assertRedirects(self.client.post(reverse("applications:receipt_mail")), APPLY)
        self.assertRedirects(self.client.get(RECEIPT), APPLY)
        self.assertEqual(len(mail.outbox), 0)

    def test_after_24_hours_the_code_is_gone_for_good(self):
        Application.objects.filter(pk=self.application.pk).update(
            created_at=timezone.now() - timedelta(hours=25)
        )
        response = self.client.get(RECEIPT)
        self.assertContains(response, "现已不再显示")
        self.assertIsNone(receipt_facts(response)[1])
        self.assertNotContains(response, "发送回执到我的邮箱")
        # The next submission (anyone's) erases expired codes from the database.
        self.client.post(APPLY, FormData(self.agency, name="另一人").data)
        self.application.refresh_from_db()
        self.assertIsNone(self.application.receipt_code)

    def test_the_code_is_stored_encrypted_only(self):
        _number, code = receipt_facts(self.client.get(RECEIPT))
        blob = bytes(Application.objects.values_list("receipt_code", flat=True).get())
        self.assertNotIn(code.encode(), blob)
        self.assertNotIn(code.replace("-", "").encode(), blob)


class ErrorSummaryTests(TestCase):
    def test_errors_are_summarised_first_with_links_to_each_field(self):
        agency = make_agency()
        response = self.client.post(APPLY, FormData(agency, phone="123", description="").data)
        html = response.content.decode()
        summary = html.index('id="error-summary"')
        self.assertLess(summary, html.index("个人信息处理告知"))
        self.assertIn('tabindex="-1"', html[summary - 200 : summary + 200])
        self.assertIn('href="#field-phone"', html)
        self.assertIn('href="#field-description"', html)
        self.assertNotIn("{#", html)  # no template comment leaks onto the page


class StaffReceiptTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局", phone="0953-7654321")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.client.force_login(self.clerk)

    def data(self, **extra):
        return {
            "agency": self.agency.pk,
            "channel": "in_person",
            "submitted_on": "2024-06-14",
            "applicant_type": "natural_person",
            "name": "赵某",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": "zhao@example.com",
            "address": ADDRESS,
            "description": "某文件",
            "form": "paper",
            "delivery": "pick_up",
            "submission_key": "b" * 32,
            **extra,
        }

    def test_registering_twice_with_the_same_form_gives_one_application_and_one_receipt(self):
        first = self.client.post(f"{ADMIN}register/", self.data(), follow=True)
        second = self.client.post(f"{ADMIN}register/", self.data(), follow=True)
        application = Application.objects.get()
        self.assertEqual(receipt_facts(first), receipt_facts(second))
        self.assertTrue(services.code_matches(application, receipt_facts(first)[1]))
        self.assertContains(first, "政府信息公开申请受理回执")
        self.assertContains(first, "当面提交申请的，以提交之日为收到申请之日")
        self.assertContains(first, "2024年7月12日前")
        self.assertContains(first, "http://testserver/apply/status/")

    def test_the_receipt_can_be_mailed_by_staff(self):
        self.client.post(f"{ADMIN}register/", self.data())
        application = Application.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{ADMIN}{application.pk}/receipt/mail/", follow=True)
        self.assertContains(response, "受理回执已发送到申请人邮箱 z***@example.com")
        self.assertEqual(mail.outbox[0].to, ["zhao@example.com"])
        self.assertEqual(application.events.get(kind=EventKind.RECEIPT_MAILED).actor, self.clerk)

    def test_other_agencies_cannot_see_the_receipt(self):
        self.client.post(f"{ADMIN}register/", self.data())
        application = Application.objects.get()
        other = make_staff(make_agency(), Role.CLERK)
        self.client.force_login(other)
        self.assertEqual(self.client.get(f"{ADMIN}{application.pk}/receipt/").status_code, 403)

    def test_an_impossible_date_is_refused_on_the_form(self):
        response = self.client.post(f"{ADMIN}register/", self.data(submitted_on="0001-01-01"))
        self.assertContains(response, "早于《中华人民共和国政府信息公开条例》施行之日")
        self.assertFalse(Application.objects.exists())


class ProvisionalShownTests(TestCase):
    """暂定 wherever the due date shows: admin list, case page, deadline board, status page, receipt."""

    def setUp(self):
        CalendarYear.objects.filter(year__gte=2025).delete()
        SpecialDay.objects.filter(date__gte=date(2024, 12, 1)).delete()
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application, self.code = services.application_register(
            agency=self.agency,
            by=self.clerk,
            channel="in_person",
            submitted_on=date(2024, 12, 20),
            applicant=applicant(),
            applicant_type="natural_person",
            description="某文件",
            form="paper",
            delivery="pick_up",
        )
        self.assertTrue(self.application.due_provisional)

    def test_staff_pages(self):
        self.client.force_login(self.clerk)
        self.assertContains(self.client.get(ADMIN), "2025-01-10（暂定）")
        case = self.client.get(f"{ADMIN}{self.application.pk}/change/")
        self.assertContains(case, "暂定")
        self.assertContains(case, "这是可能的最早日期")
        board = self.client.get("/admin/")
        self.assertRegex(board.content.decode(), r"2025-01-10\s*<span[^>]*>暂定</span>")
        receipt = self.client.get(f"{ADMIN}{self.application.pk}/receipt/")
        self.assertContains(receipt, "2025年1月10日前")
        self.assertContains(receipt, "（暂定）")

    def test_status_page(self):
        response = self.client.post(
            STATUS, {"tracking_number": self.application.tracking_number, "code": self.code}
        )
        self.assertContains(response, "2025年1月10日")
        self.assertContains(response, "（暂定）")
        self.assertTrue(re.search("公布后本机关会重新计算", response.content.decode()))
