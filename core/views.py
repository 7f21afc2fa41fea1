from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException, NotFound

from accounts.constants import Role
from accounts.selectors import role_counts, user_memberships, user_primary_role
from audit.services import audit_read_many
from core.api.exceptions import error_body
from core.health import run_checks
from core.throttling import limit_per_address
from referrals import selectors as referral_selectors


def _referrer_start(user) -> dict:
    # Through the referrer's own scope, which gives each referral its own status (since it
    # arrived): a referral of a person already known tells the sender nothing more.
    recent = list(
        referral_selectors.referrals_visible_to(user=user)
        .filter(referrer=user)
        .select_related("citizen")
        .order_by("-created_at")[:5]
    )
    return {"recent": recent, "shown": recent}


# What each role's start page shows besides its teams; "shown" lists the records whose citizen
# the page names, for the access log.
START_PAGE_CONTEXT = {
    Role.ADMIN: lambda user: {"role_counts": role_counts()},
    Role.BRIDGE_BUILDER: lambda user: referral_selectors.bridge_builder_summary(user=user),
    Role.REFERRER: _referrer_start,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of the user's role (the first in priority, when they hold several)."""
    role = user_primary_role(user=request.user)
    template = f"accounts/start/{role}.html" if role else "accounts/start/no_role.html"
    context = {"role": role, "memberships": user_memberships(user=request.user)}
    extra = START_PAGE_CONTEXT.get(role)
    if extra is not None:
        context.update(extra(request.user))
    shown = context.pop("shown", [])
    if shown:
        audit_read_many(actor=request.user, objs=shown, request=request)
    return render(request, template, context)


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
