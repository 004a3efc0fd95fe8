from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from accounts.models import AuditEvent, Role
from applications.models import Applicant, Application, Outcome, Status
from applications.retention import ANONYMISED, applicants_purge
from tests.applications.builders import ID_NUMBER, register
from tests.factories import make_agency, make_staff


class PurgeExpiredApplicantsTests(TestCase):
    def setUp(self):
        agency = make_agency()
        clerk = make_staff(agency, Role.CLERK)
        self.old = register(agency, clerk, date(2017, 3, 6))
        self.recent = register(agency, clerk, date(2024, 3, 6))
        self.open = register(agency, clerk, date(2017, 3, 7))
        Application.objects.filter(pk=self.old.pk).update(
            status=Status.REPLIED, outcome=Outcome.GRANTED, closed_on=date(2017, 4, 1)
        )
        Application.objects.filter(pk=self.recent.pk).update(
            status=Status.REPLIED, outcome=Outcome.GRANTED, closed_on=date(2024, 4, 1)
        )

    def test_only_applications_closed_beyond_the_period_are_anonymised(self):
        self.assertEqual(applicants_purge(today=date(2025, 6, 1)), 1)
        old = Applicant.objects.get(application=self.old)
        self.assertEqual(old.name, ANONYMISED)
        self.assertEqual((bytes(old.id_number_enc), old.id_index, old.phone_masked), (b"", "", ""))
        for kept in (self.recent, self.open):
            applicant = Applicant.objects.get(application=kept)
            self.assertNotEqual(applicant.name, ANONYMISED)
            self.assertEqual(applicant.reveal()["id_number"], ID_NUMBER)
        self.assertTrue(Application.objects.filter(pk=self.old.pk).exists())

    def test_running_twice_changes_nothing_more_and_each_purge_is_audited(self):
        applicants_purge(today=date(2025, 6, 1))
        self.assertEqual(applicants_purge(today=date(2025, 6, 1)), 0)
        events = AuditEvent.objects.filter(event=AuditEvent.Event.PII_PURGED)
        self.assertEqual(list(events.values_list("object_id", flat=True)), [str(self.old.pk)])

    def test_the_command_reports_and_supports_a_dry_run(self):
        out = StringIO()
        call_command("purge_expired_applicants", "--dry-run", stdout=out)
        self.assertIn("1 人", out.getvalue())
        self.assertNotEqual(Applicant.objects.get(application=self.old).name, ANONYMISED)
        call_command("purge_expired_applicants", stdout=out)
        self.assertEqual(Applicant.objects.get(application=self.old).name, ANONYMISED)
