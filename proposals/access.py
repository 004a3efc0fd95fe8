"""Who may see and handle which proposal; built on ``accounts.access``, used by every view and admin.

Lead-unit staff handle the proposal; the lead unit's reviewer or head replies, extends, reopens,
reviews and publishes; staff of a co-unit see the proposal and add their unit's 会办意见.
"""

from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.models import Role
from proposals.models import Proposal

HANDLERS = (Role.CLERK, Role.REVIEWER, Role.HEAD)
DECIDERS = (Role.REVIEWER, Role.HEAD)


def visible(user, queryset=None):
    """The proposals the user may see: those of agencies they work for, as lead or co-unit."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    ids = access.agency_ids(user)
    if ids is access.ALL:
        return queryset
    return queryset.for_agencies(ids)


def is_handler(user, proposal):
    return access.has_role(user, proposal.lead_unit_id, *HANDLERS)


def is_decider(user, proposal):
    return access.has_role(user, proposal.lead_unit_id, *DECIDERS)


def co_units_of(user, proposal):
    """The proposal's co-units for which the user may give an opinion."""
    return [unit for unit in proposal.co_units.all() if access.has_role(user, unit, *HANDLERS)]


def can_view(user, proposal):
    return access.can_access(user, proposal.lead_unit_id) or bool(co_units_of(user, proposal))


def require_handler(user, proposal):
    if not is_handler(user, proposal):
        raise PermissionDenied("只有主办单位的工作人员才能办理此建议提案。")


def require_decider(user, proposal):
    if not is_decider(user, proposal):
        raise PermissionDenied("此操作需要主办单位的审核人或负责人。")
