"""Who a citizen is and who may know them: each test is named after what it prevents.

Two teams of each kind: A has the citizen, B does not.
"""

import time
from datetime import date

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from accounts.constants import TeamKind
from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.models import Task
from referrals import identity, selectors, services
from referrals.constants import CaseStatus, CloseReason, DuplicateStatus
from referrals.forms import SelfReferralForm
from referrals.identity import name_fold
from referrals.models import (
    Case,
    Citizen,
    CitizenTeam,
    PossibleDuplicate,
    Referral,
    TeamAccessRequest,
)
from screening.services import home_care_citizen_add
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, citizen_data, make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

CPR = "140341-1234"
BORN = date(1941, 3, 14)


@pytest.fixture
def bridge_a():
    return bridge_team(name="Brobyggerne Nord")


@pytest.fixture
def bridge_b():
    return bridge_team(name="Brobyggerne Syd")


@pytest.fixture
def home_a():
    return TeamFactory(kind=TeamKind.HOME_CARE, name="Hjemmeplejen Vest")


@pytest.fixture
def home_b():
    return TeamFactory(kind=TeamKind.HOME_CARE, name="Hjemmeplejen Øst")


@pytest.fixture
def builder_a(bridge_a):
    return UserFactory(bridge_builder=True, team=bridge_a)


@pytest.fixture
def builder_b(bridge_b):
    return UserFactory(bridge_builder=True, team=bridge_b)


@pytest.fixture
def worker_a(home_a):
    return UserFactory(home_care=True, team=home_a)


@pytest.fixture
def worker_b(home_b):
    return UserFactory(home_care=True, team=home_b)


def _login(user):
    client = Client()
    client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("René Lefèvre", "Rene Lefevre"),
        ("Søren Åberg", "Soeren Aaberg"),
        ("Søren Åberg", "Soren Aberg"),
        ("Mærsk  Møller", "maersk moeller"),
        ("Anne-Marie Ølgaard", "anne marie oelgaard"),
    ],
)
def test_accents_and_danish_letters_never_split_one_person_into_two(one, other):
    assert name_fold(one) == name_fold(other)


def test_accented_names_meet_as_possible_duplicates(bridge_a):
    first = make_referral(team=bridge_a, first_name="René", last_name="Lefèvre", birth_date=BORN)
    second = make_referral(team=bridge_a, first_name="Rene", last_name="Lefevre", birth_date=BORN)
    pair = PossibleDuplicate.objects.get()
    assert {pair.citizen_id, pair.other_id} == {
        first.referral.citizen_id,
        second.referral.citizen_id,
    }


def test_caseload_search_is_not_accent_sensitive(bridge_a, builder_a):
    case = make_referral(team=bridge_a, first_name="Søren", last_name="Åberg").referral.case
    services.case_assign(case=case, assignee=builder_a, actor=builder_a)
    client = _login(builder_a)
    for q in ("Soeren", "aaberg", "soren aberg", "ÅBERG"):
        page = client.get("/forloeb/", {"q": q}).context["page"]
        assert [c.pk for c in page] == [case.pk], q


# --- Identity: the CPR number decides -----------------------------------------------------------


def test_two_cpr_numbers_with_one_name_are_never_merged(bridge_a):
    born = date(1960, 1, 1)
    one = make_referral(
        team=bridge_a, first_name="Ib", last_name="Holm", cpr="010160-1111", birth_date=born
    )
    two = make_referral(
        team=bridge_a, first_name="Ib", last_name="Holm", cpr="010160-2222", birth_date=born
    )
    assert one.referral.citizen_id != two.referral.citizen_id
    assert Citizen.objects.filter(cpr_hash__isnull=False).count() == 2
    # Two CPR numbers are two people: not even a possible duplicate.
    assert not PossibleDuplicate.objects.exists()


def test_a_referral_never_writes_into_an_existing_record(bridge_a, builder_a):
    first = make_referral(team=bridge_a, cpr=CPR, birth_date=BORN, phone="", address="")
    make_referral(
        team=bridge_a, cpr=CPR, birth_date=BORN, phone="+45 99 99 99 99", address="Fremmedvej 1"
    )
    citizen = Citizen.objects.get(pk=first.referral.citizen_id)
    assert citizen.phone == "" and citizen.address == ""
    # The bridge-builder sees what the referrer wrote and takes it over field by field.
    response = _login(builder_a).get(f"/forloeb/{first.referral.case_id}/")
    details = response.context["referrer_details"]
    assert {f["name"] for f in details[0]["fields"]} >= {"phone", "address"}
    second = Referral.objects.exclude(pk=first.referral.pk).get()
    response = _login(builder_a).post(
        f"/forloeb/{first.referral.case_id}/henvisning/{second.pk}/brug/", {"field": "phone"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "+45 99 99 99 99"
    assert citizen.address == ""
    # Once used, the phone is not offered again, nor the older referral's empty one back.
    response = _login(builder_a).get(f"/forloeb/{first.referral.case_id}/")
    offered = [f["name"] for row in response.context["referrer_details"] for f in row["fields"]]
    assert offered == ["address"]


# --- No oracle -----------------------------------------------------------------------------------


def test_a_gp_guessing_a_cpr_learns_nothing_from_the_answer(bridge_a, builder_a):
    known = make_referral(team=bridge_a, cpr=CPR, birth_date=BORN, first_name="Kendt")
    services.case_assign(case=known.referral.case, assignee=builder_a, actor=builder_a)
    services.contact_record(case=known.referral.case, kind="phone", actor=builder_a)
    gp = UserFactory(referrer=True)
    body = {
        "citizen": {
            "first_name": "Gæt",
            "last_name": "Navn",
            "birth_date": "1941-03-14",
            "cpr": CPR,
        },
        "source": "gp",
        "reason": "Alene",
        "consent": {"given": True, "method": "verbal"},
    }
    guess = _api(gp).post("/api/v1/referrals/", body, format="json").json()
    body["citizen"]["cpr"] = "150341-1234"
    fresh = (
        _api(gp)
        .post(
            "/api/v1/referrals/",
            {**body, "citizen": {**body["citizen"], "birth_date": "1941-03-15"}},
            format="json",
        )
        .json()
    )

    assert guess["citizen"] is None and fresh["citizen"] is None
    assert guess["status"] == fresh["status"] == "received"
    assert guess["first_contact_at"] is None
    assert "attached_to_existing" not in guess
    assert guess["message"] == fresh["message"]
    # The referrer's own pages show the name the referrer wrote, never the record's.
    detail = _login(gp).get(f"/henvisninger/{guess['id']}/").content.decode()
    assert "Kendt" not in detail
    assert "Gæt Navn" in detail


def test_the_public_form_never_attaches_a_stranger_to_a_known_citizen(bridge_a, builder_a):
    known = make_referral(
        team=bridge_a, first_name="Inger", last_name="Holm", birth_date=BORN, phone="", email=""
    )
    case = known.referral.case
    response = Client().post(
        "/henvis/",
        {
            "who": "relative",
            "first_name": "Inger",
            "last_name": "Holm",
            "birth_date": "1941-03-14",
            "phone": "+45 66 66 66 66",
            "email": "fremmed@example.invalid",
            "address": "Fremmedvej 2",
            "postcode": "5000",
            "preferred_language": "da",
            "reason": "Hun er ensom.",
            "consent_given": "on",
            "referrer_name": "Fremmed",
            "referrer_email": "fremmed@example.invalid",
            "referrer_phone": "+45 66 66 66 66",
            "shown_at": signing.dumps(time.time() - 30, salt=SelfReferralForm.SALT),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    citizen = Citizen.objects.get(pk=case.citizen_id)
    assert citizen.phone == "" and citizen.email == ""
    assert case.referrals.count() == 1
    # A new record and a question for the team, nothing more.
    assert PossibleDuplicate.objects.filter(other=citizen).count() == 1
    services.case_assign(case=case, assignee=builder_a, actor=builder_a)
    services.contact_record(case=case, kind="phone", actor=builder_a)
    services.case_change_status(case=case, status=CaseStatus.SCREENING, actor=builder_a)
    services.case_change_status(case=case, status=CaseStatus.MATCHING, actor=builder_a)
    assert not [m for m in mail.outbox if "fremmed@example.invalid" in m.to]


def test_another_team_cannot_pull_a_known_citizen_in_by_referring_them(
    bridge_a, bridge_b, builder_a, builder_b
):
    first = make_referral(team=bridge_a, cpr=CPR, birth_date=BORN)
    services.case_close(case=first.referral.case, reason=CloseReason.MOVED, actor=builder_a)
    citizen = first.referral.citizen

    response = _api(builder_b).post(
        "/api/v1/referrals/",
        {
            "citizen": {**citizen_data(), "cpr": CPR, "birth_date": "1941-03-14"},
            "source": "other",
            "reason": "Alene",
            "consent": {"given": True, "method": "verbal"},
            "team": str(bridge_b.pk),
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["citizen"] is None
    # The new course starts with the team that knew the citizen; B sees none of it.
    new_case = Case.objects.exclude(pk=first.referral.case_id).get()
    assert new_case.team == bridge_a
    assert _api(builder_b).get(f"/api/v1/citizens/{citizen.pk}/").status_code == 404
    assert _login(builder_b).get(f"/forloeb/{first.referral.case_id}/").status_code == 404
    assert _login(builder_b).get(f"/forloeb/{new_case.pk}/").status_code == 404


# --- Home care: a request, never a takeover -------------------------------------------------------


def test_home_care_of_another_team_cannot_take_over_a_known_citizen(
    home_a, home_b, worker_a, worker_b
):
    citizen = home_care_citizen(team=home_a, cpr=CPR, birth_date=BORN, phone="+45 12 34 56 78")
    screen(citizen=citizen, by=worker_a)
    client = _login(worker_b)
    response = client.post(
        "/screening/borgere/ny/",
        {
            "first_name": "Hvem",
            "last_name": "Somhelst",
            "birth_date": "1941-03-14",
            "cpr": CPR,
            "postcode": "5000",
            "preferred_language": "da",
            "team": str(home_b.pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "+45 12 34 56 78" not in page
    citizen.refresh_from_db()
    assert citizen.home_care_team == home_a
    assert _login(worker_b).get(f"/screening/borgere/{citizen.pk}/").status_code == 404
    assert citizen.pk not in [c.pk for c in response.context.get("page", [])]
    request = TeamAccessRequest.objects.get(citizen=citizen, team=home_b)
    assert request.status == "pending"

    # Team A grants it; now B works with the citizen too, and A still has them.
    response = _login(worker_a).post(f"/afklaring/anmodning/{request.pk}/", {"answer": "grant"})
    assert response.status_code == 302
    assert _login(worker_b).get(f"/screening/borgere/{citizen.pk}/").status_code == 200
    assert _login(worker_a).get(f"/screening/borgere/{citizen.pk}/").status_code == 200
    citizen.refresh_from_db()
    assert citizen.home_care_team == home_a
    assert CitizenTeam.objects.filter(citizen=citizen, team=home_b).exists()


def test_only_a_team_that_has_the_citizen_may_answer_a_request(
    home_a, home_b, worker_a, worker_b, bridge_b, builder_b
):
    citizen = home_care_citizen(team=home_a, cpr=CPR, birth_date=BORN)
    result = home_care_citizen_add(
        data={**citizen_data(), "cpr": CPR, "birth_date": BORN}, team=home_b, actor=worker_b
    )
    assert result.citizen is None
    request = result.request
    # The asking team cannot grant itself, and another team does not even find the request.
    for outsider in (worker_b, builder_b):
        response = _login(outsider).post(f"/afklaring/anmodning/{request.pk}/", {"answer": "grant"})
        assert response.status_code == 404
    with pytest.raises(ValidationError):
        identity.team_access_grant(request=request, actor=worker_b)
    assert not CitizenTeam.objects.filter(citizen=citizen).exists()


# --- Possible duplicates: merge, or "not the same person" ---------------------------------------


def test_a_merge_keeps_both_histories_and_the_access_log_of_both(
    bridge_a, builder_a, worker_a, home_a
):
    first = make_referral(
        team=bridge_a, first_name="Åse", last_name="Berg", birth_date=BORN, phone=""
    )
    services.case_close(case=first.referral.case, reason=CloseReason.MOVED, actor=builder_a)
    newer = home_care_citizen(
        team=home_a, first_name="Aase", last_name="Berg", birth_date=BORN, phone="+45 70 70 70 70"
    )
    screen(citizen=newer, by=worker_a)
    duplicate = PossibleDuplicate.objects.get(citizen=newer)
    assert duplicate.other_id == first.referral.citizen_id
    _login(worker_a).get(f"/screening/borgere/{newer.pk}/")
    # The bridge-builders have one record of the two: they ask home care for the other first.
    client = _login(builder_a)
    assert client.post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "ask"}).status_code == 302
    request = TeamAccessRequest.objects.get(citizen=newer, team=bridge_a)
    identity.team_access_grant(request=request, actor=worker_a)

    response = client.post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "merge"})
    assert response.status_code == 302
    keep = Citizen.objects.get(pk=first.referral.citizen_id)
    newer.refresh_from_db()
    assert newer.merged_into == keep
    assert keep.screenings.count() == 1
    # Contact details from the other record are never copied in unasked.
    assert keep.phone == ""
    assert keep.home_care_team == home_a
    duplicate.refresh_from_db()
    assert duplicate.status == DuplicateStatus.MERGED
    # Every row that pointed at the newer record now points at the kept one.
    for relation in Citizen._meta.related_objects:
        if relation.related_model in (PossibleDuplicate, Citizen):
            continue
        assert not relation.related_model.objects.filter(**{relation.field.name: newer}).exists(), (
            relation.related_model
        )
    # The DPO's access log of the person includes what was read under the old id.
    from privacy.selectors import citizen_access_log

    assert citizen_access_log(citizen=keep).filter(subject_id=newer.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MERGE, subject_id=keep.pk).exists()


def test_a_merge_with_two_open_cases_asks_which_goes_on_and_merges_nothing_before(
    bridge_a, builder_a
):
    first = make_referral(team=bridge_a, first_name="Bent", last_name="Lund", birth_date=BORN)
    second = make_referral(team=bridge_a, first_name="Bent", last_name="Lund", birth_date=BORN)
    duplicate = PossibleDuplicate.objects.get()
    client = _login(builder_a)

    response = client.post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "merge"})
    assert response.status_code == 400
    assert response.context["form"].errors["continue_case"]
    assert Referral.objects.filter(citizen=second.referral.citizen).exists()
    assert Citizen.objects.filter(merged_into__isnull=False).count() == 0

    response = client.post(
        f"/afklaring/dublet/{duplicate.pk}/",
        {"answer": "merge", "continue_case": str(first.referral.case_id)},
    )
    assert response.status_code == 302
    second_case = Case.objects.get(pk=second.referral.case_id)
    assert second_case.status == CaseStatus.CLOSED
    assert second_case.close_reason == CloseReason.MERGED
    assert second_case.citizen_id == first.referral.citizen_id


def test_not_the_same_person_is_remembered(bridge_a, builder_a):
    first = make_referral(team=bridge_a, first_name="Ole", last_name="Dam", birth_date=BORN)
    second = make_referral(team=bridge_a, first_name="Ole", last_name="Dam", birth_date=BORN)
    duplicate = PossibleDuplicate.objects.get()
    _login(builder_a).post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "distinct"})
    duplicate.refresh_from_db()
    assert duplicate.status == DuplicateStatus.DISTINCT
    # Correcting a detail later does not ask about the same pair again.
    services.citizen_update(
        citizen=second.referral.citizen, data={"phone": "+45 10 10 10 10"}, actor=builder_a
    )
    identity.possible_duplicates_record(citizen=first.referral.citizen)
    assert PossibleDuplicate.objects.count() == 1


def test_another_teams_possible_duplicate_is_a_404_never_a_hint(bridge_a, bridge_b, builder_b):
    make_referral(team=bridge_a, first_name="Eva", last_name="Krog", birth_date=BORN)
    make_referral(team=bridge_a, first_name="Eva", last_name="Krog", birth_date=BORN)
    duplicate = PossibleDuplicate.objects.get()
    client = _login(builder_b)
    assert client.get(f"/afklaring/dublet/{duplicate.pk}/").status_code == 404
    assert client.post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "merge"}).status_code == 404
    page = client.get("/afklaring/")
    assert page.context["duplicates"] == []
    assert "Krog" not in page.content.decode()


# --- Feedback is per referral ---------------------------------------------------------------------


def test_feedback_goes_only_to_referrers_who_have_it_and_once_per_address(bridge_a, builder_a):
    gp = UserFactory(referrer=True, email="laege@example.invalid")
    first = make_referral(
        team=bridge_a, referrer=gp, feedback_consent=True, cpr=CPR, birth_date=BORN
    )
    make_referral(team=bridge_a, referrer=gp, feedback_consent=True, cpr=CPR, birth_date=BORN)
    make_referral(
        team=bridge_a,
        source="relative",
        referrer_email="nabo@example.invalid",
        cpr=CPR,
        birth_date=BORN,
    )
    case = first.referral.case
    assert case.referrals.count() == 3
    mail.outbox.clear()
    services.case_assign(case=case, assignee=builder_a, actor=builder_a)
    services.contact_record(case=case, kind="phone", actor=builder_a)
    services.case_change_status(case=case, status=CaseStatus.SCREENING, actor=builder_a)
    services.case_change_status(case=case, status=CaseStatus.MATCHING, actor=builder_a)
    from referrals.models import ReferralFeedback
    from referrals.services import referral_feedback_deliver

    for feedback in ReferralFeedback.objects.all():
        referral_feedback_deliver(feedback_id=feedback.pk)
    recipients = [address for m in mail.outbox for address in m.to]
    assert recipients == ["laege@example.invalid"]


# --- Home care sees only its own tasks ----------------------------------------------------------


def test_home_care_never_sees_the_bridge_builders_tasks_on_the_citizen_page(
    bridge_a, builder_a, home_a, worker_a
):
    citizen = home_care_citizen(team=home_a, cpr=CPR, birth_date=BORN)
    case = services.referral_create(
        known_citizen=citizen,
        source="home_care",
        reason="Alene",
        consent_given=True,
        consent_method="verbal",
        referrer=worker_a,
        team=bridge_a,
    ).referral.case
    from followups.services import task_create

    task_create(
        citizen=citizen,
        case=case,
        assignee=builder_a,
        kind="call_citizen",
        title="Fortroligt: datteren drikker",
        due=date.today(),
        actor=builder_a,
        team=bridge_a,
    )
    page = _login(worker_a).get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert "Fortroligt" not in page
    assert Task.objects.filter(citizen=citizen).count() == 1


def test_a_merge_keeps_one_matching_profile_takes_the_cpr_and_follows_earlier_merges(
    bridge_a, builder_a
):
    from matching.models import MatchProfile
    from privacy.selectors import citizen_access_log
    from tests.volunteers.factories import profile

    first = make_referral(team=bridge_a, first_name="Kaj", last_name="Holt", birth_date=BORN)
    services.case_close(case=first.referral.case, reason=CloseReason.MOVED, actor=builder_a)
    second = make_referral(team=bridge_a, first_name="Kaj", last_name="Holt", birth_date=BORN)
    services.case_close(case=second.referral.case, reason=CloseReason.MOVED, actor=builder_a)
    keep, middle = first.referral.citizen, second.referral.citizen
    profile(keep, interests=["walking"])
    profile(middle, interests=["singing"])
    # The second record is first merged into a third that came with a CPR number...
    third = make_referral(
        team=bridge_a, first_name="Kaj", last_name="Holt", birth_date=BORN, cpr=CPR
    ).referral.citizen
    pair = PossibleDuplicate.objects.get(citizen=third, other=middle)
    PossibleDuplicate.objects.filter(pk=pair.pk).update(citizen=middle, other=third)
    identity.citizen_merge(duplicate=PossibleDuplicate.objects.get(pk=pair.pk), actor=builder_a)
    # ... and that one into the earliest.
    last = PossibleDuplicate.objects.get(citizen=third, other=keep, status=DuplicateStatus.OPEN)
    open_case = third.cases.get(status__in=["received"])
    identity.citizen_merge(duplicate=last, actor=builder_a, continue_case=open_case)

    keep.refresh_from_db()
    assert keep.has_cpr
    # One matching profile, holding what both said.
    assert list(MatchProfile.objects.filter(citizen=keep).values_list("interests", flat=True)) == [
        ["walking", "singing"]
    ]
    assert (
        not MatchProfile.objects.exclude(citizen=keep).filter(citizen__in=[middle, third]).exists()
    )
    # Both earlier ids now lead to the person in the DPO's access log.
    assert set(Citizen.objects.filter(merged_into=keep).values_list("pk", flat=True)) == {
        middle.pk,
        third.pk,
    }
    log_subjects = set(citizen_access_log(citizen=keep).values_list("subject_id", flat=True))
    assert {middle.pk, third.pk} <= log_subjects


# --- What an outsider tried after the first version -----------------------------------------------


def test_a_referrals_status_moves_alike_for_a_known_and_a_new_person(bridge_a, builder_a):
    known = make_referral(team=bridge_a, cpr=CPR, birth_date=BORN).referral.case
    services.case_assign(case=known, assignee=builder_a, actor=builder_a)
    services.contact_record(case=known, kind="phone", actor=builder_a)
    services.case_change_status(case=known, status=CaseStatus.SCREENING, actor=builder_a)
    gp = UserFactory(referrer=True)
    guess = make_referral(team=bridge_a, referrer=gp, cpr=CPR, birth_date=BORN).referral
    fresh = make_referral(
        team=bridge_a, referrer=gp, cpr="150341-1234", birth_date=date(1941, 3, 15)
    ).referral
    for referral in (guess, fresh):
        services.contact_record(case=referral.case, kind="phone", actor=builder_a)
    answers = [
        _api(gp).get(f"/api/v1/referrals/{referral.pk}/").json() for referral in (guess, fresh)
    ]
    assert [a["status"] for a in answers] == ["contacted", "contacted"]
    assert all(a["first_contact_at"] for a in answers)


def test_a_merge_tells_no_referrer_that_their_course_ended(bridge_a, builder_a):
    from referrals.models import ReferralFeedback

    gp = UserFactory(referrer=True, email="laege@example.invalid")
    first = make_referral(team=bridge_a, first_name="Ove", last_name="Bak", birth_date=BORN)
    newer = make_referral(
        team=bridge_a,
        referrer=gp,
        feedback_consent=True,
        first_name="Ove",
        last_name="Bak",
        birth_date=BORN,
    ).referral
    duplicate = PossibleDuplicate.objects.get()
    identity.citizen_merge(duplicate=duplicate, actor=builder_a, continue_case=first.referral.case)
    assert not ReferralFeedback.objects.filter(referral=newer).exists()
    answer = _api(gp).get(f"/api/v1/referrals/{newer.pk}/").json()
    assert answer["status"] == "received"
    assert answer["close_reason"] == ""
    # The GP's referral goes on with the case that goes on.
    assert Referral.objects.get(pk=newer.pk).case_id == first.referral.case_id


def test_a_team_with_one_record_of_a_pair_sees_only_its_own_until_granted(
    bridge_a, bridge_b, builder_a, builder_b
):
    # B makes a record first; A then receives a referral of the same name and birth date.
    b_record = make_referral(team=bridge_b, first_name="Ida", last_name="Holm", birth_date=BORN)
    a_case = make_referral(
        team=bridge_a,
        first_name="Ida",
        last_name="Holm",
        birth_date=BORN,
        phone="+45 55 44 33 22",
    ).referral.case
    duplicate = PossibleDuplicate.objects.get()
    for builder in (builder_a, builder_b):
        client = _login(builder)
        page = client.get(f"/afklaring/dublet/{duplicate.pk}/")
        assert page.status_code == 200
        assert len(page.context["records"]) == 1
        response = client.post(
            f"/afklaring/dublet/{duplicate.pk}/",
            {"answer": "merge", "continue_case": str(a_case.pk)},
        )
        assert response.status_code == 400
    assert (
        "+45 55 44 33 22"
        not in _login(builder_b).get(f"/afklaring/dublet/{duplicate.pk}/").content.decode()
    )
    assert Citizen.objects.filter(merged_into__isnull=False).count() == 0
    assert Case.objects.get(pk=a_case.pk).status == CaseStatus.RECEIVED
    # B asks; only A (which has the other record) can give it.
    _login(builder_b).post(f"/afklaring/dublet/{duplicate.pk}/", {"answer": "ask"})
    request = TeamAccessRequest.objects.get(citizen=a_case.citizen, team=bridge_b)
    with pytest.raises(ValidationError):
        identity.team_access_grant(request=request, actor=builder_b)
    identity.team_access_grant(request=request, actor=builder_a)
    assert len(_login(builder_b).get(f"/afklaring/dublet/{duplicate.pk}/").context["records"]) == 2
    assert b_record.referral.citizen_id == duplicate.other_id


def test_home_care_cannot_close_a_bridge_builders_case_by_merging(
    bridge_a, builder_a, home_a, worker_a
):
    first = make_referral(team=bridge_a, first_name="Per", last_name="Ravn", birth_date=BORN)
    second = make_referral(team=bridge_a, first_name="Per", last_name="Ravn", birth_date=BORN)
    for case in (first.referral.case, second.referral.case):
        identity.citizen_team_add(citizen=case.citizen, team=home_a, actor=builder_a)
    duplicate = PossibleDuplicate.objects.get()
    response = _login(worker_a).post(
        f"/afklaring/dublet/{duplicate.pk}/",
        {"answer": "merge", "continue_case": str(first.referral.case_id)},
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=second.referral.case_id).status == CaseStatus.RECEIVED
    assert Citizen.objects.filter(merged_into__isnull=False).count() == 0


def test_a_merge_never_copies_what_an_outsider_wrote_into_the_record(bridge_a, builder_a):
    first = make_referral(
        team=bridge_a, first_name="Else", last_name="Vang", birth_date=BORN, phone="", address=""
    )
    services.case_close(case=first.referral.case, reason=CloseReason.MOVED, actor=builder_a)
    make_referral(
        team=bridge_a,
        source="self",
        first_name="Else",
        last_name="Vang",
        birth_date=BORN,
        phone="+45 11 11 11 11",
        address="Fremmedvej 9",
    )
    identity.citizen_merge(duplicate=PossibleDuplicate.objects.get(), actor=builder_a)
    keep = Citizen.objects.get(pk=first.referral.citizen_id)
    assert (keep.phone, keep.address) == ("", "")
    # What the newer record's referral brought is offered on the case that goes on.
    open_case = keep.cases.get(status=CaseStatus.RECEIVED)
    offered = {
        f["name"] for row in selectors.referrer_details(case=open_case) for f in row["fields"]
    }
    assert {"phone", "address"} <= offered


def test_erasure_forgets_what_referrers_wrote_and_the_open_pairs(bridge_a, builder_a):
    from privacy.services import citizen_erase

    admin = UserFactory(admin=True)
    first = make_referral(team=bridge_a, first_name="Tove", last_name="Lind", birth_date=BORN)
    make_referral(team=bridge_a, first_name="Tove", last_name="Lind", birth_date=BORN)
    citizen = first.referral.citizen
    assert Referral.objects.get(pk=first.referral.pk).citizen_details
    citizen_erase(citizen=citizen, reason="Borgerens ønske", actor=admin)
    assert Referral.objects.get(pk=first.referral.pk).citizen_details == {}
    assert not PossibleDuplicate.objects.filter(status=DuplicateStatus.OPEN).exists()


def test_the_citizens_api_shows_only_a_case_the_caller_may_open(
    bridge_a, builder_a, home_a, worker_a
):
    citizen = home_care_citizen(team=home_a)
    services.referral_create(
        known_citizen=citizen,
        source="home_care",
        reason="Alene",
        consent_given=True,
        consent_method="verbal",
        referrer=worker_a,
        team=bridge_a,
    )
    assert _api(worker_a).get(f"/api/v1/citizens/{citizen.pk}/").json()["open_case"] is None
    assert _api(builder_a).get(f"/api/v1/citizens/{citizen.pk}/").json()["open_case"]


def test_without_feedback_consent_a_referrer_is_not_told_why_a_course_ended(bridge_a, builder_a):
    gp = UserFactory(referrer=True)
    referral = make_referral(team=bridge_a, referrer=gp).referral
    services.case_close(case=referral.case, reason=CloseReason.DIED, actor=builder_a)
    answer = _api(gp).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert answer["status"] == "closed"
    assert answer["close_reason"] == ""
    page = _login(gp).get(f"/henvisninger/{referral.pk}/").content.decode()
    assert str(CloseReason.DIED.label) not in page and "Død" not in page


@pytest.mark.parametrize("url", ["/api/v1/citizens/", "/screening/", "/forloeb/"])
def test_a_nul_in_a_search_is_an_empty_answer_not_a_500(url, bridge_a, builder_a, worker_a):
    user = worker_a if url == "/screening/" else builder_a
    client = _api(user) if url.startswith("/api/") else _login(user)
    assert client.get(url, {"q": "Hans\x00en"}).status_code == 200
