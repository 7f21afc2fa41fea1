from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException, NotFound

from accounts.constants import Role
from accounts.selectors import role_counts, user_memberships, user_primary_role
from core.api.exceptions import error_body
from core.health import run_checks
from referrals import selectors as referral_selectors

# What each role's start page shows besides its teams.
START_PAGE_CONTEXT = {
    Role.ADMIN: lambda user: {"role_counts": role_counts()},
    Role.BRIDGE_BUILDER: lambda user: referral_selectors.bridge_builder_summary(user=user),
    Role.REFERRER: lambda user: {"recent": referral_selectors.referrals_recent(user=user)},
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
    return render(request, template, context)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
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
