"""Public pages: the application form, its receipt, and the status lookup."""

import time
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from applications import services, throttling
from applications.forms import ApplyForm, StatusForm
from applications.models import Application, NoticeKind, NoticeStatus

TOKEN_SALT = "applications.apply"
TOKEN_MAX_AGE = 24 * 3600
SESSION_RECEIPTS = "apply_receipts"


def min_fill_seconds():
    """Humans need a while to fill in the form; a faster post is a script."""
    return getattr(settings, "ZWGK_APPLY_MIN_SECONDS", 3)


def _new_token():
    return signing.dumps({"k": uuid.uuid4().hex, "t": int(time.time())}, salt=TOKEN_SALT)


def _read_token(token):
    try:
        return signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError):
        return None


def form_errors_from(form, exc):
    """Put a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _too_many(request, what):
    return render(request, "applications/throttled.html", {"what": what, "nav": "apply"},
                  status=429)


def _render_form(request, form, status=200):
    return render(request, "applications/application_form.html", {
        "form": form, "nav": "apply", "notice_version": services.PRIVACY_NOTICE_VERSION,
    }, status=status)


@sensitive_post_parameters()
@sensitive_variables("form", "code")
@never_cache
def apply(request):
    if request.method != "POST":
        return _render_form(request, ApplyForm(initial={"token": _new_token()}))
    data = request.POST.copy()
    form = ApplyForm(data)
    if throttling.over_limit("apply", request):
        # Refused with 429, but on the form itself so that nothing typed is lost.
        form.add_error(None, "提交次数过多，为防止滥用已暂停接收，请一小时后再提交；已填写的内容保留在下面。")
        return _render_form(request, form, status=429)
    token = _read_token(data.get("token", ""))
    valid = form.is_valid()
    if token is None:
        form.add_error(None, "表单已过期，请核对内容后再次提交。")
    elif data.get("website"):
        form.add_error(None, "提交未成功，请稍后再试。")
    elif time.time() - token["t"] < min_fill_seconds():
        form.add_error(None, "提交过快，请核对填写内容后再次提交。")
    elif valid:
        try:
            application, code = services.application_submit(
                agency=form.cleaned_data["agency"], submission_key=token["k"],
                **form.application_fields(),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            receipts = request.session.get(SESSION_RECEIPTS, {})
            if code is not None:
                receipts[application.tracking_number] = code
                request.session[SESSION_RECEIPTS] = receipts
            request.session["apply_last"] = application.tracking_number
            return redirect("applications:receipt")
    if token is None or form.errors.get("__all__"):
        # A fresh token, keeping everything the applicant typed.
        data["token"] = _new_token()
        form.data = data
    return _render_form(request, form)


@never_cache
def receipt(request):
    """The receipt: tracking number and (once, in this browser session) the secret query code."""
    number = request.session.get("apply_last")
    if not number:
        return redirect("applications:apply")
    application = Application.objects.select_related("agency").filter(
        tracking_number=number).first()
    if application is None:
        return redirect("applications:apply")
    code = request.session.get(SESSION_RECEIPTS, {}).get(number)
    return render(request, "applications/application_receipt.html", {
        "application": application, "code": code, "nav": "apply",
    })


@sensitive_post_parameters()
@sensitive_variables("code")
@never_cache
def status(request):
    if request.method != "POST":
        return render(request, "applications/application_status.html",
                      {"form": StatusForm(), "nav": "apply"})
    if throttling.over_limit("status", request):
        return _too_many(request, "查询申请进度")
    form = StatusForm(request.POST)
    application = None
    if form.is_valid():
        number = form.cleaned_data["tracking_number"].strip().upper()
        if throttling.over_limit("status-number", request, subject=number):
            return _too_many(request, "查询申请进度")
        candidate = (Application.objects.select_related("agency")
                     .filter(tracking_number=number).first())
        # Unknown number and wrong code give the same answer, after the same comparison.
        if services.code_matches(candidate, form.cleaned_data["code"]):
            application = candidate
        else:
            form.add_error(None, "申请编号或查询码不正确。请核对回执上的申请编号和查询码。")
    if application is None:
        return render(request, "applications/application_status.html",
                      {"form": form, "nav": "apply"})
    issued = list(application.notices.filter(status=NoticeStatus.ISSUED).order_by("issued_on", "id"))
    replies = [notice for notice in issued if notice.kind == NoticeKind.REPLY]
    return render(request, "applications/application_status.html", {
        "form": StatusForm(), "application": application, "notices": issued,
        "reply": replies[-1] if replies else None, "nav": "apply",
    })
