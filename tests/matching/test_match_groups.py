"""Groups on an offer ("hold"): "Mad og mennesker" matches two volunteers, a host and guests for
six months (seed 003). Each guest takes part through their own match with the offer, so the
place on the offer is held as for anyone; the group has a size of its own; every volunteer and
the host need a valid certificate where the group meets in a private home, and one that runs
out later marks the group. Each change is audited and told on each guest's case; the
coordinator sees a guest's name only with the guest's consent to share with the offer."""

import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import TaskKind
from followups.models import Task
from matching.models import Match, MatchGroup, MatchGroupStatus, MatchGroupVolunteer
from matching.services import (
    group_add_citizen,
    group_add_volunteer,
    group_create,
    group_end,
    group_remove_citizen,
    group_remove_volunteer,
    match_accept,
    match_end,
    match_propose,
)
from matching.services.vetting import group_vetting_warnings, vetting_reminders_create
from offers.constants import MatchEndReason, MatchStatus
from offers.services import offer_set_status
from privacy.selectors import citizen_export
from referrals.constants import CaseEventAction, ConsentPurpose
from referrals.services import case_assign, consent_give
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
)
from volunteers.constants import VolunteerStatus
from volunteers.services import volunteer_record_vetting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def world():
    """Dansk Folkehjælp's "Mad og mennesker" (held in a private home, places for six guests),
    its coordinator, two meal friends and a host with valid certificates, and a bridge-builder."""
    team, centre = bridge_team(), coordination_team()
    meal = make_offer(
        title="Mad og mennesker",
        team=centre,
        capacity=6,
        in_private_home=True,
        activity_kinds=["food"],
    )
    return {
        "team": team,
        "centre": centre,
        "builder": UserFactory(bridge_builder=True, team=team),
        "coordinator": UserFactory(coordinator=True, team=centre),
        "offer": meal,
        "maja": make_volunteer(
            team=centre, first_name="Maja", last_name="Holm", roles=["meal_friend"]
        ),
        "kirsten": make_volunteer(
            team=centre, first_name="Kirsten", last_name="Berg", roles=["meal_friend"]
        ),
        "host": make_volunteer(
            team=centre, first_name="Søren", last_name="Vang", roles=["host", "companion"]
        ),
    }


def _case(world, **citizen):
    case = make_referral(team=world["team"], **citizen).referral.case
    return case_assign(case=case, assignee=world["builder"], actor=world["builder"])


def _guest(world, first_name="Mona", offer=None, **citizen):
    """A citizen proposed to the offer by their bridge-builder: an open match holding a place."""
    case = _case(world, first_name=first_name, **citizen)
    return match_propose(case=case, offer=offer or world["offer"], actor=world["builder"])


def _group(world, *, size=3, host=None, **kwargs):
    return group_create(
        offer=world["offer"],
        name=kwargs.pop("name", "Mad og mennesker – hold 3"),
        size=size,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + relativedelta(months=6),
        rhythm="To gange om måneden",
        host=host,
        actor=world["coordinator"],
        **kwargs,
    )


def _unvetted(world, *, roles, expired=False):
    volunteer = make_volunteer(team=world["centre"], roles=roles, vetted=False)
    if expired:
        # Seen three years ago: due for renewal a year ago.
        volunteer = volunteer_record_vetting(
            volunteer=volunteer,
            data={"vetting_seen_on": timezone.localdate() - relativedelta(years=3)},
            actor=None,
        )
    return volunteer


def _refused(call) -> str:
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        call()
    return " ".join(caught.value.messages)


def _lines(case, action) -> list[str]:
    with translation.override("en"):
        return [e.text for e in case.events.filter(data__action=action)]


def _share(world, match, offer=None):
    offer = offer or world["offer"]
    return consent_give(
        citizen=match.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=offer.title,
        recipient_id=offer.pk,
        actor=world["builder"],
    )


def _places_taken(offer) -> int:
    offer.refresh_from_db()
    return offer.places_taken


# --- Making a group -------------------------------------------------------------------------------


def test_a_group_is_made_with_its_host_who_takes_one_of_their_places(world):
    group = _group(world, host=world["host"])

    group.refresh_from_db()
    assert (group.offer, group.name, group.size, group.status) == (
        world["offer"],
        "Mad og mennesker – hold 3",
        3,
        MatchGroupStatus.ACTIVE,
    )
    host = MatchGroupVolunteer.objects.get(group=group)
    assert (host.volunteer, host.role, host.left_at) == (world["host"], "host", None)
    world["host"].refresh_from_db()
    assert world["host"].load == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(group.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(host.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 7}, "The group cannot have more citizens than the offer has places (6)."),
        ({"size": 0}, "A group has room for at least one citizen."),
        ({"name": "  "}, "Give the group a name."),
    ],
)
def test_a_group_beyond_the_offers_places_or_without_a_name_is_refused(world, kwargs, message):
    assert _refused(lambda: _group(world, **kwargs)) == message
    assert not MatchGroup.objects.exists()


def test_a_group_cannot_end_before_it_starts(world):
    message = _refused(
        lambda: group_create(
            offer=world["offer"],
            name="Hold 1",
            size=2,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() - timedelta(days=1),
            actor=world["coordinator"],
        )
    )
    assert message == "The group cannot end before it starts."


def test_a_group_on_an_offer_that_is_not_active_or_not_for_groups_is_refused(world):
    one_to_one = make_offer(title="Besøgsven", team=world["centre"], is_group=False)
    paused = offer_set_status(
        offer=make_offer(title="Pause", team=world["centre"]), status="paused", actor=None
    )

    for offer, message in [
        (one_to_one, "The offer is not for groups."),
        (paused, "The offer is not active."),
    ]:
        assert (
            _refused(
                lambda offer=offer: group_create(
                    offer=offer,
                    name="Hold",
                    size=2,
                    starts_on=timezone.localdate(),
                    actor=world["coordinator"],
                )
            )
            == message
        )


# --- Citizens: capacity ---------------------------------------------------------------------------


def test_a_guest_joins_through_their_own_match_which_keeps_its_place(world):
    group = _group(world, size=2)
    match = _guest(world, "Mona")
    assert _places_taken(world["offer"]) == 1

    joined = group_add_citizen(group=group, match=match, actor=world["coordinator"])

    assert joined.pk == match.pk
    match.refresh_from_db()
    assert match.group == group and match.status == MatchStatus.PROPOSED
    # The place was the match's already: joining takes no second one.
    assert _places_taken(world["offer"]) == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_id=str(match.pk),
        subject_id=match.citizen_id,
        fields=["group"],
    ).exists()
    assert _lines(match.case, CaseEventAction.GROUP_JOINED) == [
        "Joined the group «Mad og mennesker – hold 3» on Mad og mennesker"
    ]


def test_a_guest_beyond_the_groups_size_is_refused(world):
    group = _group(world, size=2)
    for name in ("Mona", "Søren"):
        group_add_citizen(group=group, match=_guest(world, name), actor=world["coordinator"])
    third = _guest(world, "Erik")

    message = _refused(
        lambda: group_add_citizen(group=group, match=third, actor=world["coordinator"])
    )

    assert message == "The group is full: it has room for 2 citizens."
    third.refresh_from_db()
    assert third.group is None
    # A guest who left frees the seat in the group.
    left = Match.objects.filter(group=group).first()
    group_remove_citizen(group=group, match=left, actor=world["coordinator"])
    group_add_citizen(group=group, match=third, actor=world["coordinator"])
    assert Match.objects.filter(group=group).count() == 2


def test_a_guest_whose_match_ended_leaves_a_seat_in_the_group(world):
    group = _group(world, size=1)
    first = _guest(world, "Mona")
    group_add_citizen(group=group, match=first, actor=world["coordinator"])
    match_end(match=first, reason=MatchEndReason.MOVED, actor=world["builder"])

    second = group_add_citizen(group=group, match=_guest(world, "Erik"), actor=world["builder"])

    assert second.group == group


def test_a_case_without_a_match_is_proposed_the_offer_which_takes_a_place(world):
    group = _group(world, size=3)
    case = _case(world, first_name="Erik")

    match = group_add_citizen(group=group, case=case, actor=world["builder"])

    assert (match.case, match.offer, match.group, match.status) == (
        case,
        world["offer"],
        group,
        MatchStatus.PROPOSED,
    )
    assert _places_taken(world["offer"]) == 1
    assert _lines(case, CaseEventAction.MATCH_PROPOSED) == ["Proposed: Mad og mennesker"]
    # A case that has an open match with the offer joins through it: no second match.
    proposed = _guest(world, "Karen")
    again = group_add_citizen(group=group, case=proposed.case, actor=world["builder"])
    assert again.pk == proposed.pk
    assert Match.objects.filter(case=proposed.case).count() == 1
    assert _places_taken(world["offer"]) == 2


def test_a_full_offer_takes_no_new_guest_into_a_group_but_its_own_matches_may_join(world):
    small = make_offer(title="Lille bord", team=world["centre"], capacity=1, in_private_home=True)
    group = group_create(
        offer=small, name="Hold 1", size=1, starts_on=date.today(), actor=world["coordinator"]
    )
    taken = _guest(world, "Mona", offer=small)

    message = _refused(
        lambda: group_add_citizen(group=group, case=_case(world), actor=world["builder"])
    )

    assert message == "The offer has no places left."
    assert group_add_citizen(group=group, match=taken, actor=world["coordinator"]).group == group


def test_matches_that_cannot_join_are_refused_with_a_clear_message(world):
    group = _group(world)
    other_offer = make_offer(title="Strikkecafé", team=world["centre"])
    elsewhere = _guest(world, "Inger", offer=other_offer)
    ended = _guest(world, "Erik")
    match_end(match=ended, reason=MatchEndReason.CITIZEN_DECLINED, actor=world["builder"])
    member = _guest(world, "Mona")
    group_add_citizen(group=group, match=member, actor=world["coordinator"])
    in_other = _guest(world, "Karen")
    group_add_citizen(
        group=_group(world, name="Hold 4"), match=in_other, actor=world["coordinator"]
    )

    def add(match):
        return lambda: group_add_citizen(group=group, match=match, actor=world["coordinator"])

    assert _refused(add(elsewhere)) == "The match is not with the group's offer."
    assert _refused(add(ended)) == "The match has ended."
    assert _refused(add(member)) == "The citizen is already in the group."
    assert _refused(add(in_other)) == (
        "The citizen is in another group on this offer (Hold 4): take them out of it first."
    )
    assert (
        _refused(lambda: group_add_citizen(group=group, actor=world["coordinator"]))
        == "Choose the citizen's match or case."
    )


# --- Volunteers and the host: vetting and their places --------------------------------------------


def test_a_host_without_a_valid_certificate_is_refused_and_no_group_is_made(world):
    host = _unvetted(world, roles=["host"])

    message = _refused(lambda: _group(world, host=host))

    assert message == (
        "The host's certificate is missing or expired: the group cannot meet in their home."
    )
    assert not MatchGroup.objects.exists()
    host.refresh_from_db()
    assert host.load == 0


@pytest.mark.parametrize(
    ("roles", "role", "expired", "message"),
    [
        (
            ["companion"],
            "companion",
            False,
            "The volunteer's certificate is missing or expired: the group meets in a private home.",
        ),
        (
            ["meal_friend"],
            "meal_friend",
            True,
            "The volunteer's certificate is missing or expired: the group meets in a private home.",
        ),
        (
            ["host"],
            "host",
            True,
            "The host's certificate is missing or expired: the group cannot meet in their home.",
        ),
    ],
)
def test_every_volunteer_in_a_group_in_a_private_home_needs_a_valid_certificate(
    world, roles, role, expired, message
):
    group = _group(world)
    volunteer = _unvetted(world, roles=roles, expired=expired)

    refused = _refused(
        lambda: group_add_volunteer(
            group=group, volunteer=volunteer, role=role, actor=world["coordinator"]
        )
    )

    assert refused == message
    assert not MatchGroupVolunteer.objects.filter(volunteer=volunteer).exists()


def test_out_of_a_private_home_only_a_home_visit_role_needs_a_certificate(world):
    cafe = make_offer(title="Spisefællesskab i Medborgerhuset", team=world["centre"], capacity=10)
    group = group_create(
        offer=cafe, name="Tirsdagsholdet", size=8, starts_on=date.today(), actor=world["builder"]
    )
    companion = _unvetted(world, roles=["companion"])
    host = _unvetted(world, roles=["host"])
    cook = _unvetted(world, roles=["meal_friend"])

    group_add_volunteer(group=group, volunteer=companion, role="companion", actor=None)
    group_add_volunteer(group=group, volunteer=host, role="host", actor=None)
    message = _refused(
        lambda: group_add_volunteer(group=group, volunteer=cook, role="meal_friend", actor=None)
    )

    assert message == "The volunteer's certificate is missing or expired: no home visits."
    assert group.volunteer_memberships.count() == 2


def test_a_volunteer_joins_in_a_role_they_take_while_active_and_with_room(world):
    group = _group(world, host=world["host"])
    paused = make_volunteer(team=world["centre"], roles=["meal_friend"], status="paused")
    busy = make_volunteer(team=world["centre"], roles=["meal_friend"])
    group_add_volunteer(
        group=_group(world, name="Hold 5"), volunteer=busy, role="meal_friend", actor=None
    )
    second_host = make_volunteer(team=world["centre"], roles=["host"])

    def add(volunteer, role):
        return lambda: group_add_volunteer(
            group=group, volunteer=volunteer, role=role, actor=world["coordinator"]
        )

    assert _refused(add(world["maja"], "host")) == "The volunteer does not take this role."
    assert _refused(add(paused, "meal_friend")) == "The volunteer is not approved or active."
    assert _refused(add(busy, "meal_friend")) == "The volunteer has no room for more citizens."
    assert _refused(add(world["host"], "companion")) == "The volunteer is already in the group."
    assert _refused(add(second_host, "host")) == (
        "The group already has a host: take them out of the group first."
    )


def test_a_volunteer_joining_and_leaving_is_told_on_each_guests_case(world):
    group = _group(world, host=world["host"])
    mona, erik = _guest(world, "Mona"), _guest(world, "Erik")
    for match in (mona, erik):
        group_add_citizen(group=group, match=match, actor=world["coordinator"])

    membership = group_add_volunteer(
        group=group, volunteer=world["maja"], role="meal_friend", actor=world["coordinator"]
    )

    world["maja"].refresh_from_db()
    assert world["maja"].load == 1
    for match in (mona, erik):
        assert _lines(match.case, CaseEventAction.GROUP_VOLUNTEER_JOINED) == [
            "Maja Holm joined the group «Mad og mennesker – hold 3»"
        ]

    group_remove_volunteer(membership=membership, actor=world["coordinator"])
    group_remove_volunteer(membership=membership, actor=world["coordinator"])  # harmless twice

    membership.refresh_from_db()
    world["maja"].refresh_from_db()
    assert membership.left_at is not None and world["maja"].load == 0
    assert _lines(mona.case, CaseEventAction.GROUP_VOLUNTEER_LEFT) == [
        "Maja Holm left the group «Mad og mennesker – hold 3»"
    ]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, object_id=str(membership.pk), fields=["left_at"]
        ).count()
        == 1
    )


def test_the_host_joining_later_is_told_as_the_host(world):
    group = _group(world)
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=world["coordinator"])

    group_add_volunteer(group=group, volunteer=world["host"], role="host", actor=None)

    assert _lines(mona.case, CaseEventAction.GROUP_VOLUNTEER_JOINED) == [
        "Søren Vang hosts the group «Mad og mennesker – hold 3»"
    ]


def test_a_certificate_that_runs_out_later_marks_the_group_and_asks_the_coordinator(world):
    group = _group(world, host=world["host"])
    maja = group_add_volunteer(
        group=group, volunteer=world["maja"], role="meal_friend", actor=world["coordinator"]
    )
    memberships = list(group.volunteer_memberships.select_related("volunteer"))
    assert group_vetting_warnings(memberships=memberships, in_private_home=True) == {}

    host = world["host"]
    later = host.vetting_renewal_due + timedelta(days=1)
    warnings = group_vetting_warnings(memberships=memberships, in_private_home=True, on=later)

    assert set(warnings) == {maja.pk, group.volunteer_memberships.get(role="host").pk}
    assert all(warning.expired for warning in warnings.values())
    # The daily reminder asks the coordinator to renew the host's certificate too: a host is
    # no home-visit volunteer, but this group meets in a private home.
    vetting_reminders_create(on=later)
    assert Task.objects.filter(
        kind=TaskKind.CERTIFICATE, data__volunteer=str(host.pk), data__origin="vetting_renewal"
    ).exists()


# --- Leaving and ending ---------------------------------------------------------------------------


def test_a_guest_taken_out_keeps_their_match_unless_it_ends_with_a_reason(world):
    group = _group(world)
    mona, erik = _guest(world, "Mona"), _guest(world, "Erik")
    for match in (mona, erik):
        group_add_citizen(group=group, match=match, actor=world["coordinator"])
    assert _places_taken(world["offer"]) == 2

    group_remove_citizen(group=group, match=mona, actor=world["coordinator"])
    group_remove_citizen(
        group=group, match=erik, actor=world["coordinator"], end_reason=MatchEndReason.MOVED
    )

    mona.refresh_from_db()
    erik.refresh_from_db()
    assert (mona.group, mona.status) == (None, MatchStatus.PROPOSED)
    assert (erik.group, erik.status, erik.end_reason) == (None, MatchStatus.ENDED, "moved")
    assert _places_taken(world["offer"]) == 1
    assert _lines(mona.case, CaseEventAction.GROUP_LEFT) == [
        "Left the group «Mad og mennesker – hold 3» on Mad og mennesker"
    ]
    assert _lines(erik.case, CaseEventAction.GROUP_LEFT) == [
        "Left the group «Mad og mennesker – hold 3» on Mad og mennesker, and the match ended "
        "(Moved)"
    ]
    assert (
        _refused(lambda: group_remove_citizen(group=group, match=mona, actor=None))
        == "The citizen is not in the group."
    )


def test_ending_a_group_keeps_the_guests_matches_and_releases_the_volunteers(world):
    group = _group(world, host=world["host"])
    group_add_volunteer(group=group, volunteer=world["maja"], role="meal_friend", actor=None)
    mona = _guest(world, "Mona")
    match_accept(match=mona, actor=world["builder"])
    group_add_citizen(group=group, match=mona, actor=world["coordinator"])

    group_end(group=group, actor=world["coordinator"])
    group_end(group=group, actor=world["coordinator"])  # harmless twice

    group.refresh_from_db()
    mona.refresh_from_db()
    assert group.status == MatchGroupStatus.ENDED and group.ended_at is not None
    # The match is the citizen's course: whether it ends, and why, is their bridge-builder's.
    assert (mona.status, mona.group) == (MatchStatus.ACCEPTED, group)
    assert _places_taken(world["offer"]) == 1
    for volunteer in (world["host"], world["maja"]):
        volunteer.refresh_from_db()
        assert volunteer.load == 0
    assert not group.volunteer_memberships.filter(left_at__isnull=True).exists()
    assert _lines(mona.case, CaseEventAction.GROUP_ENDED) == [
        "The group «Mad og mennesker – hold 3» ended; the match goes on"
    ]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.UPDATE, object_id=str(group.pk), fields=["status", "ended_at"]
        ).count()
        == 1
    )
    # An ended group takes nobody.
    assert (
        _refused(lambda: group_add_citizen(group=group, match=_guest(world, "Erik"), actor=None))
        == "The group has ended."
    )
    # and its guests may join another group on the offer.
    assert (
        group_add_citizen(group=_group(world, name="Hold 4"), match=mona, actor=None).group.name
        == "Hold 4"
    )


def test_ending_a_group_may_end_its_guests_matches_with_a_reason(world):
    group = _group(world)
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=world["coordinator"])

    assert _refused(lambda: group_end(group=group, actor=None, end_matches=True)) == (
        "Choose why the matches ended."
    )
    group_end(group=group, actor=world["coordinator"], end_matches=True, end_reason="lasting")

    mona.refresh_from_db()
    assert (mona.status, mona.end_reason, mona.group) == (MatchStatus.ENDED, "lasting", group)
    assert _places_taken(world["offer"]) == 0
    assert _lines(mona.case, CaseEventAction.GROUP_ENDED) == [
        "The group «Mad og mennesker – hold 3» ended, and the match with it "
        "(A lasting community: no more support needed)"
    ]


def test_the_citizens_copy_of_their_data_names_the_group(world):
    group = _group(world)
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=world["coordinator"])

    with translation.override("en"):
        section = next(s for s in citizen_export(citizen=mona.citizen) if s.key == "matches")

    assert section.data[0]["group"] == "Mad og mennesker – hold 3"
    assert "Group" in dict(section.columns).values()


# --- The coordinator's pages ----------------------------------------------------------------------


def _group_url(group, action="", *args):
    if not action:
        return reverse("matching:group_detail", args=[group.pk])
    return reverse(f"matching:group_{action}", args=[group.pk, *args])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_offer_page_has_a_groups_section_to_make_one(client, world):
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"
    offer = world["offer"]

    page = _text(client.get(reverse("offers:offer_edit", args=[offer.pk])))

    assert 'data-testid="offer-groups"' in page
    assert reverse("matching:group_create", args=[offer.pk]) in page
    assert "Mad og mennesker – group 1" in page  # the name a new group gets

    response = client.post(
        reverse("matching:group_create", args=[offer.pk]),
        {
            "name": "Mad og mennesker – hold 1",
            "size": "3",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + relativedelta(months=6)).isoformat(),
            "rhythm": "To gange om måneden",
            "host": str(world["host"].pk),
        },
    )

    group = MatchGroup.objects.get()
    assert response.status_code == 302 and response.url == _group_url(group)
    assert group.volunteer_memberships.get().volunteer == world["host"]
    page = _text(client.get(reverse("offers:offer_edit", args=[offer.pk])))
    assert "Mad og mennesker – hold 1" in page and "Søren Vang" in page
    assert "Mad og mennesker – group 2" in page  # the next one's name


def test_an_unvetted_host_is_refused_on_the_page_with_the_reason(client, world):
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"
    host = _unvetted(world, roles=["host"])

    with translation.override("en"):
        response = client.post(
            reverse("matching:group_create", args=[world["offer"].pk]),
            {
                "name": "Hold 1",
                "size": "3",
                "starts_on": timezone.localdate().isoformat(),
                "host": str(host.pk),
            },
        )

    assert response.status_code == 400
    assert "the group cannot meet in their home" in _text(response)
    assert not MatchGroup.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "size": "3"},
        {"name": "Hold 1", "size": "0"},
        {"name": "Hold 1", "size": "lots"},
        {"name": "Hold 1", "size": "3", "starts_on": "i morgen"},
        {"name": "Hold 1", "size": "3", "host": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_bad_input_to_make_a_group_is_a_400(client, world, data):
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"
    data = {"starts_on": timezone.localdate().isoformat(), **data}

    response = client.post(reverse("matching:group_create", args=[world["offer"].pk]), data)

    assert response.status_code == 400
    assert not MatchGroup.objects.exists()


def test_a_host_from_another_centre_is_no_choice(client, world):
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"
    stranger = make_volunteer(roles=["host"])  # another team's volunteer

    response = client.post(
        reverse("matching:group_create", args=[world["offer"].pk]),
        {
            "name": "Hold 1",
            "size": "3",
            "starts_on": timezone.localdate().isoformat(),
            "host": str(stranger.pk),
        },
    )

    assert response.status_code == 400
    assert not MatchGroup.objects.exists()


def test_the_roster_names_a_guest_only_with_consent_to_share_with_this_offer(client, world):
    group = _group(world, host=world["host"])
    group_add_volunteer(group=group, volunteer=world["maja"], role="meal_friend", actor=None)
    mona, erik, karen = _guest(world, "Mona"), _guest(world, "Erik"), _guest(world, "Karen")
    for match in (mona, erik, karen):
        group_add_citizen(group=group, match=match, actor=world["coordinator"])
    _share(world, mona)
    # Karen agreed to share with another offer: that tells this one nothing.
    _share(world, karen, offer=make_offer(title="Strikkecafé", team=world["centre"]))
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    with translation.override("en"):
        page = _text(client.get(_group_url(group)))

    roster = page.split('data-testid="group-citizens"')[1].split("</ul>")[0]
    assert "Mona" in roster
    assert "Erik" not in roster and "Karen" not in roster
    assert roster.count("A citizen (no consent to share yet)") == 2
    assert "Maja Holm" in page and "Søren Vang" in page
    # Every guest the page shows is a read of that citizen's data.
    for match in (mona, erik, karen):
        assert AuditEvent.objects.filter(
            action=AuditAction.READ, actor=world["coordinator"], subject_id=match.citizen_id
        ).exists()


def test_the_coordinator_adds_and_removes_members_and_ends_the_group(client, world):
    group = _group(world)
    mona = _guest(world, "Mona")
    _share(world, mona)
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    page = _text(client.get(_group_url(group)))
    assert f'value="{mona.pk}"' in page  # a match with the offer to add

    assert client.post(_group_url(group, "citizen_add"), {"match": mona.pk}).status_code == 302
    assert (
        client.post(
            _group_url(group, "volunteer_add"),
            {"volunteer": world["maja"].pk, "role": "meal_friend"},
        ).status_code
        == 302
    )
    mona.refresh_from_db()
    assert mona.group == group
    membership = group.volunteer_memberships.get()

    assert client.post(_group_url(group, "volunteer_remove", membership.pk)).status_code == 302
    assert client.post(_group_url(group, "citizen_remove", mona.pk), {}).status_code == 302
    mona.refresh_from_db()
    membership.refresh_from_db()
    assert mona.group is None and mona.status == MatchStatus.PROPOSED
    assert membership.left_at is not None

    assert client.post(_group_url(group, "end"), {}).status_code == 302
    group.refresh_from_db()
    assert group.status == MatchGroupStatus.ENDED


def test_a_refusal_on_the_group_page_is_a_400_with_the_reason(client, world):
    group = _group(world)
    cook = _unvetted(world, roles=["meal_friend"])
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    with translation.override("en"):
        response = client.post(
            _group_url(group, "volunteer_add"),
            {"volunteer": cook.pk, "role": "meal_friend"},
        )

    assert response.status_code == 400
    assert "the group meets in a private home" in _text(response)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("citizen_add", {"match": "00000000-0000-0000-0000-000000000000"}),
        ("citizen_add", {}),
        ("volunteer_add", {"volunteer": "nobody", "role": "meal_friend"}),
        ("volunteer_add", {"volunteer": "maja", "role": "astronaut"}),
        ("volunteer_add", {"volunteer": "stranger", "role": "visiting_friend"}),
        ("end", {"end_matches": "on", "end_reason": "no-such-reason"}),
    ],
)
def test_bad_input_on_the_group_page_is_a_400(client, world, action, data):
    group = _group(world)
    stranger = make_volunteer()  # another team's volunteer
    names = {"maja": str(world["maja"].pk), "stranger": str(stranger.pk)}
    data = {key: names.get(value, value) for key, value in data.items()}
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    response = client.post(_group_url(group, action), data)

    assert response.status_code == 400
    group.refresh_from_db()
    assert group.status == MatchGroupStatus.ACTIVE
    assert not group.volunteer_memberships.exists() and not group.matches.exists()


def test_a_match_of_another_offer_is_no_choice_on_the_group_page(client, world):
    group = _group(world)
    elsewhere = _guest(world, "Inger", offer=make_offer(title="Strikkecafé", team=world["centre"]))
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    response = client.post(_group_url(group, "citizen_add"), {"match": elsewhere.pk})

    assert response.status_code == 400
    elsewhere.refresh_from_db()
    assert elsewhere.group is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("other_coordinator", 404), ("builder", 403), ("anonymous", 302)],
)
def test_who_may_open_a_group_and_change_it(client, world, who, status):
    group = _group(world)
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=None)
    users = {
        "coordinator": world["coordinator"],
        "other_coordinator": UserFactory(coordinator=True, team=coordination_team()),
        "builder": world["builder"],
    }
    if who in users:
        client.force_login(users[who])

    assert client.get(_group_url(group)).status_code == status
    create = reverse("matching:group_create", args=[world["offer"].pk])
    changes = [
        (create, {"name": "Hold 9", "size": "2", "starts_on": date.today().isoformat()}),
        (
            _group_url(group, "volunteer_add"),
            {"volunteer": world["maja"].pk, "role": "meal_friend"},
        ),
        (_group_url(group, "citizen_remove", mona.pk), {}),
        (_group_url(group, "end"), {}),
    ]
    for url, data in changes:
        code = client.post(url, data).status_code
        assert code == (302 if who == "coordinator" else status), url
    if who != "coordinator":
        group.refresh_from_db()
        mona.refresh_from_db()
        assert group.status == MatchGroupStatus.ACTIVE and mona.group == group
        assert MatchGroup.objects.count() == 1


def test_an_unknown_group_is_a_404(client, world):
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    assert client.get(reverse("matching:group_detail", args=[world["offer"].pk])).status_code == 404


@pytest.mark.parametrize("guests", [1, 3])
def test_the_group_page_query_count_does_not_grow(client, django_assert_num_queries, world, guests):
    group = _group(world, size=6, host=world["host"])
    group_add_volunteer(group=group, volunteer=world["maja"], role="meal_friend", actor=None)
    for n in range(guests):
        match = _guest(world, f"Gæst{n}")
        _share(world, match)
        group_add_citizen(group=group, match=match, actor=None)
        _guest(world, f"Kandidat{n}")  # a match with the offer that could join
    client.force_login(world["coordinator"])
    client.cookies["django_language"] = "en"

    # 1 session, 2 user, 3-4 own and group permissions, 5 roles, 6 teams (scope), 7 the group
    # with its offer, 8 the volunteers in it, 9 its guests, 10 the matches that could join,
    # 11 the consents to share with the offer, 12 the audit insert, 13 the volunteers to add,
    # 14-16 saving the session
    with django_assert_num_queries(16):
        response = client.get(_group_url(group))
    assert response.status_code == 200
    assert len(response.context["roster"].citizens) == guests


# --- The bridge-builder's case page ---------------------------------------------------------------


def test_the_case_page_shows_the_group_of_the_citizens_match(client, world):
    group = _group(world, host=world["host"])
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=world["coordinator"])
    client.force_login(world["builder"])
    client.cookies["django_language"] = "en"

    with translation.override("en"):
        page = _text(client.get(reverse("referrals:case_detail", args=[mona.case_id])))

    line = page.split('data-testid="match-group"')[1].split("</")[0]
    assert "Mad og mennesker – hold 3" in line
    assert "Søren Vang" in page.split('data-testid="match-group"')[1].split("</li>")[0]


def test_the_case_page_marks_a_group_whose_volunteer_lost_their_certificate(client, world):
    group = _group(world)
    membership = group_add_volunteer(
        group=group, volunteer=world["maja"], role="meal_friend", actor=None
    )
    mona = _guest(world, "Mona")
    group_add_citizen(group=group, match=mona, actor=None)
    # The certificate runs out: seen long ago.
    volunteer_record_vetting(
        volunteer=world["maja"],
        data={"vetting_seen_on": timezone.localdate() - relativedelta(years=3)},
        actor=None,
    )
    assert membership.volunteer.status == VolunteerStatus.ACTIVE
    client.force_login(world["builder"])
    client.cookies["django_language"] = "en"

    with translation.override("en"):
        page = _text(client.get(reverse("referrals:case_detail", args=[mona.case_id])))

    block = page.split('data-testid="match-group"')[1].split("</li>")[0]
    assert "Maja Holm" in block and "Certificate expired" in block
