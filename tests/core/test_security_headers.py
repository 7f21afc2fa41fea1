import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/konto/log-ind/", "/henvis/", "/health/", "/api/docs/"])
def test_every_page_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # never 'unsafe-inline' for scripts
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_page_tells_the_browser_what_it_never_uses(client):
    response = client.get("/konto/log-ind/")
    policy = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()"]:
        assert feature in policy
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_sign_in_pages_are_never_cached(client, settings):
    from tests.accounts.factories import UserFactory

    assert "no-store" in client.get("/konto/log-ind/")["Cache-Control"]
    settings.BROBYG_REQUIRE_2FA = True
    client.force_login(UserFactory(bridge_builder=True))
    # The set-up page shows the authenticator's key: no browser or proxy may keep a copy.
    assert "no-store" in client.get("/konto/to-trin/opsaet/")["Cache-Control"]


def test_https_is_enforced_when_the_production_values_are_set(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/konto/log-ind/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = client.get("/konto/log-ind/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_settings_harden_cookies_transport_and_sign_in():
    """The values `config.settings.production` really has, read in a process of its own."""
    import json

    from tests.core.test_deploy import PRODUCTION_ENV, _manage

    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_NAME",
        "LANGUAGE_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "X_FRAME_OPTIONS",
        "BROBYG_REQUIRE_2FA",
        "AXES_FAILURE_LIMIT",
    ]
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = _manage("shell", "-c", code, env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    for flag in [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "LANGUAGE_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "BROBYG_REQUIRE_2FA",
    ]:
        assert values[flag] is True, flag
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AXES_FAILURE_LIMIT"] == 5
