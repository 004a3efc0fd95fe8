from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("otp/", views.otp, name="otp"),
    path("set-password/<str:token>/", views.set_password, name="set_password"),
    path("email/", views.own_email, name="own_email"),
]
