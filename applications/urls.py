from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.apply, name="apply"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/mail/", views.receipt_mail, name="receipt_mail"),
    path("status/", views.status, name="status"),
]
