"""The staff pages: register, workflow steps, notices, appeals; constant queries; reminders."""

import re
from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Application, NoticeStatus, Outcome, Status
from tests.applications.builders import ADDRESS, ID_NUMBER, PHONE, handling, register
from tests.factories import make_agency, make_staff

BASE = "/admin/applications/application/"


class StaffWorkflowTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)
        self.client.force_login(self.clerk)

    def step(self, application, name, **data):
        return self.client.post(f"{BASE}{application.pk}/step/{name}/", data)

    def test_register_a_post_application_by_the_signing_date(self):
        response = self.client.get(f"{BASE}add/")
        self.assertRedirects(response, f"{BASE}register/")
        data = {
            "agency": self.agency.pk,
            "channel": "post",
            "submitted_on": "2024-06-11",
            "signed_on": "2024-06-14",
            "applicant_type": "natural_person",
            "name": "赵某",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "address": ADDRESS,
            "description": "某文件",
            "form": "paper",
            "delivery": "post",
        }
        response = self.client.post(f"{BASE}register/", data, follow=True)
        application = Application.objects.get()
        # Straight to the printable 受理回执, which carries the code: nobody copies it by hand.
        self.assertRedirects(response, f"{BASE}{application.pk}/receipt/")
        self.assertEqual(
            (application.received_on, application.due_date), (date(2024, 6, 14), date(2024, 7, 12))
        )
        code = re.search(r'data-testid="query-code">([A-Z0-9-]+)<', response.content.decode())
        self.assertTrue(services.code_matches(application, code.group(1)))
        self.assertContains(response, "以本机关签收之日为收到申请之日")
        self.assertNotContains(self.client.get(f"{BASE}{application.pk}/change/"), code.group(1))

    def test_register_keeps_input_and_explains_a_missing_signing_date(self):
        data = {
            "agency": self.agency.pk,
            "channel": "post",
            "submitted_on": "2024-06-11",
            "applicant_type": "natural_person",
            "name": "赵某",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "description": "某某文件内容",
            "form": "paper",
            "delivery": "pick_up",
        }
        response = self.client.post(f"{BASE}register/", data)
        self.assertContains(response, "请填写本机关签收日期")
        self.assertContains(response, "某某文件内容")
        self.assertFalse(Application.objects.exists())

    def test_steps_through_http_and_the_one_reply_page(self):
        application = register(self.agency, self.clerk, date(2024, 6, 14))
        self.assertRedirects(
            self.step(application, "review", on="2024-06-14"), f"{BASE}{application.pk}/change/"
        )
        self.step(application, "accept", on="2024-06-17")
        url = f"{BASE}{application.pk}/reply/"
        self.assertRedirects(self.client.get(f"{BASE}{application.pk}/step/reply/"), url)
        response = self.client.post(
            url, {"on": "2024-06-10", "outcome": Outcome.GRANTED, "preview": "1"}
        )
        self.assertContains(response, "不能早于收到申请日期")
        response = self.client.post(url, {"on": "2024-06-20", "outcome": "", "preview": "1"})
        self.assertContains(response, "请选择办理结果")
        response = self.client.post(
            url, {"on": "2024-06-20", "outcome": Outcome.PARTIAL, "reason": "", "preview": "1"}
        )
        self.assertContains(response, "请填写理由")
        response = self.client.post(
            url,
            {
                "on": "2024-06-20",
                "outcome": Outcome.PARTIAL,
                "reason": "公开会侵害员工的个人隐私",
                "preview": "1",
            },
        )
        self.assertContains(response, "部分公开时请写明不予公开的内容")
        response = self.client.post(
            url,
            {
                "on": "2024-06-20",
                "outcome": Outcome.PARTIAL,
                "withheld": "员工的姓名和电话。",
                "ground": "denied.third_party",
                "reason": "公开会侵害员工的个人隐私。",
                "preview": "1",
            },
            follow=True,
        )
        self.assertContains(response, "不予公开的内容及理由：员工的姓名和电话，涉及商业秘密")
        application.refresh_from_db()
        self.assertEqual(application.status, Status.HANDLING)  # the draft answers nothing yet
        notice = application.notices.get()
        issue = response.context["issue_form"].initial
        stale = self.client.post(url, {**issue, "digest": "0" * 32, "issue": "1"}, follow=True)
        self.assertContains(stale, "草稿已经改变")
        response = self.client.post(url, {**issue, "issue": "1"}, follow=True)
        self.assertRedirects(response, f"{BASE}notice/{notice.pk}/")
        application.refresh_from_db()
        notice.refresh_from_db()
        # Issued on the date chosen on the page: that is when the application was answered.
        self.assertEqual(
            (application.status, application.outcome, application.closed_on),
            (Status.REPLIED, Outcome.PARTIAL, date(2024, 6, 20)),
        )
        self.assertEqual((notice.status, notice.number), (NoticeStatus.ISSUED, "公开〔2024〕第1号"))
        page = self.client.get(f"{BASE}notice/{notice.pk}/")
        self.assertNotContains(page, "保存草稿")
        printed = self.client.get(f"{BASE}notice/{notice.pk}/print/")
        self.assertContains(printed, "某区应急管理局")
        self.assertContains(printed, notice.number)
        self.assertContains(printed, "2024年6月20日")  # issue date
        self.assertNotContains(printed, PHONE)
        self.assertNotContains(printed, 'style="')

    def test_the_case_page_offers_only_the_steps_the_status_allows(self):
        application = register(self.agency, self.clerk, date(2024, 6, 14))
        page = self.client.get(f"{BASE}{application.pk}/change/")
        self.assertContains(page, "转入审核")
        self.assertNotContains(page, f"{application.pk}/step/reply/")
        response = self.step(application, "archive", on="2024-06-14")
        self.assertContains(response, "不能归档")

    def test_a_clerk_asking_for_an_extension_gets_a_message_not_an_error_page(self):
        application = handling(self.agency, self.clerk, date(2024, 6, 14))
        response = self.step(application, "extend", on="2024-07-01", days=10, reason="档案")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "只有负责人可以办理延期")

    def test_appeal_through_the_case_page(self):
        application = handling(self.agency, self.clerk, date(2024, 6, 14))
        services.application_reply(
            application=application,
            by=self.clerk,
            outcome=Outcome.STATE_SECRET,
            on=date(2024, 6, 20),
        )
        self.client.post(
            f"{BASE}{application.pk}/appeal/",
            {"kind": "reconsideration", "filed_on": "2024-07-01", "body": "区政府"},
        )
        appeal = application.appeals.get()
        self.client.post(
            f"{BASE}appeal/{appeal.pk}/decide/", {"result": "upheld", "decided_on": "2024-08-01"}
        )
        appeal.refresh_from_db()
        self.assertEqual(appeal.result, "upheld")

    def test_list_and_case_pages_make_a_constant_number_of_queries(self):
        def count(url):
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(ctx.captured_queries)

        first = handling(self.agency, self.clerk, date(2024, 6, 14))
        list_small, case_small = count(BASE), count(f"{BASE}{first.pk}/change/")
        for day in (17, 18, 19, 20):
            application = handling(self.agency, self.clerk, date(2024, 6, day))
            services.application_reply(
                application=application,
                by=self.clerk,
                outcome=Outcome.GRANTED,
                on=date(2024, 6, 21),
            )
        services.application_pause(
            application=first, by=self.clerk, kind="agency", party="某局", on=date(2024, 6, 17)
        )
        services.application_resume(application=first, by=self.clerk, on=date(2024, 6, 18))
        services.application_reply(
            application=first, by=self.clerk, outcome=Outcome.GRANTED, on=date(2024, 6, 21)
        )
        self.assertEqual(count(BASE), list_small)
        self.assertEqual(count(f"{BASE}{first.pk}/change/"), case_small)


class RemindDeadlinesTests(TestCase):
    def test_mails_the_clerk_and_head_of_the_agency_about_overdue_and_soon(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK, email="clerk@example.gov.cn")
        make_staff(agency, Role.REVIEWER, email="reviewer@example.gov.cn")
        overdue = register(agency, clerk, date(2024, 5, 6))
        register(agency, clerk, date(2024, 6, 14))  # due 2024-07-12: not soon on 6-20
        out = StringIO()
        call_command("remind_deadlines", today=date(2024, 6, 20), stdout=out)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["clerk@example.gov.cn"])
        self.assertIn(overdue.tracking_number, message.body)
        self.assertIn("已超期", message.body)
        self.assertNotIn(PHONE, message.body)

    def test_nothing_to_remind(self):
        out = StringIO()
        call_command("remind_deadlines", stdout=out)
        self.assertIn("没有需要提醒", out.getvalue())
        self.assertEqual(mail.outbox, [])


class ReplyPageTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.client.force_login(self.clerk)
        self.application = handling(self.agency, self.clerk, date(2024, 6, 14))
        self.url = f"{BASE}{self.application.pk}/reply/"

    def test_a_hand_edited_draft_is_issued_as_edited_and_redrafting_warns(self):
        notice = services.application_reply_draft(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.NOT_HELD,
            on=date(2024, 6, 20),
            reason="检索了2023年以来的发文",
        )
        self.assertNotContains(self.client.get(self.url), "已手工修改")
        services.notice_update(notice=notice, by=self.clerk, body=notice.body + "\n\n特此告知。")
        page = self.client.get(self.url)
        self.assertContains(page, "答复书正文已手工修改")
        self.client.post(self.url, {**page.context["issue_form"].initial, "issue": "1"})
        notice.refresh_from_db()
        self.assertTrue(notice.is_issued)
        self.assertTrue(notice.body.endswith("特此告知。"))

    def test_the_page_warns_while_the_agency_has_no_reconsideration_body(self):
        self.assertContains(
            self.client.get(self.url), "本机构尚未设置行政复议机关、行政诉讼管辖法院"
        )
        self.agency.reconsideration_body = "某区人民政府"
        self.agency.litigation_court = "某区人民法院"
        self.agency.save()
        self.assertNotContains(self.client.get(self.url), "尚未设置")

    def test_a_closed_application_has_no_reply_page(self):
        services.application_reply(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.GRANTED,
            on=date(2024, 6, 20),
        )
        response = self.client.get(self.url, follow=True)
        self.assertContains(response, "不能作出答复")


class CasePageTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.client.force_login(self.clerk)

    def test_date_only_steps_are_one_click_with_todays_date(self):
        application = register(self.agency, self.clerk, date(2024, 6, 14))
        page = self.client.get(f"{BASE}{application.pk}/change/")
        today = timezone.localdate().isoformat()
        self.assertContains(page, f'<input type="hidden" name="on" value="{today}">', html=False)
        self.assertContains(page, "改日期")
        self.client.post(f"{BASE}{application.pk}/step/review/", {"on": today})
        application.refresh_from_db()
        self.assertEqual(application.status, Status.REVIEWING)

    def test_a_paper_application_gets_one_acknowledgement(self):
        application = register(self.agency, self.clerk, date(2024, 6, 14))  # in person
        self.assertContains(self.client.get(f"{BASE}{application.pk}/change/"), "生成受理回执")
        response = self.client.post(f"{BASE}{application.pk}/acknowledge/")
        notice = application.notices.get()
        self.assertRedirects(response, f"{BASE}notice/{notice.pk}/")
        self.assertIn("2024年7月12日前", notice.body)  # the due date (Art. 33)
        self.client.post(f"{BASE}{application.pk}/acknowledge/")
        self.assertEqual(application.notices.count(), 1)
        self.assertNotContains(self.client.get(f"{BASE}{application.pk}/change/"), "生成受理回执")
