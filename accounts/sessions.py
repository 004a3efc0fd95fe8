"""Staff session rules: idle timeout, absolute cap, second factor, password age, network allow-list.

Django's own session expiry already ends idle sessions (``SESSION_COOKIE_AGE`` refreshed on every
request); the times kept here make the rule independent of the cookie and let it be audited.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import audit
from accounts.models import AuditEvent
from accounts.network import client_ip, in_networks

LOGIN_AT = "zwgk_login_at"
SEEN_AT = "zwgk_seen_at"


@receiver(user_logged_in, dispatch_uid="zwgk_audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    audit.record(event=AuditEvent.Event.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="zwgk_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        audit.record(event=AuditEvent.Event.LOGOUT, actor=user, request=request)


def two_factor_required():
    return settings.ZWGK_STAFF_2FA


def password_expired(user, now=None):
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > timedelta(days=max_age)


def is_staff_path(path):
    return any(path.startswith(prefix) for prefix in settings.STAFF_URL_PREFIXES)


class StaffSecurityMiddleware:
    """After authentication: enforces the session, network, second-factor and password rules.

    One rule for every URL: a logged-in session counts only while it passes the staff rules.
    In the staff area (``STAFF_URL_PREFIXES``) a pending step (second factor, expired password)
    redirects to that step and a foreign network gets 404; anywhere else — attachment downloads
    of drafts, any view that asks ``request.user`` — such a session is served as anonymous, so
    no staff-only content is reachable by a path that merely is not under ``/admin/``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff_path = is_staff_path(request.path)
        allowed_network = self._allowed_network(request)
        if staff_path and not allowed_network:
            # 404, not 403: the staff area should not be discoverable from outside.
            raise Http404
        user = request.user
        if user.is_authenticated:
            expired = self._session_expired(request)
            if expired:
                audit.record(
                    event=AuditEvent.Event.SESSION_EXPIRED,
                    actor=user,
                    detail=expired,
                    request=request,
                )
                logout(request)
                if staff_path:
                    return redirect_to_login(request)
                return self.get_response(request)
            request.session[SEEN_AT] = time.time()
            step = self._pending_step(request, user)
            if staff_path:
                if (
                    step
                    and user.is_staff
                    and request.path != step
                    and (request.path not in self._always_open())
                ):
                    return redirect(f"{step}?{urlencode({'next': request.get_full_path()})}")
            elif step or not allowed_network:
                _serve_as_anonymous(request)
        return self.get_response(request)

    def _allowed_network(self, request):
        networks = settings.STAFF_ALLOWED_NETWORKS
        return not networks or in_networks(client_ip(request) or "", tuple(networks))

    def _session_expired(self, request):
        now = time.time()
        login_at = request.session.get(LOGIN_AT)
        seen_at = request.session.get(SEEN_AT, login_at)
        if login_at is None:
            return "会话缺少登录时间"
        if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
            return "超过会话最长时间"
        if now - seen_at > settings.SESSION_COOKIE_AGE:
            return "超过空闲时间"
        return ""

    def _pending_step(self, request, user):
        if two_factor_required() and not user.is_verified():
            return reverse("accounts:otp")
        if password_expired(user):
            return reverse("admin:password_change")
        return None

    def _always_open(self):
        return {reverse("admin:logout"), reverse("admin:password_change_done")}


def _serve_as_anonymous(request):
    """The session stays (the member can still finish logging in); this request gets no user."""
    anonymous = AnonymousUser()
    request.user = anonymous

    async def auser():
        return anonymous

    request.auser = auser


def redirect_to_login(request):
    return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")
