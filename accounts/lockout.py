"""Login lockout and per-IP throttling, counted on the audit table (shared by every worker).

5 failures for one username from one IP within 30 minutes lock that pair for 30 minutes; many
failures from one IP across usernames throttle the IP. A refused attempt gets the same answer
as a wrong password, so an attacker cannot tell a locked account from a bad guess.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome


def refused(*, username, ip, now=None):
    """True while the username+IP pair is locked or the IP is throttled."""
    now = now or timezone.now()
    locked = AuditEvent.objects.filter(
        event=Event.LOCKED_OUT, actor_name=username[:150], ip=ip,
        created_at__gte=now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS),
    ).exists()
    if locked:
        return True
    ip_failures = AuditEvent.objects.login_failures(
        since=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS), ip=ip
    ).filter(outcome=Outcome.FAILURE).count()
    return ip_failures >= settings.LOGIN_IP_FAILURE_LIMIT


def failure_register(*, username, ip, request, now=None):
    """Audit a failed password and lock the pair when it reaches the limit."""
    now = now or timezone.now()
    audit.record(
        event=Event.LOGIN_FAILED, actor=username[:150], outcome=Outcome.FAILURE, request=request
    )
    # Count since the window start, the last success and the last lock, whichever is latest.
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    last = AuditEvent.objects.filter(
        event__in=[Event.LOGIN, Event.LOCKED_OUT], actor_name=username[:150], ip=ip,
    ).aggregate(at=Max("created_at"))["at"]
    if last and last > since:
        since = last
    failures = AuditEvent.objects.login_failures(since=since, ip=ip, username=username[:150]).filter(
        outcome=Outcome.FAILURE
    ).count()
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        audit.record(
            event=Event.LOCKED_OUT, actor=username[:150], outcome=Outcome.DENIED,
            detail=f"连续 {failures} 次密码错误，锁定 {settings.LOGIN_LOCKOUT_SECONDS // 60} 分钟",
            request=request,
        )
