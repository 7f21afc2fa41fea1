from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("sletning/", views.retention, name="retention"),
    path("teams/", views.team_changes, name="team_changes"),
    path("borgere/<uuid:citizen_id>/", views.citizen, name="citizen"),
    path("borgere/<uuid:citizen_id>/adgang/", views.access_log, name="access_log"),
    path("borgere/<uuid:citizen_id>/indsigt/", views.export, name="export"),
    path("borgere/<uuid:citizen_id>/indsigt.json", views.export_json, name="export_json"),
    path("borgere/<uuid:citizen_id>/slet/", views.erase, name="erase"),
]
