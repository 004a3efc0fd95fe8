"""A URLconf whose only view fails, to check the headers on the 500 page."""

from django.urls import include, path


def failing(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", failing), path("", include("config.urls"))]
handler500 = "config.errors.server_error"
handler404 = "config.errors.page_not_found"
