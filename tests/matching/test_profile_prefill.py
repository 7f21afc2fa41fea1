"""The matching form starts from what the referral says the citizen wants, until a profile is
saved: the wishes in the referrer's words, the target groups the life transitions point to, and
the interests and kinds of activity the wishes plainly name."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import MatchProfile
from matching.ranking.wishes import profile_initial_from_referrals
from referrals.constants import LifeTransition
from referrals.services import referral_create
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, citizen_data
from tests.volunteers.factories import load_postcodes, profile


@pytest.fixture
def builder_and_team(db):
    load_postcodes()
    team = bridge_team()
    return UserFactory(bridge_builder=True, team=team), team


def _refer(*, team, wishes="", transitions=(), source="gp", **citizen):
    return referral_create(
        citizen=citizen_data(**citizen),
        source=source,
        reason="Har været meget alene siden konens død.",
        consent_given=True,
        consent_method="verbal",
        life_transitions=list(transitions),
        citizen_wishes=wishes,
        team=team,
    )


def _page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("matching:case_matching", args=[case.pk]))
    assert response.status_code == 200
    return response


def _ticked(html: str, name: str) -> list[str]:
    """The values of the ticked boxes called `name` on the page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]


def _referral(wishes="", transitions=(), *, days_ago=0, reason="", source="gp"):
    return SimpleNamespace(
        citizen_wishes=wishes,
        life_transitions=list(transitions),
        reason=reason,
        source=source,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


# --- The matching page ---------------------------------------------------------------------------


def test_a_referral_with_wishes_and_a_bereavement_fills_in_the_matching_form(
    client, builder_and_team
):
    # given: the GP wrote that Inger, widowed, wants to sing in a choir
    builder, team = builder_and_team
    case = _refer(
        team=team,
        first_name="Inger",
        wishes="Vil gerne synge i kor igen.",
        transitions=[LifeTransition.BEREAVEMENT],
    ).referral.case

    # when: the bridge-builder opens the matching page
    response = _page(client, builder, case)

    # then: the form starts from the referral, and the page says where the values come from
    form = response.context["profile_form"]
    assert form.initial["wishes"] == "Vil gerne synge i kor igen."
    assert form.initial["target_groups"] == ["bereaved"]
    assert form.initial["interests"] == ["music", "singing"]
    assert form.initial["activity_kinds"] == ["culture"]
    html = response.content.decode()
    assert "Vil gerne synge i kor igen.</textarea>" in html
    assert _ticked(html, "profile-target_groups") == ["bereaved"]
    assert _ticked(html, "profile-interests") == ["music", "singing"]
    assert _ticked(html, "profile-activity_kinds") == ["culture"]
    assert 'data-testid="profile-prefilled"' in html
    with translation.override("en"):
        assert str(response.context["profile_prefill_note"]) == (
            "Filled in from the GP's referral – check with the citizen and save."
        )
    # nothing is saved until the bridge-builder has checked it with the citizen
    assert not MatchProfile.objects.filter(citizen=case.citizen).exists()


def test_a_saved_profile_is_never_overwritten_by_the_referral(client, builder_and_team):
    # given: a referral with wishes, and a profile the bridge-builder saved with the citizen
    builder, team = builder_and_team
    case = _refer(
        team=team,
        wishes="Vil gerne synge i kor.",
        transitions=[LifeTransition.BEREAVEMENT],
    ).referral.case
    profile(case.citizen, activity_kinds=["nature"], wishes="Helst gåture ved åen.")

    # when
    response = _page(client, builder, case)

    # then: the form shows the saved profile, and nothing of the referral
    form = response.context["profile_form"]
    assert form.initial["wishes"] == "Helst gåture ved åen."
    assert form.initial["activity_kinds"] == ["nature"]
    assert form.initial["target_groups"] == []
    assert form.initial["interests"] == []
    html = response.content.decode()
    assert "synge i kor" not in html
    assert _ticked(html, "profile-target_groups") == []
    assert _ticked(html, "profile-activity_kinds") == ["nature"]
    assert 'data-testid="profile-prefilled"' not in html
    saved = MatchProfile.objects.get(citizen=case.citizen)
    assert (saved.wishes, saved.target_groups) == ("Helst gåture ved åen.", [])


def test_several_referrals_are_joined_newest_first(client, builder_and_team):
    # given: the citizen was referred twice to the same course
    builder, team = builder_and_team
    first = _refer(team=team, wishes="Strikker gerne.", transitions=["retirement"])
    second = referral_create(
        known_citizen=first.referral.citizen,
        source="home_care",
        reason="Sidder meget alene.",
        consent_given=True,
        consent_method="verbal",
        life_transitions=["caregiving"],
        citizen_wishes="Vil gerne ud at gå i naturen.",
        team=team,
    )
    assert second.referral.case == first.referral.case

    response = _page(client, builder, first.referral.case)

    form = response.context["profile_form"]
    assert form.initial["wishes"] == "Vil gerne ud at gå i naturen.\n\nStrikker gerne."
    assert form.initial["target_groups"] == ["newly_retired", "carers"]
    assert form.initial["interests"] == ["nature", "crafts"]
    assert form.initial["activity_kinds"] == ["nature", "crafts"]
    # one of them came from home care, not the GP
    with translation.override("en"):
        assert str(response.context["profile_prefill_note"]) == (
            "Filled in from the referral – check with the citizen and save."
        )


def test_a_referral_that_says_nothing_leaves_the_form_as_it_was(client, builder_and_team):
    builder, team = builder_and_team
    case = _refer(team=team).referral.case

    response = _page(client, builder, case)

    assert response.context["profile_form"].initial == {}
    assert 'data-testid="profile-prefilled"' not in response.content.decode()


# --- The mapping ---------------------------------------------------------------------------------


def test_nothing_to_say_gives_no_initial_values():
    assert profile_initial_from_referrals([]) == {}
    assert profile_initial_from_referrals([_referral("  ", ["divorce", "illness"])]) == {}


@pytest.mark.parametrize(
    ("transition", "group"),
    [
        ("bereavement", "bereaved"),
        ("retirement", "newly_retired"),
        ("caregiving", "carers"),
    ],
)
def test_life_transitions_point_to_target_groups(transition, group):
    assert profile_initial_from_referrals([_referral(transitions=[transition])]) == {
        "target_groups": [group]
    }


def test_moving_house_is_not_new_in_denmark_but_moving_to_denmark_is():
    moved = _referral(transitions=["moving"], reason="Er flyttet til Svendborg.")
    assert profile_initial_from_referrals([moved]) == {}

    arrived = _referral(transitions=["moving"], reason="Kom til Danmark for et år siden.")
    assert profile_initial_from_referrals([arrived])["target_groups"] == ["new_in_denmark"]
    new = _referral("Er ny i Danmark og vil gerne lære nogen at kende.")
    assert profile_initial_from_referrals([new])["target_groups"] == ["new_in_denmark"]


@pytest.mark.parametrize(
    ("wishes", "interests", "activity_kinds"),
    [
        ("Vil gerne synge i et kor", ["music", "singing"], ["culture"]),
        ("Savner koret", ["music", "singing"], ["culture"]),
        ("Strikker og hækler", ["crafts"], ["crafts"]),
        ("Gå ture i skoven", ["walking", "nature"], ["nature"]),
        ("Vandre med andre", ["walking"], ["nature"]),
        ("Noget med havearbejde eller kortspil", ["gardening", "cards"], ["nature"]),
        ("Fællesspisning", ["meals"], ["food"]),
        ("Vil gerne danse", ["dancing"], ["exercise"]),
    ],
)
def test_plain_words_in_the_wishes_tick_interests_and_activities(wishes, interests, activity_kinds):
    initial = profile_initial_from_referrals([_referral(wishes)])

    assert initial.get("interests", []) == interests
    assert initial.get("activity_kinds", []) == activity_kinds


@pytest.mark.parametrize(
    "wishes",
    [
        "Vil gerne gå til foredrag",  # going to something is not a walk
        "Et kort besøg en gang om ugen",  # short, not a choir
        "Taler dansk og lidt engelsk",  # Danish, not dancing
        "Naturligvis gerne nogen at tale med",  # of course, not nature
        "Det må ikke være for dyrt, og jeg vil have nogen at snakke med",  # no animal, no garden
    ],
)
def test_words_that_only_look_alike_tick_nothing(wishes):
    initial = profile_initial_from_referrals([_referral(wishes)])

    assert "interests" not in initial
    assert "activity_kinds" not in initial


def test_the_newest_referral_comes_first_and_a_repeated_wish_once():
    older = _referral("Synger gerne.", days_ago=30)
    newer = _referral("Vil gerne ud at gå ture.", days_ago=1)
    again = _referral("Synger gerne.", days_ago=0)

    assert profile_initial_from_referrals([older, newer])["wishes"] == (
        "Vil gerne ud at gå ture.\n\nSynger gerne."
    )
    assert profile_initial_from_referrals([older, newer, again])["wishes"] == (
        "Synger gerne.\n\nVil gerne ud at gå ture."
    )


def test_the_wishes_fit_the_form():
    long = _referral("a" * 4000, days_ago=0)
    longer = _referral("b" * 4000, days_ago=1)

    wishes = profile_initial_from_referrals([long, longer])["wishes"]

    assert len(wishes) <= 5000
    assert wishes.startswith("a" * 4000)
