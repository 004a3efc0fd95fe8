"""Separation of duties (三权分立) between the administrator roles.

The rule is checked wherever groups are given: the user admin form, ``admin_role_grant`` and,
for every other path (shell, fixtures, other apps), a guard on the ``User.groups`` relation.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts import audit
from accounts.models import AdminRole, AuditEvent, User

# Pairs of roles one person may never hold together.
INCOMPATIBLE = [(AdminRole.SYSTEM, AdminRole.AUDIT)]


def duties_validate(group_names):
    """Raise ValidationError when the set of group names combines incompatible roles."""
    names = set(group_names)
    for first, second in INCOMPATIBLE:
        if first in names and second in names:
            raise ValidationError(
                "同一人不能同时担任%(a)s和%(b)s（三权分立）。",
                code="duties_conflict",
                params={"a": first.label, "b": second.label},
            )


@transaction.atomic
def admin_role_grant(*, user, role, by=None):
    """Give ``user`` one of the administrator roles, refusing incompatible combinations."""
    role = AdminRole(role)
    held = set(user.groups.values_list("name", flat=True))
    duties_validate(held | {role.value})
    # The group and its permissions come from migration 0005; get_or_create only guards against
    # a database whose rows were emptied (test flushes), never widens what a role may do.
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    audit.record(event=AuditEvent.Event.ROLE_GRANTED, actor=by, obj=user, detail=role.label)
    return user


@transaction.atomic
def admin_role_revoke(*, user, role, by=None):
    role = AdminRole(role)
    user.groups.remove(Group.objects.get(name=role.value))
    audit.record(event=AuditEvent.Event.ROLE_REVOKED, actor=by, obj=user, detail=role.label)
    return user


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="zwgk_duties_guard")
def _guard_groups(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users...)
        names = {instance.name}
        for user in User.objects.filter(pk__in=pk_set).prefetch_related("groups"):
            duties_validate(names | {g.name for g in user.groups.all()})
    else:
        added = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        duties_validate(added | set(instance.groups.values_list("name", flat=True)))
