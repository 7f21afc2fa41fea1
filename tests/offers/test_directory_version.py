"""The directory's version, which a kept search is found by: it changes with every change to what
the directory shows, however the change is made, and only once the change is committed."""

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client

from offers.constants import OfferStatus
from offers.models import DirectoryChange, Offer, OfferSchedule
from offers.selectors import directory_version
from tests.offers.factories import an_organisation, offer, weekly

URL = "/tilbud/"


def _another_connection(*, autocommit: bool) -> psycopg.Connection:
    """A second connection to the test database: another visitor, or another transaction."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=autocommit,
    )


def _changes_the_version(change) -> bool:
    before = directory_version()
    change()
    return directory_version() != before


@pytest.mark.django_db
def test_every_kind_of_write_changes_the_version():
    club = offer(title="Gå-klubben", schedules=[weekly(1)])
    organisation = club.organisation

    assert _changes_the_version(lambda: offer(title="Koret"))
    assert _changes_the_version(lambda: Offer.objects.filter(pk=club.pk).update(title="Gå-turen"))
    assert _changes_the_version(lambda: OfferSchedule.objects.filter(offer=club).delete())
    assert _changes_the_version(
        lambda: type(organisation).objects.filter(pk=organisation.pk).update(is_active=False)
    )
    assert _changes_the_version(lambda: Offer.objects.filter(title="Koret").delete())
    # Reading changes nothing.
    assert not _changes_the_version(lambda: list(Offer.objects.all()))


@pytest.mark.django_db
def test_an_offer_paused_by_a_bulk_update_leaves_a_kept_search_at_once():
    # A bulk update does not move the offers' updated_at; the version follows it all the same.
    offer(title="Gå-klubben")
    client = Client()
    assert "Gå-klubben" in client.get(URL).content.decode()

    Offer.objects.filter(title="Gå-klubben").update(status=OfferStatus.PAUSED)

    assert "Gå-klubben" not in client.get(URL).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_not_yet_committed_leaves_the_version_as_it_was_for_everyone_else():
    club = offer(title="Gå-klubben", organisation=an_organisation())
    other = _another_connection(autocommit=True)
    latest = "SELECT count(*) || '@' || coalesce(max(id), 0) FROM offers_directorychange"
    try:
        before = other.execute(latest).fetchone()[0]
        assert before == directory_version()
        with transaction.atomic():
            Offer.objects.filter(pk=club.pk).update(title="Gå-turen")
            # A visitor searching now sees the old offer and the old version: what is kept
            # under that version is right.
            assert other.execute(latest).fetchone()[0] == before
        assert other.execute(latest).fetchone()[0] != before
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_after_a_later_one_still_changes_the_version():
    # A's change gets its row first but commits last: a search kept in between must not stand.
    walk = offer(title="Gå-klubben", organisation=an_organisation())
    choir = offer(title="Koret", organisation=walk.organisation)
    a = _another_connection(autocommit=False)
    try:
        a.execute("UPDATE offers_offer SET status = 'paused' WHERE id = %s", [walk.pk])
        Offer.objects.filter(pk=choir.pk).update(title="Koret synger")  # commits at once
        in_between = directory_version()

        a.commit()

        assert directory_version() != in_between
    finally:
        a.close()


@pytest.mark.django_db
def test_only_the_last_thousand_or_so_changes_are_kept():
    club = offer(title="Gå-klubben")
    with connection.cursor() as cursor:
        for n in range(2100):
            cursor.execute("UPDATE offers_offer SET title = %s WHERE id = %s", [f"Gå {n}", club.pk])

    assert 1000 <= DirectoryChange.objects.count() <= 1100
    latest = DirectoryChange.objects.order_by("-id").first().pk
    assert directory_version() == f"{DirectoryChange.objects.count()}@{latest}"
