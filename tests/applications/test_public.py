"""The public form, its receipt and the status lookup, through HTTP."""

import re
from datetime import date

from django.core import signing
from django.test import TestCase
from django.urls import reverse

from accounts.models import Role
from applications import services, throttling, views
from applications.models import Application, Outcome, Throttle
from tests.applications.builders import ADDRESS, ID_NUMBER, PHONE
from tests.factories import make_agency, make_staff

APPLY = "/apply/"
STATUS = "/apply/status/"


def token(age=10):
    import time
    import uuid

    return signing.dumps(
        {"k": uuid.uuid4().hex, "t": int(time.time()) - age}, salt=views.TOKEN_SALT
    )


def receipt_facts(response):
    """(tracking number, query code) as the receipt page shows them."""
    html = response.content.decode()
    number = re.search(r'data-testid="tracking-number">([A-Z0-9-]+)<', html)
    code = re.search(r'data-testid="query-code">([A-Z0-9-]+)<', html)
    return (number.group(1) if number else None, code.group(1) if code else None)


class FormData:
    def __init__(self, agency, **overrides):
        self.data = {
            "agency": agency.pk,
            "applicant_type": "natural_person",
            "name": "李申请",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "email": "li@example.com",
            "address": ADDRESS,
            "description": "2024年度安全生产执法检查计划",
            "document_number": "",
            "form": "electronic",
            "delivery": "online",
            "purpose": "",
            "consent": "on",
            "website": "",
            "token": token(),
        }
        self.data.update(overrides)


class ApplyFormTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")

    def test_form_page_shows_the_art_29_fields_and_the_privacy_notice(self):
        # the client's posts this hour (for the question), the site header's agency, the agency choices
        with self.assertNumQueries(3):
            response = self.client.get(APPLY)
        self.assertContains(response, "个人信息处理告知")
        self.assertContains(response, services.PRIVACY_NOTICE_VERSION)
        for name in ("applicant_type", "id_number", "description", "delivery", "website", "token"):
            self.assertContains(response, f'name="{name}"')
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, 'style="')

    def test_submission_gives_a_receipt_with_number_and_secret_code(self):
        response = self.client.post(APPLY, FormData(self.agency).data)
        self.assertRedirects(response, reverse("applications:receipt"))
        application = Application.objects.get()
        self.assertEqual(
            (application.channel, application.received_on.year >= 2024), ("online", True)
        )
        self.assertEqual(application.privacy_notice_version, services.PRIVACY_NOTICE_VERSION)
        # session read, application with its agency, site header, session save (3 with savepoint)
        with self.assertNumQueries(6):
            response = self.client.get(reverse("applications:receipt"))
        self.assertContains(response, application.tracking_number)
        code = re.search(
            r'data-testid="query-code">([A-Z0-9-]+)<', response.content.decode()
        ).group(1)
        self.assertTrue(services.code_matches(application, code))
        self.assertNotContains(response, PHONE)
        self.assertNotContains(response, ID_NUMBER)

    def test_double_submit_returns_the_same_receipt(self):
        data = FormData(self.agency).data
        self.client.post(APPLY, data)
        first = receipt_facts(self.client.get(reverse("applications:receipt")))
        response = self.client.post(APPLY, data)
        self.assertRedirects(response, reverse("applications:receipt"))
        self.assertEqual(Application.objects.count(), 1)
        self.assertEqual(receipt_facts(self.client.get(reverse("applications:receipt"))), first)
        self.assertTrue(services.code_matches(Application.objects.get(), first[1]))

    def test_invalid_id_keeps_what_was_typed(self):
        data = FormData(
            self.agency, id_number="110101199003071230", description="我要的信息：某某文件"
        ).data
        response = self.client.post(APPLY, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "校验位不正确")
        self.assertContains(response, "我要的信息：某某文件")
        self.assertContains(response, "李申请")
        self.assertFalse(Application.objects.exists())

    def test_over_long_fields_are_refused_with_a_message(self):
        response = self.client.post(APPLY, FormData(self.agency, description="长" * 2001).data)
        self.assertContains(response, "最多2000个字")
        self.assertFalse(Application.objects.exists())

    def test_organisation_needs_its_name_and_credit_code(self):
        response = self.client.post(APPLY, FormData(self.agency, applicant_type="commercial").data)
        self.assertContains(response, "请填写组织名称")
        self.assertContains(response, "统一社会信用代码")

    def test_honeypot_refuses_without_saving(self):
        response = self.client.post(APPLY, FormData(self.agency, website="http://spam").data)
        self.assertContains(response, "提交未成功")
        self.assertFalse(Application.objects.exists())

    def test_a_post_faster_than_a_human_is_refused_but_keeps_the_input(self):
        response = self.client.post(
            APPLY, FormData(self.agency, token=token(age=0), description="保留我").data
        )
        self.assertContains(response, "提交过快")
        self.assertContains(response, "保留我")
        self.assertFalse(Application.objects.exists())

    def test_a_forged_token_is_refused(self):
        response = self.client.post(APPLY, FormData(self.agency, token="forged").data)
        self.assertContains(response, "表单已过期")
        self.assertFalse(Application.objects.exists())

    def test_submissions_are_throttled_per_client_with_a_429_that_keeps_the_input(self):
        limit = throttling.LIMITS["apply"][0]
        for _ in range(limit):
            self.client.post(APPLY, FormData(self.agency).data)
        response = self.client.post(APPLY, FormData(self.agency, description="别丢了我").data)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "提交次数过多", status_code=429)
        self.assertContains(response, "别丢了我", status_code=429)
        # The posts after the third met the text question, which these did not answer.
        self.assertEqual(Application.objects.count(), views.QUESTION_AFTER)
        self.assertTrue(Throttle.objects.exists())
        self.assertFalse(Throttle.objects.filter(key__contains="127.0.0.1").exists())

    def _question(self, response):
        """The question's numbers, and the form's token as if the person took ten seconds."""
        token = signing.loads(response.context["form"]["token"].value(), salt=views.TOKEN_SALT)
        return token["q"], signing.dumps(dict(token, t=token["t"] - 10), salt=views.TOKEN_SALT)

    def test_a_text_question_only_when_the_traffic_looks_automated(self):
        response = self.client.get(APPLY)
        self.assertIsNone(response.context["question"])
        self.assertNotContains(response, 'name="answer"')
        for _ in range(views.QUESTION_AFTER):
            self.assertEqual(self.client.post(APPLY, FormData(self.agency).data).status_code, 302)
        response = self.client.post(APPLY, FormData(self.agency, description="第四份申请").data)
        self.assertContains(response, "请回答下面的问题")
        self.assertContains(response, "第四份申请")
        self.assertContains(response, 'name="answer"')
        self.assertIn("等于几", response.context["question"])
        self.assertEqual(Application.objects.count(), views.QUESTION_AFTER)

        numbers, aged = self._question(response)
        data = FormData(self.agency, description="第四份申请").data
        response = self.client.post(APPLY, dict(data, token=aged, answer=str(sum(numbers) + 1)))
        self.assertContains(response, "回答不正确")
        self.assertContains(response, "第四份申请")
        self.assertEqual(Application.objects.count(), views.QUESTION_AFTER)

        numbers, aged = self._question(response)
        # Full-width digits, as Chinese input methods type them, are accepted.
        answer = str(sum(numbers)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        response = self.client.post(APPLY, dict(data, token=aged, answer=answer))
        self.assertRedirects(response, reverse("applications:receipt"))
        self.assertEqual(Application.objects.count(), views.QUESTION_AFTER + 1)

    def test_a_tripped_honeypot_brings_the_question(self):
        response = self.client.post(APPLY, FormData(self.agency, website="http://spam").data)
        self.assertIn("等于几", response.context["question"])
        self.assertFalse(Application.objects.exists())

    def test_the_question_cannot_be_dropped_from_the_token(self):
        for _ in range(views.QUESTION_AFTER):
            self.client.post(APPLY, FormData(self.agency).data)
        response = self.client.post(
            APPLY, FormData(self.agency, answer="3").data
        )  # no question in token
        self.assertContains(response, "请回答下面的问题")
        self.assertEqual(Application.objects.count(), views.QUESTION_AFTER)

    def test_typed_personal_data_never_reaches_the_url(self):
        response = self.client.post(APPLY, FormData(self.agency).data)
        self.assertNotIn(ID_NUMBER, response["Location"])


class StatusTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application, self.code = services.application_register(
            agency=self.agency,
            by=self.clerk,
            channel="in_person",
            submitted_on=date(2024, 6, 14),
            applicant=services.ApplicantData(
                name="王某",
                id_type="resident_id",
                id_number=ID_NUMBER,
                phone=PHONE,
                address=ADDRESS,
            ),
            applicant_type="natural_person",
            description="某文件",
            form="paper",
            delivery="post",
        )

    def lookup(self, number=None, code=None):
        return self.client.post(
            STATUS,
            {
                "tracking_number": number or self.application.tracking_number,
                "code": code or self.code,
            },
        )

    def test_status_with_the_right_code_shows_dates_and_no_personal_data(self):
        self.lookup()  # the first hit of a throttle window creates its counter rows
        # the client's throttle counter (update + read; a right code does not count against the
        # number), application, issued notices, site header
        with self.assertNumQueries(5):
            response = self.lookup()
        self.assertContains(response, "已登记")
        self.assertContains(response, "2024年6月14日")
        self.assertContains(response, "2024年7月12日")  # due date
        for secret in ("王某", PHONE, ID_NUMBER, ADDRESS, self.code):
            self.assertNotContains(response, secret)

    def test_the_reply_notice_appears_once_issued(self):
        services.application_review(
            application=self.application, by=self.clerk, on=date(2024, 6, 14)
        )
        notice = services.application_reply_draft(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.GRANTED,
            on=date(2024, 6, 20),
        )
        self.assertContains(self.lookup(), "审核中")  # a draft reply answers nothing yet
        self.assertNotContains(self.lookup(), "答复如下")  # a draft is not shown
        services.notice_issue(notice=notice, by=self.clerk, on=date(2024, 6, 20))
        response = self.lookup()
        self.assertContains(response, "予以公开")
        self.assertContains(response, "公开〔2024〕第1号")
        self.assertContains(response, "答复如下")
        self.assertNotContains(response, "王某")

    def test_wrong_code_and_unknown_number_give_the_same_answer(self):
        wrong = self.lookup(code="AAAA-BBBB-CCCC-DDDD")
        unknown = self.lookup(number="YS20240101-000000")
        self.assertEqual(wrong.status_code, unknown.status_code)
        self.assertContains(wrong, "申请编号或查询码不正确")

        def strip(r):
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())

        self.assertEqual(
            strip(wrong).replace(self.application.tracking_number, "N"),
            strip(unknown).replace("YS20240101-000000", "N"),
        )
        self.assertNotContains(wrong, "已登记")

    def test_the_status_page_uses_post_only_for_the_code(self):
        response = self.client.get(
            STATUS, {"tracking_number": self.application.tracking_number, "code": self.code}
        )
        self.assertNotContains(response, "已登记")
        self.assertContains(response, 'method="post"')

    def test_repeated_guessing_is_throttled(self):
        for _ in range(10):
            self.lookup(code="AAAA-BBBB-CCCC-DDDD")
        response = self.lookup()  # even the right code, once over the limit
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "请稍后再试", status_code=429)

    def test_wrong_codes_for_one_number_are_throttled_across_clients_but_the_owner_gets_in(self):
        for n in range(20):
            self.client.post(
                STATUS,
                {
                    "tracking_number": self.application.tracking_number,
                    "code": "AAAA-BBBB-CCCC-DDDD",
                },
                REMOTE_ADDR=f"10.0.{n}.1",
            )
        guess = self.client.post(
            STATUS,
            {"tracking_number": self.application.tracking_number, "code": "AAAA-BBBB-CCCC-DDDE"},
            REMOTE_ADDR="10.9.9.8",
        )
        self.assertEqual(guess.status_code, 429)
        # A third party's guesses must not lock the applicant out of their own application.
        response = self.client.post(
            STATUS,
            {"tracking_number": self.application.tracking_number, "code": self.code},
            REMOTE_ADDR="10.9.9.9",
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "已登记")
