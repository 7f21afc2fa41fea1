from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import set_language
from config import views as start_page
from core import urls as core_urls
from screening import views as screening_views

admin.site.site_header = _("Brobyg administration")
admin.site.site_title = _("Brobyg")
admin.site.index_title = _("Administration")

# The start page and the health check, as "core:home" and "core:health".
core_patterns = ([path("", start_page.home, name="home"), *core_urls.urlpatterns], "core")

urlpatterns = [
    path("", include(core_patterns)),
    path("", include("referrals.urls")),
    path("screening/", include("screening.urls")),
    path("", include("offers.urls")),
    path("", include("matching.urls")),
    path("frivillige/", include("volunteers.urls")),
    path("opgaver/", include("followups.urls")),
    path("sw.js", screening_views.service_worker, name="service_worker"),
    path("konto/", include("accounts.urls")),
    path("tilbud/", include("offers.directory_urls")),
    path("revision/", include("audit.urls")),
    path("databeskyttelse/", include("privacy.urls")),
    path("statistik/", include("stats.urls")),
    path("medcom/", include("medcom.urls")),
    # MedCom's FHIR messaging: what the municipality's MedCom gateway calls.
    path("fhir/", include("medcom.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
