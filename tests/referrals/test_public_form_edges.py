"""The public form at /henvis/ at its edges: a replayed form, and Redis down or frozen."""

import time

import pytest
from django.utils import timezone

from core.models import UsedFormToken
from referrals.forms import SelfReferralForm
from referrals.models import Referral
from tests.referrals.factories import bridge_team
from tests.referrals.public_form import fresh_token, self_referral_data

pytestmark = pytest.mark.django_db

URL = "/henvis/"


@pytest.fixture(autouse=True)
def team():
    return bridge_team(name="Brobyggerne")


def _errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


# --- A form is sent once ------------------------------------------------------------------------


def test_a_sent_form_cannot_be_sent_again(client):
    data = self_referral_data()
    assert client.post(URL, data).status_code == 302

    # The same form again (a robot replaying it, or the browser's "resend"): nothing stored.
    again = client.post(URL, {**data, "first_name": "Anden"})

    assert again.status_code == 200
    assert "allerede sendt" in " ".join(_errors(again))
    assert Referral.objects.count() == 1


def test_the_form_shown_again_after_a_replay_can_be_sent_as_a_new_one(client, monkeypatch):
    data = self_referral_data()
    client.post(URL, data)
    again = client.post(URL, {**data, "first_name": "Anden"})
    renewed = again.context["form"]["shown_at"].value()
    assert renewed != data["shown_at"]

    # Sent after a moment's thought (the test skips the wait), the renewed form goes through.
    monkeypatch.setattr(SelfReferralForm, "MIN_SECONDS", 0)
    assert client.post(URL, {**data, "first_name": "Anden", "shown_at": renewed}).status_code == 302
    assert Referral.objects.count() == 2


def test_a_form_with_an_error_keeps_its_token_for_the_corrected_send(client):
    data = self_referral_data(consent_given="")
    first = client.post(URL, data)
    assert first.status_code == 200
    assert first.context["form"].errors["consent_given"]

    # The person ticks the box and sends the same form again: it is not a replay.
    assert client.post(URL, {**data, "consent_given": "on"}).status_code == 302
    assert Referral.objects.count() == 1


def test_an_expired_form_is_shown_again_with_a_token_that_works(client):
    expired = fresh_token(age_seconds=7 * 60 * 60)
    response = client.post(URL, self_referral_data(shown_at=expired))
    assert response.status_code == 200
    assert "udløbet" in " ".join(_errors(response))
    assert not Referral.objects.exists()
    # What the person typed is still there, with a new token to send it with.
    form = response.context["form"]
    assert form["first_name"].value() == "Lise"
    assert form["shown_at"].value() != expired


def test_used_tokens_are_forgotten_once_they_would_have_expired(client):
    client.post(URL, self_referral_data())
    assert UsedFormToken.objects.count() == 1
    UsedFormToken.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))

    client.post(URL, self_referral_data(first_name="Anden"))

    assert UsedFormToken.objects.count() == 1
    assert Referral.objects.count() == 2


def test_a_replay_is_refused_while_redis_is_down(client, redis_down):
    data = self_referral_data()
    assert client.post(URL, data).status_code == 302
    again = client.post(URL, data)
    assert again.status_code == 200
    assert Referral.objects.count() == 1


# --- Redis down or frozen -------------------------------------------------------------------------


def test_a_referral_is_not_lost_when_redis_is_down_or_frozen(client, redis_outage):
    started = time.monotonic()
    response = client.get(URL)
    assert response.status_code == 200

    response = client.post(URL, self_referral_data())

    assert response.status_code == 302
    assert Referral.objects.count() == 1
    assert time.monotonic() - started < 6
