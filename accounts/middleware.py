"""Sign-in rules that hold on every request: the absolute session limit, two-factor sign-in, and
the way out of a single sign-on session."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.oidc import end_session_origin, second_factor_confirmed, sign_in_record
from accounts.selectors import user_requires_two_factor

SIGNED_IN_AT_SESSION_KEY = "brobyg_signed_in_at"

# What a signed-in user may open before confirming the sign-in with a code: the two-factor
# pages themselves, signing out, the language switch, public pages and assets.
TWO_FACTOR_OPEN_PATHS = (
    "/konto/to-trin/",
    "/konto/log-ud/",
    "/konto/log-ind/",
    "/konto/sso/",
    "/i18n/",
    "/static/",
    "/health/",
    "/henvis/",
    "/sw.js",
    "/api/schema/",
    "/api/docs/",
)


class SessionLimitMiddleware:
    """End a session `BROBYG_SESSION_MAX_HOURS` after the sign-in, however active it has been.

    The idle timeout (the session's renewed expiry) ends a session nobody uses; this ends one
    that is used all the time, so a tablet left signed in never stays signed in for days.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT_SESSION_KEY)
            limit = settings.BROBYG_SESSION_MAX_HOURS * 3600
            if signed_in_at is None:
                # A session from before the limit existed: count from now.
                request.session[SIGNED_IN_AT_SESSION_KEY] = timezone.now().timestamp()
            elif timezone.now().timestamp() - signed_in_at > limit:
                logout(request)
                messages.info(
                    request,
                    _("You have been signed in for %(hours)s hours. Please sign in again.")
                    % {"hours": settings.BROBYG_SESSION_MAX_HOURS},
                )
        return self.get_response(request)


class TwoFactorMiddleware:
    """Hold a signed-in user at the code page until the sign-in is confirmed with a code.

    Runs after django-otp's OTPMiddleware (which knows whether this session has been verified).
    Two factors the municipality's identity provider confirmed at a single sign-on count as the
    code. API calls with a token are not affected: DRF authenticates them after this point, and
    systems sign with tokens, not with a person's sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.BROBYG_REQUIRE_2FA and not request.path.startswith(TWO_FACTOR_OPEN_PATHS):
            user = request.user
            if user_requires_two_factor(user=user) and not second_factor_confirmed(request):
                return self._hold(request)
        return self.get_response(request)

    def _hold(self, request: HttpRequest):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("Confirm your sign-in with the code from your authenticator."),
                    "code": "two_factor_required",
                },
                status=403,
            )
        url = reverse("accounts:two_factor_verify")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class SingleSignOnMiddleware:
    """Let the sign-out of a single sign-on session go on to the identity provider.

    Signing out sends the browser on to the provider's end_session_endpoint, and a browser holds
    a form to the page's Content-Security-Policy `form-action` through every redirect that
    follows it: the pages of such a session add the provider's origin there. Listed after (so
    inside) django-csp's middleware, which writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        origin = end_session_origin(sign_in_record(request))
        if origin:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", ()), origin]
            response._csp_update = update
        return response
