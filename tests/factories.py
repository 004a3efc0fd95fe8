"""Plain ``make_*`` helpers for tests: real rows through the real models and services."""

import itertools

from accounts.models import Role
from accounts.services import staff_create
from agencies.models import Agency

_seq = itertools.count(1)
PASSWORD = "Test-Passw0rd-2024"


def make_agency(**fields):
    n = next(_seq)
    defaults = {
        "name": f"测试机构{n}",
        "short_name": f"测试{n}",
        "slug": f"agency-{n}",
        "code": f"{n:09d}",
        "phone": "0953-1234567",
    }
    defaults.update(fields)
    return Agency.objects.create(**defaults)


def make_staff(agency=None, role=Role.CLERK, username=None, **extra):
    n = next(_seq)
    memberships = [(agency, role)] if agency is not None else []
    return staff_create(
        username=username or f"staff{n}",
        name=f"测试人员{n}",
        password=PASSWORD,
        memberships=memberships,
        **extra,
    )
