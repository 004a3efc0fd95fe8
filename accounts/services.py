from django.db import transaction

from accounts import audit
from accounts.models import AuditEvent, Membership, User


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
            event=AuditEvent.Event.ROLE_GRANTED, actor=by, obj=user,
            detail=f"{membership.get_role_display()}（机构 {agency.pk}）",
        )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership
