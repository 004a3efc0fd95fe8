"""Each workflow step: its success path and its refusals (clear message, nothing changed)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from accounts.models import Role
from applications import services
from applications.models import (
    AppealKind,
    AppealResult,
    Application,
    ApplicationEvent,
    EventKind,
    FeeMethod,
    NoticeKind,
    NoticeStatus,
    Outcome,
    PauseKind,
    Status,
)
from tests.applications.builders import applicant, handling, register
from tests.factories import make_agency, make_staff

RECEIVED = date(2024, 6, 14)


def codes(exc):
    """Every error code a ValidationError carries, by field or not."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


class TransitionTableTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def assertRefused(self, call, code, **kwargs):
        application = kwargs["application"]
        before = Application.objects.get(pk=application.pk)
        events = ApplicationEvent.objects.count()
        with self.assertRaises(ValidationError) as ctx:
            call(by=self.clerk, **kwargs)
        self.assertIn(code, codes(ctx.exception))
        after = Application.objects.get(pk=application.pk)
        self.assertEqual(
            (after.status, after.due_date, after.outcome),
            (before.status, before.due_date, before.outcome),
        )
        self.assertEqual(ApplicationEvent.objects.count(), events)
        return ctx.exception

    def test_register_review_accept_reply_archive(self):
        application = register(self.agency, self.clerk, RECEIVED)
        self.assertEqual(application.status, Status.REGISTERED)
        application = services.application_review(
            application=application, by=self.clerk, on=RECEIVED
        )
        self.assertEqual(application.status, Status.REVIEWING)
        application = services.application_accept(
            application=application, by=self.clerk, on=RECEIVED
        )
        self.assertEqual(application.status, Status.HANDLING)
        self.assertRefused(
            services.application_reply_draft,
            "withheld_required",
            application=application,
            outcome=Outcome.PARTIAL,
            on=date(2024, 7, 1),
        )
        notice = services.application_reply_draft(
            application=application,
            by=self.clerk,
            outcome=Outcome.PARTIAL,
            on=date(2024, 7, 1),
            withheld="检查记录中企业员工的姓名",
            ground="denied.third_party",
        )
        application.refresh_from_db()
        # A draft reply answers nothing: the application is still being handled.
        self.assertEqual(
            (application.status, application.outcome, application.closed_on),
            (Status.HANDLING, "", None),
        )
        self.assertIn("第三十七条", notice.legal_basis)
        self.assertIn("第十五条", notice.legal_basis)
        self.assertEqual(notice.addressee, "张测试")
        services.notice_issue(notice=notice, by=self.clerk, on=date(2024, 7, 3))
        application.refresh_from_db()
        notice.refresh_from_db()
        self.assertEqual(
            (application.status, application.outcome, application.closed_on),
            (Status.REPLIED, Outcome.PARTIAL, date(2024, 7, 3)),
        )
        self.assertEqual(notice.number, "公开〔2024〕第1号")
        application = services.application_archive(
            application=application, by=self.clerk, on=date(2024, 7, 4)
        )
        self.assertEqual(application.status, Status.ARCHIVED)
        kinds = list(application.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            [
                EventKind.REGISTERED,
                EventKind.REVIEW,
                EventKind.ACCEPTED,
                EventKind.REPLY_DRAFTED,
                EventKind.REPLIED,
                EventKind.ARCHIVED,
            ],
        )
        self.assertIn("公开〔2024〕第1号", application.events.get(kind=EventKind.REPLIED).note)

    def test_illegal_moves_are_refused_with_the_current_status(self):
        application = register(self.agency, self.clerk, RECEIVED)
        exc = self.assertRefused(
            services.application_accept, "illegal_transition", application=application, on=RECEIVED
        )
        self.assertIn("已登记", exc.messages[0])
        self.assertRefused(
            services.application_resume, "illegal_transition", application=application, on=RECEIVED
        )
        self.assertRefused(
            services.application_fee_paid,
            "illegal_transition",
            application=application,
            amount=Decimal(1),
            on=RECEIVED,
        )

    def test_reply_to_an_archived_application_is_refused(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        services.application_withdraw(application=application, by=self.clerk, on=RECEIVED)
        services.application_archive(application=application, by=self.clerk, on=RECEIVED)
        exc = self.assertRefused(
            services.application_reply,
            "illegal_transition",
            application=application,
            outcome=Outcome.GRANTED,
            on=RECEIVED,
        )
        self.assertIn("已归档", exc.messages[0])

    def test_reply_needs_an_outcome(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        self.assertRefused(
            services.application_reply,
            "outcome_required",
            application=application,
            outcome="",
            on=RECEIVED,
        )
        self.assertRefused(
            services.application_reply,
            "outcome_invalid",
            application=application,
            outcome="denied",
            on=RECEIVED,
        )

    def test_reply_before_receipt_is_refused(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        exc = self.assertRefused(
            services.application_reply,
            "date_order",
            application=application,
            outcome=Outcome.GRANTED,
            on=date(2024, 6, 1),
        )
        self.assertIn("不能早于收到申请日期", exc.messages[0])

    def test_dates_in_the_future_are_refused(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        self.assertRefused(
            services.application_reply,
            "future_date",
            application=application,
            outcome=Outcome.GRANTED,
            on=date(2099, 1, 1),
        )

    def test_the_special_closing_outcomes_need_their_situation(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        for outcome in (Outcome.NO_CORRECTION, Outcome.UNPAID_FEE):
            self.assertRefused(
                services.application_reply,
                "outcome_status",
                application=application,
                outcome=outcome,
                on=RECEIVED,
            )

    def test_withdrawal_closes_as_other(self):
        application = register(self.agency, self.clerk, RECEIVED)
        application = services.application_withdraw(
            application=application, by=self.clerk, on=date(2024, 6, 17), reason="来电撤回"
        )
        self.assertEqual(
            (application.status, application.outcome, application.closed_on),
            (Status.WITHDRAWN, Outcome.OTHER, date(2024, 6, 17)),
        )
        self.assertRefused(
            services.application_withdraw,
            "illegal_transition",
            application=application,
            on=date(2024, 6, 17),
        )

    def test_staff_of_another_agency_cannot_act(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        stranger = make_staff(make_agency(), Role.CLERK)
        with self.assertRaises(PermissionDenied):
            services.application_reply(
                application=application, by=stranger, outcome=Outcome.GRANTED, on=RECEIVED
            )


class CorrectionTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application = register(self.agency, self.clerk, RECEIVED)
        services.application_review(application=self.application, by=self.clerk, on=RECEIVED)

    def test_correction_more_than_seven_working_days_after_receipt_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            services.application_request_correction(
                application=self.application, by=self.clerk, items="写明名称", on=date(2024, 6, 26)
            )
        self.assertEqual(ctx.exception.code, "correction_too_late")
        self.assertIn("2024-06-25", ctx.exception.messages[0])

    def test_correction_only_once(self):
        application = services.application_request_correction(
            application=self.application, by=self.clerk, items="写明名称", on=date(2024, 6, 17)
        )
        self.assertTrue(application.notices.filter(kind=NoticeKind.CORRECTION).exists())
        application = services.application_receive_correction(
            application=application, by=self.clerk, on=date(2024, 6, 20)
        )
        with self.assertRaises(ValidationError) as ctx:
            services.application_request_correction(
                application=application, by=self.clerk, items="再补正", on=date(2024, 6, 21)
            )
        self.assertEqual(ctx.exception.code, "correction_once")

    def test_no_correction_in_time_closes_as_other_1(self):
        application = services.application_request_correction(
            application=self.application,
            by=self.clerk,
            items="写明名称",
            on=date(2024, 6, 17),
            days=5,
        )
        self.assertEqual(application.correction_due, date(2024, 6, 24))
        with self.assertRaises(ValidationError) as ctx:
            services.application_receive_correction(
                application=application, by=self.clerk, on=date(2024, 6, 25)
            )
        self.assertEqual(ctx.exception.code, "correction_late")
        with self.assertRaises(ValidationError) as ctx:
            services.application_reply(
                application=application,
                by=self.clerk,
                outcome=Outcome.NO_CORRECTION,
                on=date(2024, 6, 24),
            )
        self.assertEqual(ctx.exception.code, "correction_not_due")
        application = services.application_reply(
            application=application,
            by=self.clerk,
            outcome=Outcome.NO_CORRECTION,
            on=date(2024, 6, 25),
        )
        self.assertEqual(application.outcome, Outcome.NO_CORRECTION)


class ExtensionTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)
        self.application = handling(self.agency, self.clerk, RECEIVED)

    def test_only_the_head_may_extend(self):
        with self.assertRaises(PermissionDenied):
            services.application_extend(
                application=self.application,
                by=self.clerk,
                days=10,
                reason="档案",
                on=date(2024, 7, 1),
            )
        district_admin = make_staff(make_agency(), Role.DISTRICT_ADMIN)
        with self.assertRaises(PermissionDenied):
            services.application_extend(
                application=self.application,
                by=district_admin,
                days=10,
                reason="档案",
                on=date(2024, 7, 1),
            )

    def test_extension_at_most_twenty_days_with_a_reason(self):
        for days, reason, code in [
            (21, "档案", "days"),
            (0, "档案", "days"),
            (10, " ", "reason_required"),
        ]:
            with self.subTest(days=days), self.assertRaises(ValidationError) as ctx:
                services.application_extend(
                    application=self.application,
                    by=self.head,
                    days=days,
                    reason=reason,
                    on=date(2024, 7, 1),
                )
            self.assertIn(code, codes(ctx.exception))

    def test_extend_twice_is_refused(self):
        application = services.application_extend(
            application=self.application, by=self.head, days=5, reason="档案", on=date(2024, 7, 1)
        )
        self.assertTrue(application.notices.filter(kind=NoticeKind.EXTENSION).exists())
        with self.assertRaises(ValidationError) as ctx:
            services.application_extend(
                application=application, by=self.head, days=5, reason="档案", on=date(2024, 7, 2)
            )
        self.assertEqual(ctx.exception.code, "extended_once")

    def test_extension_after_the_due_date_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            services.application_extend(
                application=self.application,
                by=self.head,
                days=5,
                reason="档案",
                on=date(2024, 7, 15),
            )
        self.assertEqual(ctx.exception.code, "already_due")


class ConsultationAndFeeTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application = handling(self.agency, self.clerk, RECEIVED)

    def test_pause_needs_a_party_and_drafts_a_letter(self):
        with self.assertRaises(ValidationError):
            services.application_pause(
                application=self.application,
                by=self.clerk,
                kind=PauseKind.AGENCY,
                party="",
                on=date(2024, 6, 17),
            )
        application = services.application_pause(
            application=self.application,
            by=self.clerk,
            kind=PauseKind.AGENCY,
            party="区财政局",
            on=date(2024, 6, 17),
        )
        self.assertEqual(application.status, Status.CONSULTING)
        self.assertTrue(application.notices.filter(kind=NoticeKind.CONSULTATION).exists())
        with self.assertRaises(ValidationError):
            services.application_pause(
                application=application,
                by=self.clerk,
                kind=PauseKind.AGENCY,
                party="又一个",
                on=date(2024, 6, 18),
            )

    def test_fee_by_count_is_free_for_the_first_ten_of_a_month(self):
        with self.assertRaises(ValidationError) as ctx:
            services.application_fee_notice(
                application=self.application,
                by=self.clerk,
                method=FeeMethod.BY_COUNT,
                on=date(2024, 6, 17),
            )
        self.assertEqual(ctx.exception.code, "fee_free")

    def test_fee_by_count_charges_the_eleventh_application_of_the_month(self):
        for _ in range(10):
            register(self.agency, self.clerk, date(2024, 6, 3))
        # The same applicant, identified by the blind index of the ID number.
        application = handling(self.agency, self.clerk, date(2024, 6, 20))
        application = services.application_fee_notice(
            application=application, by=self.clerk, method=FeeMethod.BY_COUNT, on=date(2024, 6, 21)
        )
        self.assertEqual((application.fee_units, application.fee_amount), (12, Decimal(100)))
        self.assertEqual(application.status, Status.FEE_PENDING)

    def test_other_applicants_do_not_count(self):
        for n in range(12):
            register(
                self.agency, self.clerk, date(2024, 6, 3), person=applicant(id_number=_valid_id(n))
            )
        with self.assertRaises(ValidationError):
            services.application_fee_notice(
                application=self.application,
                by=self.clerk,
                method=FeeMethod.BY_COUNT,
                on=date(2024, 6, 17),
            )

    def test_payment_must_match_and_unpaid_fee_closes_as_other_2(self):
        application = services.application_fee_notice(
            application=self.application,
            by=self.clerk,
            method=FeeMethod.BY_PAGE,
            pages=31,
            on=date(2024, 6, 17),
        )
        self.assertEqual(application.fee_amount, Decimal(10))
        with self.assertRaises(ValidationError):
            services.application_fee_paid(
                application=application, by=self.clerk, amount=Decimal(5), on=date(2024, 6, 18)
            )
        with self.assertRaises(ValidationError) as ctx:
            services.application_reply(
                application=application,
                by=self.clerk,
                outcome=Outcome.UNPAID_FEE,
                on=date(2024, 7, 15),
            )
        self.assertEqual(ctx.exception.code, "fee_not_due")
        application = services.application_reply(
            application=application, by=self.clerk, outcome=Outcome.UNPAID_FEE, on=date(2024, 7, 16)
        )
        self.assertEqual(application.outcome, Outcome.UNPAID_FEE)
        self.assertIsNotNone(application.pauses.get().ended_on)


class NoticeTests(TestCase):
    def setUp(self):
        self.agency = make_agency(name="某区应急管理局")
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application = handling(self.agency, self.clerk, RECEIVED)
        self.notice = services.application_reply_draft(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.NOT_HELD,
            on=date(2024, 7, 1),
            reason="本机关检索了2023年以来的发文",
        )

    def test_draft_is_generated_with_the_legal_basis_and_no_personal_data(self):
        self.assertIn("第三十六条第（四）项", self.notice.body)
        self.assertIn(self.application.tracking_number, self.notice.body)
        self.assertNotIn("13812345678", self.notice.body)
        self.assertIn("行政复议", self.notice.body)

    def test_draft_is_editable_and_frozen_once_issued(self):
        notice = services.notice_update(notice=self.notice, by=self.clerk, body="改过的正文")
        self.assertEqual(notice.number, "")
        notice = services.notice_issue(notice=notice, by=self.clerk, on=date(2024, 7, 1))
        self.assertEqual(
            (notice.status, notice.body, notice.number),
            (NoticeStatus.ISSUED, "改过的正文", "公开〔2024〕第1号"),
        )
        with self.assertRaises(ValidationError) as ctx:
            services.notice_update(notice=notice, by=self.clerk, body="再改")
        self.assertEqual(ctx.exception.code, "notice_frozen")
        with self.assertRaises(ValidationError):
            services.notice_issue(notice=notice, by=self.clerk, on=date(2024, 7, 2))

    def test_redrafting_replaces_the_draft(self):
        notice = services.application_reply_draft(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.GRANTED,
            on=date(2024, 7, 1),
        )
        self.assertEqual(notice.pk, self.notice.pk)
        self.assertEqual(self.application.notices.count(), 1)
        self.assertIn("第三十六条第（二）项", notice.body)

    def test_numbers_follow_the_pattern_without_gaps_and_restart_each_year(self):
        self.agency.notice_number_pattern = "某应急公开〔{year}〕第{seq}号"
        self.agency.save()
        issued = services.notice_issue(notice=self.notice, by=self.clerk, on=date(2024, 7, 1))
        other = handling(self.agency, self.clerk, RECEIVED)
        refused = services.application_reply_draft(
            application=other, by=self.clerk, outcome=Outcome.GRANTED, on=date(2024, 7, 1)
        )
        services.application_withdraw(application=other, by=self.clerk, on=date(2024, 7, 1))
        with self.assertRaises(ValidationError):  # withdrawn meanwhile: no number is used up
            services.notice_issue(notice=refused, by=self.clerk, on=date(2024, 7, 2))
        third = handling(self.agency, self.clerk, RECEIVED)
        second = services.application_reply_draft(
            application=third, by=self.clerk, outcome=Outcome.GRANTED, on=date(2024, 7, 1)
        )
        second = services.notice_issue(notice=second, by=self.clerk, on=date(2024, 7, 2))
        fourth = handling(self.agency, self.clerk, RECEIVED)
        next_year = services.application_reply_draft(
            application=fourth, by=self.clerk, outcome=Outcome.GRANTED, on=date(2024, 7, 1)
        )
        next_year = services.notice_issue(notice=next_year, by=self.clerk, on=date(2025, 1, 6))
        self.assertEqual(
            [issued.number, second.number, next_year.number],
            ["某应急公开〔2024〕第1号", "某应急公开〔2024〕第2号", "某应急公开〔2025〕第1号"],
        )

    def test_the_reply_is_late_or_on_time_by_its_issue_date(self):
        application = self.application
        self.assertEqual(application.due_date, date(2024, 7, 12))
        services.notice_issue(notice=self.notice, by=self.clerk, on=date(2024, 7, 15))
        application.refresh_from_db()
        self.assertEqual(application.closed_on, date(2024, 7, 15))
        self.assertGreater(application.closed_on, application.due_date)


class AppealTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.application = handling(self.agency, self.clerk, RECEIVED)

    def test_appeal_only_after_the_answer(self):
        with self.assertRaises(ValidationError) as ctx:
            services.appeal_record(
                application=self.application,
                by=self.clerk,
                kind=AppealKind.RECONSIDERATION,
                filed_on=date(2024, 7, 1),
            )
        self.assertEqual(ctx.exception.code, "not_closed")

    def test_record_and_decide(self):
        services.application_reply(
            application=self.application,
            by=self.clerk,
            outcome=Outcome.STATE_SECRET,
            on=date(2024, 7, 1),
        )
        with self.assertRaises(ValidationError) as ctx:
            services.appeal_record(
                application=self.application,
                by=self.clerk,
                kind=AppealKind.LITIGATION_AFTER,
                filed_on=date(2024, 8, 1),
            )
        self.assertEqual(ctx.exception.code, "no_reconsideration")
        appeal = services.appeal_record(
            application=self.application,
            by=self.clerk,
            kind=AppealKind.RECONSIDERATION,
            filed_on=date(2024, 8, 1),
        )
        self.assertEqual(appeal.result, AppealResult.PENDING)
        with self.assertRaises(ValidationError):
            services.appeal_decide(
                appeal=appeal,
                by=self.clerk,
                result=AppealResult.UPHELD,
                decided_on=date(2024, 7, 30),
            )
        appeal = services.appeal_decide(
            appeal=appeal,
            by=self.clerk,
            result=AppealResult.CORRECTED,
            decided_on=date(2024, 9, 30),
        )
        self.assertEqual(appeal.result, AppealResult.CORRECTED)
        with self.assertRaises(ValidationError) as ctx:
            services.appeal_decide(
                appeal=appeal,
                by=self.clerk,
                result=AppealResult.UPHELD,
                decided_on=date(2024, 10, 1),
            )
        self.assertEqual(ctx.exception.code, "already_decided")
        later = services.appeal_record(
            application=self.application,
            by=self.clerk,
            kind=AppealKind.LITIGATION_AFTER,
            filed_on=date(2024, 10, 8),
        )
        self.assertEqual(later.kind, AppealKind.LITIGATION_AFTER)


class RegistrationTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def test_invalid_id_checksum_is_refused(self):
        bad = applicant(id_number="110101199003071230")
        with self.assertRaises(ValidationError) as ctx:
            register(self.agency, self.clerk, RECEIVED, person=bad)
        self.assertIn("校验位", str(ctx.exception))
        self.assertFalse(Application.objects.exists())

    def test_organisations_need_name_and_credit_code(self):
        with self.assertRaises(ValidationError) as ctx:
            register(self.agency, self.clerk, RECEIVED, applicant_type="commercial")
        self.assertEqual(set(ctx.exception.error_dict), {"org_name", "credit_code"})

    def test_public_submission_repeats_the_same_application_and_code_for_the_same_key(self):
        first, code = services.application_submit(
            agency=self.agency,
            applicant=applicant(),
            applicant_type="natural_person",
            description="某文件",
            form="electronic",
            delivery="online",
            submission_key="k1",
        )
        self.assertTrue(code)
        again, code2 = services.application_submit(
            agency=self.agency,
            applicant=applicant(),
            applicant_type="natural_person",
            description="某文件",
            form="electronic",
            delivery="online",
            submission_key="k1",
        )
        # The same submission: the same receipt, code included (issue 14), nothing new.
        self.assertEqual((again.pk, code2), (first.pk, code))
        self.assertEqual(Application.objects.count(), 1)
        self.assertTrue(services.code_matches(first, code.lower().replace("-", " ")))
        self.assertFalse(services.code_matches(first, "AAAA-AAAA-AAAA-AAAA"))
        self.assertFalse(services.code_matches(None, code))


def _valid_id(n):
    from applications.validators import resident_id_check_char

    first17 = f"64030219800101{n:03d}"
    return first17 + resident_id_check_char(first17)
