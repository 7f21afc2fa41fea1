from django.urls import path

from stats.api import views

urlpatterns = [
    path("stats/summary/", views.StatsSummaryView.as_view(), name="stats-summary"),
    path("stats/export.csv", views.StatsExportCsvView.as_view(), name="stats-export-csv"),
]
