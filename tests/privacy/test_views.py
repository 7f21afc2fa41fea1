import json

import pytest
from django.test import Client

from accounts.constants import Role
from accounts.services import user_set_roles
from audit.constants import AuditAction
from audit.models import AuditEvent
from audit.services import audit_read
from referrals.models import Citizen
from tests.accounts.factories import UserFactory
from tests.privacy.conftest import close_long_ago
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(client, admin_user):
    client.force_login(admin_user)
    return client


def _pages(citizen_id):
    return [
        "/databeskyttelse/",
        "/databeskyttelse/sletning/",
        f"/databeskyttelse/borgere/{citizen_id}/",
        f"/databeskyttelse/borgere/{citizen_id}/adgang/",
        f"/databeskyttelse/borgere/{citizen_id}/indsigt/",
        f"/databeskyttelse/borgere/{citizen_id}/indsigt.json",
        f"/databeskyttelse/borgere/{citizen_id}/slet/",
    ]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_handle_data_requests(client, full_case, role):
    client.force_login(UserFactory(role=role))
    for url in _pages(full_case.citizen_id):
        assert client.get(url).status_code == 403, url


def test_the_administrator_opens_every_page(dpo, full_case):
    for url in _pages(full_case.citizen_id):
        assert dpo.get(url).status_code == 200, url


def test_the_lookup_finds_by_cpr_or_by_birth_date_and_name_and_never_browses(dpo, full_case):
    empty = dpo.get("/databeskyttelse/")
    assert empty.context["citizens"] is None
    not_enough = dpo.post("/databeskyttelse/", {"name": "Gudrun"})
    assert not_enough.context["citizens"] is None
    assert "CPR-nummer eller fødselsdato og navn" in not_enough.content.decode()

    by_cpr = dpo.post("/databeskyttelse/", {"cpr": "010150-1234"})
    assert by_cpr.context["citizens"] == [full_case.citizen]
    by_name = dpo.post("/databeskyttelse/", {"birth_date": "1950-01-01", "name": "gudrun"})
    assert by_name.context["citizens"] == [full_case.citizen]
    wrong = dpo.post("/databeskyttelse/", {"birth_date": "1950-01-02", "name": "gudrun"})
    assert wrong.context["citizens"] == []
    bad = dpo.post("/databeskyttelse/", {"cpr": "99"})
    assert bad.context["form"].errors["cpr"]


def test_the_access_log_shows_who_looked_and_when_and_is_itself_recorded(
    dpo, full_case, builder, admin_user
):
    audit_read(actor=builder, obj=full_case)
    response = dpo.get(f"/databeskyttelse/borgere/{full_case.citizen_id}/adgang/")
    body = response.content.decode()
    events = response.context["events"]
    assert any(e.actor == builder and e.action == AuditAction.READ for e in events)
    assert builder.username in body
    assert "data-print" in body  # the print button (brobyg.js, no inline script)
    assert AuditEvent.objects.filter(
        actor=admin_user, action=AuditAction.READ, subject_id=full_case.citizen_id
    ).exists()


def test_the_access_log_filters_by_period(dpo, full_case):
    response = dpo.get(
        f"/databeskyttelse/borgere/{full_case.citizen_id}/adgang/",
        {"date_from": "2001-01-01", "date_to": "2001-12-31"},
    )
    assert response.context["events"] == []
    bad = dpo.get(
        f"/databeskyttelse/borgere/{full_case.citizen_id}/adgang/",
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["date_to"]


def test_the_access_log_costs_the_same_queries_with_one_event_or_many(
    full_case, builder, admin_user, django_assert_num_queries
):
    client = Client()
    client.force_login(admin_user)
    url = f"/databeskyttelse/borgere/{full_case.citizen_id}/adgang/"
    client.get(url)  # warm the content-type cache
    # 1 session, 2 user, 3-4 permissions, 5 the citizen, 6 the events with actor and kind,
    # 7 recording this read, 8-10 saving the session
    with django_assert_num_queries(10):
        client.get(url)
    for _ in range(40):
        audit_read(actor=UserFactory(), obj=full_case)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["events"]) > 40


def test_the_json_export_is_a_download_and_audited(dpo, full_case, admin_user):
    response = dpo.get(f"/databeskyttelse/borgere/{full_case.citizen_id}/indsigt.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["sections"]["citizen"]["rows"][0]["first_name"] == "Gudrun"
    assert document["sections"]["notes"]["rows"][0]["text"] == "Hemmelig note om Gudrun."
    assert AuditEvent.objects.filter(
        actor=admin_user, action=AuditAction.EXPORT, subject_id=full_case.citizen_id
    ).exists()


def test_the_printable_export_reads_in_danish(dpo, full_case):
    body = dpo.get(f"/databeskyttelse/borgere/{full_case.citizen_id}/indsigt/").content.decode()
    for text in [
        "Samtykker",
        "Netværk",
        "Bodil (datter)",
        "Hemmelig note om Gudrun.",
        "Screeninger",
    ]:
        assert text in body, text


def test_erasure_asks_for_a_reason_and_a_confirmation(dpo, full_case):
    url = f"/databeskyttelse/borgere/{full_case.citizen_id}/slet/"
    response = dpo.post(url, {"reason": "Brev fra borgeren"})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"]
    assert Citizen.objects.get(pk=full_case.citizen_id).anonymised_at is None

    response = dpo.post(url, {"reason": "Brev fra borgeren", "confirm": "on"})
    assert response.status_code == 302
    citizen = Citizen.objects.get(pk=full_case.citizen_id)
    assert citizen.anonymised_at is not None
    page = dpo.get(response["Location"]).content.decode()
    assert 'data-testid="anonymised"' in page
    assert "Gudrun" not in page


def test_an_erased_citizen_is_gone_from_the_bridge_builders_lists(client, dpo, full_case, builder):
    dpo.post(
        f"/databeskyttelse/borgere/{full_case.citizen_id}/slet/",
        {"reason": "Brev", "confirm": "on"},
    )
    client.force_login(builder)
    caseload = client.get("/forloeb/", {"status": "closed"}).content.decode()
    assert "Gudrun" not in caseload
    assert client.post("/databeskyttelse/", {"cpr": "010150-1234"}).status_code == 403


def test_the_retention_page_lists_who_is_due_without_names(dpo, full_case, builder):
    close_long_ago(full_case, builder)
    response = dpo.get("/databeskyttelse/sletning/")
    body = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert str(full_case.citizen_id)[:8].upper() in body
    assert "Gudrun" not in body
    assert Citizen.objects.get(pk=full_case.citizen_id).anonymised_at is None  # a dry run


def test_the_retention_page_costs_the_same_queries_with_one_or_many(
    team, builder, admin_user, django_assert_num_queries
):
    client = Client()
    client.force_login(admin_user)

    def add(n):
        for _ in range(n):
            close_long_ago(make_referral(team=team).referral.case, builder)

    # 1 session, 2 user, 3-4 permissions, 5 count, 6 the page of candidates, 7 anonymised so
    # far, 8-10 saving the session
    add(1)
    with django_assert_num_queries(10):
        assert client.get("/databeskyttelse/sletning/").context["page"].paginator.count == 1
    add(30)
    with django_assert_num_queries(10):
        assert client.get("/databeskyttelse/sletning/").context["page"].paginator.count == 31


def test_the_case_page_links_to_the_access_log_for_those_who_may_see_it(client, full_case, builder):
    url = f"/forloeb/{full_case.pk}/"
    client.force_login(builder)
    assert 'data-testid="access-log-link"' not in client.get(url).content.decode()
    user_set_roles(user=builder, roles=[Role.BRIDGE_BUILDER, Role.ADMIN])
    builder = type(builder).objects.get(pk=builder.pk)
    client.force_login(builder)
    body = client.get(url).content.decode()
    assert f'href="/databeskyttelse/borgere/{full_case.citizen_id}/adgang/"' in body


def test_the_lookup_costs_the_same_queries_with_one_match_or_many(
    team, admin_user, django_assert_num_queries
):
    from datetime import date

    client = Client()
    client.force_login(admin_user)
    params = {"birth_date": "1940-05-05", "name": "Ingrid"}

    def add(n):
        # Different people with the same first name and birthday (the same person is found
        # again, not duplicated).
        for _ in range(n):
            last_name = f"Hansen {Citizen.objects.count()}"
            make_referral(
                team=team, first_name="Ingrid", last_name=last_name, birth_date=date(1940, 5, 5)
            )

    # 1 session, 2 user, 3-4 permissions, 5 the matching citizens, 6 recording that they were
    # seen, 7 how many retention will anonymise, 8-10 saving the session
    add(1)
    with django_assert_num_queries(10):
        assert len(client.post("/databeskyttelse/", params).context["citizens"]) == 1
    add(20)
    with django_assert_num_queries(10):
        assert len(client.post("/databeskyttelse/", params).context["citizens"]) == 21


def test_pages_with_personal_data_are_never_cached(dpo, full_case):
    for url in _pages(full_case.citizen_id):
        if "sletning" in url:
            continue
        assert "no-store" in dpo.get(url)["Cache-Control"], url
