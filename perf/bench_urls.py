"""URLs of a benchmark run: the real site, the naive baseline under /_naive/ and the floor.

Used only by ``manage.py bench`` (``override_settings(ROOT_URLCONF=...)``), so that the real
pages, the baseline and the floor go through the same middleware and template stack.
"""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from perf.baseline import NaiveItemApi, NaiveItemDetail, NaiveItemList, floor_page

urlpatterns = [
    path("_floor/<slug:slug>/", floor_page),
    path("_naive/catalog/", NaiveItemList.as_view()),
    path("_naive/catalog/<int:pk>/", NaiveItemDetail.as_view()),
    path("_naive/api/items/", NaiveItemApi.as_view()),
    *site_urlpatterns,
]
