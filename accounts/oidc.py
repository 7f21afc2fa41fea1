"""Single sign-on with the municipality's identity provider: OpenID Connect on mozilla-django-oidc.

The library does the protocol: the authorization request with `state`, `nonce` and PKCE (S256),
the code exchange at the token endpoint, and finding the provider's signing key in its JWKS.
Brobyg adds what the library leaves to its users (docs/decisions/0016-single-sign-on.md):

- discovery: the endpoints come from BROBYG_OIDC_ISSUER's /.well-known/openid-configuration,
  which must name that very issuer (cached for an hour);
- the ID token's checks beyond the signature and nonce: audience (and `azp`), issuer, and an
  expiry and issue time, all required;
- who the person is in Brobyg and what they may do (accounts.services.single_sign_on), and a
  page that says why when they are not let in;
- the session's record of the sign-in (the provider's two-factor assurance, the ID token for
  signing out) and the sign-out at the provider's end_session_endpoint.
"""

import contextlib
import hashlib
import logging
from dataclasses import asdict
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.constants import SingleSignOnRefusal
from accounts.selectors import single_sign_on_enabled
from accounts.services.single_sign_on import (
    SingleSignOnRefused,
    user_sign_in_with_single_sign_on,
)
from core.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)

# The session's record of a sign-in through the provider: who (`user`, `issuer`, `sub`), the
# provider's assurance (`mfa`, `amr`, `acr`), and the ID token and end_session_endpoint for
# signing out there too.
SINGLE_SIGN_ON_SESSION_KEY = "brobyg_single_sign_on"

DISCOVERY_CACHE_SECONDS = 3600

# Claims about the sign-in itself: only the (verified) ID token's count, never the userinfo's.
ID_TOKEN_CLAIMS = frozenset(
    {"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce", "jti", "sid"}
    | {"auth_time", "amr", "acr", "at_hash", "c_hash"}
)

REFUSAL_MESSAGES = {
    SingleSignOnRefusal.NO_ROLE: _(
        "Your user has no role in Brobyg: ask your administrator to give you access."
    ),
    SingleSignOnRefusal.MFA_REQUIRED: _(
        "Brobyg needs a sign-in with two factors, and the municipality's sign-in did not confirm "
        "one. Sign in again, this time with two factors."
    ),
    SingleSignOnRefusal.DEACTIVATED: _(
        "Your user is deactivated in Brobyg. Ask your administrator if you need access again."
    ),
    SingleSignOnRefusal.FAILED: _(
        "The sign-in with the municipality could not be completed. Try again; if it keeps "
        "happening, tell your administrator."
    ),
    SingleSignOnRefusal.UNAVAILABLE: _(
        "The municipality's sign-in cannot be reached just now. Try again in a moment; if it "
        "keeps happening, tell your administrator."
    ),
}

# Set on the request by the backend, read by the callback view.
_REFUSAL_ATTRIBUTE = "brobyg_single_sign_on_refusal"
_SIGN_IN_ATTRIBUTE = "brobyg_single_sign_on_sign_in"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched, or is not the configured one's."""


# --- Discovery ----------------------------------------------------------------------------------


def _discovery_cache_key(issuer: str) -> str:
    return "oidc:discovery:" + hashlib.sha256(issuer.encode()).hexdigest()[:32]


def provider_configuration() -> dict:
    """The provider's metadata from its discovery document, kept for an hour.

    Refused (ProviderUnavailable) when it cannot be fetched, or when it names another issuer
    than BROBYG_OIDC_ISSUER (OpenID Connect Discovery §4.3: whoever answers at that address must
    be that issuer), or lacks an endpoint the sign-in needs.
    """
    issuer = settings.BROBYG_OIDC_ISSUER.rstrip("/")
    key = _discovery_cache_key(issuer)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:
        cached = None
    if cached:
        return cached
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(
            url,
            timeout=settings.BROBYG_OIDC_TIMEOUT_SECONDS,
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(
            f"{url} names the issuer {document.get('issuer')!r}, not {issuer!r}"
            if isinstance(document, dict)
            else f"{url} is not a discovery document"
        )
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(endpoint), str) or not document[endpoint]:
            raise ProviderUnavailable(f"{url} names no {endpoint}")
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _token_endpoint_uses_basic_auth() -> bool:
    # client_secret_post where the provider takes it: the library's Basic header does not
    # form-encode the secret (RFC 6749 §2.3.1), so a secret with a `+` or `:` would not match.
    methods = provider_configuration().get(
        "token_endpoint_auth_methods_supported", ["client_secret_basic"]
    )
    return "client_secret_post" not in methods


# The settings mozilla-django-oidc asks for, from Brobyg's own and from discovery, read when
# asked (so tests and a changed environment need nothing else).
_LIBRARY_SETTINGS = {
    "OIDC_RP_CLIENT_ID": lambda: settings.BROBYG_OIDC_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": lambda: settings.BROBYG_OIDC_CLIENT_SECRET,
    "OIDC_RP_SCOPES": lambda: settings.BROBYG_OIDC_SCOPES,
    "OIDC_RP_SIGN_ALGO": lambda: settings.BROBYG_OIDC_SIGN_ALGORITHM,
    "OIDC_RP_IDP_SIGN_KEY": lambda: None,
    "OIDC_USE_NONCE": lambda: True,
    "OIDC_USE_PKCE": lambda: True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": lambda: "S256",
    "OIDC_TIMEOUT": lambda: settings.BROBYG_OIDC_TIMEOUT_SECONDS,
    "OIDC_VERIFY_SSL": lambda: True,
    "OIDC_ALLOW_UNSECURED_JWT": lambda: False,
    "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "accounts:sso_callback",
    "OIDC_REDIRECT_FIELD_NAME": lambda: "next",
    # Brobyg keeps the ID token itself, with the sign-in's record (SINGLE_SIGN_ON_SESSION_KEY).
    "OIDC_STORE_ACCESS_TOKEN": lambda: False,
    "OIDC_STORE_ID_TOKEN": lambda: False,
    "OIDC_CREATE_USER": lambda: True,
    "OIDC_TOKEN_USE_BASIC_AUTH": _token_endpoint_uses_basic_auth,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: provider_configuration()["authorization_endpoint"],
    "OIDC_OP_TOKEN_ENDPOINT": lambda: provider_configuration()["token_endpoint"],
    "OIDC_OP_USER_ENDPOINT": lambda: provider_configuration().get("userinfo_endpoint"),
    "OIDC_OP_JWKS_ENDPOINT": lambda: provider_configuration()["jwks_uri"],
    "LOGIN_REDIRECT_URL": lambda: settings.LOGIN_REDIRECT_URL,
}


def library_setting(name: str, *default):
    if name in _LIBRARY_SETTINGS:
        return _LIBRARY_SETTINGS[name]()
    return import_from_settings(name, *default)


# --- The backend --------------------------------------------------------------------------------


def _refuse(request: HttpRequest, reason: SingleSignOnRefusal) -> None:
    setattr(request, _REFUSAL_ATTRIBUTE, reason)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Signs in the person the provider vouches for, at the end of Brobyg's own sign-in flow."""

    get_settings = staticmethod(library_setting)
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # The library reads its endpoints here, and Django makes a backend for every request of
        # a signed-in person: Brobyg's come from discovery, asked only when a sign-in needs them.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):
        return library_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):
        return library_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):
        return library_setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self):
        return settings.BROBYG_OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):
        return settings.BROBYG_OIDC_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):
        return settings.BROBYG_OIDC_SIGN_ALGORITHM

    def get_user(self, user_id):
        # Django's, not the library's: a deactivated person's sessions end at once.
        return ModelBackend.get_user(self, user_id)

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        # Only the callback of Brobyg's own flow, which always brings the nonce and PKCE verifier
        # it kept in the session: a `code` and `state` in any other request's address are not a
        # sign-in.
        if request is None or not nonce or not code_verifier or not single_sign_on_enabled():
            return None
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SingleSignOnRefused as refused:
            logger.info("Single sign-on refused: %s", refused.reason)
            _refuse(request, refused.reason)
        except (
            SuspiciousOperation,
            ProviderUnavailable,
            requests.RequestException,
            jwt.PyJWTError,
            IntegrityError,
            ValidationError,
        ) as exc:
            logger.warning("Single sign-on failed: %s: %s", type(exc).__name__, exc)
            _refuse(request, SingleSignOnRefusal.FAILED)
        return None

    def verify_token(self, token, **kwargs):
        """The ID token (or a signed userinfo): signed with the provider's key in the expected
        algorithm, by the configured issuer, for this client (`aud`, and `azp` when there is one
        or several audiences), within its times. An ID token must have its times and the nonce
        of this sign-in."""
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("The token response has no ID token")
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(token).get("alg") != algorithm:
            raise SuspiciousOperation(f"The token is not signed with {algorithm}")
        key = (
            self.OIDC_RP_CLIENT_SECRET
            if algorithm.startswith("HS")
            else self.retrieve_matching_jwk(token)
        )
        is_id_token = "nonce" in kwargs
        payload = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=provider_configuration()["issuer"],
            leeway=settings.BROBYG_OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"] if is_id_token else ["sub"]},
        )
        audience = payload.get("aud")
        several = isinstance(audience, list) and len(audience) > 1
        if (several or "azp" in payload) and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The token was issued to another client (azp)")
        if is_id_token and not constant_time_compare(
            str(payload.get("nonce") or ""), str(kwargs["nonce"] or "")
        ):
            raise SuspiciousOperation("The ID token's nonce is not this sign-in's")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, with the provider's userinfo (when it has an endpoint) for the
        person's details. What the userinfo says about the sign-in itself is ignored."""
        claims = dict(payload)
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return claims
        info = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about another person than the ID token")
        claims.update({name: value for name, value in info.items() if name not in ID_TOKEN_CLAIMS})
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        sign_in = user_sign_in_with_single_sign_on(
            issuer=payload["iss"], claims=claims, request=self.request
        )
        record = {"issuer": payload["iss"], "sub": payload["sub"], "id_token": id_token}
        setattr(self.request, _SIGN_IN_ATTRIBUTE, {**record, **asdict(sign_in.assurance)})
        return sign_in.user


# --- The session --------------------------------------------------------------------------------


def sign_in_record(request: HttpRequest) -> dict | None:
    """The session's record of a sign-in through the provider, or None for any other sign-in."""
    session = getattr(request, "session", None)
    record = session.get(SINGLE_SIGN_ON_SESSION_KEY) if session is not None else None
    return record if isinstance(record, dict) else None


def second_factor_confirmed(request: HttpRequest) -> bool:
    """Whether this session's sign-in has its second factor: Brobyg's own code (django-otp), or
    two factors the identity provider confirmed when this very person signed in."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    record = sign_in_record(request) or {}
    return bool(record.get("mfa")) and record.get("user") == user.pk


def end_session_url(*, request: HttpRequest, record: dict | None) -> str | None:
    """Where the browser goes to sign out at the provider too (RP-Initiated Logout), coming back
    to Brobyg's sign-in page; None when the provider has no end_session_endpoint."""
    endpoint = (record or {}).get("end_session_endpoint")
    if not endpoint:
        return None
    query = {
        "client_id": settings.BROBYG_OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
    }
    if record.get("id_token"):
        query["id_token_hint"] = record["id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def end_session_origin(record: dict | None) -> str:
    """The provider's end_session_endpoint as an origin (scheme://host[:port]), or ""."""
    parts = urlsplit(str((record or {}).get("end_session_endpoint") or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


# --- The views ----------------------------------------------------------------------------------


def refusal_response(
    request: HttpRequest, reason: SingleSignOnRefusal, *, status: int = 403
) -> HttpResponse:
    return render(
        request,
        "accounts/single_sign_on_refused.html",
        {
            "reason": reason.value,
            "message": REFUSAL_MESSAGES[reason],
            "try_again": reason
            in (
                SingleSignOnRefusal.FAILED,
                SingleSignOnRefusal.UNAVAILABLE,
                SingleSignOnRefusal.MFA_REQUIRED,
            ),
        },
        status=status,
    )


@method_decorator(never_cache, name="dispatch")
class SingleSignOnStartView(OIDCAuthenticationRequestView):
    """ "Sign in with the municipality": on to the provider's authorization endpoint."""

    get_settings = staticmethod(library_setting)

    def __init__(self, **kwargs):
        # The library looks up the endpoint here; Brobyg does in get(), where a provider that
        # cannot be reached gets a page rather than an error.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not single_sign_on_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_configuration()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            logger.warning("Single sign-on: the identity provider is unavailable: %s", exc)
            return refusal_response(request, SingleSignOnRefusal.UNAVAILABLE, status=503)
        self.OIDC_RP_CLIENT_ID = settings.BROBYG_OIDC_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request):
        # Ask for two factors in the provider's own terms, where the municipality has said how.
        if settings.BROBYG_OIDC_ACR_VALUES:
            return {"acr_values": settings.BROBYG_OIDC_ACR_VALUES}
        return {}


@method_decorator(never_cache, name="dispatch")
class SingleSignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the person in, or says why not."""

    get_settings = staticmethod(library_setting)

    def get(self, request):
        if not single_sign_on_enabled():
            raise Http404
        if request.GET.get("error") and not self._answers_this_browser(request):
            # An error this browser never asked for (a link or an image elsewhere can send
            # anyone here): the library would sign a signed-in person out; it changes nothing.
            logger.info("Single sign-on: an error answer without this browser's state")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # An answer this browser did not ask for, or has used already.
            logger.warning("Single sign-on: %s", exc)
            return self.login_failure()

    @staticmethod
    def _answers_this_browser(request: HttpRequest) -> bool:
        """Whether the answer's `state` is one of the sign-ins this browser started."""
        state = request.GET.get("state")
        states = request.session.get("oidc_states")
        return bool(state) and isinstance(states, dict) and state in states

    def login_failure(self):
        reason = getattr(self.request, _REFUSAL_ATTRIBUTE, SingleSignOnRefusal.FAILED)
        return refusal_response(self.request, reason)

    def login_success(self):
        sign_in = getattr(self.request, _SIGN_IN_ATTRIBUTE)
        response = super().login_success()
        # After the sign-in, which gave the session a new key (and emptied it for a new person).
        try:
            end_session_endpoint = provider_configuration().get("end_session_endpoint") or ""
        except ProviderUnavailable:
            end_session_endpoint = ""
        self.request.session[SINGLE_SIGN_ON_SESSION_KEY] = {
            **sign_in,
            "user": self.user.pk,
            "end_session_endpoint": end_session_endpoint,
        }
        return response
