"""/fhir/: what the municipality's MedCom gateway calls (medcom.api.views)."""

from django.urls import path

from medcom.api import views

app_name = "fhir"

urlpatterns = [
    path("$process-message", views.ProcessMessageView.as_view(), name="process_message"),
    path("outbox", views.OutboxView.as_view(), name="outbox"),
    path("outbox/<uuid:pk>/$fetched", views.FetchedView.as_view(), name="outbox_fetched"),
]
