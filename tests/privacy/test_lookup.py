"""Finding the person a data-protection request is about: the CPR number is sent in the body of a
POST, never in an address, so it stays out of server logs, the browser's history and the Referer
header of the pages that follow."""

import re

import pytest
from django.test import Client

from audit.constants import AuditAction
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/databeskyttelse/"
CPR = "010150-1234"
CPR_FORMS = [CPR, CPR.replace("-", ""), CPR[:6]]


@pytest.fixture
def dpo(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def _urls(html: str) -> list[str]:
    """Every address in the page: links, form actions, sources."""
    return re.findall(r'(?:href|action|src|formaction)="([^"]*)"', html)


def test_the_lookup_form_is_a_post_with_a_csrf_token(dpo):
    html = dpo.get(URL).content.decode()
    form = html.split('aria-label="Find borgeren"', 1)[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in html.split('aria-label="Find borgeren"', 1)[1]


def test_a_post_finds_the_citizen_and_no_address_in_the_result_holds_the_cpr(
    dpo, full_case, admin_user
):
    # given the citizen's record has not been read by the data-protection officer
    assert not AuditEvent.objects.filter(actor=admin_user, action=AuditAction.READ).exists()
    # when the officer looks the citizen up by CPR number
    response = dpo.post(URL, {"cpr": CPR})
    # then the citizen is found, through a link that names the citizen's id only
    assert response.status_code == 200
    assert response.context["citizens"] == [full_case.citizen]
    html = response.content.decode()
    urls = _urls(html)
    assert f"/databeskyttelse/borgere/{full_case.citizen_id}/" in urls
    for url in urls:
        for form in CPR_FORMS:
            assert form not in url, url
    # and the read is in the access log
    assert AuditEvent.objects.filter(
        actor=admin_user, action=AuditAction.READ, subject_id=full_case.citizen_id
    ).exists()


def test_a_lookup_by_birth_date_and_name_is_a_post_too(dpo, full_case):
    response = dpo.post(URL, {"birth_date": "1950-01-01", "name": "gudrun"})
    assert response.context["citizens"] == [full_case.citizen]
    assert not any(
        "gudrun" in url.lower() or "1950" in url for url in _urls(response.content.decode())
    )


@pytest.mark.parametrize("params", [{"cpr": CPR}, {"birth_date": "1950-01-01", "name": "gudrun"}])
def test_a_get_with_the_cpr_in_the_address_finds_nobody(dpo, full_case, admin_user, params):
    response = dpo.get(URL, params, follow=True)
    # the address is cleaned: the page's own links (the language switch) do not carry it on
    assert response.redirect_chain == [(URL, 302)]
    assert response.status_code == 200
    assert response.context["citizens"] is None
    assert not response.context["form"].is_bound
    assert len(list(response.context["messages"])) == 1  # why nothing was searched
    html = response.content.decode()
    assert "Gudrun" not in html
    assert CPR not in html and "1950-01-01" not in html
    assert not AuditEvent.objects.filter(
        actor=admin_user, action=AuditAction.READ, subject_id=full_case.citizen_id
    ).exists()


def test_a_bad_cpr_is_a_form_error_naming_the_field(dpo, full_case):
    response = dpo.post(URL, {"cpr": "99"})
    assert response.status_code == 400
    assert response.context["form"].errors["cpr"]
    assert response.context["citizens"] is None


def test_the_lookup_needs_the_csrf_token(admin_user, full_case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(URL, {"cpr": CPR}).status_code == 403


def test_only_data_protection_officers_may_post_a_lookup(client, builder, full_case):
    client.force_login(builder)
    assert client.post(URL, {"cpr": CPR}).status_code == 403
