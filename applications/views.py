"""Public pages: the application form, its receipt, and the status lookup."""

import secrets
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from applications import pii, services, throttling
from applications.forms import ApplyForm, StatusForm
from applications.models import Application, NoticeKind, NoticeStatus

TOKEN_SALT = "applications.apply"
TOKEN_MAX_AGE = 24 * 3600


def min_fill_seconds():
    """Humans need a while to fill in the form; a faster post is a script."""
    return settings.ZWGK_APPLY_MIN_SECONDS


# Posts of the form per client and hour after which it asks a text question (SECURITY.md: only
# when traffic looks suspicious; plain text, readable by screen readers, no image captcha).
QUESTION_AFTER = 3
NUMERALS = "零一二三四五六七八九"


def _new_token(question=False, key=None):
    # ``key`` is the one-time submission key: a form shown again after a refusal (a question, a
    # too-fast post) keeps it, so the same submission can never create a second application.
    payload = {"k": key or uuid.uuid4().hex, "t": int(time.time())}
    if question:
        # The two numbers travel in the signed token, so no server state is needed per form.
        payload["q"] = [secrets.randbelow(9) + 1, secrets.randbelow(9) + 1]
    return signing.dumps(payload, salt=TOKEN_SALT)


def question_text(numbers):
    first, second = (NUMERALS[n] for n in numbers)
    return f"为防止自动提交，请回答：{first}加{second}等于几？（请填写阿拉伯数字）"


def _answer_ok(numbers, answer):
    answer = (answer or "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return answer.isdigit() and int(answer) == sum(numbers)


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
    return render(
        request, "applications/throttled.html", {"what": what, "nav": "apply"}, status=429
    )


def _render_form(request, form, status=200):
    token = _read_token(form["token"].value() or "")
    question = question_text(token["q"]) if token and token.get("q") else None
    return render(
        request,
        "applications/application_form.html",
        {
            "form": form,
            "nav": "apply",
            "notice_version": services.PRIVACY_NOTICE_VERSION,
            "question": question,
        },
        status=status,
    )


@sensitive_post_parameters()
@sensitive_variables("form", "code")
@never_cache
def apply(request):
    if request.method != "POST":
        suspicious = throttling.count("apply", request) >= QUESTION_AFTER
        return _render_form(request, ApplyForm(initial={"token": _new_token(question=suspicious)}))
    data = request.POST.copy()
    form = ApplyForm(data)
    posts = throttling.record("apply", request)
    token = _read_token(data.get("token", ""))
    earlier = services.submitted(token["k"]) if token is not None else None
    if earlier is not None:
        # This submission already got its application (a double click, a reload, or an answer to
        # a question the second click triggered): the same receipt, with its code, and nothing new.
        request.session["apply_last"] = earlier.tracking_number
        return redirect("applications:receipt")
    if posts > throttling.LIMITS["apply"][0]:
        # Refused with 429, but on the form itself so that nothing typed is lost.
        form.add_error(
            None, "提交次数过多，为防止滥用已暂停接收，请一小时后再提交；已填写的内容保留在下面。"
        )
        return _render_form(request, form, status=429)
    valid = form.is_valid()
    suspicious = posts > QUESTION_AFTER
    if token is None:
        form.add_error(None, "表单已过期，请核对内容后再次提交。")
    elif data.get("website"):
        form.add_error(None, "提交未成功，请稍后再试。")
        suspicious = True
    elif time.time() - token["t"] < min_fill_seconds():
        form.add_error(None, "提交过快，请核对填写内容后再次提交。")
        suspicious = True
    elif token.get("q") and not _answer_ok(token["q"], data.get("answer")):
        form.add_error(
            "answer",
            "回答不正确，请重新计算后填写数字。" if data.get("answer") else "请回答这个问题。",
        )
    elif suspicious and not token.get("q"):
        form.add_error(None, "为防止自动提交，请回答下面的问题后再提交；已填写的内容均已保留。")
    elif valid:
        try:
            application, code = services.application_submit(
                agency=form.cleaned_data["agency"],
                submission_key=token["k"],
                **form.application_fields(),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            request.session["apply_last"] = application.tracking_number
            return redirect("applications:receipt")
    if token is None or form.errors.get("__all__") or form.errors.get("answer") or suspicious:
        # A fresh token (with a new question when the traffic looks automated), keeping
        # everything the applicant typed except the old answer.
        data["token"] = _new_token(
            question=suspicious or bool(token and token.get("q")), key=token["k"] if token else None
        )
        data["answer"] = ""
        form.data = data
    return _render_form(request, form)


def _last_application(request):
    number = request.session.get("apply_last")
    if not number:
        return None
    return (
        Application.objects.select_related("agency", "applicant")
        .filter(tracking_number=number)
        .first()
    )


@sensitive_variables("code")
@never_cache
def receipt(request):
    """The receipt of this browser session's submission: tracking number, the secret query code
    (kept for ``receipts.RECEIPT_CODE_HOURS``, so a double submit or a reload never loses it), the
    due date, a print/save button and, if the applicant gave an address, an e-mail button."""
    application = _last_application(request)
    if application is None:
        return redirect("applications:apply")
    code = services.receipt_code(application)
    return render(
        request,
        "applications/application_receipt.html",
        {
            **services.receipt_context(application, code),
            "nav": "apply",
            "can_mail": code is not None and services.can_mail(application),
            "masked_email": pii.mask_email(application.applicant.email)
            if services.can_mail(application)
            else "",
        },
    )


@require_POST
def receipt_mail(request):
    """E-mail this session's receipt to the address given in the application."""
    application = _last_application(request)
    if application is None:
        return redirect("applications:apply")
    try:
        masked = services.receipt_mail(
            application=application,
            status_url=request.build_absolute_uri(reverse("applications:status")),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"回执已发送到 {masked}，请查收（也可能在垃圾邮件箱中）。")
    return redirect("applications:receipt")


@sensitive_post_parameters()
@sensitive_variables("code")
@never_cache
def status(request):
    if request.method != "POST":
        return render(
            request, "applications/application_status.html", {"form": StatusForm(), "nav": "apply"}
        )
    if throttling.over_limit("status", request):
        return _too_many(request, "查询申请进度")
    form = StatusForm(request.POST)
    application = None
    if form.is_valid():
        number = form.cleaned_data["tracking_number"].strip().upper()
        candidate = (
            Application.objects.select_related("agency").filter(tracking_number=number).first()
        )
        # Unknown number and wrong code give the same answer, after the same comparison. Only
        # wrong codes count against the number, and the right code always opens it: strangers
        # guessing at a number cannot lock its applicant out.
        if services.code_matches(candidate, form.cleaned_data["code"]):
            application = candidate
        elif throttling.over_limit("status-number", request, subject=number):
            return _too_many(request, "查询申请进度")
        else:
            form.add_error(None, "申请编号或查询码不正确。请核对回执上的申请编号和查询码。")
    if application is None:
        return render(
            request, "applications/application_status.html", {"form": form, "nav": "apply"}
        )
    # The consultation letter goes to the third party (or another agency), not to the applicant.
    issued = list(
        application.notices.filter(status=NoticeStatus.ISSUED)
        .exclude(kind=NoticeKind.CONSULTATION)
        .order_by("issued_on", "id")
    )
    replies = [notice for notice in issued if notice.kind == NoticeKind.REPLY]
    return render(
        request,
        "applications/application_status.html",
        {
            "form": StatusForm(),
            "application": application,
            "notices": issued,
            "reply": replies[-1] if replies else None,
            "nav": "apply",
        },
    )
