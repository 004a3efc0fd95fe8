from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("sessions/", views.session_list, name="sessions"),
    path("api/", views.proposal_api, name="api"),
]
