from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("ny/", views.volunteer_create, name="create"),
    path("venteliste/", views.waiting_list, name="waiting_list"),
    path("venteliste/<uuid:request_id>/", views.request_detail, name="request_detail"),
    path("<uuid:volunteer_id>/", views.volunteer_detail, name="detail"),
    path("<uuid:volunteer_id>/attest/", views.volunteer_vetting, name="vetting"),
    path("<uuid:volunteer_id>/status/", views.volunteer_status, name="status"),
]
