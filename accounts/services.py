from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import access, audit
from accounts.models import AuditEvent, Membership, Role, User


@transaction.atomic
def staff_create(*, username, name, password=None, email="", memberships=(), by=None):
    """Create (or find) a staff account with roles, ``memberships`` being (agency, role) pairs."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"name": name, "email": email, "is_staff": True, "created_by": by},
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit.record(event=AuditEvent.Event.USER_CREATED, actor=by, obj=user)
    for agency, role in memberships:
        membership_grant(user=user, agency=agency, role=role, by=by)
    return user


@transaction.atomic
def membership_grant(*, user, agency, role, by=None):
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        audit.record(
            event=AuditEvent.Event.ROLE_GRANTED,
            actor=by,
            obj=user,
            detail=f"{membership.get_role_display()}（机构 {agency.pk}）",
        )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def agency_set_self_review(*, agency, by, allowed) -> None:
    """The agency's 负责人 switches four eyes off (a one-person office) or back on; audited.

    Read by the catalog's review and publish services (``disclosure.services._four_eyes``).
    """
    if Role.HEAD not in access.roles_in(by, agency):
        raise PermissionDenied("只有本机构的负责人可以更改双人审核设置。")
    agency.self_review_allowed = allowed
    agency.save(update_fields=["self_review_allowed"])
    audit.record(
        event=AuditEvent.Event.SETTINGS_CHANGED,
        actor=by,
        obj=agency,
        detail="允许本人审核本人起草的信息（双人审核关闭）" if allowed else "恢复双人审核",
    )
