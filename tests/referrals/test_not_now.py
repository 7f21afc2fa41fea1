""" "Not now" is a date: a citizen who declines help gets a day to be approached again, as a task
for the case's bridge-builder; and a citizen referred again brings their earlier course along,
for the new bridge-builder to see."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.selectors import my_tasks
from matching.services import match_accept, match_end, match_propose
from offers.constants import MatchEndReason
from referrals.constants import CaseStatus, CloseReason
from referrals.services import case_close, contact_record
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case
from tests.offers.factories import offer as make_offer
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Nord")


@pytest.fixture
def builder(team):
    return UserFactory(username="sofie", bridge_builder=True, team=team, first_name="Sofie")


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


def _in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _approach_again():
    return Task.objects.filter(data__origin=TaskOrigin.APPROACH_AGAIN)


# --- "Not now" at the first contact and at the close ------------------------------------------


def test_a_citizen_who_says_not_now_at_the_first_contact_is_asked_again_on_the_day(case, builder):
    contact_record(
        case=case,
        kind="phone",
        actor=builder,
        reached=True,
        note="Vil gerne vente til efter sommerferien.",
        declined=True,
        approach_again_on=_in(60),
    )

    case.refresh_from_db()
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, CloseReason.DECLINED)
    task = _approach_again().get()
    assert (task.due, task.assignee, task.kind, task.case) == (
        _in(60),
        builder,
        TaskKind.CALL_CITIZEN,
        case,
    )
    assert task.done_at is None
    # it is on the bridge-builder's own list, in the later group
    later = next(g for g in my_tasks(user=builder)["groups"] if g.key == "later")
    assert task in later.tasks


def test_not_now_without_a_date_closes_the_case_and_makes_no_task(case, builder):
    contact_record(case=case, kind="phone", actor=builder, declined=True)

    case.refresh_from_db()
    assert case.close_reason == CloseReason.DECLINED
    assert not _approach_again().exists()


def test_only_a_contact_that_reached_the_citizen_records_their_no(case, builder):
    with pytest.raises(ValidationError) as refused:
        contact_record(case=case, kind="phone", actor=builder, reached=False, declined=True)

    assert "declined" in refused.value.message_dict
    case.refresh_from_db()
    assert case.is_open


def test_the_day_to_ask_again_is_after_today_and_for_a_citizen_who_declined(case, builder):
    for day in (timezone.localdate(), _in(-3), _in(365 * 3)):
        with pytest.raises(ValidationError) as refused:
            contact_record(
                case=case, kind="phone", actor=builder, declined=True, approach_again_on=day
            )
        assert "approach_again_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        case_close(case=case, reason=CloseReason.MOVED, actor=builder, approach_again_on=_in(30))
    assert "approach_again_on" in refused.value.message_dict

    case.refresh_from_db()
    assert case.is_open
    assert not _approach_again().exists()


def test_closing_as_declined_with_a_date_makes_the_task(case, builder):
    case_close(case=case, reason=CloseReason.DECLINED, actor=builder, approach_again_on=_in(90))

    assert _approach_again().get().due == _in(90)


def test_the_first_contact_form_on_the_case_page_records_not_now(case, builder):
    client = Client()
    client.force_login(builder)

    response = client.post(
        reverse("referrals:case_contact", args=[case.pk]),
        {
            "contact-kind": "phone",
            "contact-occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "contact-reached": "on",
            "contact-declined": "on",
            "contact-approach_again_on": _in(45).isoformat(),
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert _approach_again().get().due == _in(45)


def test_the_close_form_takes_the_day_to_ask_again(case, builder):
    client = Client()
    client.force_login(builder)

    response = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {
            "close-reason": "declined",
            "close-open_work": "end",
            "close-approach_again_on": _in(30).isoformat(),
        },
    )

    assert response.status_code == 302
    assert _approach_again().get().assignee == builder


# --- The earlier course of a citizen referred again ---------------------------------------------


@pytest.fixture
def referred_again(team, builder):
    """A citizen whose first course tried a walking club, ended it, and closed; then referred
    again, to another bridge-builder."""
    first = make_referral(team=team, cpr="010150-1234", birth_date=date(1950, 1, 1))
    first_case = first.referral.case
    match = match_propose(
        case=first_case, offer=make_offer(title="Gå-klubben Solsikken"), actor=builder
    )
    match_accept(match=match, actor=builder)
    match_end(match=match, reason=MatchEndReason.NOT_A_FIT, actor=builder, note="For hurtigt tempo")
    case_close(case=first_case, reason=CloseReason.DECLINED, actor=builder)
    again = make_referral(team=team, cpr="0101501234", birth_date=date(1950, 1, 1))
    assert again.referral.citizen == first.referral.citizen
    new_case = again.referral.case
    assert new_case.pk != first_case.pk
    return {"first": first_case, "new": new_case}


def test_the_new_bridge_builder_sees_what_was_tried_before(team, referred_again):
    newcomer = UserFactory(bridge_builder=True, team=team)
    client = Client()
    client.force_login(newcomer)

    page = client.get(reverse("referrals:case_detail", args=[referred_again["new"].pk]))

    assert page.status_code == 200
    assert [c.pk for c in page.context["earlier_courses"]] == [referred_again["first"].pk]
    section = page.content.decode()
    assert 'data-testid="earlier-courses"' in section
    assert "Gå-klubben Solsikken" in section
    assert "For hurtigt tempo" in section
    assert str(MatchEndReason.NOT_A_FIT.label) in section
    assert str(CloseReason.DECLINED.label) in section
    # reading the earlier course is a read of the citizen's record, in the access log
    assert AuditEvent.objects.filter(
        actor=newcomer,
        action=AuditAction.READ,
        object_id=str(referred_again["first"].pk),
    ).exists()


def test_the_case_page_writes_all_its_reads_in_one_insert(team, referred_again):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    newcomer = UserFactory(bridge_builder=True, team=team)
    client = Client()
    client.force_login(newcomer)

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("referrals:case_detail", args=[referred_again["new"].pk]))

    assert page.status_code == 200
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    # The case and the earlier course it shows: two reads, one statement.
    assert len(inserts) == 1
    read = AuditEvent.objects.filter(actor=newcomer, action=AuditAction.READ)
    assert set(read.values_list("object_id", flat=True)) >= {
        str(referred_again["new"].pk),
        str(referred_again["first"].pk),
    }


def test_the_earlier_course_is_not_shown_on_the_first_case_itself(team, builder):
    case = make_case(team=team, assignee=builder)
    client = Client()
    client.force_login(builder)

    page = client.get(reverse("referrals:case_detail", args=[case.pk]))

    assert page.context["earlier_courses"] == []
    assert 'data-testid="earlier-courses"' not in page.content.decode()


def test_someone_who_may_not_see_the_citizen_sees_no_earlier_course(referred_again):
    from referrals.selectors import citizen_earlier_courses

    stranger = UserFactory(bridge_builder=True, team=bridge_team(name="Brobyggerne Syd"))
    carer = UserFactory(home_care=True)

    for user in (stranger, carer):
        assert citizen_earlier_courses(user=user, case=referred_again["new"]) == []
