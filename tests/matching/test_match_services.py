"""The match from proposal to its end: places and load, the capacity race, attendance."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils import timezone

from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from matching.constants import ProviderResponse
from matching.models import Match
from matching.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    match_respond,
    session_record_attendance,
)
from offers.constants import MatchEndReason, MatchStatus
from offers.models import Offer
from offers.services import offer_update
from referrals.constants import CaseStatus
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import (
    last_session_day,
    load_postcodes,
    make_offer,
    make_volunteer,
)
from volunteers.models import Volunteer, VolunteerRequest
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def user():
    return UserFactory(bridge_builder=True)


def _case():
    return make_referral().referral.case


def test_the_whole_path_of_a_volunteer_match(user):
    case = _case()
    volunteer_request_create(case=case, role="visiting_friend", actor=user)
    volunteer = make_volunteer(capacity=2)

    match = match_propose(case=case, volunteer=volunteer, actor=user, reasons=["tæt på"])
    volunteer.refresh_from_db()
    assert (match.status, volunteer.load, match.volunteer_role) == (
        "proposed",
        1,
        "visiting_friend",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHING

    match = match_accept(match=match, actor=user)
    # (a meeting three days ago: whether the citizen came is recorded from the meeting's day)
    meeting = timezone.now() - timedelta(days=3)
    match = match_plan_first_meeting(
        match=match, at=meeting, accompaniment=True, accompanied_by="Bente går med", actor=user
    )
    assert match.status == MatchStatus.FIRST_MEETING
    check = Task.objects.get(citizen=case.citizen, kind=TaskKind.CHECK_FIRST_MEETING)
    assert check.due == timezone.localdate(meeting) + timedelta(days=1)

    match = match_record_first_meeting(match=match, came=True, actor=user)
    assert match.status == MatchStatus.ACTIVE
    # The follow-up plan, counted from the first meeting, follows this match.
    plan = Task.objects.filter(match=match)
    assert sorted((t.due - timezone.localdate(meeting)).days for t in plan) == [1, 7, 28, 91]
    assert not VolunteerRequest.objects.filter(closed_at__isnull=True).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOWING_UP

    match = match_end(match=match, reason=MatchEndReason.LASTING, actor=user)
    volunteer.refresh_from_db()
    assert (match.status, volunteer.load) == ("ended", 0)
    # The timeline tells the story.
    assert case.events.filter(kind="match").count() == 5


def test_a_full_offer_and_a_busy_volunteer_cannot_be_proposed(user):
    offer = make_offer(capacity=1)
    volunteer = make_volunteer(capacity=1)
    match_propose(case=_case(), offer=offer, actor=user)
    match_propose(case=_case(), volunteer=volunteer, actor=user)

    with pytest.raises(ValidationError) as offer_error:
        match_propose(case=_case(), offer=offer, actor=user)
    with pytest.raises(ValidationError) as volunteer_error:
        match_propose(case=_case(), volunteer=volunteer, actor=user)

    assert offer_error.value.message_dict == {"offer": ["Tilbuddet har ingen ledige pladser."]}
    assert "volunteer" in volunteer_error.value.message_dict


def test_an_unvetted_volunteer_cannot_visit_at_home_but_can_phone(user):
    volunteer = make_volunteer(vetted=False, roles=["visiting_friend", "phone_friend"])

    with pytest.raises(ValidationError) as error:
        match_propose(case=_case(), volunteer=volunteer, role="visiting_friend", actor=user)
    match = match_propose(case=_case(), volunteer=volunteer, role="phone_friend", actor=user)

    assert "volunteer" in error.value.message_dict
    assert match.volunteer_role == "phone_friend"


# --- Offers held in a private home ---------------------------------------------------------------
# An offer has no volunteers of its own: the volunteer who goes there is the citizen's companion
# (følgeven), and going into a private home needs a valid certificate, as a home visit does.


def test_an_offer_says_whether_it_is_held_in_a_private_home():
    at_home = make_offer(in_private_home=True)
    hall = make_offer()

    at_home.refresh_from_db()
    assert (at_home.in_private_home, hall.in_private_home) == (True, False)
    assert offer_update(offer=hall, data={"in_private_home": True}, actor=None).in_private_home


def test_a_companion_going_to_an_offer_in_a_private_home_needs_a_valid_certificate(user):
    # given: the citizen goes to a meal in a host's home
    case = _case()
    match_propose(case=case, offer=make_offer(in_private_home=True), actor=user)
    companion = make_volunteer(vetted=False, roles=["companion"])

    # when / then: an unvetted companion may not go along
    with pytest.raises(ValidationError) as error:
        match_propose(case=case, volunteer=companion, role="companion", actor=user)
    assert "privat hjem" in error.value.message_dict["volunteer"][0]  # "in a private home"
    companion.refresh_from_db()
    assert companion.load == 0


def test_a_companion_needs_no_certificate_for_offers_outside_private_homes(user):
    case = _case()
    match_propose(case=case, offer=make_offer(), actor=user)

    match = match_propose(
        case=case, volunteer=make_volunteer(vetted=False, roles=["companion"]), actor=user
    )

    assert match.volunteer_role == "companion"


def test_a_vetted_companion_may_go_along_to_a_private_home(user):
    case = _case()
    match_propose(case=case, offer=make_offer(in_private_home=True), actor=user)

    match = match_propose(
        case=case, volunteer=make_volunteer(roles=["companion"]), role="companion", actor=user
    )

    assert match.volunteer_role == "companion"


def test_an_ended_match_with_a_private_home_asks_nothing_of_a_new_companion(user):
    case = _case()
    at_home = match_propose(case=case, offer=make_offer(in_private_home=True), actor=user)
    match_end(match=at_home, reason=MatchEndReason.CITIZEN_DECLINED, actor=user)

    match = match_propose(
        case=case, volunteer=make_volunteer(vetted=False, roles=["companion"]), actor=user
    )

    assert match.volunteer_role == "companion"


def test_a_running_companion_needs_the_certificate_once_the_citizen_goes_to_a_private_home(user):
    from volunteers.tasks import vetting_reminders_daily  # the daily reminder (beat)

    # given: an unvetted companion already goes along with the citizen
    case = _case()
    companion = make_volunteer(vetted=False, roles=["companion"])
    match = match_accept(
        match=match_propose(case=case, volunteer=companion, actor=user), actor=user
    )
    vetting_reminders_daily()
    assert not Task.objects.filter(match=match).exists()  # a hall needs no certificate

    # when: the citizen is matched to an offer in a private home, and the reminder runs
    match_propose(case=case, offer=make_offer(in_private_home=True), actor=user)
    vetting_reminders_daily()
    vetting_reminders_daily()

    # then: the bridge-builder hears once that the companion may not go along without one
    (task,) = Task.objects.filter(match=match, data__origin=TaskOrigin.VETTING_EXPIRED)
    assert task.case == case
    assert companion.full_name in task.heading
    # and the companion's coordinator is asked to get one
    (ask,) = Task.objects.filter(data__origin=TaskOrigin.VETTING_MISSING)
    assert (ask.team, ask.citizen) == (companion.team, None)


def test_declining_a_request_ends_the_match_and_frees_the_place(user):
    offer = make_offer(capacity=1)
    match = match_propose(case=_case(), offer=offer, actor=user)
    coordinator = UserFactory(coordinator=True)

    with pytest.raises(ValidationError):
        match_respond(match=match, confirmed=False, actor=coordinator)  # no reason given
    match = match_respond(match=match, confirmed=False, note="Holdet er lukket", actor=coordinator)

    offer.refresh_from_db()
    assert (match.status, match.end_reason, offer.places_taken) == (
        "ended",
        MatchEndReason.PROVIDER_DECLINED,
        0,
    )
    assert match.provider_response == ProviderResponse.DECLINED


def test_a_missed_first_meeting_goes_back_and_someone_calls(user):
    case = _case()
    match = match_propose(case=case, offer=make_offer(), actor=user)
    match_accept(match=match, actor=user)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=user)

    match = match_record_first_meeting(match=match, came=False, actor=user)

    assert match.status == MatchStatus.ACCEPTED
    assert Task.objects.filter(
        citizen=case.citizen, kind=TaskKind.AFTER_MISSED_SESSION, done_at__isnull=True
    ).exists()


def test_steps_out_of_order_are_refused(user):
    match = match_propose(case=_case(), offer=make_offer(), actor=user)

    with pytest.raises(ValidationError) as error:
        match_plan_first_meeting(match=match, at=timezone.now(), actor=user)

    assert "status" in error.value.message_dict


def test_missed_sessions_create_one_follow_up_each(user):
    offer = make_offer()
    came, missed = _case(), _case()
    matches = []
    for case in (came, missed):
        match = match_propose(case=case, offer=offer, actor=user)
        match_accept(match=match, actor=user)
        match_plan_first_meeting(match=match, at=timezone.now(), actor=user)
        matches.append(match_record_first_meeting(match=match, came=True, actor=user))
    session_day = last_session_day()
    coordinator = UserFactory(coordinator=True)

    attendance = {matches[0].pk: True, matches[1].pk: False}
    session_record_attendance(offer=offer, on=session_day, attended=attendance, actor=coordinator)
    # Recording the same session again does not call twice.
    session_record_attendance(offer=offer, on=session_day, attended=attendance, actor=coordinator)

    missed_tasks = Task.objects.filter(kind=TaskKind.AFTER_MISSED_SESSION)
    assert [t.citizen_id for t in missed_tasks] == [missed.citizen_id]
    assert missed_tasks[0].heading == (
        f"Ring og hør, hvordan det går ({offer.title}, {session_day:%d.%m.%Y})"
    )


def test_attendance_is_recorded_after_the_session_only(user):
    offer = make_offer()
    with pytest.raises(ValidationError) as error:
        session_record_attendance(
            offer=offer, on=timezone.localdate() + timedelta(days=1), attended={}, actor=user
        )
    assert "date" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["offer", "volunteer"])
def test_two_bridge_builders_cannot_both_take_the_last_place(kind):
    """Two threads, two connections, real PostgreSQL row locks: exactly one gets the place."""
    load_postcodes()
    user = UserFactory(bridge_builder=True)
    provider = make_offer(capacity=1) if kind == "offer" else make_volunteer(capacity=1)
    cases = [_case(), _case()]
    barrier = threading.Barrier(2)
    outcomes = []

    def take(case):
        try:
            barrier.wait(timeout=10)
            match_propose(case=case, actor=user, **{kind: provider})
            outcomes.append("got it")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=take, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["got it", "refused"]
    assert Match.objects.count() == 1
    if kind == "offer":
        assert Offer.objects.get(pk=provider.pk).places_taken == 1
    else:
        assert Volunteer.objects.get(pk=provider.pk).load == 1
