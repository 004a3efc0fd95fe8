from django.urls import path

from disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide_index, name="guide_index"),
    path("guide/<slug:slug>/", views.guide, name="guide"),
    path("rules/", views.rules_index, name="rules_index"),
    path("rules/<slug:slug>/", views.rules, name="rules"),
]
