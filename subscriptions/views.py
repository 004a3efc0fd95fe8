"""Public pages of the e-mail subscription: the form, and the confirm and unsubscribe links.

The form's answer is the same whether the address was new, already subscribed or over its
limit, so the site never tells who is subscribed.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from applications import pii, throttling
from disclosure.cache import public_cache
from subscriptions import mails, services, tokens
from subscriptions.forms import SubscribeForm

INITIAL_PARAMS = ("agency", "topic", "category")


@require_http_methods(["GET", "POST"])
def subscribe(request):
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if throttling.over_limit("subscribe", request):
            form.add_error(None, "提交次数过多，请一小时后再试。已填写的内容保留在下面。")
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            address = pii.blind_index(data["email"].lower(), field="subscribe-address")
            # Over the per-address limit nothing is sent, but the answer is the same.
            if throttling.hit("subscribe-address", address):
                services.subscription_request(
                    email=data["email"],
                    agency=data["agency"],
                    topic=data["topic"],
                    category=data["category"],
                    site_url=request.build_absolute_uri("/").rstrip("/"),
                )
            return redirect("subscriptions:requested")
        else:
            status = 400
    else:
        form = SubscribeForm(
            initial={name: request.GET[name] for name in INITIAL_PARAMS if request.GET.get(name)}
        )
    return render(
        request,
        "subscriptions/subscribe_form.html",
        {"form": form, "hours": _hours(), "nav": "catalog"},
        status=status,
    )


def _hours():
    return int(tokens.link_lifetime().total_seconds() // 3600)


@public_cache
def requested(request):
    return render(
        request,
        "subscriptions/requested.html",
        {"hours": _hours(), "nav": "catalog"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button, POST confirms: link checkers that open every link in a mail do not
    subscribe anybody by themselves."""
    context = {"token": token, "nav": "catalog"}
    try:
        if request.method == "POST":
            subscription = services.subscription_confirm(token=token)
            context.update(
                done=True,
                label=mails.describe(subscription),
                catalog_url=mails.catalog_url(subscription, ""),
                unsubscribe_url=mails.unsubscribe_url(subscription, ""),
            )
        else:
            tokens.load(token, salt=tokens.CONFIRM_SALT, max_age=tokens.link_lifetime())
    except ValidationError as error:
        context["error"] = error.messages[0]
        return render(request, "subscriptions/confirm.html", context, status=400)
    return render(request, "subscriptions/confirm.html", context)


@never_cache
@csrf_exempt  # the link itself is the credential; RFC 8058 one-click POSTs come without cookies
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows one button; POST (the button, or a mail program's List-Unsubscribe-Post)
    deletes the subscription and its address, without a login."""
    context = {"token": token, "nav": "catalog"}
    try:
        if request.method == "POST":
            services.subscription_cancel(token=token)
            context["done"] = True
        else:
            tokens.load(token, salt=tokens.UNSUBSCRIBE_SALT)
    except ValidationError as error:
        context["error"] = error.messages[0]
        return render(request, "subscriptions/unsubscribe.html", context, status=400)
    return render(request, "subscriptions/unsubscribe.html", context)
