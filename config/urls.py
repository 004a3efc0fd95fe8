from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers and the admin ask for /favicon.ico; the icon itself is a static file.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("img/favicon.svg"), permanent=False),
    ),
    path("admin/security/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("disclosure.urls")),
    path("", include("standards.urls")),
    path("apply/", include("applications.urls")),
    path("proposals/", include("proposals.urls")),
    path("reports/", include("reports.urls")),
    path("subscriptions/", include("subscriptions.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
