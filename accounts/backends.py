from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import Role


class MembershipBackend(ModelBackend):
    """Model permissions come from the groups a user's agency roles name.

    A membership with role 信息员 grants the permissions of the group 信息员, so roles are
    held per agency (Membership) while their permissions stay editable as ordinary groups.
    Which rows those permissions reach is decided by ``accounts.access``.
    """

    def _get_group_permissions(self, user_obj):
        roles = user_obj.memberships.values_list("role", flat=True).distinct()
        group_names = [Role(role).label for role in roles]
        return Permission.objects.filter(
            Q(group__user=user_obj) | Q(group__name__in=group_names)
        ).distinct()
