"""One role-group sync, on post_migrate: every role group holds exactly what the roles declare.

The expected table is read here straight from each app's ``roles.py`` (and the administrator
roles), not from ``accounts.roles.declared_groups``, so a sync that gathers the wrong tables
fails too.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AdminRole, Role
from accounts.roles import ADMIN_ROLE_PERMISSIONS, sync_role_groups


def expected():
    table = {}
    for app_config in apps.get_app_configs():
        try:
            module = import_module(f"{app_config.name}.roles")
        except ModuleNotFoundError:
            continue
        for role, names in module.ROLE_PERMISSIONS.items():
            table.setdefault(Role(role).label, set()).update(names)
    for role, names in ADMIN_ROLE_PERMISSIONS.items():
        table.setdefault(AdminRole(role).value, set()).update(names)
    return table


def held():
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


@pytest.mark.django_db
def test_a_migrated_database_has_exactly_the_declared_groups():
    table = expected()
    assert set(table) == {*Role.labels, *AdminRole.values}
    assert held() == table
    # Every declared permission exists (a typo would be skipped by the sync, and caught here).
    names = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    assert set().union(*table.values()) <= names


@pytest.mark.django_db
def test_the_sync_adds_removes_and_creates_until_the_groups_match():
    clerk = Group.objects.get(name=Role.CLERK.label)
    stray = Permission.objects.get(content_type__app_label="accounts", codename="delete_user")
    clerk.permissions.add(stray)  # granted by hand: not declared
    clerk.permissions.remove(
        Permission.objects.get(content_type__app_label="agencies", codename="view_agency")
    )
    Group.objects.get(name=AdminRole.AUDIT).delete()
    custom = Group.objects.create(name="档案室（自建）")  # a group no role names is left alone
    custom.permissions.add(stray)

    sync_role_groups()

    now = held()
    assert now.pop("档案室（自建）") == {"accounts.delete_user"}
    assert now == expected()


@pytest.mark.django_db
def test_a_second_sync_changes_nothing_in_a_fixed_number_of_queries():
    sync_role_groups()
    before = held()
    with CaptureQueriesContext(connection) as queries:
        sync_role_groups()
    assert held() == before
    # One read of the permissions, then per group one get_or_create and one read of its grants.
    assert len(queries) == 1 + 2 * len(expected())
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE", "UPDATE"))
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_brings_the_groups_back():
    """``flush`` empties auth_group too and emits post_migrate, which runs the sync."""
    call_command("flush", interactive=False, verbosity=0)
    assert held() == expected()
