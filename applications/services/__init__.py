"""Every state change of an application: keyword-only, atomic, validated, one event row each.

``on`` is the business date of the action (staff often record yesterday's post); it defaults to
today and may not lie in the future. Refusals are ``ValidationError`` with a Chinese message and
a code; nothing is changed when one is raised.

Each change writes one ``ApplicationEvent`` and one audit row (``steps.Change``; the audit event
of every kind is named once, in ``steps.AUDIT_EVENT``). A service runs in its caller's
transaction when there is one: ``seed_demo`` builds the demo cases from the workflow services in
a single transaction, all or nothing. The services no caller nests (the public form, a notice
draft edit, a reveal of personal data) are durable: when they return, the change is committed.
"""

from applications.models import OPEN_STATUSES
from applications.services.appeals import appeal_decide, appeal_record
from applications.services.documents import (
    application_acknowledge,
    notice_issue,
    notice_update,
)
from applications.services.intake import (
    PRIVACY_NOTICE_VERSION,
    ApplicantData,
    application_register,
    application_submit,
    code_matches,
    hash_code,
    normalise_code,
    receipt_date,
    submitted,
)
from applications.services.personal_data import (
    PII_ROLES,
    applicant_reveal,
    can_reveal,
    record_export,
)
from applications.services.receipts import can_mail, receipt_code, receipt_context, receipt_mail
from applications.services.recompute import deadlines_recompute
from applications.services.replies import (
    allocate_number,
    application_reply,
    application_reply_draft,
)
from applications.services.workflow import (
    application_accept,
    application_archive,
    application_extend,
    application_fee_notice,
    application_fee_paid,
    application_pause,
    application_receive_correction,
    application_request_correction,
    application_resume,
    application_review,
    application_withdraw,
    applications_in_month,
)

__all__ = [
    "OPEN_STATUSES",
    "PII_ROLES",
    "PRIVACY_NOTICE_VERSION",
    "ApplicantData",
    "allocate_number",
    "applicant_reveal",
    "application_acknowledge",
    "application_reply_draft",
    "application_accept",
    "application_archive",
    "application_extend",
    "application_fee_notice",
    "application_fee_paid",
    "application_pause",
    "application_receive_correction",
    "application_register",
    "application_reply",
    "application_request_correction",
    "application_resume",
    "application_review",
    "application_submit",
    "application_withdraw",
    "applications_in_month",
    "appeal_decide",
    "can_mail",
    "deadlines_recompute",
    "appeal_record",
    "can_reveal",
    "code_matches",
    "hash_code",
    "normalise_code",
    "notice_issue",
    "notice_update",
    "receipt_code",
    "receipt_context",
    "receipt_date",
    "receipt_mail",
    "record_export",
    "submitted",
]
