"""Every service that changes an application writes exactly one event row and one audit row,
and the audit row carries the event named for that kind in ``steps.AUDIT_EVENT``."""

import inspect
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.test import TestCase

from accounts.models import AuditEvent, Role
from applications import services
from applications.models import (
    AppealKind,
    AppealResult,
    ApplicationEvent,
    EventKind,
    FeeMethod,
    NoticeKind,
    Outcome,
    PauseKind,
)
from applications.services.steps import AUDIT_EVENT
from tests.applications.builders import applicant, handling, register
from tests.factories import make_agency, make_staff

RECEIVED = date(2024, 6, 14)
REPLIED_ON = date(2024, 7, 1)
Event = AuditEvent.Event

# Services that change no application on purpose: a draft notice (its text, or a 受理回执 drafted
# for printing) is edited freely until it is issued (issuing is the recorded act), and an export
# only reads (its audit row is tested below).
NO_EVENT = {"notice_update", "application_acknowledge", "record_export"}


class OneEventPerServiceTests(TestCase):
    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)
        self.head = make_staff(self.agency, Role.HEAD)
        self.covered = set()

    def assertOneEvent(self, service, kind, audit_event, call):
        """``call()`` runs ``service``; exactly one event of ``kind`` and one audit row follow."""
        events = set(ApplicationEvent.objects.values_list("pk", flat=True))
        audits = set(AuditEvent.objects.values_list("pk", flat=True))
        result = call()
        new_events = ApplicationEvent.objects.exclude(pk__in=events)
        new_audits = AuditEvent.objects.exclude(pk__in=audits)
        self.assertEqual([e.kind for e in new_events], [kind], service)
        self.assertEqual([a.event for a in new_audits], [audit_event], service)
        event, row = new_events.get(), new_audits.get()
        self.assertEqual(row.object_type, "applications.application")
        self.assertEqual(row.object_id, str(event.application_id))
        self.assertTrue(row.detail.startswith(EventKind(kind).label), row.detail)
        self.covered.add(service)
        return result

    def test_every_service_writes_one_event_and_one_audit_row(self):
        clerk, head = self.clerk, self.head
        T = Event.APPLICATION_TRANSITION

        self.assertOneEvent(
            "application_submit",
            EventKind.SUBMITTED,
            Event.APPLICATION_CREATED,
            lambda: services.application_submit(
                agency=self.agency,
                applicant=applicant(),
                applicant_type="natural_person",
                description="某文件",
                form="electronic",
                delivery="online",
            ),
        )
        a = self.assertOneEvent(
            "application_register",
            EventKind.REGISTERED,
            Event.APPLICATION_CREATED,
            lambda: register(self.agency, clerk, RECEIVED),
        )
        self.assertOneEvent(
            "applicant_reveal",
            EventKind.PII_REVEALED,
            Event.PII_VIEWED,
            lambda: services.applicant_reveal(application=a, by=clerk),
        )
        self.assertOneEvent(
            "application_review",
            EventKind.REVIEW,
            T,
            lambda: services.application_review(application=a, by=clerk, on=RECEIVED),
        )
        self.assertOneEvent(
            "application_request_correction",
            EventKind.CORRECTION_REQUESTED,
            T,
            lambda: services.application_request_correction(
                application=a, by=clerk, items="请写明文号", on=RECEIVED
            ),
        )
        self.assertOneEvent(
            "application_receive_correction",
            EventKind.CORRECTION_RECEIVED,
            T,
            lambda: services.application_receive_correction(
                application=a, by=clerk, on=date(2024, 6, 20)
            ),
        )
        self.assertOneEvent(
            "application_accept",
            EventKind.ACCEPTED,
            T,
            lambda: services.application_accept(application=a, by=clerk, on=date(2024, 6, 20)),
        )
        self.assertOneEvent(
            "application_pause",
            EventKind.PAUSED,
            T,
            lambda: services.application_pause(
                application=a,
                by=clerk,
                kind=PauseKind.THIRD_PARTY,
                party="某公司",
                on=date(2024, 6, 21),
            ),
        )
        self.assertOneEvent(
            "application_resume",
            EventKind.RESUMED,
            T,
            lambda: services.application_resume(application=a, by=clerk, on=date(2024, 6, 25)),
        )
        self.assertOneEvent(
            "application_extend",
            EventKind.EXTENDED,
            T,
            lambda: services.application_extend(
                application=a, by=head, days=10, reason="需要调取档案", on=date(2024, 6, 26)
            ),
        )
        a = self.assertOneEvent(
            "application_fee_notice",
            EventKind.FEE_NOTIFIED,
            T,
            lambda: services.application_fee_notice(
                application=a, by=clerk, method=FeeMethod.BY_PAGE, pages=120, on=date(2024, 6, 27)
            ),
        )
        self.assertOneEvent(
            "application_fee_paid",
            EventKind.FEE_PAID,
            T,
            lambda: services.application_fee_paid(
                application=a, by=clerk, amount=Decimal(a.fee_amount), on=date(2024, 6, 28)
            ),
        )
        correction = a.notices.get(kind=NoticeKind.CORRECTION)
        self.assertOneEvent(
            "notice_issue",
            EventKind.NOTICE_ISSUED,
            T,
            lambda: services.notice_issue(notice=correction, by=clerk, on=REPLIED_ON),
        )
        draft = self.assertOneEvent(
            "application_reply_draft",
            EventKind.REPLY_DRAFTED,
            T,
            lambda: services.application_reply_draft(
                application=a, by=clerk, outcome=Outcome.GRANTED, on=REPLIED_ON
            ),
        )
        # Issuing the reply is the answer: one event, 答复, not a second 出具告知书.
        self.assertOneEvent(
            "notice_issue",
            EventKind.REPLIED,
            T,
            lambda: services.notice_issue(notice=draft, by=clerk, on=REPLIED_ON),
        )
        a.refresh_from_db()
        appeal = self.assertOneEvent(
            "appeal_record",
            EventKind.APPEAL_RECORDED,
            T,
            lambda: services.appeal_record(
                application=a, by=clerk, kind=AppealKind.RECONSIDERATION, filed_on=date(2024, 7, 10)
            ),
        )
        self.assertOneEvent(
            "appeal_decide",
            EventKind.APPEAL_DECIDED,
            T,
            lambda: services.appeal_decide(
                appeal=appeal, by=clerk, result=AppealResult.UPHELD, decided_on=date(2024, 8, 1)
            ),
        )
        self.assertOneEvent(
            "application_archive",
            EventKind.ARCHIVED,
            T,
            lambda: services.application_archive(application=a, by=clerk, on=date(2024, 8, 2)),
        )
        c = handling(self.agency, clerk, RECEIVED)
        self.assertOneEvent(
            "application_reply",
            EventKind.REPLIED,
            T,
            lambda: services.application_reply(
                application=c, by=clerk, outcome=Outcome.GRANTED, on=REPLIED_ON
            ),
        )
        b = handling(self.agency, clerk, RECEIVED)
        self.assertOneEvent(
            "application_withdraw",
            EventKind.WITHDRAWN,
            T,
            lambda: services.application_withdraw(application=b, by=clerk, on=date(2024, 6, 17)),
        )

        # Every public service is covered above or named as writing no event on purpose.
        changing = {
            name
            for name in services.__all__
            if inspect.isfunction(getattr(services, name))
            and name.startswith(("application_", "appeal_", "notice_", "applicant_", "record_"))
            and name != "applications_in_month"
        }
        self.assertEqual(changing - NO_EVENT, self.covered)

    def test_a_draft_edit_writes_no_event_and_an_export_only_its_audit_row(self):
        application = handling(self.agency, self.clerk, RECEIVED)
        notice = services.application_reply_draft(
            application=application, by=self.clerk, outcome=Outcome.GRANTED, on=REPLIED_ON
        )
        events, audits = ApplicationEvent.objects.count(), AuditEvent.objects.count()
        services.notice_update(notice=notice, by=self.clerk, body="正文")
        services.application_acknowledge(application=application, by=self.clerk)
        self.assertEqual(
            (ApplicationEvent.objects.count(), AuditEvent.objects.count()), (events, audits)
        )
        services.record_export(by=self.clerk, count=3)
        self.assertEqual(ApplicationEvent.objects.count(), events)
        self.assertEqual(AuditEvent.objects.count(), audits + 1)
        self.assertEqual(AuditEvent.objects.latest("id").event, Event.PII_EXPORTED)

    def test_every_event_kind_has_its_audit_event(self):
        self.assertEqual(set(AUDIT_EVENT), set(EventKind))
        self.assertTrue(set(AUDIT_EVENT.values()) <= set(Event))


class DurableServicesTests(TestCase):
    """The services no caller nests own their transaction; the workflow steps join one."""

    def setUp(self):
        self.agency = make_agency()
        self.clerk = make_staff(self.agency, Role.CLERK)

    def test_the_public_form_refuses_to_run_inside_another_transaction(self):
        with self.assertRaisesMessage(RuntimeError, "durable"), transaction.atomic():
            services.application_submit(
                agency=self.agency,
                applicant=applicant(),
                applicant_type="natural_person",
                description="某文件",
                form="electronic",
                delivery="online",
            )

    def test_workflow_steps_join_the_callers_transaction(self):
        application = register(self.agency, self.clerk, RECEIVED)
        with transaction.atomic():
            services.application_review(application=application, by=self.clerk, on=RECEIVED)
        application.refresh_from_db()
        self.assertEqual(application.events.count(), 2)
