"""System checks for the security settings and, with ``--database default``, the accounts.

``manage.py check --database default`` lists default account names, dormant accounts, extra
superusers, a lone 安全管理员 (nobody to approve) and broken separation of duties; ``check --deploy`` covers the settings.
"""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Count, Q
from django.utils import timezone

from accounts.duties import INCOMPATIBLE
from accounts.models import AdminRole, User

# Names an attacker tries first; 等保 asks for them to be renamed or removed.
DEFAULT_ACCOUNT_NAMES = {
    "admin",
    "administrator",
    "root",
    "test",
    "tester",
    "guest",
    "user",
    "demo",
    "sa",
    "system",
    "sysadmin",
    "manager",
    "operator",
    "superuser",
}
MIN_AUDIT_RETENTION_DAYS = 365


@register(Tags.security)
def audit_retention(app_configs, **kwargs):
    days = settings.AUDIT_RETENTION_DAYS
    if days < MIN_AUDIT_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS 为 {days} 天，审计日志须至少保存 {MIN_AUDIT_RETENTION_DAYS} 天。",
                hint="《互联网政务应用安全管理规定》第二十条：网络日志留存不少于一年。",
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security)
def session_limits(app_configs, **kwargs):
    problems = []
    if settings.SESSION_COOKIE_AGE > 30 * 60 or not settings.SESSION_SAVE_EVERY_REQUEST:
        problems.append(Warning("工作人员会话空闲超时应不超过 30 分钟。", id="accounts.W010"))
    if settings.SESSION_ABSOLUTE_SECONDS <= 0:
        problems.append(
            Warning("应设置会话最长时间 SESSION_ABSOLUTE_SECONDS。", id="accounts.W011")
        )
    return problems


@register(Tags.database)
def accounts_hygiene(app_configs, databases=None, **kwargs):
    if not databases:
        return []
    problems = []
    dormant_days = settings.ACCOUNT_DORMANT_DAYS
    cutoff = timezone.now() - timedelta(days=dormant_days)
    try:
        active = User.objects.filter(is_active=True)
        for username in active.filter(username__in=DEFAULT_ACCOUNT_NAMES).values_list(
            "username", flat=True
        ):
            problems.append(
                Warning(
                    f"账号“{username}”使用了常见的默认账号名。",
                    hint="请改名或停用该账号。",
                    id="accounts.W001",
                )
            )
        dormant = active.filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        ).values_list("username", flat=True)
        for username in dormant:
            problems.append(
                Warning(
                    f"账号“{username}”已超过 {dormant_days} 天未登录。",
                    hint="请确认后停用。",
                    id="accounts.W002",
                )
            )
        superusers = list(active.filter(is_superuser=True).values_list("username", flat=True))
        if len(superusers) > 1:
            problems.append(
                Warning(
                    f"有 {len(superusers)} 个启用的超级管理员：{'、'.join(superusers)}。",
                    hint="超级管理员只用于应急，平时应只保留一个并停用。",
                    id="accounts.W003",
                )
            )
        security = active.filter(groups__name=AdminRole.SECURITY).count()
        if security == 1:
            problems.append(
                Warning(
                    "只有一名安全管理员：解除动态口令绑定和打印设置密码交接函须由另一名安全管理员批准。",
                    hint="请再指定一名安全管理员（不能由申请人本人批准）。",
                    id="accounts.W004",
                )
            )
        for first, second in INCOMPATIBLE:
            both = (
                active.annotate(
                    n=Count("groups", filter=Q(groups__name__in=[first, second]), distinct=True)
                )
                .filter(n=2)
                .values_list("username", flat=True)
            )
            for username in both:
                problems.append(
                    Error(
                        f"账号“{username}”同时担任{first.label}和{second.label}。",
                        id="accounts.E002",
                    )
                )
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    return problems
