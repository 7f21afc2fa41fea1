"""The data-protection officer's list of team membership changes: who gave whom access to which
team's citizens, and the ones people gave themselves, with their reason."""

import pytest
from django.test import Client

from accounts.constants import Role
from accounts.models import MembershipChange
from accounts.services import team_add_member, team_remove_member
from tests.accounts.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/databeskyttelse/teams/"


@pytest.fixture
def dpo(admin_user):
    client = Client()
    client.force_login(admin_user)
    client.user = admin_user
    return client


@pytest.mark.parametrize(
    ("role", "expected"), [*((r, 403) for r in Role if r != Role.ADMIN), (Role.ADMIN, 200)]
)
def test_only_those_who_handle_data_protection_see_the_team_changes(client, role, expected):
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_changes_are_listed_newest_first_with_who_changed_whose_membership(dpo):
    team = TeamFactory(name="Brobyggerne Øst")
    colleague = UserFactory(admin=True, username="karl")
    worker = UserFactory(bridge_builder=True, username="berit")
    team_add_member(team=team, user=worker, actor=colleague)
    team_remove_member(team=team, user=worker, actor=colleague)

    response = dpo.get(URL)

    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [c.kind for c in rows] == ["removed", "added"]
    body = response.content.decode()
    assert "Brobyggerne Øst" in body
    assert "(berit)" in body and "(karl)" in body
    assert "Fjernet fra teamet" in body and "Tilføjet til teamet" in body
    assert 'data-testid="self-granted"' not in body


def test_a_self_granted_membership_is_flagged_with_its_reason(dpo):
    team = TeamFactory(name="Brobyggerne Vest")
    admin = UserFactory(admin=True, username="anna")
    team_add_member(team=team, user=admin, reason="Tilsyn, sag 2026-114", actor=admin)
    team_add_member(team=team, user=UserFactory(username="bo"), actor=admin)

    response = dpo.get(URL)

    body = response.content.decode()
    assert body.count('data-testid="self-granted"') == 1
    assert "Tilsyn, sag 2026-114" in body
    assert "Selvtildelt" in body
    assert 'data-testid="self-granted-summary"' in body
    assert "/revision/?actor=anna&amp;action=read" in body  # what they read since

    only = dpo.get(URL, {"self_granted": "on"})
    assert [c.user.username for c in only.context["page"]] == ["anna"]


def test_the_changes_filter_by_team_and_by_person(dpo):
    first, second = TeamFactory(), TeamFactory()
    berit, bo = UserFactory(username="berit"), UserFactory(username="bo")
    team_add_member(team=first, user=berit)
    team_add_member(team=second, user=bo)

    by_team = dpo.get(URL, {"team": str(first.pk)})
    assert [c.user for c in by_team.context["page"]] == [berit]
    by_person = dpo.get(URL, {"person": bo.pk})
    assert [c.team for c in by_person.context["page"]] == [second]
    unknown = dpo.get(URL, {"team": "not-a-team"})
    assert list(unknown.context["page"]) == []


def test_the_changes_are_paginated(dpo):
    team = TeamFactory()
    for _ in range(55):
        team_add_member(team=team, user=UserFactory())
    assert MembershipChange.objects.count() == 55

    first = dpo.get(URL)
    second = dpo.get(URL, {"page": 2})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 5


def test_the_page_costs_the_same_queries_with_one_change_or_many(
    admin_user, django_assert_num_queries
):
    def fresh_client():
        client = Client()
        client.force_login(type(admin_user).objects.get(pk=admin_user.pk))
        return client

    team = TeamFactory()
    team_add_member(team=team, user=UserFactory())
    # 1 session, 2 user, 3-4 own and group permissions, 5 count, 6 how many were self-granted,
    # 7 the teams for the filter, 8 the people for the filter, 9 the page of changes with team,
    # organisation, member and actor, 10-12 saving the session
    client = fresh_client()
    with django_assert_num_queries(12):
        client.get(URL)
    for _ in range(30):
        admin = UserFactory(admin=True)
        team_add_member(team=TeamFactory(), user=admin, reason="Tilsyn", actor=admin)
    client = fresh_client()
    with django_assert_num_queries(12):
        response = client.get(URL)
    assert len(response.context["page"]) == 31
