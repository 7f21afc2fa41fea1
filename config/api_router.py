"""Every app's API, registered once under /api/v1/."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("referrals.api.urls")),
    path("", include("screening.api.urls")),
    path("", include("followups.api.urls")),
    path("", include("offers.api.urls")),
    path("", include("stats.api.urls")),
]
