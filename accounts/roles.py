"""The role groups: what each role may do with the models, declared once, synced on migrate.

Each app declares what each business role (信息员, 审核人, 负责人, 区级管理员) may do with its
own models in ``<app>/roles.py`` (``ROLE_PERMISSIONS``); this module declares the accounts'
and agencies' part and the three administrator roles (三权分立). ``declared_groups()`` gathers
them all, found through the app registry like the admin finds ``admin.py`` (so no app imports a
higher one), and ``sync_role_groups()`` makes every role group match them exactly — it creates
a missing group, adds a missing permission and removes one that is no longer declared. It runs
after every ``migrate`` (and ``flush``) on ``post_migrate``, the way ``django.contrib.auth``
creates permissions, so a fresh install and an upgraded one end with the same groups. Groups
that no role names (made by hand in the admin) are left alone.
"""

from importlib import import_module

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

from accounts.models import AdminRole, Role

ROLE_PERMISSIONS = {
    Role.CLERK: ["agencies.view_agency", "workdays.view_calendaryear", "workdays.view_specialday"],
    Role.REVIEWER: [
        "agencies.view_agency",
        "workdays.view_calendaryear",
        "workdays.view_specialday",
    ],
    Role.HEAD: [
        "agencies.view_agency",
        "agencies.change_agency",
        "workdays.view_calendaryear",
        "workdays.view_specialday",
    ],
    Role.DISTRICT_ADMIN: [
        "agencies.view_agency",
        "agencies.add_agency",
        "agencies.change_agency",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_membership",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "accounts.view_recovery",
        "workdays.view_calendaryear",
        "workdays.change_calendaryear",
        "workdays.view_specialday",
        "workdays.add_specialday",
        "workdays.change_specialday",
        "workdays.delete_specialday",
        "workdays.view_scheduleentry",
    ],
}


# 三权分立. The system administrator holds no permission on any applicant data; the audit
# administrator may only read the audit log; roles (groups) are the security administrator's.
ADMIN_ROLE_PERMISSIONS = {
    AdminRole.SYSTEM: [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_membership",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "accounts.view_recovery",
        "agencies.view_agency",
        "agencies.add_agency",
        "agencies.change_agency",
        "workdays.view_calendaryear",
        "workdays.add_calendaryear",
        "workdays.change_calendaryear",
        "workdays.view_specialday",
        "workdays.add_specialday",
        "workdays.change_specialday",
        "workdays.delete_specialday",
    ],
    # Group permissions ship with the code (only the superuser edits them); a device is removed
    # through an approved request (accounts.recovery), never deleted directly.
    AdminRole.SECURITY: [
        "accounts.view_user",
        "accounts.change_user",
        "accounts.view_recovery",
        "auth.view_group",
        "auth.view_permission",
        "otp_totp.view_totpdevice",
    ],
    AdminRole.AUDIT: ["accounts.view_auditevent"],
}


def declared_groups():
    """{group name: {"app_label.codename", …}}: every installed app's roles, merged."""
    table = {}
    for app_config in global_apps.get_app_configs():
        module_name = f"{app_config.name}.roles"
        try:
            # Found through the registry, not imported by name: each app declares its own part
            # and this lower app never names a higher one.
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        for role, names in getattr(module, "ROLE_PERMISSIONS", {}).items():
            table.setdefault(Role(role).label, set()).update(names)
    for role, names in ADMIN_ROLE_PERMISSIONS.items():
        table.setdefault(AdminRole(role).value, set()).update(names)
    return table


def sync_role_groups(*, apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Make each declared group hold exactly its declared permissions (idempotent).

    A declared permission whose model is not in ``apps`` (a migration state before the model
    exists) is skipped; ``tests/accounts/test_roles.py`` checks that none is missing at the end.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    table = declared_groups()
    labels = {name.split(".", 1)[0] for names in table.values() for name in names}
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in=labels)
        .values_list("pk", "content_type__app_label", "codename")
    }
    for group_name, names in sorted(table.items()):
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        wanted = {known[name] for name in names if name in known}
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)


def sync_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """``post_migrate`` receiver (accounts' signal): every app's permissions first, then groups."""
    try:
        Group = apps.get_model("auth", "Group")
        apps.get_model("auth", "Permission")
    except LookupError:  # a migration state before django.contrib.auth's tables
        return
    if not router.allow_migrate_model(using, Group):
        return
    # post_migrate reaches the apps one by one; the groups name permissions of apps whose turn
    # may not have come yet, so create them all first (create_permissions is idempotent).
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    sync_role_groups(apps=apps, using=using)
