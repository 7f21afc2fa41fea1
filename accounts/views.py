from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.constants import Language
from accounts.forms import SetUpCodeForm, SignInForm, TwoFactorTokenForm
from accounts.oidc import end_session_url, second_factor_confirmed, sign_in_record
from accounts.selectors import (
    single_sign_on_enabled,
    user_requires_two_factor,
    user_two_factor_device,
)
from accounts.services import user_set_language
from core.http import safe_next_url


def _safe_next(request: HttpRequest, default: str = "") -> str:
    return safe_next_url(request, default or reverse(settings.LOGIN_REDIRECT_URL))


def _with_next(url_name: str, next_url: str) -> str:
    return reverse(url_name) + "?" + urlencode({"next": next_url})


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if user_requires_two_factor(user=self.request.user):
            # Straight on to the code (or to setting up the app), then where they were going.
            return _with_next("accounts:two_factor_verify", url)
        return url

    def get_context_data(self, **kwargs):
        # With single sign-on on, staff sign in with the municipality; the form is for the
        # break-glass admin.
        return {**super().get_context_data(**kwargs), "single_sign_on": single_sign_on_enabled()}


class SignOutView(auth_views.LogoutView):
    """Sign out, and have the browser drop every page it cached: tablets are shared.

    `"cache"` only: `"storage"` would also delete the outbox, and a screening made offline and
    not yet sent must survive the sign-out (it goes after the next sign-in).

    A person who signed in with the municipality is signed out there too: the browser goes on to
    the identity provider's end_session_endpoint, which sends it back to the sign-in page.
    """

    def post(self, request, *args, **kwargs):
        identity_provider_url = end_session_url(request=request, record=sign_in_record(request))
        response = super().post(request, *args, **kwargs)
        if identity_provider_url:
            response = redirect(identity_provider_url)
        response["Clear-Site-Data"] = '"cache"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """A lost phone or tablet: end the person's sign-in on every other device and stop their
    API tokens. The session the button was pressed in goes on."""
    services.user_sign_out_everywhere(user=request.user, actor=request.user, request=request)
    messages.success(
        request,
        _("You are signed out on all other devices, and your API tokens no longer work."),
    )
    return redirect("accounts:password_change")


def set_language(request):
    """Django's language switch, which also keeps the signed-in user's choice for e-mails."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in Language.values:
        user_set_language(user=request.user, language=language)
    return response


# --- Lockout ------------------------------------------------------------------------------------

LOCKED_OUT_MESSAGE = gettext_lazy(
    "Too many failed sign-ins. Wait %(minutes)s minutes and try again, or ask your "
    "administrator to unlock your account."
)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return str(LOCKED_OUT_MESSAGE) % {"minutes": minutes}


def lockout_json_response() -> JsonResponse:
    response = JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): JSON on the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        return lockout_json_response()
    response = render(
        request, "accounts/locked_out.html", {"message": lockout_message()}, status=429
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


# --- Two-factor sign-in -------------------------------------------------------------------------


def _throttled_message(locked_until) -> str:
    seconds = max(1, int((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    return _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": seconds}


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the six-digit code from the person's authenticator app."""
    user = request.user
    next_url = _safe_next(request)
    if not user_requires_two_factor(user=user) or second_factor_confirmed(request):
        return redirect(next_url)
    if user_two_factor_device(user=user) is None:
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.two_factor_verify(
            user=user, token=form.cleaned_data["token"], request=request
        )
        if result.verified:
            return redirect(next_url)
        form.add_error(
            "token",
            _throttled_message(result.locked_until)
            if result.locked_until
            else _("The code is not right. Check the time on your phone and try the new code."),
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG, drawn here: no image service, nothing for the CSP to block."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", title=_("QR code"))


# The set-up code accepted in this sign-in (its id), and one that came in a link before the
# person had signed in (checked against them once they have).
SET_UP_CODE_SESSION_KEY = "brobyg_set_up_code"
SET_UP_CODE_PENDING_SESSION_KEY = "brobyg_set_up_code_pending"


@never_cache
def two_factor_code_link(request: HttpRequest, code: str) -> HttpResponse:
    """The link an administrator sends: remember its code, then sign in and set up.

    The code leaves the address bar at once; it is checked against the person who signs in.
    """
    request.session[SET_UP_CODE_PENDING_SESSION_KEY] = code[:64]
    request.session.pop(SET_UP_CODE_SESSION_KEY, None)
    return redirect("accounts:two_factor_enrol")


def _set_up_code_step(
    request: HttpRequest, next_url: str, error: ValidationError | None = None
) -> HttpResponse:
    """Before the QR code: the one-time code from the administrator."""
    user = request.user
    form = SetUpCodeForm(request.POST if "code" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            enrolment = services.two_factor_code_check(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages)
        else:
            request.session[SET_UP_CODE_SESSION_KEY] = str(enrolment.pk)
            return redirect(_with_next("accounts:two_factor_enrol", next_url))
    # The code of a link that did not work (wrong, used, expired or replaced), said above the form.
    link_errors = error.messages if error is not None else []
    return render(
        request,
        "accounts/two_factor_set_up_code.html",
        {"form": form, "next": next_url, "link_errors": link_errors},
        status=400 if form.errors or link_errors else 200,
    )


@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: scan the QR code (or type the key) and confirm with a code.

    Only with a set-up code an administrator issued: a new or reset account's password alone
    does not let anyone register their own authenticator for it.
    """
    user = request.user
    next_url = _safe_next(request)
    if not user_requires_two_factor(user=user) or second_factor_confirmed(request):
        return redirect(next_url)
    if user_two_factor_device(user=user) is not None:
        return redirect(_with_next("accounts:two_factor_verify", next_url))
    enrolment_id = request.session.get(SET_UP_CODE_SESSION_KEY)
    pending = request.session.pop(SET_UP_CODE_PENDING_SESSION_KEY, None)
    if not services.two_factor_code_valid(user=user, enrolment_id=enrolment_id):
        request.session.pop(SET_UP_CODE_SESSION_KEY, None)
        if not pending:
            return _set_up_code_step(request, next_url)
        try:
            enrolment = services.two_factor_code_check(user=user, code=pending)
        except ValidationError as exc:
            return _set_up_code_step(request, next_url, error=exc)
        enrolment_id = request.session[SET_UP_CODE_SESSION_KEY] = str(enrolment.pk)
    device = services.two_factor_enrolment_start(user=user)
    form = TwoFactorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.two_factor_enrolment_confirm(
                user=user,
                token=form.cleaned_data["token"],
                enrolment_id=enrolment_id,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("token", exc.messages)
        else:
            if result.verified:
                request.session.pop(SET_UP_CODE_SESSION_KEY, None)
                messages.success(request, _("Two-factor sign-in is set up."))
                return redirect(next_url)
            form.add_error(
                "token",
                _throttled_message(result.locked_until)
                if result.locked_until
                else _("The code is not right. Scan the QR code again and try the new code."),
            )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - drawn by segno
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
        status=400 if form.errors else 200,
    )
