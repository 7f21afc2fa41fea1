"""Unmet needs: on the case, a bridge-builder records that no fitting offer exists (what was
wanted, the category, the area) and later that it was met; coordinators and the admin see the
needs by area and category, coordinators also what was wanted, and nobody sees who wanted it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from offers.models import UnmetNeed
from offers.services import unmet_need_mark_met, unmet_need_record
from privacy.selectors import citizen_export_json
from privacy.services import citizen_erase
from referrals.services import case_close
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import load_postcodes

pytestmark = pytest.mark.django_db

KIRSTEN = "Fortæl for Livet: skrive erindringer sammen med andre"


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
def case(team):
    return make_referral(
        team=team, first_name="Kirsten", last_name="Holm", postcode="5750"
    ).referral.case


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The service ---------------------------------------------------------------------------------


def test_recording_keeps_what_was_wanted_the_category_and_the_citizens_area(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=f"  {KIRSTEN} ", actor=builder)

    need.refresh_from_db()
    assert need.wanted == KIRSTEN
    assert need.category == "culture"
    assert need.postcode == "5750"  # no area given: where the citizen lives
    assert need.is_open and need.met_at is None
    assert need.recorded_by == builder
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(need.pk))
    assert event.subject_id == case.citizen_id and event.actor == builder


def test_an_area_of_its_own(case, builder):
    need = unmet_need_record(
        case=case, category="peer_group", wanted="Sorggruppe", postcode="5000", actor=builder
    )
    assert need.postcode == "5000"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "knitting", "wanted": "Strikkeklub"}, "category"),
        ({"category": "", "wanted": "Strikkeklub"}, "category"),
        ({"category": "crafts", "wanted": "   "}, "wanted"),
        ({"category": "crafts", "wanted": "x" * 301}, "wanted"),
        ({"category": "crafts", "wanted": "Strikkeklub", "postcode": "57"}, "postcode"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(case, builder, data, field):
    with pytest.raises(ValidationError) as caught:
        unmet_need_record(case=case, actor=builder, **data)
    assert field in caught.value.message_dict
    assert not UnmetNeed.objects.exists()


def test_a_closed_case_takes_no_new_need(case, builder):
    case_close(case=case, reason="moved", actor=builder)
    with pytest.raises(ValidationError):
        unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)


def test_marking_met_once(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)

    unmet_need_mark_met(need=need, actor=builder)

    need.refresh_from_db()
    assert need.met_at is not None and need.met_by == builder and not need.is_open
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(need.pk), fields=["met_at", "met_by"]
    ).exists()
    with pytest.raises(ValidationError):
        unmet_need_mark_met(need=need, actor=builder)


# --- The case page -------------------------------------------------------------------------------


def test_the_case_page_shows_the_form_and_the_needs(case, builder):
    unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)

    page = _client(builder).get(f"/forloeb/{case.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="case-unmet-needs"' in html and 'data-testid="unmet-need-form"' in html
    assert KIRSTEN in html


def test_recording_with_htmx_answers_with_the_block(case, builder):
    response = _client(builder).post(
        f"/forloeb/{case.pk}/behov/",
        {"need-category": "culture", "need-wanted": KIRSTEN, "need-postcode": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<section") and 'id="unmet-needs"' in html
    assert KIRSTEN in html
    assert UnmetNeed.objects.get().case == case


def test_recording_without_javascript_goes_back_to_the_case(case, builder):
    response = _client(builder).post(
        f"/forloeb/{case.pk}/behov/", {"need-category": "culture", "need-wanted": KIRSTEN}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/forloeb/{case.pk}/#unmet-needs"
    assert UnmetNeed.objects.count() == 1


def test_bad_input_on_the_page_is_a_form_error_naming_the_field(case, builder):
    client = _client(builder)
    data = {"need-category": "culture", "need-wanted": "x" * 301}

    page = client.post(f"/forloeb/{case.pk}/behov/", data)
    block = client.post(f"/forloeb/{case.pk}/behov/", data, HTTP_HX_REQUEST="true")

    assert page.status_code == 400
    assert 'id="id_need-wanted"' in page.content.decode()
    assert "is-invalid" in page.content.decode()
    # htmx swaps only a 2xx answer: the block comes back with the error in it.
    assert block.status_code == 200 and "is-invalid" in block.content.decode()
    assert not UnmetNeed.objects.exists()


def test_marking_met_on_the_page(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)

    response = _client(builder).post(
        f"/forloeb/{case.pk}/behov/{need.pk}/opfyldt/", HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert 'data-testid="unmet-need-met"' in response.content.decode()
    need.refresh_from_db()
    assert need.met_at is not None


def test_a_bridge_builder_of_another_team_can_neither_see_nor_record(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)
    stranger = _client(UserFactory(bridge_builder=True, team=bridge_team()))

    assert stranger.get(f"/forloeb/{case.pk}/").status_code == 404
    assert (
        stranger.post(
            f"/forloeb/{case.pk}/behov/", {"need-category": "food", "need-wanted": "Spisevenner"}
        ).status_code
        == 404
    )
    assert stranger.post(f"/forloeb/{case.pk}/behov/{need.pk}/opfyldt/").status_code == 404
    assert UnmetNeed.objects.count() == 1 and UnmetNeed.objects.get().met_at is None


def test_a_need_of_another_case_is_not_found_through_this_one(case, builder, team):
    other_case = make_referral(team=team).referral.case
    need = unmet_need_record(case=other_case, category="food", wanted="Spisevenner", actor=builder)

    response = _client(builder).post(f"/forloeb/{case.pk}/behov/{need.pk}/opfyldt/")

    assert response.status_code == 404


# --- Who may open what ---------------------------------------------------------------------------


ROLES = {
    "brobygger": {"bridge_builder": True},
    "hjemmepleje": {"home_care": True},
    "koordinator": {"coordinator": True},
    "laege": {"referrer": True},
    "admin": {"admin": True},
}


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("GET", "/behov/", {"koordinator": 200, "admin": 200}),
        ("POST", "/forloeb/{case}/behov/", {"brobygger": 400}),
        ("POST", "/forloeb/{case}/behov/{need}/opfyldt/", {"brobygger": 302}),
    ],
)
def test_every_role(case, builder, team, method, url, expected):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)
    url = url.format(case=case.pk, need=need.pk)
    got = {}
    for role, trait in ROLES.items():
        user = UserFactory(team=team if role == "brobygger" else None, **trait)
        client = _client(user)
        got[role] = (client.get(url) if method == "GET" else client.post(url, {})).status_code
    anonymous = Client().get(url) if method == "GET" else Client().post(url, {})
    assert got == {role: expected.get(role, 403) for role in ROLES}
    assert anonymous.status_code == 302


# --- The list by area and category ---------------------------------------------------------------


@pytest.fixture
def needs(team, builder):
    """Three wishes for a life-story group in Ringe, one for a grief group in Odense C, one met."""
    for n in range(3):
        case = make_referral(team=team, first_name=f"Kirsten{n}", postcode="5750").referral.case
        unmet_need_record(case=case, category="culture", wanted=f"{KIRSTEN} ({n})", actor=builder)
    grief = make_referral(team=team, first_name="Poul", postcode="5000").referral.case
    unmet_need_record(
        case=grief, category="peer_group", wanted="Sorggruppe for mænd", actor=builder
    )
    met_case = make_referral(team=team, first_name="Lise", postcode="5750").referral.case
    met = unmet_need_record(case=met_case, category="food", wanted="Spisevenner", actor=builder)
    unmet_need_mark_met(need=met, actor=builder)


def _summary(html: str) -> str:
    return html.split('data-testid="unmet-need-summary"', 1)[1].split("</table>", 1)[0]


def test_the_coordinator_sees_counts_and_what_was_wanted_but_never_who(needs):
    coordinator = UserFactory(coordinator=True)

    page = _client(coordinator).get("/behov/")

    html = page.content.decode()
    assert page.status_code == 200
    summary = _summary(html)
    assert "5750 Ringe" in summary and "5000 Odense C" in summary
    rows = summary.split('data-testid="unmet-need-group"')[1:]
    assert "5750 Ringe" in rows[0] and ">3<" in rows[0]  # most wanted first
    assert "Spisevenner" not in html  # met: not open any more
    assert f"{KIRSTEN} (0)" in html and "Sorggruppe for mænd" in html
    for name in ("Kirsten0", "Kirsten1", "Poul", "Holm", "Hansen"):
        assert name not in html
    # Every wish shown is a read of that citizen's data.
    assert AuditEvent.objects.filter(action=AuditAction.READ, actor=coordinator).count() == 4


def test_the_admin_sees_the_counts_only(needs):
    admin = UserFactory(admin=True)

    page = _client(admin).get("/behov/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "5750 Ringe" in _summary(html)
    assert KIRSTEN not in html and "Sorggruppe" not in html
    assert 'data-testid="unmet-need-wishes"' not in html
    assert not AuditEvent.objects.filter(action=AuditAction.READ, actor=admin).exists()


def test_filters_and_sorting(needs):
    client = _client(UserFactory(coordinator=True))

    by_area = client.get("/behov/", {"area": "5000"}).content.decode()
    by_category = client.get("/behov/", {"category": "culture", "sort": "area"}).content.decode()
    met = client.get("/behov/", {"status": "met"}).content.decode()
    everything = client.get("/behov/", {"status": "all", "sort": "area"}).content.decode()

    assert "Sorggruppe for mænd" in by_area and KIRSTEN not in by_area
    assert KIRSTEN in by_category and "Sorggruppe" not in by_category
    assert "Spisevenner" in met and KIRSTEN not in met
    groups = _summary(everything).split('data-testid="unmet-need-group"')[1:]
    assert [g.split("</td>")[0].strip().split(">")[-1] for g in groups] == [
        "5000 Odense C",
        "5750 Ringe",
        "5750 Ringe",
    ]


def test_a_bad_filter_is_an_error_naming_the_field(needs):
    client = _client(UserFactory(coordinator=True))

    response = client.get("/behov/", {"area": "Ringe!"})

    assert response.status_code == 400
    assert 'id="id_area"' in response.content.decode()
    assert "is-invalid" in response.content.decode()


def test_dates_are_danish(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)
    UnmetNeed.objects.filter(pk=need.pk).update(created_at=timezone.now().replace(month=3, day=5))

    html = _client(UserFactory(coordinator=True)).get("/behov/").content.decode()

    assert "5. marts" in html


def test_the_list_pages(team, builder):
    client = _client(UserFactory(coordinator=True))
    for n in range(30):
        case = make_referral(team=team, postcode="5750").referral.case
        unmet_need_record(
            case=case, category="crafts", wanted=f"Strikkeklub {n:02d}", actor=builder
        )

    first = client.get("/behov/").content.decode()
    second = client.get("/behov/", {"side": 2}).content.decode()

    assert "Strikkeklub 29" in first and "Strikkeklub 00" not in first  # newest first
    assert "Strikkeklub 00" in second


def test_the_list_costs_the_same_queries_for_one_need_and_many(
    team, builder, django_assert_num_queries
):
    coordinator = UserFactory(coordinator=True)

    def add(n):
        for _ in range(n):
            case = make_referral(team=team, postcode="5750").referral.case
            unmet_need_record(case=case, category="crafts", wanted="Strikkeklub", actor=builder)

    def request():
        client = _client(type(coordinator).objects.get(pk=coordinator.pk))
        return lambda: client.get("/behov/")

    # 1 session, 2 user, 3-4 own and group permissions, 5 the groups by area and category,
    # 6 the areas' names, 7 count of the wishes, 8 the page of wishes with their case, 9 the
    # access log for the wishes shown, 10-12 saving the session
    add(1)
    measured = request()
    with django_assert_num_queries(12):
        assert measured().status_code == 200
    add(30)
    measured = request()
    with django_assert_num_queries(12):
        assert measured().status_code == 200


# --- Personal data -------------------------------------------------------------------------------


def test_erasure_removes_what_was_wanted_and_keeps_the_count(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)

    exported = citizen_export_json(citizen=case.citizen)
    citizen_erase(citizen=case.citizen, reason="Borgerens ønske", actor=UserFactory(admin=True))

    assert KIRSTEN in exported
    need.refresh_from_db()
    assert need.wanted == "" and need.category == "culture" and need.postcode == "5750"
    assert KIRSTEN not in citizen_export_json(citizen=case.citizen)
    assert not need.is_open  # the case was closed by the erasure


def test_an_old_need_stays_open_while_the_case_is_open(case, builder):
    need = unmet_need_record(case=case, category="culture", wanted=KIRSTEN, actor=builder)
    UnmetNeed.objects.filter(pk=need.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert UnmetNeed.objects.get(pk=need.pk).is_open
