import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from followups.models import Task
from referrals import services as referral_services
from referrals.models import Case
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import screen


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def admin_user():
    return UserFactory(admin=True, username="dpo")


@pytest.fixture
def full_case(team, builder):
    """A citizen with something in every section: consents, notes, network, plan, screening."""
    gp = UserFactory(referrer=True)
    result = make_referral(
        team=team,
        referrer=gp,
        feedback_consent=True,
        first_name="Gudrun",
        last_name="Særnavn",
        phone="+45 22 33 44 55",
        email="gudrun@example.invalid",
        cpr="010150-1234",
        birth_date=None,
    )
    case = result.referral.case
    referral_services.case_assign(case=case, assignee=builder, actor=builder)
    referral_services.contact_record(
        case=case, kind="phone", actor=builder, note="Talte med datteren Bodil."
    )
    referral_services.note_add(case=case, text="Hemmelig note om Gudrun.", actor=builder)
    referral_services.network_person_add(
        case=case, kind="family", name="Bodil (datter)", closeness=3, actor=builder
    )
    referral_services.plan_step_add(
        case=case, description="Ringe til Bodil", responsible="Gudrun", actor=builder
    )
    referral_services.consent_give(
        citizen=case.citizen,
        purpose="share_volunteer",
        method="verbal",
        recipient="Besøgsven Karen",
        recipient_id=uuid.uuid4(),
        actor=builder,
        case=case,
    )
    screen(citizen=case.citizen, by=builder, answers=(3, 3, 2), observations="Græd under samtalen.")
    return Case.objects.select_related("citizen").get(pk=case.pk)


def close_long_ago(case, builder, *, months=13):
    """Close the case and move its dates back, as if it had closed `months` months ago."""
    referral_services.case_close(
        case=case, reason="lasting_community", actor=builder, close_anyway=True
    )
    past = timezone.now() - timedelta(days=31 * months)
    Case.objects.filter(pk=case.pk).update(closed_at=past, created_at=past - timedelta(days=60))
    case.referrals.update(created_at=past - timedelta(days=60))
    case.citizen.screenings.update(screened_at=past - timedelta(days=30))
    # The red screening's follow-up task was done back then too.
    Task.objects.filter(citizen=case.citizen).update(done_at=past)
    case.refresh_from_db()
    return case


@pytest.fixture
def home_team():
    return TeamFactory(home_care=True)
