"""Suggestions: the ranking and its reasons on small hand-made sets, and every hard filter."""

from datetime import time, timedelta

import pytest
from django.utils import timezone, translation

from offers.constants import OfferStatus, SuggestionKind
from offers.matching import suggestions_for
from offers.services import match_propose, offer_set_status
from referrals.constants import ConsentPurpose
from referrals.selectors import citizens_visible_to
from referrals.services import consent_give, consent_withdraw
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import load_postcodes, make_offer, make_volunteer, profile
from volunteers.constants import VolunteerStatus
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


def _citizen(**data):
    return make_referral(**data).referral.case.citizen


def _offers(citizen):
    return suggestions_for(citizen=citizen)[SuggestionKind.OFFER]


def _volunteers(citizen):
    return suggestions_for(citizen=citizen)[SuggestionKind.VOLUNTEER]


def test_offers_rank_by_interest_distance_and_time_with_reasons():
    # given: a citizen in Odense C who loves gardening and is free on Tuesday afternoons
    citizen = _citizen(postcode="5000")
    profile(citizen, interests=["gardening", "coffee"], slots=[4], max_distance_km=25)
    best = make_offer(title="Havefællesskabet", interests=["gardening", "coffee"], postcode="5000")
    far = make_offer(title="Haveklub i Ringe", interests=["gardening"], postcode="5750")
    wrong_day = make_offer(
        title="Kortklub",
        interests=["cards"],
        postcode="5000",
        schedules=[{"frequency": "weekly", "weekday": 3, "starts_at": time(10)}],
    )

    # when
    ranked = _offers(citizen)

    # then: the right order, and sentences a person reads
    assert [s.id for s in ranked] == [best.id, far.id, wrong_day.id]
    reasons = ranked[0].reasons
    assert "0,0 km fra hjemmet" in reasons
    assert "fælles interesser: havearbejde og kaffe og en snak" in reasons
    assert "tirsdage kl. 14.00 passer borgeren" in reasons
    assert any("km fra hjemmet" in r for r in ranked[1].reasons)
    assert ranked[1].distance_km == pytest.approx(17.8, abs=1.5)
    assert any("borgeren er ikke fri" in c for c in ranked[2].cautions)
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_offers_beyond_the_citizens_distance_are_left_out():
    citizen = _citizen(postcode="5000")
    profile(citizen, max_distance_km=5)
    near = make_offer(postcode="5230")
    make_offer(postcode="5750")  # Ringe, ~18 km
    phone = make_offer(is_remote=True, postcode="", address="", city="")

    ids = {s.id for s in _offers(citizen)}

    assert ids == {near.id, phone.id}


@pytest.mark.parametrize(
    ("need", "offer_field"),
    [
        ("needs_mobility", "wheelchair_accessible"),
        ("needs_transport", "transport_offered"),
        ("needs_hearing", "hearing_loop"),
    ],
)
def test_hard_needs_filter_offers(need, offer_field):
    citizen = _citizen(**{need: True})
    fits = make_offer(**{offer_field: True})
    make_offer(**{offer_field: False})

    assert [s.id for s in _offers(citizen)] == [fits.id]


def test_language_is_a_hard_filter_for_a_citizen_without_danish():
    citizen = _citizen(preferred_language="ar")
    arabic = make_offer(languages=["da", "ar"])
    make_offer(languages=["da"])
    make_offer()  # no languages given: Danish

    ranked = _offers(citizen)

    assert [s.id for s in ranked] == [arabic.id]
    assert "på arabisk" in ranked[0].reasons


def test_full_paused_and_already_matched_offers_are_not_suggested():
    user = UserFactory(bridge_builder=True)
    result = make_referral(team=bridge_team())
    citizen = result.referral.case.citizen
    full = make_offer(capacity=1)
    match_propose(case=make_referral().referral.case, offer=full, actor=user)
    paused = make_offer()
    offer_set_status(offer=paused, status=OfferStatus.PAUSED, actor=user)
    mine = make_offer()
    match_propose(case=result.referral.case, offer=mine, actor=user)
    open_offer = make_offer()

    assert [s.id for s in _offers(citizen)] == [open_offer.id]


def test_age_outside_the_range_ranks_lower_and_says_why():
    citizen = _citizen(birth_date=timezone.localdate().replace(year=1945))
    young = make_offer(title="Ungdomsklub", age_min=16, age_max=29)
    any_age = make_offer(title="For alle")

    ranked = _offers(citizen)

    assert [s.id for s in ranked] == [any_age.id, young.id]
    assert "henvender sig til 16–29 år" in ranked[1].cautions


def test_volunteers_rank_by_load_interests_and_distance():
    citizen = _citizen(postcode="5000")
    profile(citizen, interests=["cards"], slots=[7])
    volunteer_request_create(
        case=citizen.cases.get(), role="visiting_friend", actor=UserFactory(bridge_builder=True)
    )
    best = make_volunteer(interests=["cards"], slots=[7], capacity=3, postcode="5000")
    busy = make_volunteer(interests=["cards"], capacity=2, postcode="5000")
    far = make_volunteer(postcode="5200")
    user = UserFactory(bridge_builder=True)
    match_propose(case=make_referral().referral.case, volunteer=busy, actor=user)

    ranked = _volunteers(citizen)

    assert [s.id for s in ranked] == [best.id, busy.id, far.id]
    reasons = ranked[0].reasons
    assert reasons[0] == "kan være besøgsven"
    assert "fælles interesse: kort- og brætspil" in reasons
    assert "fri onsdag eftermiddag" in reasons
    assert "plads til 3 borgere mere" in reasons
    assert any(r.startswith("straffeattest i orden til") for r in reasons)
    assert "plads til én borger mere" in ranked[1].reasons


def test_home_visits_need_valid_vetting_but_phone_friends_do_not():
    citizen = _citizen()
    user = UserFactory(bridge_builder=True)
    case = citizen.cases.get()
    volunteer_request_create(case=case, role="visiting_friend", actor=user)
    volunteer_request_create(case=case, role="phone_friend", actor=user)
    unvetted = make_volunteer(vetted=False, roles=["visiting_friend", "phone_friend"])
    expired = make_volunteer(roles=["visiting_friend"])
    expired.vetting_renewal_due = timezone.localdate() - timedelta(days=1)
    expired.save(update_fields=["vetting_renewal_due"])
    vetted = make_volunteer(roles=["visiting_friend"])
    far_phone_friend = make_volunteer(roles=["phone_friend"], postcode="5750", vetted=False)

    ranked = {s.id: s for s in _volunteers(citizen)}

    assert set(ranked) == {unvetted.id, vetted.id, far_phone_friend.id}
    assert ranked[vetted.id].role == "visiting_friend"
    assert ranked[unvetted.id].role == "phone_friend"
    assert "I telefonen eller online: ingen transport" in ranked[far_phone_friend.id].reasons


@pytest.mark.parametrize(
    "status", [VolunteerStatus.APPLICANT, VolunteerStatus.PAUSED, VolunteerStatus.LEFT]
)
def test_volunteers_who_are_not_approved_or_active_are_not_suggested(status):
    citizen = _citizen()
    extra = {"vetted": True}
    if status == VolunteerStatus.LEFT:
        volunteer = make_volunteer(**extra)
        from volunteers.services import volunteer_set_status

        volunteer_set_status(volunteer=volunteer, status=status, actor=None, reason="Flyttet")
    else:
        make_volunteer(status=status, **extra)

    assert _volunteers(citizen) == []


def _opt_in(citizen):
    """The citizen's own yes to being suggested to others who want the same."""
    return consent_give(
        citizen=citizen, purpose=ConsentPurpose.COMPANION, method="verbal", actor=None
    )


def _companions(citizen, team):
    user = UserFactory(bridge_builder=True, team=team)
    return suggestions_for(citizen=citizen, visible_citizens=citizens_visible_to(user=user))[
        SuggestionKind.CITIZEN
    ]


def test_citizens_nearby_who_want_the_same_group_activity():
    team = bridge_team()
    citizen = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(citizen, activity_kinds=["food"], interests=["cooking"])
    other = make_referral(team=team, postcode="5230", first_name="Inger").referral.case.citizen
    profile(other, activity_kinds=["food", "trips"], interests=["cooking"])
    different = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(different, activity_kinds=["digital"])
    for opted_in in (citizen, other, different):
        _opt_in(opted_in)

    ranked = _companions(citizen, team)

    assert [s.id for s in ranked] == [other.id]
    assert ranked[0].title == "Inger H."
    assert "vil også gerne mad og fællesspisning" in ranked[0].reasons


def test_a_citizen_who_has_not_opted_in_is_not_suggested_as_a_companion():
    # given: two citizens nearby want the same; only Inger said yes to being suggested
    team = bridge_team()
    citizen = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(citizen, activity_kinds=["food"])
    _opt_in(citizen)
    inger = make_referral(team=team, postcode="5000", first_name="Inger").referral.case.citizen
    profile(inger, activity_kinds=["food"])
    _opt_in(inger)
    karl = make_referral(team=team, postcode="5000", first_name="Karl").referral.case.citizen
    profile(karl, activity_kinds=["food"], wants_company_of_others=True)

    # when / then: Karl wishes for company, but only his own consent lets others see him
    assert [s.id for s in _companions(citizen, team)] == [inger.id]


def test_withdrawn_companion_consent_stops_the_suggestions():
    team = bridge_team()
    citizen = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(citizen, activity_kinds=["food"])
    _opt_in(citizen)
    inger = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(inger, activity_kinds=["food"])
    consent_withdraw(consent=_opt_in(inger), actor=None)

    assert _companions(citizen, team) == []


def test_no_companions_are_suggested_for_a_citizen_who_has_not_opted_in():
    # given: Inger has opted in, but the citizen the suggestions are for has not
    team = bridge_team()
    citizen = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(citizen, activity_kinds=["food"])
    inger = make_referral(team=team, postcode="5000").referral.case.citizen
    profile(inger, activity_kinds=["food"])
    _opt_in(inger)

    # then: nobody is shown to a citizen who has not agreed to be shown to others
    assert _companions(citizen, team) == []


def test_the_database_preselection_keeps_the_best(monkeypatch):
    """The database scores the candidates first and hands over only the best few; the ranking
    must be what scoring every candidate in Python gives."""
    # The preselection's size is read where the rankings use it (offers/matching/scoring.py).
    from offers.matching import scoring

    citizen = _citizen(postcode="5000")
    profile(citizen, interests=["gardening", "cards"], slots=[4], activity_kinds=["nature"])
    for postcode in ["5000", "5200", "5210", "5230", "5250", "5260", "5270"]:
        make_offer(postcode=postcode, interests=["cards"])
        make_offer(postcode=postcode, interests=["gardening", "cards"], activity_kinds=["nature"])
        make_offer(
            postcode=postcode,
            schedules=[{"frequency": "weekly", "weekday": 5, "starts_at": time(19)}],
        )
    monkeypatch.setattr(scoring, "PRESELECT", 4)
    preselected = [s.id for s in _offers(citizen)]
    monkeypatch.setattr(scoring, "PRESELECT", 10_000)  # every candidate ranked in Python
    everything = [s.id for s in _offers(citizen)]

    assert preselected[:4] == everything[:4]
