"""Recurring contact on a running match: the agreement and its dates, the contacts logged through
the volunteer's signed link or in Brobyg, the bridge-builder's tasks for a concern and for
contacts missed in a row, and who may see it all."""

from datetime import date, time, timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import TaskOrigin
from followups.models import Task
from matching import services
from matching.contact import (
    GRACE_DAYS,
    contact_dates,
    contact_link_path,
    contact_overview,
    missed_run,
)
from matching.models import ContactAgreement, ContactLogEntry, ContactRhythm
from matching.tasks import contact_missed_sweep
from referrals.constants import ConsentPurpose
from referrals.services import case_assign, consent_give
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer, make_volunteer

pytestmark = pytest.mark.django_db

WEDNESDAY = 2


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def coordination():
    return coordination_team()


@pytest.fixture
def coordinator(coordination):
    return UserFactory(coordinator=True, team=coordination)


def running_match(*, team, builder, volunteer=None, first_name="Gudrun", share=True):
    """A telefonven match under way since its first call 20 days ago, the case assigned to the
    bridge-builder; with the citizen's consent to share with the volunteer unless told not."""
    case = make_referral(team=team, first_name=first_name, last_name="Thygesen").referral.case
    case_assign(case=case, assignee=builder, actor=builder)
    volunteer = volunteer or make_volunteer(
        roles=["phone_friend"], vetted=False, capacity=5, email="maja@frivillig.invalid"
    )
    match = services.match_propose(
        case=case, volunteer=volunteer, role="phone_friend", actor=builder
    )
    services.match_accept(match=match, actor=builder)
    services.match_plan_first_meeting(
        match=match, at=timezone.now() - timedelta(days=20), actor=builder
    )
    match = services.match_record_first_meeting(match=match, came=True, actor=builder)
    if share:
        consent_give(
            citizen=case.citizen,
            purpose=ConsentPurpose.SHARE_VOLUNTEER,
            method="verbal",
            recipient=str(volunteer),
            recipient_id=volunteer.pk,
            actor=builder,
            case=case,
        )
    return match


def weekly_since(match, actor, *, days: int, rhythm=ContactRhythm.WEEKLY, **extra):
    """An agreement whose first date was `days` ago (on that day's weekday, at 10)."""
    start = timezone.localdate() - timedelta(days=days)
    return services.contact_agreement_set(
        match=match,
        actor=actor,
        rhythm=rhythm,
        weekday=start.weekday(),
        at=time(10),
        channel="phone",
        starts_on=start,
        **extra,
    )


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


# --- The agreed dates ----------------------------------------------------------------------------


def test_weekly_dates_start_on_the_first_agreed_weekday_and_stop_at_the_end():
    # Monday 2 March 2026; Wednesdays from then until Wednesday 18 March, the last day.
    dates = contact_dates(
        rhythm=ContactRhythm.WEEKLY,
        weekday=WEDNESDAY,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 18),
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
    )
    assert dates == [date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18)]


def test_every_other_week_counts_fortnights_from_the_first_date_whatever_the_window():
    agreed = {
        "rhythm": ContactRhythm.BIWEEKLY,
        "weekday": WEDNESDAY,
        "starts_on": date(2026, 3, 2),
    }
    # The anchor is Wednesday 4 March: 18 March, 1 April, 15 April …
    assert contact_dates(**agreed, date_from=date(2026, 3, 1), date_to=date(2026, 4, 15)) == [
        date(2026, 3, 4),
        date(2026, 3, 18),
        date(2026, 4, 1),
        date(2026, 4, 15),
    ]
    # A window starting in the off week (11 March) does not shift the rhythm onto it.
    assert contact_dates(**agreed, date_from=date(2026, 3, 9), date_to=date(2026, 3, 31)) == [
        date(2026, 3, 18)
    ]
    # A window starting on an agreed day includes it.
    assert contact_dates(**agreed, date_from=date(2026, 4, 1), date_to=date(2026, 4, 1)) == [
        date(2026, 4, 1)
    ]
    # Nothing after the end, even inside the window.
    assert contact_dates(
        **agreed, ends_on=date(2026, 3, 31), date_from=date(2026, 3, 1), date_to=date(2026, 5, 1)
    ) == [date(2026, 3, 4), date(2026, 3, 18)]


def test_twice_a_month_and_monthly_keep_the_week_of_the_month():
    # Starting Wednesday 4 March (the first Wednesday): the first and third each month.
    assert contact_dates(
        rhythm=ContactRhythm.TWICE_MONTHLY,
        weekday=WEDNESDAY,
        starts_on=date(2026, 3, 4),
        date_from=date(2026, 3, 1),
        date_to=date(2026, 4, 30),
    ) == [date(2026, 3, 4), date(2026, 3, 18), date(2026, 4, 1), date(2026, 4, 15)]
    # Starting on the second Wednesday: the second and fourth.
    assert contact_dates(
        rhythm=ContactRhythm.TWICE_MONTHLY,
        weekday=WEDNESDAY,
        starts_on=date(2026, 3, 11),
        date_from=date(2026, 3, 1),
        date_to=date(2026, 4, 30),
    ) == [date(2026, 3, 11), date(2026, 3, 25), date(2026, 4, 8), date(2026, 4, 22)]
    # Monthly on the third Tuesday.
    assert contact_dates(
        rhythm=ContactRhythm.MONTHLY,
        weekday=1,
        starts_on=date(2026, 3, 17),
        date_from=date(2026, 3, 1),
        date_to=date(2026, 5, 31),
    ) == [date(2026, 3, 17), date(2026, 4, 21), date(2026, 5, 19)]
    # A fifth Tuesday (31 March) becomes the last Tuesday of each month.
    assert contact_dates(
        rhythm=ContactRhythm.MONTHLY,
        weekday=1,
        starts_on=date(2026, 3, 31),
        date_from=date(2026, 3, 1),
        date_to=date(2026, 5, 31),
    ) == [date(2026, 3, 31), date(2026, 4, 28), date(2026, 5, 26)]


def test_an_agreed_date_nobody_logged_counts_as_missed_only_after_the_grace_days():
    today = date(2026, 3, 20)
    agreed = [date(2026, 3, 4), date(2026, 3, 11), date(2026, 3, 18)]
    done = [(date(2026, 3, 4), date(2026, 3, 4), "done")]
    # 18 March is two days ago: still within the grace, so neither missed nor a break.
    assert GRACE_DAYS == 2
    assert missed_run(agreed=agreed, entries=done, today=today) == [date(2026, 3, 11)]
    assert missed_run(agreed=agreed, entries=done, today=today + timedelta(days=1)) == [
        date(2026, 3, 11),
        date(2026, 3, 18),
    ]
    # A contact besides the agreed ones that happened ends the run.
    extra = [*done, (None, date(2026, 3, 14), "done")]
    assert missed_run(agreed=agreed, entries=extra, today=today + timedelta(days=1)) == [
        date(2026, 3, 18)
    ]


# --- The agreement ------------------------------------------------------------------------------


def test_a_new_agreement_replaces_the_current_one_from_its_start_and_keeps_the_link(team, builder):
    match = running_match(team=team, builder=builder)
    first = weekly_since(match, builder, days=14)
    second = services.contact_agreement_set(
        match=match,
        actor=builder,
        rhythm=ContactRhythm.BIWEEKLY,
        weekday=WEDNESDAY,
        channel="phone",
        starts_on=days_ago(1),
        at=time(10),
    )

    first.refresh_from_db()
    assert first.replaced_on == days_ago(1)
    assert ContactAgreement.objects.filter(match=match, replaced_on__isnull=True).get() == second
    assert second.link_issued_at == first.link_issued_at
    # The old agreement gives its dates until the day before the new one starts.
    overview = contact_overview(match=match)
    assert overview.agreement == second
    assert days_ago(14) in overview.open_dates and days_ago(7) in overview.open_dates
    assert all(day < days_ago(1) or day.weekday() == WEDNESDAY for day in overview.open_dates)


def test_agreements_never_overlap_when_a_new_one_starts_further_back(team, builder):
    match = running_match(team=team, builder=builder)
    first = weekly_since(match, builder, days=21)
    second = weekly_since(match, builder, days=7)
    # Moved back: the new agreement starts before the second, inside the first.
    third = weekly_since(match, builder, days=14, rhythm=ContactRhythm.BIWEEKLY)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.replaced_on, second.replaced_on, third.replaced_on) == (
        days_ago(14),
        days_ago(14),
        None,
    )
    # Three weeks ago from the first; two weeks ago and today from the third.
    assert contact_overview(match=match).open_dates == [days_ago(0), days_ago(14), days_ago(21)]


def test_an_agreement_is_for_a_running_match_with_a_volunteer_or_a_one_to_one_offer(team, builder):
    case = make_referral(team=team).referral.case
    proposed = services.match_propose(case=case, offer=make_offer(capacity=5), actor=builder)
    with pytest.raises(ValidationError):
        weekly_since(proposed, builder, days=0)
    match = running_match(team=team, builder=builder)
    with pytest.raises(ValidationError) as error:
        weekly_since(match, builder, days=0, ends_on=days_ago(1))
    assert "ends_on" in error.value.message_dict
    assert not ContactAgreement.objects.exists()


def test_an_agreement_far_ahead_is_refused_and_the_pages_keep_working(team, builder):
    match = running_match(team=team, builder=builder)
    for kwargs, field in [
        ({"starts_on": date(9999, 12, 31)}, "starts_on"),
        ({"starts_on": timezone.localdate() + timedelta(days=400)}, "starts_on"),
        ({"starts_on": timezone.localdate(), "ends_on": date(9999, 12, 31)}, "ends_on"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.contact_agreement_set(
                match=match,
                actor=builder,
                rhythm="weekly",
                weekday=0,
                at=time(10),
                channel="phone",
                **kwargs,
            )
        assert field in error.value.message_dict, kwargs
    client = Client()
    client.force_login(builder)
    page = reverse("matching:match_contact", args=[match.case_id, match.pk])
    response = client.post(
        page + "aftale/",
        {
            "agreement-rhythm": "weekly",
            "agreement-weekday": "0",
            "agreement-channel": "phone",
            "agreement-starts_on": "31.12.9999",
        },
    )
    assert response.status_code == 400
    assert not ContactAgreement.objects.exists()
    assert client.get(page).status_code == 200
    assert client.get(reverse("referrals:case_detail", args=[match.case_id])).status_code == 200


# --- The log -------------------------------------------------------------------------------------


def test_a_contact_is_logged_once_per_agreed_date_and_only_when_its_day_has_come(team, builder):
    match = running_match(team=team, builder=builder)
    weekly_since(match, builder, days=7)
    services.contact_log_record(match=match, actor=builder, outcome="done", expected_on=days_ago(7))

    for kwargs, field in [
        ({"outcome": "done", "expected_on": days_ago(7)}, "expected_on"),  # twice
        ({"outcome": "done", "expected_on": days_ago(6)}, "expected_on"),  # not agreed
        ({"outcome": "missed"}, "expected_on"),  # a missed contact was an agreed one
        ({"outcome": "done", "on": timezone.localdate() + timedelta(days=1)}, "on"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.contact_log_record(match=match, actor=builder, **kwargs)
        assert field in error.value.message_dict, kwargs
    assert ContactLogEntry.objects.count() == 1


def test_topics_parked_for_next_time_are_shown_when_the_next_contact_is_logged(
    team, builder, client
):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=14)
    services.contact_log_record(
        match=match,
        actor=None,
        outcome="done",
        expected_on=days_ago(14),
        topics_next_time="Barnebarnets bryllup i juni",
    )
    page = client.get(contact_link_path(agreement))
    assert "Barnebarnets bryllup i juni" in page.content.decode()

    # A missed call keeps them parked; the next call that happens picks them up.
    services.contact_log_record(match=match, actor=None, outcome="missed", expected_on=days_ago(7))
    assert [e.topics_next_time for e in contact_overview(match=match).parked] == [
        "Barnebarnets bryllup i juni"
    ]
    services.contact_log_record(match=match, actor=None, outcome="done", expected_on=days_ago(0))
    assert contact_overview(match=match).parked == []
    assert "Barnebarnets bryllup" not in client.get(contact_link_path(agreement)).content.decode()


def test_a_concern_goes_to_the_bridge_builder_as_a_task_at_once(team, builder):
    match = running_match(team=team, builder=builder)
    weekly_since(match, builder, days=7)
    volunteer = match.volunteer

    services.contact_log_record(
        match=match,
        actor=None,
        outcome="done",
        expected_on=days_ago(7),
        concern="Hun lød forvirret og havde ikke spist.",
        worried=True,
    )

    task = Task.objects.get(data__origin=TaskOrigin.CONTACT_WORRIED)
    assert (task.assignee, task.match, task.case, task.due) == (
        builder,
        match,
        match.case,
        timezone.localdate(),
    )
    assert str(volunteer) in task.heading
    # The concern's words stay on the log, for the case page: the task says who and when.
    assert "forvirret" not in str(task.data)
    # A concern in words without the tick is a concern too.
    services.contact_log_record(
        match=match, actor=builder, outcome="done", concern="Taler om at flytte."
    )
    assert Task.objects.filter(data__origin=TaskOrigin.CONTACT_CONCERN, match=match).count() == 1
    # A contact without a concern makes no task.
    services.contact_log_record(match=match, actor=builder, outcome="done", expected_on=days_ago(0))
    assert Task.objects.filter(data__origin__startswith="contact_").count() == 2


def test_contacts_missed_in_a_row_make_one_task_per_run(team, builder, settings):
    settings.BROBYG_CONTACT_MISSED_IN_A_ROW = 2
    match = running_match(team=team, builder=builder)
    # Weekly: two weeks ago, a week ago, and today.
    weekly_since(match, builder, days=14)
    missed = {"match": match, "actor": None, "outcome": "missed"}
    missed_tasks = Task.objects.filter(data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW)
    services.contact_log_record(match=match, actor=None, outcome="done", expected_on=days_ago(14))

    services.contact_log_record(**missed, expected_on=days_ago(7))
    assert not missed_tasks.exists()  # one miss is no run

    services.contact_log_record(**missed, expected_on=days_ago(0))
    task = missed_tasks.get()
    assert (task.assignee, task.match, task.due) == (builder, match, timezone.localdate())
    assert task.data["date"] == days_ago(7).isoformat()
    assert str(match.volunteer) in task.heading

    # A week on, nobody logged the next call either: the same run, no second task.
    assert services.contact_missed_sweep(today=timezone.localdate() + timedelta(days=10)) == 0
    assert missed_tasks.count() == 1
    # A contact that happens ends the run; two more misses are a new run, and a new task.
    services.contact_log_record(match=match, actor=builder, outcome="done")
    assert services.contact_missed_check(match=match) is None
    later = timezone.localdate() + timedelta(days=17)
    assert services.contact_missed_sweep(today=later) == 1
    assert missed_tasks.count() == 2
    assert (
        missed_tasks.latest("created_at").data["date"]
        == (timezone.localdate() + timedelta(days=7)).isoformat()
    )


def test_the_number_of_misses_that_make_a_task_is_a_setting(team, builder, settings):
    settings.BROBYG_CONTACT_MISSED_IN_A_ROW = 3
    match = running_match(team=team, builder=builder)
    weekly_since(match, builder, days=14)
    for day in (14, 7, 0):
        services.contact_log_record(
            match=match, actor=None, outcome="missed", expected_on=days_ago(day)
        )
        made = Task.objects.filter(data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW).count()
        assert made == (1 if day == 0 else 0), day


def test_agreed_dates_nobody_logged_make_the_task_from_the_daily_check_once(team, builder):
    match = running_match(team=team, builder=builder)
    weekly_since(match, builder, days=15)
    services.contact_log_record(match=match, actor=None, outcome="done", expected_on=days_ago(15))
    # 8 days ago nobody logged (past the grace); yesterday is still within it.
    overview = contact_overview(match=match)
    assert overview.not_logged == [days_ago(8)]
    assert overview.open_dates == [days_ago(1), days_ago(8)]
    missed_tasks = Task.objects.filter(data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW)

    assert contact_missed_sweep() == 0
    assert not missed_tasks.exists()

    # Two days later yesterday's call is past the grace too: two missed in a row.
    later = timezone.localdate() + timedelta(days=2)
    assert services.contact_missed_sweep(today=later) == 1
    assert services.contact_missed_sweep(today=later) == 0
    assert missed_tasks.get().data["date"] == days_ago(8).isoformat()


def test_the_daily_task_run_twice_makes_the_task_once(team, builder):
    match = running_match(team=team, builder=builder)
    # Agreed 16 and 9 days ago, and two days ago (still within the grace): nobody logged any.
    weekly_since(match, builder, days=16)
    missed_tasks = Task.objects.filter(data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW)

    assert contact_missed_sweep() == 1
    assert contact_missed_sweep() == 0

    assert missed_tasks.get().data["date"] == days_ago(16).isoformat()
    assert contact_overview(match=match).not_logged == [days_ago(9), days_ago(16)]


def test_the_logged_contacts_lose_their_words_when_the_citizen_is_anonymised(team, builder):
    match = running_match(team=team, builder=builder)
    weekly_since(match, builder, days=7)
    services.contact_log_record(
        match=match,
        actor=builder,
        outcome="done",
        expected_on=days_ago(7),
        topics_next_time="Sønnens skilsmisse",
        concern="Trist",
    )
    services.contact_log_anonymise(match.citizen)
    entry = ContactLogEntry.objects.get()
    assert (entry.topics_next_time, entry.concern, entry.outcome) == ("", "", "done")


# --- The volunteer's link -----------------------------------------------------------------------


def test_the_link_opens_on_a_phone_without_signing_in_and_logs_a_contact(team, builder):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=7)
    client = Client()
    path = contact_link_path(agreement)

    page = client.get(path)

    assert page.status_code == 200
    body = page.content.decode()
    assert "Gudrun" in body
    assert "Thygesen" not in body  # the first name only
    assert str(match.citizen.phone) not in body
    # The read is logged as the volunteer's, under the citizen's name.
    read = AuditEvent.objects.filter(action=AuditAction.READ, subject_id=match.citizen_id).last()
    assert (read.actor, read.content_type.model, read.object_id) == (
        None,
        "volunteer",
        str(match.volunteer_id),
    )

    answer = client.post(
        path,
        {
            "log-expected_on": days_ago(7).isoformat(),
            "log-outcome": "done",
            "log-topics_next_time": "Opskriften på maamoul",
        },
    )

    assert answer.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert (entry.by_link, entry.recorded_by, entry.on, entry.topics_next_time) == (
        True,
        None,
        days_ago(7),
        "Opskriften på maamoul",
    )
    assert "Opskriften på maamoul" in client.get(answer["Location"]).content.decode()


def test_without_consent_to_share_the_link_names_nobody(team, builder):
    match = running_match(team=team, builder=builder, share=False)
    agreement = weekly_since(match, builder, days=0)
    body = Client().get(contact_link_path(agreement)).content.decode()
    assert "Gudrun" not in body and "Thygesen" not in body
    assert match.reference in body


def test_an_expired_link_is_refused(team, builder, settings):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=0)
    ContactAgreement.objects.filter(pk=agreement.pk).update(
        link_issued_at=timezone.now() - timedelta(days=settings.BROBYG_CONTACT_LINK_DAYS + 1)
    )
    agreement.refresh_from_db()
    path = contact_link_path(agreement)

    assert Client().get(path).status_code == 410
    assert Client().post(path, {"log-outcome": "done"}).status_code == 410
    assert not ContactLogEntry.objects.exists()


def test_a_tampered_link_is_refused(team, builder):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=0)
    token = contact_link_path(agreement).rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps(
        {"match": str(match.pk), "made": agreement.link_issued_at.isoformat()}, salt="another"
    )
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged):
        url = reverse("matching:contact_link", args=[match.pk, bad])
        assert Client().get(url).status_code == 404
        assert Client().post(url, {"log-outcome": "done"}).status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_another_matchs_link_does_not_open_this_match(team, builder):
    mine = running_match(team=team, builder=builder)
    other = running_match(team=team, builder=builder, first_name="Ruth")
    weekly_since(mine, builder, days=0)
    theirs = weekly_since(other, builder, days=0)
    token = contact_link_path(theirs).rstrip("/").rsplit("/", 1)[1]

    url = reverse("matching:contact_link", args=[mine.pk, token])

    assert Client().get(url).status_code == 404
    assert Client().post(url, {"log-outcome": "done"}).status_code == 404
    assert not ContactLogEntry.objects.exists()


def test_a_new_link_makes_the_old_one_useless_and_an_ended_match_ends_it(team, builder):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=0)
    agreement.link_issued_at -= timedelta(seconds=1)  # the new one is made a moment later
    ContactAgreement.objects.filter(pk=agreement.pk).update(link_issued_at=agreement.link_issued_at)
    old = contact_link_path(agreement)
    renewed = services.contact_link_renew(agreement=agreement, actor=builder)
    new = contact_link_path(renewed)

    assert Client().get(old).status_code == 410
    assert Client().get(new).status_code == 200

    services.match_end(match=match, reason="other", actor=builder)
    assert Client().get(new).status_code == 410


def test_the_link_is_limited_per_address_like_the_public_forms(team, builder, settings):
    settings.BROBYG_CONTACT_LINK_THROTTLE = "3/min"
    match = running_match(team=team, builder=builder)
    path = contact_link_path(weekly_since(match, builder, days=0))
    client = Client()

    statuses = [client.get(path).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert client.post(path, {"log-outcome": "done"}).status_code == 429
    assert not ContactLogEntry.objects.exists()


def test_the_link_is_sent_to_the_volunteer_by_email(team, builder):
    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=0)
    services.contact_link_send(agreement=agreement, actor=builder)
    (message,) = mail.outbox
    assert message.to == ["maja@frivillig.invalid"]
    assert contact_link_path(agreement) in message.body
    assert "Gudrun" in message.body and "Thygesen" not in message.body


# --- The pages and who may see them -------------------------------------------------------------


def test_the_case_page_and_the_coordinators_page_show_agreement_contacts_topics_and_concerns(
    team, builder, coordination, coordinator
):
    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
    match = running_match(team=team, builder=builder, volunteer=volunteer)
    weekly_since(match, builder, days=14)
    services.contact_log_record(
        match=match,
        actor=None,
        outcome="done",
        expected_on=days_ago(14),
        topics_next_time="Haven om foråret",
        concern="Hun nævnte svimmelhed.",
    )
    pages = {
        builder: reverse("referrals:case_detail", args=[match.case_id]),
        coordinator: reverse("matching:provider_contact", args=[match.pk]),
    }
    for user, url in pages.items():
        client = Client()
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Haven om foråret" in body, url
        assert "Hun nævnte svimmelhed." in body, url
        assert 'data-testid="contact-agreement"' in body, url
        assert days_ago(7).strftime("%d.%m.%Y") in body, url  # agreed, not logged
    # The bridge-builder's own page for the match, from the case.
    client = Client()
    client.force_login(builder)
    page = client.get(reverse("matching:match_contact", args=[match.case_id, match.pk]))
    assert page.status_code == 200
    assert "Haven om foråret" in page.content.decode()
    assert contact_link_path(match.contact_agreements.get()) in page.content.decode()


def test_without_consent_to_share_the_provider_side_sees_no_words_the_bridge_builder_wrote(
    team, builder, coordination, coordinator
):
    # given a match without the citizen's consent to share with the volunteer, and a contact
    # the bridge-builder logged with a concern and a topic
    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
    match = running_match(team=team, builder=builder, volunteer=volunteer, share=False)
    agreement = weekly_since(match, builder, days=14)
    services.contact_log_record(
        match=match,
        actor=builder,
        outcome="done",
        expected_on=days_ago(14),
        topics_next_time="Datterens misbrug",
        concern="Hun taler om ikke at ville leve mere.",
    )
    coordinators = Client()
    coordinators.force_login(coordinator)
    builders = Client()
    builders.force_login(builder)

    # then the coordinator's page and the volunteer's link show the contact, not its words
    for body in (
        coordinators.get(reverse("matching:provider_contact", args=[match.pk])).content.decode(),
        Client().get(contact_link_path(agreement)).content.decode(),
    ):
        assert "Datterens misbrug" not in body
        assert "ikke at ville leve mere" not in body
    # and the bridge-builder's pages show them
    body = builders.get(
        reverse("matching:match_contact", args=[match.case_id, match.pk])
    ).content.decode()
    assert "Datterens misbrug" in body
    assert "ikke at ville leve mere" in body


def test_the_volunteers_page_shows_their_agreements(team, builder, coordination, coordinator):
    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
    match = running_match(team=team, builder=builder, volunteer=volunteer)
    weekly_since(match, builder, days=0)
    client = Client()
    client.force_login(coordinator)

    page = client.get(reverse("volunteers:detail", args=[volunteer.pk]))

    block = page.content.decode().split('data-testid="volunteer-contact"')[1]
    assert "Gudrun" in block
    assert reverse("matching:provider_contact", args=[match.pk]) in block
    assert AuditEvent.objects.filter(
        actor=coordinator, action=AuditAction.READ, subject_id=match.citizen_id
    ).exists()


def test_the_bridge_builder_and_the_coordinator_record_in_brobyg(
    team, builder, coordination, coordinator
):
    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
    match = running_match(team=team, builder=builder, volunteer=volunteer)
    client = Client()
    client.force_login(builder)
    answer = client.post(
        reverse("matching:match_contact_agreement", args=[match.case_id, match.pk]),
        {
            "agreement-rhythm": "biweekly",
            "agreement-weekday": str(WEDNESDAY),
            "agreement-at": "10:00",
            "agreement-channel": "phone",
            "agreement-starts_on": days_ago(14).isoformat(),
        },
    )
    assert answer.status_code == 302
    agreement = ContactAgreement.objects.get()
    assert (agreement.rhythm, agreement.weekday, agreement.at, agreement.created_by) == (
        "biweekly",
        WEDNESDAY,
        time(10),
        builder,
    )
    first_date = contact_overview(match=match).open_dates[-1]

    client = Client()
    client.force_login(coordinator)
    answer = client.post(
        reverse("matching:provider_contact_log", args=[match.pk]),
        {"log-expected_on": first_date.isoformat(), "log-outcome": "missed"},
    )
    assert answer.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert (entry.recorded_by, entry.by_link, entry.outcome) == (coordinator, False, "missed")
    # A form with an error comes back with it, and is a read of the citizen's data.
    before = AuditEvent.objects.filter(actor=coordinator, action=AuditAction.READ).count()
    again = client.post(
        reverse("matching:provider_contact_log", args=[match.pk]),
        {"log-expected_on": first_date.isoformat(), "log-outcome": "missed"},
    )
    assert again.status_code == 400
    assert AuditEvent.objects.filter(actor=coordinator, action=AuditAction.READ).count() > before


CONTACT_URLS = [
    ("GET", "match_contact", "case"),
    ("POST", "match_contact_agreement", "case"),
    ("POST", "match_contact_log", "case"),
    ("POST", "match_contact_new_link", "case"),
    ("POST", "match_contact_send_link", "case"),
    ("GET", "provider_contact", "match"),
    ("POST", "provider_contact_agreement", "match"),
    ("POST", "provider_contact_log", "match"),
    ("POST", "provider_contact_new_link", "match"),
    ("POST", "provider_contact_send_link", "match"),
]


@pytest.mark.parametrize(("method", "name", "kind"), CONTACT_URLS)
def test_who_may_open_the_contact_pages(
    team, builder, coordination, coordinator, method, name, kind
):
    """Every role × every page: the case's team and the coordinating team see it; another team
    of the same kind gets 404; other roles are refused; nobody signed out gets in."""
    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
    match = running_match(team=team, builder=builder, volunteer=volunteer)
    weekly_since(match, builder, days=0)
    args = [match.case_id, match.pk] if kind == "case" else [match.pk]
    url = reverse(f"matching:{name}", args=args)
    other_bridge = bridge_team()
    users = {
        "anonymous": None,
        "builder": builder,
        "other_builder": UserFactory(bridge_builder=True, team=other_bridge),
        "coordinator": coordinator,
        "other_coordinator": UserFactory(coordinator=True, team=coordination_team()),
        "home_care": UserFactory(home_care=True, team=TeamFactory(home_care=True)),
        "referrer": UserFactory(referrer=True),
    }
    allowed = "builder" if kind == "case" else "coordinator"
    # An empty POST is refused with the form (400); a new link or an e-mail goes back (302).
    ok = 200 if method == "GET" else (400 if name.endswith(("agreement", "log")) else 302)
    expected = {
        "anonymous": 302,
        "builder": ok if allowed == "builder" else 403,
        "other_builder": 404 if allowed == "builder" else 403,
        "coordinator": ok if allowed == "coordinator" else 403,
        "other_coordinator": 404 if allowed == "coordinator" else 403,
        "home_care": 403,
        "referrer": 403,
    }
    got = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "GET" else client.post(url, {})
        got[role] = response.status_code
    assert got == expected


# --- The demo ------------------------------------------------------------------------------------


def test_the_demo_has_a_phone_friend_who_calls_every_other_wednesday():
    from accounts.demo import seed_accounts
    from matching.demo import seed_matches
    from offers.demo import seed_offers
    from referrals.demo import seed_referrals
    from screening.demo import seed_screening
    from volunteers.demo import seed_volunteers

    for step in (
        seed_accounts,
        seed_offers,
        seed_referrals,
        seed_screening,
        seed_volunteers,
        seed_matches,
    ):
        step()
    counts = (
        ContactAgreement.objects.count(),
        ContactLogEntry.objects.count(),
        Task.objects.count(),
    )
    seed_matches()  # again: nothing more
    assert (
        ContactAgreement.objects.count(),
        ContactLogEntry.objects.count(),
        Task.objects.count(),
    ) == counts

    agreement = ContactAgreement.objects.select_related("match__volunteer").get(
        replaced_on__isnull=True
    )
    match = agreement.match
    # Filed as a telefonven, though the volunteer is a besøgsven too.
    assert match.volunteer_role == "phone_friend"
    assert "visiting_friend" in match.volunteer.roles
    assert phone_friend_matches_are_filed_as_such()
    assert match.status == "active"
    assert (agreement.rhythm, agreement.weekday, agreement.at, agreement.channel) == (
        "biweekly",
        WEDNESDAY,
        time(10),
        "phone",
    )
    # Wednesday 10:00 is when the volunteer is free.
    assert WEDNESDAY * 3 in match.volunteer.slots
    entries = list(match.contact_log_entries.all())
    assert len(entries) >= 2
    assert any(entry.topics_next_time for entry in entries)
    overview = contact_overview(match=match)
    assert overview.parked


def phone_friend_matches_are_filed_as_such() -> bool:
    """No demo match files a volunteer who is only a telefonven as anything else."""
    from matching.models import Match

    return all(
        m.volunteer_role == "phone_friend"
        for m in Match.objects.filter(volunteer__isnull=False).select_related("volunteer")
        if m.volunteer.roles == ["phone_friend"]
    )


@pytest.mark.parametrize("page", ["case", "volunteer"])
def test_the_pages_read_the_agreements_in_the_same_number_of_queries_however_many(
    team, builder, coordination, coordinator, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    volunteer = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False, capacity=9)
    counts = []
    for rows in (1, 3):
        matches = [
            running_match(team=team, builder=builder, volunteer=volunteer, first_name=f"B{n}")
            for n in range(rows if not counts else rows - 1)
        ]
        for match in matches:
            weekly_since(match, builder, days=7)
            services.contact_log_record(
                match=match, actor=None, outcome="done", expected_on=days_ago(7)
            )
        # On the case page, the matches are one citizen's: a second running match of the first
        # case is what grows there.
        if page == "case" and counts:
            first = ContactAgreement.objects.order_by("created_at").first().match
            for _n in range(2):
                other = make_volunteer(team=coordination, roles=["phone_friend"], vetted=False)
                extra = services.match_propose(
                    case=first.case, volunteer=other, role="phone_friend", actor=builder
                )
                services.match_accept(match=extra, actor=builder)
                services.match_plan_first_meeting(
                    match=extra, at=timezone.now() - timedelta(days=1), actor=builder
                )
                services.match_record_first_meeting(match=extra, came=True, actor=builder)
                weekly_since(extra, builder, days=0)
        first = ContactAgreement.objects.order_by("created_at").first().match
        client = Client()
        client.force_login(builder if page == "case" else coordinator)
        url = (
            reverse("referrals:case_detail", args=[first.case_id])
            if page == "case"
            else reverse("volunteers:detail", args=[volunteer.pk])
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_link_sent_before_matches_moved_to_their_own_app_still_works(team, builder, client):
    # Volunteers keep the links they were sent: the salt keeps the name it was made under.
    from django.core import signing
    from django.urls import reverse

    match = running_match(team=team, builder=builder)
    agreement = weekly_since(match, builder, days=14)
    token = signing.dumps(
        {"match": str(agreement.match_id), "made": agreement.link_issued_at.isoformat()},
        salt="brobyg.offers.contact-log",
    )

    page = client.get(reverse("matching:contact_link", args=[agreement.match_id, token]))

    assert page.status_code == 200
