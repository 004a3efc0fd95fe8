"""Retention of applicants' personal data (PIPL Art. 19, 47): anonymise when the period ends.

Applications closed more than ``settings.APPLICANT_RETENTION_YEARS`` (5 unless configured, the
archive period in the privacy notice) ago keep their case record, numbers and dates for the annual report, but
lose the applicant's name, ID number, phone, e-mail and address, and the notices' addressee.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from applications.models import Applicant, Notice

ANONYMISED = "（已匿名）"


def retention_cutoff(today=None):
    today = today or timezone.localdate()
    years = settings.APPLICANT_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return date(today.year - years, 2, 28)


def expired_applicants(today=None):
    return Applicant.objects.filter(
        application__closed_on__isnull=False,
        application__closed_on__lt=retention_cutoff(today),
    ).exclude(name=ANONYMISED)


@transaction.atomic
def applicants_purge(*, today=None, by=None) -> int:
    """Anonymise every expired applicant; running it again changes nothing. Returns the count."""
    applicants = list(expired_applicants(today).select_related("application").select_for_update())
    for applicant in applicants:
        for name in (
            "org_name",
            "credit_code",
            "id_number_masked",
            "id_index",
            "phone_masked",
            "email",
            "address_masked",
        ):
            setattr(applicant, name, "")
        applicant.name = ANONYMISED
        applicant.id_number_enc = applicant.phone_enc = applicant.address_enc = b""
        applicant.save()
        audit.record(
            event=AuditEvent.Event.PII_PURGED,
            actor=by,
            obj=applicant.application,
            detail="保存期满，申请人信息已匿名化",
        )
    Notice.objects.filter(application__applicant__in=applicants).update(addressee=ANONYMISED)
    return len(applicants)
