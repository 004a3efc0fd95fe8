"""The business roles' model permissions, shipped by data migrations as groups.

Each app declares what each role may do with its models in ``<app>/roles.py`` and ships the
same mapping in a data migration through ``sync_operation``; ``tests/accounts`` checks that
the groups in a migrated database hold every permission the code declares.
"""

from django.db import migrations

from accounts.models import AdminRole, Role

ROLE_PERMISSIONS = {
    Role.CLERK: ["disclosure.view_agency", "workdays.view_calendaryear", "workdays.view_specialday"],
    Role.REVIEWER: ["disclosure.view_agency", "workdays.view_calendaryear", "workdays.view_specialday"],
    Role.HEAD: [
        "disclosure.view_agency", "disclosure.change_agency",
        "workdays.view_calendaryear", "workdays.view_specialday",
    ],
    Role.DISTRICT_ADMIN: [
        "disclosure.view_agency", "disclosure.add_agency", "disclosure.change_agency",
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "accounts.view_membership", "accounts.add_membership", "accounts.change_membership",
        "accounts.delete_membership",
        "workdays.view_calendaryear", "workdays.change_calendaryear",
        "workdays.view_specialday", "workdays.add_specialday", "workdays.change_specialday",
        "workdays.delete_specialday", "workdays.view_scheduleentry",
    ],
}


# 三权分立. The system administrator holds no permission on any applicant data; the audit
# administrator may only read the audit log; roles (groups) are the security administrator's.
ADMIN_ROLE_PERMISSIONS = {
    AdminRole.SYSTEM: [
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "accounts.view_membership", "accounts.add_membership", "accounts.change_membership",
        "accounts.delete_membership",
        "disclosure.view_agency", "disclosure.add_agency", "disclosure.change_agency",
        "workdays.view_calendaryear", "workdays.add_calendaryear", "workdays.change_calendaryear",
        "workdays.view_specialday", "workdays.add_specialday", "workdays.change_specialday",
        "workdays.delete_specialday",
    ],
    AdminRole.SECURITY: [
        "accounts.view_user", "accounts.change_user",
        "auth.view_group", "auth.change_group", "auth.view_permission",
        "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice",
    ],
    AdminRole.AUDIT: ["accounts.view_auditevent"],
}


def sync_groups(apps, role_permissions):
    """Give each role's group the listed permissions (adds, never removes)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def sync_operation(role_permissions):
    def forwards(apps, schema_editor):
        sync_groups(apps, role_permissions)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def sync_admin_groups(apps, role_permissions):
    """Like ``sync_groups`` for the administrator roles, whose group name is the role itself."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=AdminRole(role).value)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
