"""Error pages that still render when the database behind the site header is down."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader

# Shown when a refusal carries no reason of its own (Django's admin raises a bare 403).
STAFF_REFUSAL = "您的角色不能进行这项操作，或这条记录不属于您所在的机构。"


def _render(request, template, status, context=None):
    try:
        return render(request, template, context, status=status)
    except Exception:  # the database may be what failed: render without context processors
        return HttpResponse(loader.render_to_string(template, {"bare": True}), status=status)


def bad_request(request, exception=None):
    return _render(request, "400.html", 400)


def _is_staff_page(request):
    user = getattr(request, "user", None)
    return request.path.startswith("/admin/") and bool(user and user.is_staff)


def permission_denied(request, exception=None):
    """Staff read why they were refused and what to do, inside the admin's frame."""
    if not _is_staff_page(request):
        return _render(request, "403.html", 403)
    reason = str(exception or "").strip() or STAFF_REFUSAL
    context = {**admin.site.each_context(request), "title": "不能进行这项操作", "reason": reason}
    return _render(request, "admin/403.html", 403, context)


def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


def server_error(request):
    return _render(request, "500.html", 500)
