from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import sessions_clear_expired

pytestmark = pytest.mark.django_db


def _session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["k"] = "v"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_clears_expired_sessions_only_and_twice_is_harmless():
    expired = _session(expires_in=timedelta(minutes=-1))
    alive = _session(expires_in=timedelta(minutes=10))

    assert sessions_clear_expired() == 1
    assert sessions_clear_expired() == 0

    assert not Session.objects.filter(pk=expired).exists()
    assert Session.objects.filter(pk=alive).exists()
