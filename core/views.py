from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException, NotFound

from core.api.exceptions import error_body
from core.health import run_checks
from core.throttling import limit_per_address


def _health_throttled(request: HttpRequest, retry_after: int) -> JsonResponse:
    body = error_body(
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": retry_after},
        "throttled",
        retry_after=retry_after,
    )
    response = JsonResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_GET
@never_cache
@limit_per_address(scope="health", rate_setting="BROBYG_HEALTH_THROTTLE", answer=_health_throttled)
def health(request: HttpRequest) -> JsonResponse:
    """The state of the database, the cache and the broker, for the proxy and the monitoring."""
    healthy, results = run_checks()
    return JsonResponse(results, status=200 if healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body(NotFound.default_detail, "not_found"), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body(APIException.default_detail, "error"), status=500)
    return render(request, "500.html", status=500)


def team_from_request(request: HttpRequest, teams) -> tuple:
    """The team chosen with ?team=<id> among the user's `teams` (the first by default).

    Returns (team, teams); 404 when the user has no such team at all.
    """
    teams = list(teams)
    if not teams:
        raise Http404
    chosen = next((t for t in teams if str(t.pk) == request.GET.get("team")), teams[0])
    return chosen, teams
