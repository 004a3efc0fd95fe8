from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts import audit, lockout
from accounts.models import AuditEvent, Role
from accounts.network import client_ip


class MembershipBackend(ModelBackend):
    """Model permissions come from the groups a user's agency roles name.

    A membership with role 信息员 grants the permissions of the group 信息员, so roles are
    held per agency (Membership) while their permissions stay editable as ordinary groups.
    Which rows those permissions reach is decided by ``accounts.access``.

    Password logins through a request are locked per account, slowed per IP and audited
    (``accounts.lockout``).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        ip = client_ip(request)
        is_refused = lockout.refused(username=username, ip=ip)
        # The password is checked even when refused so both answers take the same time.
        user = super().authenticate(request, username, password, **kwargs)
        if is_refused:
            audit.record(
                event=AuditEvent.Event.LOGIN_FAILED,
                actor=username,
                outcome=AuditEvent.Outcome.DENIED,
                detail="锁定或限流期间的登录尝试",
                request=request,
            )
            return None
        if user is None:
            lockout.failure_register(username=username, ip=ip, request=request)
            lockout.slow_down(ip=ip)
        return user

    def _get_group_permissions(self, user_obj):
        roles = user_obj.memberships.values_list("role", flat=True).distinct()
        group_names = [Role(role).label for role in roles]
        return Permission.objects.filter(
            Q(group__user=user_obj) | Q(group__name__in=group_names)
        ).distinct()
