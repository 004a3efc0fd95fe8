from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("<slug:slug>/<int:year>/", views.detail, name="detail"),
    path("<slug:slug>/<int:year>/v<int:number>/", views.detail, name="version"),
    path("<slug:slug>/<int:year>.json", views.detail_json, name="json"),
    path("<slug:slug>/<int:year>.csv", views.detail_csv, name="csv"),
]
