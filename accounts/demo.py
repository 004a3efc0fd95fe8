"""Demo accounts for the three administrator roles (三权分立), so the audit screen can be shown."""

from accounts.duties import admin_role_grant
from accounts.models import AdminRole
from accounts.services import staff_create

ACCOUNTS = [
    ("xitong_demo", "系统管理员（演示）", AdminRole.SYSTEM),
    ("anquan_demo", "安全管理员（演示）", AdminRole.SECURITY),
    ("shenji_demo", "审计管理员（演示）", AdminRole.AUDIT),
]


def seed(ctx):
    from disclosure.demo import DEMO_PASSWORD

    for username, name, role in ACCOUNTS:
        user = staff_create(
            username=username, name=name, password=DEMO_PASSWORD if ctx.demo_mode else None
        )
        if not user.groups.filter(name=role).exists():
            admin_role_grant(user=user, role=role)
        ctx.logins.append((username, role.label))
