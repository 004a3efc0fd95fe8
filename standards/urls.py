from django.urls import path

from standards import views

app_name = "standards"

urlpatterns = [
    path("catalog/agency/<slug:slug>/standard/", views.tree, name="tree"),
    path("catalog/agency/<slug:slug>/standard/<int:entry_id>/", views.entry_items, name="entry"),
]
