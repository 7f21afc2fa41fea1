from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("eksport.csv", views.export_csv, name="export_csv"),
    path("eksport.xlsx", views.export_xlsx, name="export_xlsx"),
]
