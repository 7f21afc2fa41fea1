"""Matching took its models over from offers without moving a row: the tables keep their names,
and the content types move, so the permissions roles and people were given stay theirs."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from matching.models import Match, MatchProfile, OfferWaitingListEntry
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

move = importlib.import_module("matching.migrations.0001_initial")


def _user_perms(user):
    # A fresh read: Django caches a user's permissions on the object.
    return UserFactory._meta.model.objects.get(pk=user.pk).get_all_permissions()


def test_the_tables_keep_the_names_they_had_in_offers():
    assert Match._meta.db_table == "offers_match"
    assert MatchProfile._meta.db_table == "offers_matchprofile"
    assert OfferWaitingListEntry._meta.db_table == "offers_offerwaitinglistentry"
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {model._meta.db_table for model in apps.get_app_config("matching").get_models()} <= (
        tables
    )


def test_a_database_from_before_keeps_who_may_answer_requests():
    # given a database as it was before: the match's content type in offers, and a coordinator
    # who may answer requests through their role
    coordinator = UserFactory(coordinator=True)
    assert "matching.answer_match_requests" in _user_perms(coordinator)
    ContentType.objects.filter(app_label="matching", model__in=move.MOVED).update(
        app_label="offers"
    )
    ContentType.objects.clear_cache()
    assert "offers.answer_match_requests" in _user_perms(coordinator)

    # when the migration moves the content types
    move.content_types_to("matching")(apps, None)
    ContentType.objects.clear_cache()

    # then the same permission rows answer to matching's names, and nothing is left in offers
    perms = _user_perms(coordinator)
    assert "matching.answer_match_requests" in perms
    assert "matching.change_match" in perms
    assert not {p for p in perms if p.startswith("offers.") and "match" in p}
    assert not ContentType.objects.filter(app_label="offers", model__in=move.MOVED).exists()


def test_the_move_goes_back_as_well():
    move.content_types_to("offers")(apps, None)
    ContentType.objects.clear_cache()
    assert set(
        ContentType.objects.filter(app_label="offers", model__in=move.MOVED).values_list(
            "model", flat=True
        )
    ) == set(move.MOVED)
    move.content_types_to("matching")(apps, None)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Match).app_label == "matching"
