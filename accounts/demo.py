"""Demo accounts: one per business role of the demo agency (``agencies.demo``), and one per
administrator role (三权分立) — two 安全管理员, so that the audit screen and the two-person
approvals (``accounts.recovery``) can be shown.

Everything is marked as demo data; running it twice changes nothing.
"""

from accounts.duties import admin_role_grant
from accounts.models import AdminRole, Role
from accounts.services import staff_create

DEMO_PASSWORD = "Gongkai@2017demo"

ACCOUNTS = [
    ("xitong_demo", "系统管理员（演示）", AdminRole.SYSTEM),
    ("anquan_demo", "安全管理员（演示）", AdminRole.SECURITY),
    # A second one: a device removal or a letter needs an approver other than the requester.
    ("anquan2_demo", "安全管理员二（演示）", AdminRole.SECURITY),
    ("shenji_demo", "审计管理员（演示）", AdminRole.AUDIT),
]


def seed(ctx):
    district, agency = ctx.district, ctx.agency
    password = DEMO_PASSWORD if ctx.demo_mode else None
    users = {
        Role.CLERK: staff_create(
            username="ajj_clerk",
            name="王信息（演示）",
            password=password,
            memberships=[(agency, Role.CLERK)],
        ),
        Role.REVIEWER: staff_create(
            username="ajj_reviewer",
            name="李审核（演示）",
            password=password,
            memberships=[(agency, Role.REVIEWER)],
        ),
        Role.HEAD: staff_create(
            username="ajj_head",
            name="朱负责（演示）",
            password=password,
            memberships=[(agency, Role.HEAD), (agency, Role.REVIEWER)],
        ),
        Role.DISTRICT_ADMIN: staff_create(
            username="ltq_admin",
            name="区政务公开办（演示）",
            password=password,
            memberships=[(district, Role.DISTRICT_ADMIN)],
        ),
    }
    ctx.users = users
    ctx.logins.extend((user.username, Role(role).label) for role, user in users.items())

    for username, name, role in ACCOUNTS:
        user = staff_create(username=username, name=name, password=password)
        if not user.groups.filter(name=role).exists():
            admin_role_grant(user=user, role=role)
        ctx.logins.append((username, role.label))
