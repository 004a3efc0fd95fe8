"""Which agencies' records a staff member may see and change. Every view and admin uses this."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from accounts.models import Role
from agencies.models import Agency

ALL = None  # agency_ids() returns ALL for the break-glass superuser


@dataclass(frozen=True)
class _Access:
    roles: dict = field(default_factory=dict)  # agency id -> set of roles held there directly
    districts: frozenset = (
        frozenset()
    )  # agencies reached as 区级管理员 (the district and its units)

    @property
    def ids(self):
        return frozenset(self.roles) | self.districts


def _access(user):
    """Loaded once per request (two queries at most) and kept on the user object.

    ``getattr``, not the instance ``__dict__``: ``request.user`` is a lazy proxy whose own
    ``__dict__`` never holds the value, which lands on the wrapped user."""
    cached = getattr(user, "_access", None)
    if cached is not None:
        return cached
    roles = {}
    for agency_id, role in user.memberships.values_list("agency_id", "role"):
        roles.setdefault(agency_id, set()).add(role)
    top = [a for a, held in roles.items() if Role.DISTRICT_ADMIN in held]
    districts = frozenset()
    if top:
        districts = frozenset(Agency.objects.with_units(top).values_list("id", flat=True))
    user._access = _Access(roles=roles, districts=districts)
    return user._access


def _active(user):
    return getattr(user, "is_authenticated", False) and user.is_active


def agency_ids(user):
    """The ids of the agencies the user works for, or ALL for the superuser."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return ALL
    return _access(user).ids


def roles_in(user, agency):
    """The roles the user holds for one agency; a district administrator holds it for its units."""
    if not _active(user):
        return set()
    if user.is_superuser:
        return set(Role.values)
    agency_id = getattr(agency, "pk", agency)
    access = _access(user)
    held = set(access.roles.get(agency_id, ()))
    if agency_id in access.districts:
        held.add(Role.DISTRICT_ADMIN)
    return held


def has_role(user, agency, *roles):
    """True when the user holds one of ``roles`` for the agency (district administrators: any)."""
    held = roles_in(user, agency)
    return Role.DISTRICT_ADMIN in held or bool(held & set(roles))


def can_access(user, agency):
    ids = agency_ids(user)
    return ids is ALL or getattr(agency, "pk", agency) in ids


def scope(queryset, user, field="agency"):
    """Limit a queryset to the rows of the user's agencies; ``field`` leads to the agency."""
    ids = agency_ids(user)
    if ids is ALL:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def require_role(user, agency, *roles):
    if not has_role(user, agency, *roles):
        names = "、".join(Role(role).label for role in roles)
        raise PermissionDenied(f"此操作需要本机构的{names}角色。")


def holds_admin_role(user, *roles):
    """True for the superuser and for holders of one of the 三权分立 ``AdminRole`` groups."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_admin_roles", None)
    if names is None:
        names = user._admin_roles = frozenset(user.groups.values_list("name", flat=True))
    return bool(names & {str(role) for role in roles})


def may_move(user, agency):
    """May change an existing agency's 上级机构: the superuser, or a 区级管理员 whose district
    contains the agency and who is not posted on the agency itself (a 负责人 never; a district
    cannot move itself). The new parent must lie in the same district (``move_targets``)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    access = _access(user)
    agency_id = getattr(agency, "pk", agency)
    return agency_id in access.districts and Role.DISTRICT_ADMIN not in access.roles.get(
        agency_id, ()
    )


def move_targets(user):
    """The agencies a 区级管理员 may put an agency under (ALL for the superuser)."""
    if not _active(user):
        return frozenset()
    return ALL if user.is_superuser else _access(user).districts
