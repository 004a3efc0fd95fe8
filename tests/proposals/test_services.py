from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from proposals import services
from proposals.models import (
    AnswerClass,
    Event,
    EventKind,
    HandlingMode,
    Proposal,
    PublicationStatus,
    Satisfaction,
    Status,
)
from tests.proposals.records import Unit, answer_class, make_session, publish, register, reply
from workdays.models import CalendarYear


def refused(test, error_code, call, **kwargs):
    """Assert the call raises the coded ValidationError; return the message for inspection."""
    with test.assertRaises(ValidationError) as caught:
        call(**kwargs)
    test.assertEqual(caught.exception.code, error_code)
    return caught.exception.messages[0]


class RegisterTests(TestCase):
    def setUp(self):
        self.unit, self.co = Unit(), Unit()
        self.session = make_session()

    def test_registration_sets_the_three_month_due_date_and_writes_an_event(self):
        proposal = register(
            self.unit,
            session=self.session,
            number="12",
            assigned=date(2023, 1, 31),
            co_units=[self.co, self.unit],
        )
        self.assertEqual(proposal.due_date, date(2023, 4, 30))
        self.assertEqual(proposal.status, Status.HANDLING)
        self.assertEqual(
            list(proposal.co_units.all()), [self.co.agency]
        )  # the lead is not its own co-unit
        self.assertEqual(list(proposal.events.values_list("kind", flat=True)), [EventKind.REGISTER])

    def test_duplicate_number_in_a_session_is_refused_and_nothing_changes(self):
        register(self.unit, session=self.session, number="12")
        message = refused(
            self, "duplicate_number", register, unit=self.unit, session=self.session, number="12"
        )
        self.assertIn("12", message)
        self.assertEqual(Proposal.objects.count(), 1)
        register(self.unit, session=make_session(), number="12")  # other sessions number their own

    def test_future_assignment_date_is_refused(self):
        tomorrow = timezone.localdate() + timedelta(days=1)
        refused(self, "future_date", register, unit=self.unit, assigned=tomorrow)

    def test_joint_handling_needs_a_co_unit(self):
        refused(self, "no_co_units", register, unit=self.unit, handling_mode=HandlingMode.JOINT)

    def test_only_the_lead_units_staff_register(self):
        with self.assertRaises(PermissionDenied):
            services.proposal_register(
                by=self.co.clerk,
                session=self.session,
                kind="npc_suggestion",
                number="1",
                title="t",
                content="c",
                proposer="p",
                lead_unit=self.unit.agency,
                assigned_date=date(2024, 1, 2),
            )
        self.assertFalse(Proposal.objects.exists())

    def test_blank_title_is_refused(self):
        refused(self, "required", register, unit=self.unit, title="  ")


class ExtendTests(TestCase):
    def setUp(self):
        self.unit = Unit()
        self.proposal = register(self.unit, assigned=date(2023, 8, 31))

    def test_extension_defaults_to_six_months_and_keeps_the_reason(self):
        services.proposal_extend(
            proposal=self.proposal, by=self.unit.head, reason="涉及多个部门，情况复杂"
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.due_date, date(2024, 2, 29))
        self.assertEqual(self.proposal.extension_reason, "涉及多个部门，情况复杂")
        event = self.proposal.events.get(kind=EventKind.EXTEND)
        self.assertEqual(event.data["old_due"], "2023-11-30")

    def test_extension_beyond_six_months_is_refused(self):
        message = refused(
            self,
            "beyond_six_months",
            services.proposal_extend,
            proposal=self.proposal,
            by=self.unit.head,
            reason="复杂",
            due_date=date(2024, 3, 1),
        )
        self.assertIn("6个月", message)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.due_date, date(2023, 11, 30))
        self.assertFalse(self.proposal.events.filter(kind=EventKind.EXTEND).exists())

    def test_extension_needs_a_reason_a_later_date_and_a_reviewer(self):
        refused(
            self,
            "required",
            services.proposal_extend,
            proposal=self.proposal,
            by=self.unit.head,
            reason=" ",
        )
        refused(
            self,
            "not_later",
            services.proposal_extend,
            proposal=self.proposal,
            by=self.unit.head,
            reason="复杂",
            due_date=date(2023, 11, 1),
        )
        with self.assertRaises(PermissionDenied):
            services.proposal_extend(proposal=self.proposal, by=self.unit.clerk, reason="复杂")

    def test_a_replied_proposal_is_not_extended(self):
        reply(self.unit, self.proposal, on=date(2023, 10, 9))
        refused(
            self,
            "not_open",
            services.proposal_extend,
            proposal=self.proposal,
            by=self.unit.head,
            reason="x",
        )


class OpinionTests(TestCase):
    def setUp(self):
        self.unit, self.co, self.other = Unit(), Unit(), Unit()
        self.proposal = register(self.unit, co_units=[self.co], handling_mode=HandlingMode.JOINT)

    def add(self, by=None, agency=None, on=date(2024, 3, 1)):
        return services.proposal_add_opinion(
            proposal=self.proposal,
            by=by or self.co.clerk,
            agency=agency or self.co.agency,
            text="同意。",
            given_on=on,
        )

    def test_co_unit_staff_add_their_opinion(self):
        opinion = self.add()
        self.assertEqual(opinion.agency, self.co.agency)
        self.assertTrue(self.proposal.events.filter(kind=EventKind.ADD_OPINION).exists())

    def test_only_co_units_and_their_own_staff(self):
        refused(self, "not_co_unit", self.add, by=self.other.clerk, agency=self.other.agency)
        with self.assertRaises(PermissionDenied):
            self.add(by=self.other.clerk)
        refused(self, "before_assignment", self.add, on=date(2024, 1, 1))
        self.assertFalse(self.proposal.opinions.exists())


class ReplyTests(TestCase):
    def setUp(self):
        self.unit, self.co = Unit(), Unit()
        self.proposal = register(self.unit, assigned=date(2024, 1, 31))

    def test_reply_on_time_records_class_and_event(self):
        reply(self.unit, self.proposal, on=date(2024, 4, 30))
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Status.REPLIED)
        self.assertTrue(self.proposal.replied_on_time)  # 31 January + 3 months = 30 April
        self.assertEqual(self.proposal.answer_class.code, "A")
        self.assertTrue(self.proposal.events.get(kind=EventKind.REPLY).data["on_time"])

    def test_a_late_reply_is_recorded_as_late(self):
        reply(self.unit, self.proposal, on=date(2024, 5, 6))
        self.proposal.refresh_from_db()
        self.assertFalse(self.proposal.replied_on_time)

    def test_reply_date_before_assignment_is_refused_and_nothing_changes(self):
        message = refused(
            self,
            "before_assignment",
            reply,
            unit=self.unit,
            proposal=self.proposal,
            on=date(2024, 1, 30),
        )
        self.assertIn("交办日期", message)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Status.HANDLING)
        self.assertIsNone(self.proposal.reply_date)

    def test_co_unit_opinions_come_before_the_reply(self):
        proposal = register(self.unit, co_units=[self.co])
        message = refused(self, "missing_opinions", reply, unit=self.unit, proposal=proposal)
        self.assertIn(self.co.agency.name, message)
        services.proposal_add_opinion(
            proposal=proposal,
            by=self.co.clerk,
            agency=self.co.agency,
            text="同意",
            given_on=date(2024, 2, 5),
        )
        reply(self.unit, proposal)

    def test_split_handling_needs_no_opinions(self):
        proposal = register(self.unit, co_units=[self.co], handling_mode=HandlingMode.SPLIT)
        reply(self.unit, proposal)

    def test_clerks_do_not_sign_replies_and_retired_classes_are_refused(self):
        with self.assertRaises(PermissionDenied):
            services.proposal_reply(
                proposal=self.proposal,
                by=self.unit.clerk,
                reply_date=date(2024, 3, 1),
                reply_number="",
                reply_text="x",
                signatory="x",
                answer_class=answer_class(),
            )
        AnswerClass.objects.filter(code="C").update(is_active=False)
        refused(self, "answer_class", reply, unit=self.unit, proposal=self.proposal, code="C")

    def test_configured_classes_need_no_code(self):
        AnswerClass.objects.create(code="甲", name="已经解决", sort_order=1)
        reply(self.unit, self.proposal, code="甲")
        self.proposal.refresh_from_db()
        self.assertEqual(str(self.proposal.answer_class), "甲类（已经解决）")


class FeedbackAndReopenTests(TestCase):
    def setUp(self):
        self.unit = Unit()
        self.proposal = register(self.unit, assigned=date(2024, 1, 31))

    def feedback(self, satisfaction, on=date(2024, 4, 20)):
        return services.proposal_feedback(
            proposal=self.proposal, by=self.unit.clerk, satisfaction=satisfaction, feedback_date=on
        )

    def test_feedback_only_after_the_reply_and_not_before_it(self):
        refused(self, "not_replied", self.feedback, satisfaction=Satisfaction.SATISFIED)
        reply(self.unit, self.proposal, on=date(2024, 4, 15))
        refused(
            self,
            "before_reply",
            self.feedback,
            satisfaction=Satisfaction.SATISFIED,
            on=date(2024, 4, 1),
        )
        refused(self, "satisfaction", self.feedback, satisfaction=Satisfaction.NONE)
        self.feedback(Satisfaction.BASIC)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.satisfaction, Satisfaction.BASIC)

    def test_unsatisfied_reopens_for_rehandling_keeping_the_first_reply(self):
        reply(self.unit, self.proposal, on=date(2024, 4, 15), code="C", text="暂不具备条件。")
        refused(
            self,
            "not_unsatisfied",
            services.proposal_reopen,
            proposal=self.proposal,
            by=self.unit.head,
            reason="代表不满意",
        )
        self.feedback(Satisfaction.UNSATISFIED)
        services.proposal_reopen(
            proposal=self.proposal, by=self.unit.head, reason="代表不满意，重新办理"
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Status.REHANDLING)
        self.assertEqual(self.proposal.reopen_count, 1)
        previous = self.proposal.events.get(kind=EventKind.REOPEN).data["previous"]
        self.assertEqual(previous["reply_text"], "暂不具备条件。")
        self.assertEqual(previous["answer_class"], "C")
        self.assertTrue(self.proposal.is_open)
        reply(self.unit, self.proposal, on=timezone.localdate(), code="A", text="已协调解决。")
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.satisfaction, Satisfaction.NONE)  # awaiting the new feedback
        self.assertEqual(self.proposal.reply_text, "已协调解决。")


class PublicationTests(TestCase):
    def setUp(self):
        self.unit = Unit()
        self.proposal = register(self.unit, assigned=date(2024, 1, 31))
        reply(self.unit, self.proposal, on=date(2024, 4, 15))

    def submit(self, **kwargs):
        values = {"mode": "full"}
        values.update(kwargs)
        return services.proposal_submit_publication(
            proposal=self.proposal, by=self.unit.clerk, **values
        )

    def test_publishing_without_review_is_refused(self):
        refused(
            self,
            "not_reviewed",
            services.proposal_publish,
            proposal=self.proposal,
            by=self.unit.head,
        )
        self.submit()
        refused(
            self,
            "not_reviewed",
            services.proposal_publish,
            proposal=self.proposal,
            by=self.unit.head,
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.publication_status, PublicationStatus.IN_REVIEW)
        self.assertIsNone(self.proposal.published_date)

    def test_reviewed_publication_counts_working_days_since_the_reply(self):
        publish(self.unit, self.proposal, on=date(2024, 5, 6))
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.publication_status, PublicationStatus.PUBLISHED)
        # 16–19 and 22–26 April, Sunday 28 April (make-up day), 29–30 April, then 6 May after the
        # 1–5 May holiday: 13 working days.
        self.assertEqual(self.proposal.publication_lag, 13)
        kinds = list(self.proposal.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            [
                EventKind.REGISTER,
                EventKind.REPLY,
                EventKind.SUBMIT,
                EventKind.REVIEW,
                EventKind.PUBLISH,
            ],
        )
        self.assertTrue(Proposal.objects.published().filter(pk=self.proposal.pk).exists())

    def test_publishing_in_a_year_without_calendar_still_works_without_a_guessed_lag(self):
        CalendarYear.objects.filter(year=2024).delete()
        publish(self.unit, self.proposal, on=date(2024, 5, 6))
        self.proposal.refresh_from_db()
        self.assertTrue(self.proposal.is_published)
        self.assertIsNone(self.proposal.publication_lag)

    def test_summary_and_withholding_need_their_text(self):
        refused(self, "summary_required", self.submit, mode="summary")
        refused(self, "reason_required", self.submit, mode="withheld")
        refused(self, "mode", self.submit, mode="secret")

    def test_contact_details_cannot_be_submitted_for_publication(self):
        message = refused(
            self, "contact_leak", self.submit, mode="summary", summary="请联系13912345678。"
        )
        self.assertIn("13912345678", message)

    def test_the_content_check_holds_the_review_until_each_hit_has_a_reason(self):
        """An ID number or a secrecy mark in the text to publish: the reviewer fixes it (returns
        it) or gives a reason per hit; the reasons follow the reply onto its catalog item."""
        from disclosure.models import ContentHitDecision
        from proposals.catalog import content_hits

        self.proposal = self.submit(
            mode="summary", summary="经核实，申请人身份证号11010519491231002X。机密★1年"
        )
        hits = content_hits(self.proposal)
        self.assertEqual(sorted(hit.kind for hit in hits), ["id_number", "secrecy"])
        message = refused(
            self,
            "content_hits_unresolved",
            services.proposal_review_publication,
            proposal=self.proposal,
            by=self.unit.reviewer,
            approved=True,
            hit_reasons={hits[0].fingerprint: "已核实可公开"},
        )
        self.assertIn("1 处提示未处理", message)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.publication_status, PublicationStatus.IN_REVIEW)
        reasons = {hit.fingerprint: f"理由{n}" for n, hit in enumerate(hits)}
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.reviewer, approved=True, hit_reasons=reasons
        )
        review = self.proposal.events.get(kind=EventKind.REVIEW)
        recorded = review.data["content_hits"]
        self.assertEqual({d["fingerprint"]: d["reason"] for d in recorded}, reasons)
        self.assertNotIn("11010519491231002X", str(review.data))  # masked, never the number
        services.proposal_publish(
            proposal=self.proposal, by=self.unit.head, published_date=date(2024, 5, 6)
        )
        self.proposal.refresh_from_db()
        item = self.proposal.catalog_item
        self.assertEqual(item.status, "published")
        decided = ContentHitDecision.objects.filter(item=item)
        self.assertEqual(dict(decided.values_list("fingerprint", "reason")), reasons)
        self.assertEqual({d.decided_by for d in decided}, {self.unit.reviewer})

    def test_who_submitted_the_publication_cannot_approve_it_alone(self):
        services.proposal_submit_publication(proposal=self.proposal, by=self.unit.head, mode="full")
        refused(
            self,
            "four_eyes",
            services.proposal_review_publication,
            proposal=self.proposal,
            by=self.unit.head,
            approved=True,
        )
        # Sending it back is no approval: allowed.
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.head, approved=False, opinion="改为摘要公开"
        )
        self.unit.agency.self_review_allowed = True
        self.unit.agency.save()
        services.proposal_submit_publication(
            proposal=self.proposal, by=self.unit.head, mode="summary", summary="已列入计划。"
        )
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.head, approved=True
        )
        review = self.proposal.events.filter(kind=EventKind.REVIEW).last()
        self.assertTrue(review.data["self_review"])

    def test_returning_a_text_with_hits_needs_no_reasons(self):
        self.submit(mode="summary", summary="联系人手机13800138000。")
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.reviewer, approved=False, opinion="删去手机号"
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.publication_status, PublicationStatus.RETURNED)

    def test_returned_review_needs_an_opinion_and_can_be_resubmitted(self):
        self.submit()
        refused(
            self,
            "opinion_required",
            services.proposal_review_publication,
            proposal=self.proposal,
            by=self.unit.reviewer,
            approved=False,
        )
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.reviewer, approved=False, opinion="摘要公开即可"
        )
        self.submit(mode="summary", summary="已纳入计划。")
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.reviewer, approved=True
        )
        services.proposal_publish(
            proposal=self.proposal, by=self.unit.head, published_date=date(2024, 5, 6)
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.public_text, "已纳入计划。")

    def test_withheld_reply_is_decided_with_reason_and_never_public(self):
        publish(self.unit, self.proposal, mode="withheld")
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.publication_status, PublicationStatus.WITHHELD)
        self.assertEqual(self.proposal.withheld_reason, "涉及国家秘密")
        self.assertFalse(Proposal.objects.published().exists())
        self.assertTrue(Event.objects.filter(kind=EventKind.WITHHOLD).exists())

    def test_publication_date_before_the_reply_is_refused(self):
        self.submit()
        services.proposal_review_publication(
            proposal=self.proposal, by=self.unit.reviewer, approved=True
        )
        refused(
            self,
            "before_reply",
            services.proposal_publish,
            proposal=self.proposal,
            by=self.unit.head,
            published_date=date(2024, 4, 1),
        )
