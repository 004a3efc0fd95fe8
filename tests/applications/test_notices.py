"""Every notice, word for word: golden texts approved by reading them as a lawyer would sign them,
and properties that hold for any description an applicant may type.

The golden files in ``golden/`` are the approved documents (agency, title, number, addressee,
body, signature, date). A change of wording must change the file too, in the same commit, after
reading the new text. ``ZWGK_WRITE_GOLDEN=1`` writes the files of a failing run for that reading.
"""

import os
import re
from datetime import date
from pathlib import Path

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts.models import Role
from applications import notices, services
from applications.models import (
    Application,
    Channel,
    Delivery,
    FeeMethod,
    Form,
    Notice,
    NoticeKind,
    Outcome,
    PauseKind,
    Status,
)
from tests.applications.builders import applicant, register
from tests.factories import make_agency, make_staff

GOLDEN = Path(__file__).parent / "golden"
RECEIVED = date(2026, 3, 2)  # a Monday; signed for by the agency (post)
REPLY_ON = date(2026, 3, 20)
DESCRIPTION = "关于开展“安全生产月”活动的通知，以及2025年度安全生产检查计划。。"

# A reason for each leaf, as a clerk would write it (trailing marks included on purpose).
REPLY_INPUT = {
    Outcome.GRANTED: {"reason": "所申请的通知和检查计划共2份文件，作为本答复书附件一并送达"},
    Outcome.PARTIAL: {
        "withheld": "检查计划附件中被检查企业联系人的姓名和手机号码。",
        "ground": "denied.third_party",
        "reason": "上述内容属于个人信息，公开会对相关人员的个人隐私造成损害，本机关已对该部分作遮盖处理。",
    },
    Outcome.STATE_SECRET: {
        "reason": "该检查计划中涉及重点目标防护的部分已依法定密为秘密级，保密期限10年"
    },
    Outcome.LAW_FORBIDDEN: {
        "reason": "所申请的信息为《中华人民共和国统计法》规定应予保密的统计调查对象的原始资料"
    },
    Outcome.THREE_SAFETIES: {
        "reason": "所申请的信息包括危险化学品重大危险源的位置、储量和防护措施，公开后可能被用于危害公共安全的活动"
    },
    Outcome.THIRD_PARTY: {
        "reason": "所申请的信息含有被检查企业的生产工艺参数，该企业书面答复不同意公开并说明了合理理由"
    },
    Outcome.INTERNAL_AFFAIRS: {"reason": "所申请的检查人员分组和车辆安排属于本机关的内部工作安排"},
    Outcome.PROCESS_INFO: {"reason": "所申请的是检查计划起草过程中的讨论稿和征求意见记录"},
    Outcome.ENFORCEMENT_FILE: {"reason": "所申请的是对某企业检查形成的询问笔录和现场勘验材料"},
    Outcome.INQUIRY: {"reason": "企业登记信息请向市场监督管理部门依照有关规定查询"},
    Outcome.NOT_HELD: {"reason": "本机关检索了2024年以来的发文目录、收文登记和档案，未找到该通知"},
    Outcome.NEEDS_CREATION: {
        "reason": "您要求按乡镇统计检查发现的隐患数量，本机关没有这样的统计表"
    },
    Outcome.UNCLEAR: {"reason": "补正后的申请仍未写明所需文件的名称、文号或者形成时间等特征"},
    Outcome.COMPLAINT: {
        "reason": "您要求本机关查处某企业的违法行为，属于举报事项，本机关已转交执法监察大队依法处理"
    },
    Outcome.REPEAT: {
        "reason": "本机关已于2026年2月6日以吴利安公开〔2026〕第1号答复书答复您的相同申请"
    },
    Outcome.PUBLICATION: {
        "reason": "该通知已刊登在《利通区人民政府公报》2026年第1期，可在区图书馆和区政府门户网站查阅。"
    },
    Outcome.EXCESSIVE: {"reason": "您在1个月内提出了126件申请，所说明的理由不能说明其合理性"},
    Outcome.CONFIRM: {"reason": "您要求本机关确认此前答复中提供的文件是否为原件"},
    Outcome.NO_CORRECTION: {},
    Outcome.UNPAID_FEE: {},
    Outcome.OTHER: {
        "reason": "您申请的信息已由本机关依照《条例》第四十一条的规定予以更正，并已书面告知您",
        "basis": "《中华人民共和国政府信息公开条例》第四十一条",
    },
}


def agency_fields():
    return {
        "name": "吴忠市利通区安全生产监督管理局",
        "short_name": "利通区安监局",
        "ogi_office": "局办公室",
        "phone": "0953-2021234",
        "address": "吴忠市利通区裕民街1号",
        "reconsideration_body": "吴忠市利通区人民政府",
        "litigation_court": "吴忠市利通区人民法院",
        "notice_number_pattern": "吴利安公开〔{year}〕第{seq}号",
    }


def golden(name, text):
    """Compare with the approved text; with ZWGK_WRITE_GOLDEN=1 write it instead (to read)."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("ZWGK_WRITE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


FORBIDDEN = ("”。”", "。。", "“”", "‘’", "，。", "。，", "None", "{", "}", "（出具")


def assert_clean(case, text):
    for bad in FORBIDDEN:
        case.assertNotIn(bad, text, f"告知书含有“{bad}”：\n{text}")
    # The request is quoted once, and quotation marks pair up.
    case.assertEqual(text.count("“"), text.count("”"), text)
    case.assertEqual(text.count("‘"), text.count("’"), text)


class GoldenNoticeTests(TestCase):
    """One test per outcome (21 leaves + the referral) and per procedural notice."""

    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency(**agency_fields())
        cls.clerk = make_staff(cls.agency, Role.CLERK)
        cls.head = make_staff(cls.agency, Role.HEAD)

    def application(self, *, review=True, accept=True, description=DESCRIPTION):
        application = register(
            self.agency,
            self.clerk,
            RECEIVED,
            channel=Channel.POST,
            signed_on=RECEIVED,
            person=applicant(name="张三"),
            description=description,
            form=Form.PAPER,
            delivery=Delivery.POST,
        )
        Application.objects.filter(pk=application.pk).update(tracking_number="YS20260302-000017")
        application.refresh_from_db()
        if review:
            services.application_review(application=application, by=self.clerk, on=RECEIVED)
        if accept:
            services.application_accept(application=application, by=self.clerk, on=RECEIVED)
        return application

    def issue(self, notice, on):
        notice = services.notice_issue(notice=notice, by=self.clerk, on=on)
        text = notices.as_text(notice, self.agency)
        assert_clean(self, text)
        return notice, text

    def reply(self, application, outcome, on=REPLY_ON, **extra):
        draft = services.application_reply_draft(
            application=application,
            by=self.clerk,
            outcome=outcome,
            on=on,
            **{**REPLY_INPUT[outcome], **extra},
        )
        notice, text = self.issue(draft, on)
        application.refresh_from_db()
        self.assertEqual(
            (application.status, application.outcome, application.closed_on),
            (Status.REPLIED, outcome, on),
        )
        return notice, text

    def check_reply(self, outcome, name=None, **extra):
        _notice, text = self.reply(self.application(), outcome, **extra)
        self.assertEqual(text, golden(name or outcome.replace(".", "-"), text))

    # （一）（二）
    def test_granted(self):
        self.check_reply(Outcome.GRANTED)

    def test_granted_already_published(self):
        self.check_reply(
            Outcome.GRANTED,
            name="granted-published",
            reason="",
            published="本机关门户网站“政府信息公开”栏目“法定主动公开内容—安全生产”"
            "子栏目，2026年2月10日发布，索引号11640302MB0000002B/2026-00012。",
        )

    def test_partial(self):
        self.check_reply(Outcome.PARTIAL)

    # （三）不予公开
    def test_state_secret(self):
        self.check_reply(Outcome.STATE_SECRET)

    def test_law_forbidden(self):
        self.check_reply(Outcome.LAW_FORBIDDEN)

    def test_three_safeties(self):
        self.check_reply(Outcome.THREE_SAFETIES)

    def test_third_party_after_consulting_it(self):
        application = self.application()
        services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.THIRD_PARTY,
            party="宁夏某化工有限公司",
            on=date(2026, 3, 4),
        )
        services.application_resume(application=application, by=self.clerk, on=date(2026, 3, 16))
        _notice, text = self.reply(application, Outcome.THIRD_PARTY, on=date(2026, 3, 25))
        self.assertEqual(text, golden("denied-third_party", text))

    def test_internal_affairs(self):
        self.check_reply(Outcome.INTERNAL_AFFAIRS)

    def test_process_info(self):
        self.check_reply(Outcome.PROCESS_INFO)

    def test_enforcement_file(self):
        self.check_reply(Outcome.ENFORCEMENT_FILE)

    def test_inquiry(self):
        self.check_reply(Outcome.INQUIRY)

    # （四）无法提供
    def test_not_held(self):
        self.check_reply(Outcome.NOT_HELD)

    def test_not_held_referral_to_the_responsible_organ(self):
        self.check_reply(
            Outcome.NOT_HELD,
            name="unable-not_held-referral",
            reason="该通知由吴忠市利通区应急管理局制作并保存",
            organ="吴忠市利通区应急管理局",
            organ_contact="0953-2025678",
        )

    def test_needs_creation(self):
        self.check_reply(Outcome.NEEDS_CREATION)

    def test_unclear_after_correction(self):
        application = self.application(accept=False)
        services.application_request_correction(
            application=application,
            by=self.clerk,
            on=date(2026, 3, 3),
            days=10,
            items="请写明所需文件的名称或者文号",
        )
        services.application_receive_correction(
            application=application, by=self.clerk, on=date(2026, 3, 9)
        )
        _notice, text = self.reply(application, Outcome.UNCLEAR, on=date(2026, 3, 27))
        self.assertEqual(text, golden("unable-unclear", text))

    # （五）不予处理
    def test_complaint(self):
        self.check_reply(Outcome.COMPLAINT)

    def test_repeat(self):
        self.check_reply(Outcome.REPEAT)

    def test_publication(self):
        self.check_reply(Outcome.PUBLICATION)

    def test_excessive(self):
        self.check_reply(Outcome.EXCESSIVE)

    def test_confirm(self):
        self.check_reply(Outcome.CONFIRM)

    # （六）其他处理
    def test_no_correction(self):
        application = self.application(accept=False)
        services.application_request_correction(
            application=application,
            by=self.clerk,
            on=date(2026, 3, 3),
            days=10,
            items="请写明所需文件的名称或者文号",
        )
        _notice, text = self.reply(application, Outcome.NO_CORRECTION, on=date(2026, 3, 18))
        self.assertEqual(text, golden("other-no_correction", text))

    def test_unpaid_fee(self):
        application = self.application()
        services.application_fee_notice(
            application=application,
            by=self.clerk,
            method=FeeMethod.BY_PAGE,
            pages=120,
            on=date(2026, 3, 4),
        )
        _notice, text = self.reply(application, Outcome.UNPAID_FEE, on=date(2026, 4, 2))
        self.assertEqual(text, golden("other-unpaid_fee", text))

    def test_other(self):
        self.check_reply(Outcome.OTHER)

    # Procedural notices.
    def procedural(self, application, kind, on):
        notice = application.notices.get(kind=kind)
        _notice, text = self.issue(notice, on)
        return text

    def test_correction_notice(self):
        application = self.application(accept=False)
        services.application_request_correction(
            application=application,
            by=self.clerk,
            on=date(2026, 3, 3),
            days=10,
            items="请写明所需文件的名称、文号或者形成时间。\n请写明所需信息涉及的企业或者区域。。",
        )
        text = self.procedural(application, NoticeKind.CORRECTION, date(2026, 3, 3))
        self.assertEqual(text, golden("correction", text))

    def test_extension_notice(self):
        application = self.application()
        services.application_extend(
            application=application,
            by=self.head,
            days=15,
            on=date(2026, 3, 25),
            reason="因所需信息分散在三个年度的档案中，需要逐卷调取核对。",
        )
        text = self.procedural(application, NoticeKind.EXTENSION, date(2026, 3, 25))
        self.assertEqual(text, golden("extension", text))

    def test_third_party_consultation_letter(self):
        application = self.application()
        services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.THIRD_PARTY,
            party="宁夏某化工有限公司",
            on=date(2026, 3, 4),
        )
        text = self.procedural(application, NoticeKind.CONSULTATION, date(2026, 3, 4))
        self.assertNotIn("张三", text)  # the third party is not told who applied
        self.assertEqual(text, golden("consultation-third_party", text))

    def test_agency_consultation_letter(self):
        application = self.application()
        services.application_pause(
            application=application,
            by=self.clerk,
            kind=PauseKind.AGENCY,
            party="吴忠市利通区应急管理局",
            on=date(2026, 3, 4),
        )
        text = self.procedural(application, NoticeKind.CONSULTATION, date(2026, 3, 4))
        self.assertEqual(text, golden("consultation-agency", text))

    def test_fee_notice(self):
        application = self.application()
        services.application_fee_notice(
            application=application,
            by=self.clerk,
            method=FeeMethod.BY_PAGE,
            pages=120,
            on=date(2026, 3, 4),
        )
        self.assertEqual(application.notices.get().body.count("人民币1100.00元"), 1)
        text = self.procedural(application, NoticeKind.FEE, date(2026, 3, 4))
        self.assertEqual(text, golden("fee", text))

    def test_acknowledgement(self):
        application = self.application(review=False, accept=False)
        notice = services.application_acknowledge(application=application, by=self.clerk)
        self.assertEqual(
            services.application_acknowledge(application=application, by=self.clerk), notice
        )  # one per application
        _notice, text = self.issue(notice, RECEIVED)
        application.refresh_from_db()
        self.assertEqual(application.status, Status.REGISTERED)  # a receipt answers nothing
        self.assertEqual(text, golden("acknowledgement", text))

    def test_every_leaf_has_a_golden_test(self):
        names = {p.stem for p in GOLDEN.glob("*.txt")}
        for outcome in Outcome.values:
            self.assertIn(outcome.replace(".", "-"), names)


class RemedyTests(TestCase):
    def test_without_the_agency_settings_the_clause_names_no_one_wrongly(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        self.assertEqual(notices.missing_settings(agency), ["行政复议机关", "行政诉讼管辖法院"])
        application = register(agency, clerk, RECEIVED)
        services.application_review(application=application, by=clerk, on=RECEIVED)
        notice = services.application_reply_draft(
            application=application, by=clerk, outcome=Outcome.GRANTED, on=REPLY_ON
        )
        self.assertIn("向行政复议机关申请行政复议", notice.body)
        self.assertIn("向有管辖权的人民法院提起行政诉讼", notice.body)
        agency.reconsideration_body = "某区人民政府"
        agency.save()
        self.assertEqual(notices.missing_settings(agency), ["行政诉讼管辖法院"])

    def test_a_refusal_goes_to_reconsideration_first(self):
        """行政复议法 (2023) Art. 23(1)(4): refusing disclosure → reconsideration before suing."""
        agency = make_agency(**{**agency_fields(), "name": "某机构", "slug": "x-remedy"})
        text = notices.remedy(agency, self_name="答复书", review_first=True)
        self.assertIn("应当先申请行政复议", text)
        self.assertIn("第二十三条第一款第（四）项", text)
        self.assertNotIn("六个月", text)
        plain = notices.remedy(agency, self_name="答复书")
        self.assertIn("六十日", plain)
        self.assertIn("六个月内，依照《中华人民共和国行政诉讼法》第四十六条", plain)
        self.assertIn("向吴忠市利通区人民法院提起行政诉讼", plain)


# Descriptions as applicants type them: CJK text, digits, quotes of every kind, brackets,
# punctuation anywhere and especially at the end, blank lines.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("安全生产检查计划年度文件通知第号的和及关于")
        + list("0123456789 ")
        + list("“”‘’\"'「」《》（）〔〕【】")
        + list("。，、；：！？…,.;:!?\n")
    ),
    min_size=1,
    max_size=60,
)


class QuotingPropertyTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency(**{**agency_fields(), "name": "某区应急管理局", "slug": "prop"})
        cls.clerk = make_staff(cls.agency, Role.CLERK)
        cls.application = register(cls.agency, cls.clerk, RECEIVED)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        description=_TEXT,
        reason=_TEXT,
        withheld=_TEXT,
        outcome=st.sampled_from(list(Outcome.values)),
    )
    def test_no_notice_ever_has_doubled_marks_nested_quotes_or_placeholders(
        self, description, reason, withheld, outcome
    ):
        application = self.application
        application.description = description
        details = {
            "reason": reason,
            "withheld": withheld,
            "ground": "denied.third_party",
            "basis": "《中华人民共和国政府信息公开条例》第四十一条",
            "organ": "",
        }
        body = notices.reply_body(application, outcome, details)
        assert_clean(self, body)
        opening = body.split("\n\n")[0]
        self.assertEqual(
            opening.count("“"),
            1 if notices.quoted(description) else 0,
            "the request is quoted exactly once, with no double quotes inside",
        )
        for kind in (NoticeKind.ACKNOWLEDGEMENT,):
            assert_clean(self, notices.draft(application, kind)["body"])

    @given(description=_TEXT)
    @settings(max_examples=200, deadline=None)
    def test_the_quote_never_ends_in_punctuation(self, description):
        quote = notices.quoted(description)
        if quote:
            self.assertRegex(quote, r"^“[^“”]+”$")
            self.assertNotRegex(quote, r"[。，、；：！？.,;:!?\s]”$")
            self.assertIsNone(re.search(r"[。，、；：！？]{2}", quote))

    def test_a_description_of_only_punctuation_is_not_quoted(self):
        self.application.description = "。。。“”"
        body = notices.reply_body(self.application, Outcome.GRANTED, {})
        self.assertIn("申请获取相关政府信息。", body)
        assert_clean(self, body)

    def test_the_reported_sentence_reads_right(self):
        """Issue 14: 申请获取“申请公开…通知书。”。 — nested quotes and doubled marks."""
        self.application.description = "申请公开“关于安全生产的通知书”。"
        body = notices.reply_body(self.application, Outcome.GRANTED, {})
        self.assertIn("申请获取“申请公开‘关于安全生产的通知书’”。", body)
        self.assertIn("如对本答复书不服", body)
        self.assertNotIn("本告知书", body)


class NoticeQueryTests(TestCase):
    def test_issuing_a_reply_takes_a_constant_number_of_queries(self):
        agency = make_agency(**{**agency_fields(), "name": "某区", "slug": "q"})
        clerk = make_staff(agency, Role.CLERK)
        counts = []
        for day in (2, 3, 4):  # the first of the year also creates the year's counter
            application = register(agency, clerk, date(2026, 3, day))
            services.application_review(application=application, by=clerk, on=date(2026, 3, day))
            draft = services.application_reply_draft(
                application=application, by=clerk, outcome=Outcome.GRANTED, on=REPLY_ON
            )
            with CaptureQueriesContext(connection) as ctx:
                services.notice_issue(notice=draft, by=clerk, on=REPLY_ON)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(counts[1], counts[2])
        self.assertEqual(
            list(Notice.objects.order_by("issued_on", "id").values_list("number", flat=True)),
            ["吴利安公开〔2026〕第1号", "吴利安公开〔2026〕第2号", "吴利安公开〔2026〕第3号"],
        )
