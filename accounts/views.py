"""Staff second factor: enrol a TOTP authenticator on first use, then enter its code at each login."""

import segno
from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.models import AuditEvent


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态口令", regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": "请输入认证器上显示的 6 位数字。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "/admin/"


@sensitive_post_parameters("token")
@never_cache
@login_required
def otp(request):
    """Second login step for staff. Without a confirmed device, shows the enrolment first."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "动态口令认证器"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    audit.record(event=AuditEvent.Event.OTP_ENROLLED, actor=user, request=request)
                otp_login(request, device)
            return redirect(_next_url(request))
        audit.record(
            event=AuditEvent.Event.OTP_FAILED, actor=user, outcome=AuditEvent.Outcome.FAILURE,
            request=request,
        )
        form.add_error("token", "动态口令不正确或已过期，请等待下一个口令后重试。")
    context = {
        **admin.site.each_context(request),
        "title": "绑定动态口令" if enrolling else "动态口令验证",
        "form": form,
        "enrolling": enrolling,
        "next": _next_url(request),
    }
    if enrolling:
        context["secret"] = _base32(device.bin_key)
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "admin/accounts/otp.html", context)


def _base32(key):
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
