from django.db import transaction

from accounts.models import Membership, User


@transaction.atomic
def staff_create(*, username, name, password=None, email="", memberships=()):
    """Create (or find) a staff account with roles, ``memberships`` being (agency, role) pairs."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"name": name, "email": email, "is_staff": True}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    for agency, role in memberships:
        membership_grant(user=user, agency=agency, role=role)
    return user


@transaction.atomic
def membership_grant(*, user, agency, role):
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership
