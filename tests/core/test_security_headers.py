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
