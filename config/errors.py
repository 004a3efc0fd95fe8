"""Error pages that still render when the database behind the site header is down."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader


def _render(request, template, status):
    try:
        return render(request, template, status=status)
    except Exception:  # the database may be what failed: render without context processors
        return HttpResponse(loader.render_to_string(template, {"bare": True}), status=status)


def bad_request(request, exception=None):
    return _render(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _render(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _render(request, "404.html", 404)


def server_error(request):
    return _render(request, "500.html", 500)
