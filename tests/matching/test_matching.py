"""Suggestions: the ranking and its reasons on small hand-made sets, and every hard filter."""

from datetime import time, timedelta

import pytest
from django.utils import formats, timezone, translation

from matching.ranking import suggestions_for
from matching.services import match_propose
from offers.constants import OfferStatus, SuggestionKind
from offers.services import offer_set_status
from referrals.constants import ConsentPurpose
from referrals.selectors import citizens_visible_to
from referrals.services import consent_give, consent_withdraw, referral_create
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, citizen_data, make_referral
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
    assert not any("0,0 km" in r for r in reasons)  # same postcode: the citizen's own area
    assert "fælles interesser: havearbejde og kaffe og en snak" in reasons
    assert "tirsdage kl. 14.00 passer borgeren" in reasons
    assert any("km fra hjemmet" in r for r in ranked[1].reasons)
    assert ranked[1].distance_km == pytest.approx(17.8, abs=1.5)
    assert any("borgeren er ikke fri" in c for c in ranked[2].cautions)
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_offers_beyond_the_citizens_distance_are_left_out():
    citizen = _citizen(postcode="5000")
    profile(citizen, max_distance_km=5, accepts_remote=True)
    near = make_offer(postcode="5230")
    make_offer(postcode="5750")  # Ringe, ~18 km
    phone = make_offer(is_remote=True, postcode="", address="", city="")

    ids = {s.id for s in _offers(citizen)}

    assert ids == {near.id, phone.id}


def test_a_wheelchair_is_a_hard_need():
    citizen = _citizen(needs_mobility=True)
    fits = make_offer(wheelchair_accessible=True)
    make_offer(wheelchair_accessible=False)

    assert [s.id for s in _offers(citizen)] == [fits.id]


def test_an_offer_in_another_language_stays_with_a_caution_to_arrange_language_help():
    # given: a citizen who speaks Arabic, not Danish
    citizen = _citizen(preferred_language="ar", needs_interpreter=True)
    arabic = make_offer(title="Arabisk", languages=["da", "ar"])
    danish = make_offer(title="Dansk", languages=["da"])
    unsaid = make_offer(title="Uden sprog")  # no languages given: Danish

    # when
    ranked = _offers(citizen)

    # then: the offer in Arabic first, the others after it, each saying what to arrange
    assert ranked[0].id == arabic.id
    assert {s.id for s in ranked} == {arabic.id, danish.id, unsaid.id}
    assert "på arabisk" in ranked[0].reasons
    with translation.override("en"):
        again = {s.id: s for s in _offers(citizen)}
    caution = "Not in the citizen's language: arrange an interpreter"
    assert caution in again[danish.id].cautions
    assert caution not in again[arabic.id].cautions
    assert again[arabic.id].score > again[danish.id].score


def test_paused_and_already_matched_offers_are_not_suggested():
    user = UserFactory(bridge_builder=True)
    result = make_referral(team=bridge_team())
    citizen = result.referral.case.citizen
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
    # The preselection's size is read where the rankings use it (matching/ranking/scoring.py).
    from matching.ranking import scoring

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


# --- Needs a person can solve, and the hard ones -------------------------------------------------


def _born(age: int):
    """A birth date `age` years ago (a birthday already past this year)."""
    today = timezone.localdate()
    return today.replace(year=today.year - age) - timedelta(days=1)


def _referred(*, life_transitions=(), citizen_wishes="", **citizen):
    """A GP's referral with what the citizen wants and what has happened to them."""
    return referral_create(
        citizen=citizen_data(**citizen),
        source="gp",
        reason="Meget alene.",
        consent_given=True,
        consent_method="verbal",
        life_transitions=list(life_transitions),
        citizen_wishes=citizen_wishes,
        team=bridge_team(),
    ).referral.case.citizen


def _english(citizen):
    with translation.override("en"):
        return {s.id: s for s in _offers(citizen)}


def test_transport_is_a_need_to_solve_not_a_filter():
    # given: a young man who needs a lift, and a mentor scheme without transport
    citizen = _citizen(needs_transport=True, birth_date=_born(25))
    mentor = make_offer(title="Mentor for unge", activity_kinds=["mentor"], age_min=16, age_max=30)
    bus = make_offer(title="Udflugter med bus", transport_offered=True)

    # when
    shown = _english(citizen)

    # then: both stay; the mentor scheme says what to arrange, the bus says it comes
    assert set(shown) == {mentor.id, bus.id}
    assert "Needs transport: arrange a lift" in shown[mentor.id].cautions
    assert "transport is offered" in shown[bus.id].reasons

    # when the bridge-builder records who drives
    profile(citizen, transport_arranged_by="naboen, der kører")
    shown = _english(citizen)

    # then the caution becomes a reason
    assert "Needs transport: arrange a lift" not in shown[mentor.id].cautions
    assert "lift arranged: naboen, der kører" in shown[mentor.id].reasons


def test_someone_to_go_along_is_a_need_to_solve():
    citizen = _citizen()
    profile(citizen, needs_companion=True)
    alone = make_offer(title="Strikkecafé")
    welcomed = make_offer(title="Netværkscaféen", accompaniment_possible=True)

    shown = _english(citizen)

    assert set(shown) == {alone.id, welcomed.id}
    assert "Needs someone to go along: arrange a companion" in shown[alone.id].cautions
    assert "someone can go along the first time" in shown[welcomed.id].reasons
    assert shown[welcomed.id].score > shown[alone.id].score

    profile(citizen, companion_arranged_by="datteren Hanne")
    shown = _english(citizen)

    assert "companion arranged: datteren Hanne" in shown[alone.id].reasons
    assert not shown[alone.id].cautions


def test_language_help_arranged_becomes_a_reason():
    citizen = _citizen(preferred_language="uk", needs_interpreter=True)
    profile(citizen, language_help_arranged_by="naboen Olena tolker")
    danish = make_offer(title="Strikkecafé", languages=["da"])

    shown = _english(citizen)

    assert "interpreter arranged: naboen Olena tolker" in shown[danish.id].reasons
    assert not shown[danish.id].cautions


def test_a_hearing_loop_is_preferred_not_required():
    citizen = _citizen(needs_hearing=True)
    loop = make_offer(title="Med teleslynge", hearing_loop=True)
    without = make_offer(title="Uden teleslynge")

    shown = _english(citizen)

    assert set(shown) == {loop.id, without.id}
    assert shown[loop.id].score > shown[without.id].score
    assert "No hearing loop" in shown[without.id].cautions
    assert "hearing loop" in shown[loop.id].reasons


def test_hearing_needs_weigh_against_contact_by_phone():
    # given: a hard-of-hearing man who would take part by phone, and wants a visiting friend
    # or a phone friend
    citizen = _citizen(needs_hearing=True, birth_date=_born(81))
    profile(citizen, accepts_remote=True)
    case = citizen.cases.get()
    user = UserFactory(bridge_builder=True)
    volunteer_request_create(case=case, role="phone_friend", actor=user)
    volunteer_request_create(case=case, role="visiting_friend", actor=user)
    phone_friend = make_volunteer(roles=["phone_friend"], capacity=3)
    visiting_friend = make_volunteer(roles=["visiting_friend"], postcode="5200")
    phone = make_offer(title="Telefonven", is_remote=True, postcode="", address="", city="")
    cafe = make_offer(title="Netværkscaféen", hearing_loop=True)

    # when
    with translation.override("en"):
        groups = suggestions_for(citizen=citizen)

    # then: meeting in person comes first, and the phone says why it is less fitting
    offers, volunteers = groups[SuggestionKind.OFFER], groups[SuggestionKind.VOLUNTEER]
    assert [s.id for s in offers] == [cafe.id, phone.id]
    assert "By phone or online: hard with hearing needs" in offers[1].cautions
    assert [s.id for s in volunteers] == [visiting_friend.id, phone_friend.id]
    assert "By phone or online: hard with hearing needs" in volunteers[1].cautions


# --- Target groups and age ------------------------------------------------------------------------


def test_the_groups_a_citizen_is_in_come_from_what_is_known():
    from matching.ranking.groups import citizen_groups

    young = citizen_groups(age=25, language="da", transitions=[], explicit=[])
    widow = citizen_groups(age=92, language="da", transitions=["bereavement"], explicit=[])
    newcomer = citizen_groups(age=34, language="ar", transitions=[], explicit=["women"])
    retired = citizen_groups(age=67, language="da", transitions=["retirement"], explicit=[])

    assert "young" in young.inside and "seniors" in young.outside
    assert {"seniors", "bereaved"} <= widow.inside
    assert {"young", "new_in_denmark"} <= widow.outside
    assert {"new_in_denmark", "women"} <= newcomer.inside and "men" in newcomer.outside
    assert {"newly_retired", "seniors"} <= retired.inside
    # What nobody said is not known either way.
    assert "carers" not in young.inside | young.outside


def test_an_offer_for_a_group_the_citizen_is_not_in_weighs_down_clearly():
    # given: a 25-year-old, a chair gym for older people and a café for everyone
    citizen = _citizen(birth_date=_born(25))
    chairs = make_offer(
        title="Stolegymnastik", target_groups=["seniors"], activity_kinds=["exercise"]
    )
    cafe = make_offer(title="Netværkscaféen", target_groups=["everyone"])
    young = make_offer(title="Ungdomscaféen", target_groups=["young"])

    shown = _english(citizen)
    ranked = sorted(shown.values(), key=lambda s: -s.score)

    assert [s.id for s in ranked] == [young.id, cafe.id, chairs.id]
    assert shown[cafe.id].score - shown[chairs.id].score >= 15
    assert "meant for older people" in shown[chairs.id].cautions
    assert "for young people" in shown[young.id].reasons


def test_a_language_cafe_does_not_top_the_list_for_a_danish_widow():
    # given: Kirsten, 92, Danish, widowed: a language café for newcomers next door and a
    # life-story group for older people a little further away
    citizen = _referred(birth_date=_born(92), life_transitions=["bereavement"], postcode="5000")
    language_cafe = make_offer(
        title="Sprogcafé – snak dansk",
        target_groups=["new_in_denmark"],
        activity_kinds=["network_cafe"],
        postcode="5000",
    )
    stories = make_offer(
        title="Fortæl for Livet",
        target_groups=["seniors", "bereaved"],
        activity_kinds=["peer_group"],
        postcode="5230",
    )

    ranked = _offers(citizen)

    assert [s.id for s in ranked] == [stories.id, language_cafe.id]


def test_an_age_band_far_outside_the_offers_weighs_down_strongly():
    citizen = _citizen(birth_date=_born(25))
    seniors = make_offer(title="65+", age_min=65)
    nearly = make_offer(title="Fra 27", age_min=27)
    any_age = make_offer(title="For alle")

    shown = _english(citizen)

    assert shown[any_age.id].score > shown[nearly.id].score > shown[seniors.id].score
    assert shown[any_age.id].score - shown[seniors.id].score >= 20


# --- The citizen's own words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wish", "text", "matches", "quote"),
    [
        (
            "Vil gerne synge i kor",
            "Brobjerg Seniorkor. Vi synger danske sange.",
            True,
            "synge i kor",
        ),
        ("synge", "Et kor for alle", True, "synge"),
        ("korsang", "Syng sammen på biblioteket", True, "korsang"),
        ("Vil gerne synge i kor", "Kortklubben: whist og kaffe. Korte ture.", False, ""),
        ("hun strikker meget", "Strikkecafé: vi hækler og snakker", True, "strikker"),
        ("Spille skak", "Skakklubben Springeren", True, "skak"),
        ("would like to sing in a choir", "Et kor for alle", True, "sing in a choir"),
        ("lære dansk", "Vi synger danske sange", False, ""),
        ("lære dansk", "Sprogcafé: øv dansk over en kop te", True, "lære dansk"),
        ("spille bridge", "Bridgeklubben i Odense", True, "bridge"),
        ("have noget jord at grave i", "Vi dyrker grøntsager i fælleshaven", True, "jord at grave"),
    ],
)
def test_the_wish_words_match_offers_by_simple_stems(wish, text, matches, quote):
    from matching.ranking.stems import Wish

    read = Wish.read(wish)
    found = read.matched(text=text)

    assert bool(found) is matches
    assert read.quote(found) == quote


def test_the_citizens_own_words_put_the_choir_first():
    # given: the GP wrote that she wants to sing in a choir; a café and a walk are nearer
    citizen = _referred(
        birth_date=_born(70), citizen_wishes="Vil gerne synge i kor", postcode="5000"
    )
    make_offer(title="Netværkscaféen", postcode="5000", interests=["coffee"])
    make_offer(title="Gå-klubben", postcode="5000", activity_kinds=["nature"])
    choir = make_offer(
        title="Brobjerg Seniorkor",
        description="Et kor for alle, der kan lide at synge.",
        activity_kinds=["culture"],
        postcode="5250",
    )

    shown = _english(citizen)
    ranked = sorted(shown.values(), key=lambda s: -s.score)

    assert ranked[0].id == choir.id
    assert ranked[0].reasons[0] == "matches the wish: «synge i kor»"


def test_the_wishes_on_the_profile_count_too():
    citizen = _citizen(birth_date=_born(60))
    profile(citizen, wishes="Hun vil gerne strikke sammen med andre")
    make_offer(title="Netværkscaféen")
    knitting = make_offer(title="Strikkecafé", description="Vi strikker og hækler.")

    assert _offers(citizen)[0].id == knitting.id


# --- Offers by phone or online --------------------------------------------------------------------


def test_offers_by_phone_reach_only_a_citizen_who_would_take_part_that_way():
    citizen = _citizen(postcode="5000")
    phone = make_offer(title="Telefonven", is_remote=True, postcode="", address="", city="")
    local = make_offer(title="Netværkscaféen")

    before = {s.id for s in _offers(citizen)}
    profile(citizen, accepts_remote=True)
    after = {s.id: s for s in _offers(citizen)}

    assert before == {local.id}
    assert set(after) == {local.id, phone.id}
    assert after[phone.id].distance_km is None


def test_a_phone_friend_is_suggested_only_when_asked_for_or_by_phone_is_ticked():
    citizen = _citizen(postcode="5000")
    phone_friend = make_volunteer(roles=["phone_friend"], postcode="5750", vetted=False)
    visiting = make_volunteer(roles=["visiting_friend"])

    before = {s.id for s in _volunteers(citizen)}
    profile(citizen, accepts_remote=True)
    after = {s.id for s in _volunteers(citizen)}

    assert before == {visiting.id}
    assert after == {visiting.id, phone_friend.id}


# --- What the score is made of --------------------------------------------------------------------


def test_the_same_postcode_is_the_citizens_own_area_and_the_score_is_explained():
    citizen = _citizen(postcode="5000")
    profile(citizen, interests=["gardening"], slots=[4])
    here = make_offer(title="Havefællesskabet", interests=["gardening"], postcode="5000")
    there = make_offer(title="Haveklub", interests=["gardening"], postcode="5200")

    shown = _english(citizen)

    assert "in the citizen's own area" in shown[here.id].reasons
    assert not any("km" in r for r in shown[here.id].reasons)
    assert any(r.endswith("km from home") for r in shown[there.id].reasons)
    parts = dict(shown[here.id].breakdown)
    assert set(parts) >= {"interests", "distance", "time"}
    # The parts add up to the score (each rounded on its own).
    assert abs(sum(parts.values()) - shown[here.id].score) <= len(parts)


# --- Full offers and seasons ----------------------------------------------------------------------


def test_a_full_offer_is_shown_lower_with_its_waiting_list():
    from matching.services import offer_waiting_list_add

    user = UserFactory(bridge_builder=True)
    citizen = _citizen()
    full = make_offer(title="Sorggruppe", capacity=1)
    match_propose(case=make_referral().referral.case, offer=full, actor=user)
    for _ in range(2):
        offer_waiting_list_add(case=make_referral().referral.case, offer=full, actor=user)
    open_offer = make_offer(title="Netværkscaféen")

    shown = _english(citizen)
    ranked = sorted(shown.values(), key=lambda s: -s.score)

    assert [s.id for s in ranked] == [open_offer.id, full.id]
    assert "Full – 2 on the waiting list" in shown[full.id].cautions
    assert shown[full.id].full and not shown[open_offer.id].full


def _schedule(weekday=1, **dates):
    return {"frequency": "weekly", "weekday": weekday, "starts_at": time(14), **dates}


def test_an_offer_out_of_season_is_not_suggested():
    today = timezone.localdate()
    citizen = _citizen()
    ended = make_offer(title="Sommerhold", schedules=[_schedule(valid_until=today - timedelta(1))])
    far_ahead = make_offer(
        title="Juleværksted", schedules=[_schedule(valid_from=today + timedelta(weeks=20))]
    )
    once_past = make_offer(
        title="Foredrag",
        schedules=[{"frequency": "once", "date": today - timedelta(3), "starts_at": time(19)}],
    )
    soon = make_offer(
        title="Vinterbadning", schedules=[_schedule(valid_from=today + timedelta(weeks=3))]
    )
    changing = make_offer(
        title="Skiftende",
        schedules=[
            _schedule(valid_until=today - timedelta(30)),
            _schedule(weekday=3, valid_from=today - timedelta(29)),
        ],
    )
    always = make_offer(title="Altid")

    shown = _english(citizen)

    assert set(shown) == {soon.id, changing.id, always.id}
    assert not {ended.id, far_ahead.id, once_past.id} & set(shown)
    with translation.override("en"):
        starts = formats.date_format(today + timedelta(weeks=3), "j. F")
    assert f"starts {starts}" in shown[soon.id].reasons


def test_offers_out_of_season_do_not_crowd_out_the_rest(monkeypatch):
    from matching.ranking import scoring

    today = timezone.localdate()
    citizen = _citizen()
    profile(citizen, interests=["cards"])
    for _ in range(3):
        make_offer(interests=["cards"], schedules=[_schedule(valid_until=today - timedelta(1))])
    current = make_offer(title="Kortklubben")
    monkeypatch.setattr(scoring, "PRESELECT", 2)

    assert [s.id for s in _offers(citizen)] == [current.id]


# --- The database's preselection and Python's ranking agree --------------------------------------


def test_the_database_and_python_score_every_part_alike(monkeypatch):
    """Each part of the score is written twice, as SQL for the preselection and in Python for the
    ranking; on a mixed catalogue both must give the same total for every offer and citizen."""
    from matching.ranking import scoring
    from matching.ranking.offers import _candidates, _offer_rows, _prescored_offers, _score_offer
    from matching.ranking.scoring import _context, _nearby_postcodes
    from offers.models import Offer

    monkeypatch.setattr(scoring, "PRESELECT", 10_000)
    user = UserFactory(bridge_builder=True)
    widow = _referred(
        birth_date=_born(92),
        life_transitions=["bereavement"],
        citizen_wishes="Vil gerne fortælle om mit liv, synge og få en snak",
        needs_hearing=True,
        needs_transport=True,
    )
    profile(widow, interests=["singing", "coffee"], slots=[4, 7], needs_companion=True)
    newcomer = _citizen(preferred_language="ar", birth_date=_born(34), postcode="5220")
    profile(newcomer, target_groups=["women"], accepts_remote=True, wishes="lære dansk")
    young = _citizen(birth_date=_born(25), needs_transport=True)
    profile(young, activity_kinds=["mentor"], transport_arranged_by="bror")
    make_offer(title="Seniorkor", description="Vi synger", target_groups=["seniors"], age_min=65)
    make_offer(title="Sprogcafé", target_groups=["new_in_denmark"], languages=["da", "ar"])
    make_offer(title="Mentor", activity_kinds=["mentor"], age_min=16, age_max=30, capacity=3)
    full = make_offer(title="Fuld", capacity=1, hearing_loop=True, transport_offered=True)
    match_propose(case=make_referral().referral.case, offer=full, actor=user)
    make_offer(title="Telefon", is_remote=True, postcode="", address="", city="")
    make_offer(title="Ringe", postcode="5750", accompaniment_possible=True, interests=["coffee"])
    make_offer(title="Mænd", target_groups=["men", "newly_retired"], languages=["da"])
    make_offer(title="Alle", target_groups=["everyone", "bereaved"], schedules=[])
    assert Offer.objects.count() == 8

    for citizen in (widow, newcomer, young):
        ctx = _context(citizen)
        rows = _offer_rows(_prescored_offers(_candidates(ctx, _nearby_postcodes(ctx)), ctx))
        assert rows
        for row in rows:
            assert _score_offer(ctx, row).total == pytest.approx(row["prescore"], abs=0.02), (
                citizen,
                row["title"],
            )
