"""Staff second factor: enrol a TOTP authenticator on first use, then enter its code at each login."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import logout, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit, recovery, sessions
from accounts.models import AuditEvent


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态口令",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
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
            event=AuditEvent.Event.OTP_FAILED,
            actor=user,
            outcome=AuditEvent.Outcome.FAILURE,
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
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class SetPasswordForm(forms.Form):
    code = forms.CharField(
        label="核对码",
        max_length=20,
        required=False,
        help_text="交接函上没有核对码：请向批准人当面或电话索取 8 位核对码。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, needs_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = "请填写批准人告知您的核对码。"
        else:
            del self.fields["code"]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "两次输入的密码不一致，请重新输入。")
        return cleaned


@sensitive_post_parameters("new_password1", "new_password2", "code")
@never_cache
def set_password(request, token):
    """The member's own page behind a one-time link: the only way a reset becomes a password."""
    found = recovery.link_find(token)
    context = {**admin.site.each_context(request), "title": "设置密码"}
    if found is None:
        context["invalid"] = recovery.LINK_INVALID
        return render(request, "admin/accounts/set_password.html", context, status=404)
    needs_code = bool(found.code_hash)
    form = SetPasswordForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.password_set_by_link(
                token=token,
                password=form.cleaned_data["new_password1"],
                code=form.cleaned_data.get("code", ""),
                request=request,
            )
        except ValidationError as exc:
            if exc.code in ("link_invalid", "code_locked"):
                context["invalid"] = exc.messages[0]
                return render(request, "admin/accounts/set_password.html", context, status=404)
            form.add_error("code" if exc.code == "code" else "new_password1", exc)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request,
                "密码已设置。请用账号和新密码登录"
                + ("，再输入手机认证器上的动态口令。" if recovery_needs_otp() else "。"),
            )
            return redirect("admin:login")
    context.update(form=form, member=found.user, needs_code=needs_code, recovery=found)
    return render(request, "admin/accounts/set_password.html", context)


def recovery_needs_otp():
    return sessions.two_factor_required()


class OwnEmailForm(forms.Form):
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        help_text="忘记密码时，设置密码链接只发到这个邮箱。请填写只有您本人能收信的邮箱。",
        error_messages={"invalid": "请输入有效的电子邮箱地址，例如 zhangsan@example.gov.cn。"},
    )
    password = forms.CharField(
        label="当前密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
def own_email(request):
    """我的电子邮箱: only the member changes the address a reset link goes to."""
    form = OwnEmailForm(request.POST or None, initial={"email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            recovery.email_change_own(
                user=request.user,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, "电子邮箱已保存。")
            return redirect("admin:index")
    context = {**admin.site.each_context(request), "title": "我的电子邮箱", "form": form}
    return render(request, "admin/accounts/own_email.html", context)
