"""Login lockout and per-IP slow-down, counted on the audit table (shared by every worker).

5 failures for one username from one IP within 30 minutes lock that pair for 30 minutes. A
refused attempt gets the same answer as a wrong password, so an attacker cannot tell a locked
account from a bad guess.

Many failures from one IP across usernames do not lock anybody: a whole office shares one
address behind its NAT (and every client does when the proxy is not configured), so an IP lock
would let anyone lock all staff out with made-up names. Instead each further *failed* attempt
from that IP is answered only after a delay; a correct password for a real account is answered
at once, and the per-account lock still stops guessing at any one account.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome


def refused(*, username, ip, now=None):
    """True while the username+IP pair is locked."""
    now = now or timezone.now()
    return AuditEvent.objects.filter(
        event=Event.LOCKED_OUT,
        actor_name=audit.actor_label(username),
        ip=ip,
        created_at__gte=now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS),
    ).exists()


def failure_register(*, username, ip, request, now=None):
    """Audit a failed password and lock the pair when it reaches the limit."""
    now = now or timezone.now()
    label = audit.actor_label(username)
    audit.record(event=Event.LOGIN_FAILED, actor=label, outcome=Outcome.FAILURE, request=request)
    # Count since the window start, the last success and the last lock, whichever is latest.
    since = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    last = AuditEvent.objects.filter(
        event__in=[Event.LOGIN, Event.LOCKED_OUT],
        actor_name=label,
        ip=ip,
    ).aggregate(at=Max("created_at"))["at"]
    if last and last > since:
        since = last
    failures = (
        AuditEvent.objects.login_failures(since=since, ip=ip, username=label)
        .filter(outcome=Outcome.FAILURE)
        .count()
    )
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        audit.record(
            event=Event.LOCKED_OUT,
            actor=label,
            outcome=Outcome.DENIED,
            detail=f"连续 {failures} 次密码错误，锁定 {settings.LOGIN_LOCKOUT_SECONDS // 60} 分钟",
            request=request,
        )


def failure_delay(*, ip, now=None):
    """Seconds to hold back the answer to a failed attempt from ``ip`` (0 below the IP limit)."""
    now = now or timezone.now()
    failures = AuditEvent.objects.login_failures(
        since=now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS), ip=ip
    ).count()
    return settings.LOGIN_IP_DELAY_SECONDS if failures > settings.LOGIN_IP_FAILURE_LIMIT else 0


def slow_down(*, ip):
    """Hold back a failed attempt from a busy IP: guessing gets slow, staff are not locked out."""
    delay = failure_delay(ip=ip)
    if delay:
        time.sleep(delay)
