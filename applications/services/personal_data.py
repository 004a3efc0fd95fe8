"""Reading an applicant's full personal data: who may, and the trace each reveal leaves."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import access, audit
from accounts.models import Role
from applications.models import Applicant, EventKind
from applications.services.steps import Change, local_today

PII_ROLES = {Role.CLERK, Role.HEAD}  # roles of the receiving agency that may read full PII


def can_reveal(user, application):
    """Full personal data: clerk or head of the receiving agency itself (not district admins)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(PII_ROLES & access.roles_in(user, application.agency_id) - {Role.DISTRICT_ADMIN})


@transaction.atomic(durable=True)
def applicant_reveal(*, application, by) -> dict:
    """One record's full ID number, phone and address; every reveal is an event (and audited)."""
    if not can_reveal(by, application):
        raise PermissionDenied("只有受理机构的信息员或负责人可以查看申请人完整信息。")
    values = Applicant.objects.get(application=application).reveal()
    Change.of(application, by).record(EventKind.PII_REVEALED, on=local_today())
    return values


def record_export(*, by, count: int):
    """A masked export holds no full personal data, but who took the register out is audited."""
    audit.record(
        event=audit.Event.PII_EXPORTED,
        actor=by,
        detail=f"导出政府信息公开申请 {count} 件（已脱敏）",
    )
