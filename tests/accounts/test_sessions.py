"""The session store: Django's database sessions, whose every-request renewal does not wait for
the disk, while every change of what a session holds is written as Django writes it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.sessions import SessionStore
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def _stored(key: str) -> Session:
    return Session.objects.get(pk=key)


def test_a_renewal_moves_the_expiry_without_waiting_for_the_disk(settings):
    store = SessionStore()
    store["colour"] = "green"
    store.save(must_create=True)
    key = store.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert _synchronous_commit() == "on"

    again = SessionStore(session_key=key)
    assert again["colour"] == "green"  # read, not changed
    again.save()

    renewed = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert _stored(key).expire_date > renewed
    assert SessionStore(session_key=key)["colour"] == "green"
    # The test runs in one transaction: the setting the save made for its own is still there.
    assert _synchronous_commit() == "off"


def test_a_changed_session_is_written_as_django_writes_it():
    store = SessionStore()
    store["colour"] = "green"
    store.save(must_create=True)

    again = SessionStore(session_key=store.session_key)
    again["colour"] = "red"
    with CaptureQueriesContext(connection) as captured:
        again.save()

    assert SessionStore(session_key=store.session_key)["colour"] == "red"
    assert not any("synchronous_commit" in query["sql"] for query in captured)
    assert _synchronous_commit() == "on"


def test_renewing_a_session_that_is_gone_fails_as_django_does():
    store = SessionStore()
    store["colour"] = "green"
    store.save(must_create=True)
    again = SessionStore(session_key=store.session_key)
    again.load()
    Session.objects.filter(pk=store.session_key).delete()

    with pytest.raises(UpdateError):
        again.save()
    assert not Session.objects.exists()


def test_each_request_renews_the_session_in_one_statement(client):
    client.force_login(UserFactory(bridge_builder=True))
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    writes = [q["sql"] for q in captured if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert len(writes) == 1
    assert "synchronous_commit" in writes[0]


def test_a_renewal_never_writes_back_what_another_request_changed_meanwhile():
    # Two tabs: one renews a session it only read while the other has just stored a change
    # (a confirmed second factor, a chosen team). The renewal moves the expiry and nothing else.
    store = SessionStore()
    store["colour"] = "green"
    store.save(must_create=True)
    reading = SessionStore(session_key=store.session_key)
    assert reading["colour"] == "green"

    changing = SessionStore(session_key=store.session_key)
    changing["colour"] = "red"
    changing.save()
    reading.save()

    assert SessionStore(session_key=store.session_key)["colour"] == "red"


def test_a_value_changed_inside_the_session_is_written_though_the_session_was_not_told():
    # A sign-in through the identity provider deletes its used state from a dict in the session
    # (`del session["oidc_states"][state]`) without marking the session modified.
    store = SessionStore()
    store["oidc_states"] = {"used": {"nonce": "a"}, "other": {"nonce": "b"}}
    store.save(must_create=True)

    again = SessionStore(session_key=store.session_key)
    del again["oidc_states"]["used"]
    assert not again.modified
    again.save()

    assert SessionStore(session_key=store.session_key)["oidc_states"] == {"other": {"nonce": "b"}}
