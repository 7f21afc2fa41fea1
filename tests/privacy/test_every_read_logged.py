"""Every page and API answer that shows a citizen's data writes the access log.

The walk is generated: every URL in the URL conf and every GET operation in the API schema is
opened as every role, with its path parameters filled from one citizen's world. Wherever the
answer shows that citizen (their unusual name or phone number), an access-log row for them must
have been written by that request. A new page or endpoint is walked without anyone adding it
here; one whose parameter the walk cannot fill fails until the walk is taught it.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.constants import TeamKind
from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.services import task_create
from matching.models import Match, MatchGroup, MatchGroupVolunteer
from matching.services import match_propose, offer_waiting_list_add
from offers.services import unmet_need_record
from referrals import services as referral_services
from referrals.constants import ConsentPurpose
from referrals.identity import team_access_request
from referrals.models import NetworkPerson, PlanStep, PossibleDuplicate
from screening.models import QualityCheck
from screening.services import home_care_citizen_add
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, citizen_data
from tests.screening.factories import screen
from tests.volunteers.factories import coordination_team, make_offer, make_volunteer

pytestmark = pytest.mark.django_db

FIRST, LAST, PHONE = "Zyxwert", "Quimblyfors", "+45 31 41 59 26"
MARKERS = (FIRST, LAST, PHONE)

# Path parameters that name no citizen data of their own: an unguessable token or a date-like
# value that the walk cannot make, with why it is safe to leave out.
NOT_WALKED = {
    "token": "a signed single-use link; its page is tested in tests/matching/test_confirmation.py",
    "uidb64": "password reset links carry no citizen data",
    "code": "a two-factor set-up code, carrying no citizen data (test_two_factor_enrolment.py)",
}


@pytest.fixture
def world():
    """One citizen known to a bridge-builders' team, a home-care team and (with consent to share)
    an offer's and a volunteer's coordinator; referred by a GP; with a screening, a task, a
    network person, a plan step and matches."""
    bridge = bridge_team()
    home = TeamFactory(kind=TeamKind.HOME_CARE)
    coordination = coordination_team()
    users = {
        "bridge_builder": UserFactory(bridge_builder=True, team=bridge, lead=True),
        "home_care": UserFactory(home_care=True, team=home),
        "coordinator": UserFactory(coordinator=True, team=coordination, lead=True),
        "referrer": UserFactory(referrer=True),
        "admin": UserFactory(admin=True),
    }
    builder = users["bridge_builder"]
    citizen = home_care_citizen_add(
        data=citizen_data(first_name=FIRST, last_name=LAST, phone=PHONE, cpr="", postcode="5000"),
        team=home,
        actor=users["home_care"],
    ).citizen
    referral = referral_services.referral_create(
        known_citizen=citizen,
        source="gp",
        reason="Alene",
        consent_given=True,
        consent_method="verbal",
        referrer=users["referrer"],
        team=bridge,
    ).referral
    case = referral.case
    referral_services.case_assign(case=case, assignee=builder, actor=builder)
    screening = screen(citizen=citizen, by=users["home_care"], answers=(3, 3, 3))
    offer = make_offer(team=coordination, title="Strikkecaféen", capacity=5)
    volunteer = make_volunteer(team=coordination)
    offer_match = match_propose(case=case, actor=builder, offer=offer)
    volunteer_match = match_propose(
        case=case, actor=builder, volunteer=volunteer, role="visiting_friend"
    )
    for _match, purpose, provider in [
        (offer_match, ConsentPurpose.SHARE_OFFER, offer),
        (volunteer_match, ConsentPurpose.SHARE_VOLUNTEER, volunteer),
    ]:
        referral_services.consent_give(
            citizen=citizen,
            purpose=purpose,
            method="verbal",
            recipient=str(provider),
            recipient_id=provider.pk,
            actor=builder,
            case=case,
        )
    task = task_create(
        citizen=citizen,
        case=case,
        kind="call_citizen",
        title="Ring",
        due=timezone.localdate() + timedelta(days=1),
        assignee=builder,
        actor=builder,
        team=bridge,
    )
    person = referral_services.network_person_add(
        case=case, kind="friend", name="Ib", closeness=2, actor=builder
    )
    step = referral_services.plan_step_add(
        case=case, description="Ring til Ib", responsible="Borgeren", actor=builder
    )
    consent = citizen.consents.first()
    # Another home-care team asks for the citizen, and a second record may be the same person.
    other_home = TeamFactory(kind=TeamKind.HOME_CARE)
    asking = UserFactory(home_care=True, team=other_home)
    access_request = team_access_request(citizen=citizen, team=other_home, actor=asking)
    twin = referral_services.referral_create(
        citizen=citizen_data(first_name=FIRST, last_name=LAST, birth_date=citizen.birth_date),
        source="self",
        reason="Alene",
        consent_given=True,
        consent_method="digital",
        team=bridge,
    ).referral.citizen
    duplicate = PossibleDuplicate.objects.get(citizen=twin)
    need = unmet_need_record(case=case, category="culture", wanted="Erindringer", actor=builder)
    full = make_offer(team=coordination, title="Sangkoret", capacity=0)
    waiting = offer_waiting_list_add(case=case, offer=full, actor=builder)
    # A group on the offer with the citizen in it, and the screening up for a second look.
    group = MatchGroup.objects.create(
        offer=offer,
        name="Hold 1",
        size=5,
        starts_on=timezone.localdate(),
        created_by=users["coordinator"],
    )
    Match.objects.filter(pk=offer_match.pk).update(group=group)
    membership = MatchGroupVolunteer.objects.create(
        group=group, volunteer=volunteer, role="meal_friend", added_by=users["coordinator"]
    )
    check = QualityCheck.objects.create(
        screening=screening, team=screening.team, reasons=["all_lowest"]
    )
    values = {
        "case_id": case.pk,
        "citizen_id": citizen.pk,
        "referral_id": referral.pk,
        "screening_id": screening.pk,
        "match_id": offer_match.pk,
        "offer_id": offer.pk,
        "volunteer_id": volunteer.pk,
        "task_id": task.pk,
        "person_id": person.pk if isinstance(person, NetworkPerson) else person,
        "step_id": step.pk if isinstance(step, PlanStep) else step,
        "consent_id": consent.pk,
        "pk": citizen.pk,
        "id": citizen.pk,
        "team_id": bridge.pk,
        "organisation_id": offer.organisation_id,
        "request_id": access_request.pk,
        "action": "accept",
        "duplicate_id": duplicate.pk,
        "need_id": need.pk,
        "entry_id": waiting.pk,
        "group_id": group.pk,
        "check_id": check.pk,
        "membership_id": membership.pk,
    }
    return {"citizen": citizen, "users": users, "values": values, "offer_match": offer_match}


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _path_from(route: str, values: dict) -> str | None:
    """The URL with its parameters filled in, or None where the walk may leave it out."""
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes: Django's admin and the static/media helpers
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if any(name in NOT_WALKED for name in names):
        return None
    unknown = [name for name in names if name not in values]
    assert not unknown, f"the walk cannot fill {unknown} in {route}: teach it in world()"
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + path.lstrip("/")


def _shows_citizen(response) -> bool:
    if response.status_code != 200 or response.get("Content-Type", "").startswith("image/"):
        return False
    if getattr(response, "streaming", False):
        return False
    body = response.content.decode(errors="ignore")
    return any(marker in body for marker in MARKERS)


def _walk(client, users, world, paths) -> list[str]:
    """Each path as each user; the requests after which the citizen was shown unlogged."""
    unlogged = []
    citizen = world["citizen"]
    for role, user in users.items():
        if isinstance(client, APIClient):
            client.force_authenticate(user)
        else:
            client.force_login(user)
        reads = AuditEvent.objects.filter(
            subject_id=citizen.pk, actor=user, action__in=[AuditAction.READ, AuditAction.EXPORT]
        )
        for path in paths:
            before = reads.count()
            response = client.get(path)
            if _shows_citizen(response) and reads.count() <= before:
                unlogged.append(f"{role} GET {path}")
    return unlogged


def test_every_page_that_shows_a_citizen_logs_the_read(world):
    paths = []
    for route, _pattern in _patterns():
        if route.startswith(("django-admin/", "api/", "static/", "sw.js", "i18n/")):
            continue
        path = _path_from(route, world["values"])
        if path is not None:
            paths.append(path)
    assert len(paths) > 40, "the walk found too few pages"
    unlogged = _walk(Client(), world["users"], world, paths)
    assert not unlogged, "pages show the citizen without logging the read:\n" + "\n".join(unlogged)


def test_every_api_answer_that_shows_a_citizen_logs_the_read(world):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = []
    for route, operations in schema["paths"].items():
        if "get" not in operations or route.startswith("/api/schema"):
            continue
        values = {**world["values"], "id": world["values"]["citizen_id"]}
        # {id} means the resource's own id: the referral's for referrals, the task's for tasks.
        for prefix, key in [
            ("/api/v1/referrals/", "referral_id"),
            ("/api/v1/tasks/", "task_id"),
            ("/api/v1/screenings/", "screening_id"),
            ("/api/v1/offers/", "offer_id"),
            ("/api/v1/matches/", "match_id"),
            ("/api/v1/volunteers/", "volunteer_id"),
        ]:
            if route.startswith(prefix):
                values["id"] = world["values"][key]
        route = re.sub(r"\{(\w+)\}", r"<\1>", route)
        path = _path_from(route, values)
        if path is not None:
            paths.append(path)
    assert len(paths) > 10, "the walk found too few API operations"
    unlogged = _walk(APIClient(), world["users"], world, paths)
    assert not unlogged, "API answers show the citizen without logging:\n" + "\n".join(unlogged)


def test_the_walk_notices_a_page_that_does_not_log(world, monkeypatch):
    """The walk itself can fail: a case page with its logging switched off is caught."""
    import referrals.selectors

    monkeypatch.setattr(referrals.selectors, "audit_read", lambda **kwargs: None)
    case_path = f"/forloeb/{world['values']['case_id']}/"
    unlogged = _walk(
        Client(), {"bridge_builder": world["users"]["bridge_builder"]}, world, [case_path]
    )
    assert unlogged == [f"bridge_builder GET {case_path}"]
