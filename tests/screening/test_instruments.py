"""A new version of an instrument is written as a draft and put in use in one step that retires
the old one: screening never stops while versions are switched, and every screening keeps the
one version its answers were given to."""

import threading
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from screening import services
from screening.constants import InstrumentStatus
from screening.defaults import UCLA3
from screening.models import Instrument, Screening
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db

URL = "/api/v1/screenings/"
ADMIN = "/django-admin/screening/instrument/"
ANSWERS = {"lack_companionship": 3, "left_out": 2, "isolated": 3}


def _ucla3() -> Instrument:
    return Instrument.objects.get(code="ucla3", version="1")


def _admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(admin=True))
    client.cookies["django_language"] = "en"
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The services --------------------------------------------------------------------------------


def test_a_new_version_is_a_draft_until_it_is_put_in_use_and_then_retires_the_old_one():
    admin = UserFactory(admin=True)
    old = _ucla3()
    assert old.status == InstrumentStatus.ACTIVE

    # given a copy of the version in use, edited
    draft = services.instrument_copy_as_draft(instrument=old, actor=admin)
    assert (draft.status, draft.version) == (InstrumentStatus.DRAFT, "2")
    assert services.instrument_active() == old, "a draft is used by nobody"
    definition = {**draft.definition}
    definition["items"][1]["text"] = {"da": "Hvor ofte føler du dig holdt udenfor?"}
    services.instrument_update(
        instrument=draft, version="2", name=draft.name, definition=definition, actor=admin
    )

    # when it is put in use
    services.instrument_activate(instrument=draft, actor=admin)

    # then it is the one in use, and the old one is retired at the same moment
    old.refresh_from_db()
    draft.refresh_from_db()
    assert services.instrument_active() == draft
    assert old.status == InstrumentStatus.RETIRED
    assert old.retired_at == draft.activated_at
    assert Instrument.objects.filter(code="ucla3", status=InstrumentStatus.ACTIVE).count() == 1
    assert AuditEvent.objects.filter(object_id=str(draft.pk)).count() == 3  # made, edited, in use


def test_a_version_that_has_been_in_use_is_never_edited_nor_put_in_use_again():
    admin = UserFactory(admin=True)
    old = _ucla3()
    new = services.instrument_copy_as_draft(instrument=old, actor=admin)
    services.instrument_activate(instrument=new, actor=admin)
    old.refresh_from_db()

    with pytest.raises(ValidationError):
        services.instrument_update(
            instrument=old, version="1", name="x", definition=UCLA3, actor=admin
        )
    with pytest.raises(ValidationError) as error:
        services.instrument_activate(instrument=old, actor=admin)
    assert "status" in error.value.message_dict
    # Putting in use what is already in use changes nothing.
    assert services.instrument_activate(instrument=new, actor=admin).status == "active"


def test_a_draft_with_a_wrong_definition_cannot_be_put_in_use():
    admin = UserFactory(admin=True)
    draft = services.instrument_copy_as_draft(instrument=_ucla3(), actor=admin)
    Instrument.objects.filter(pk=draft.pk).update(definition={"items": [], "answers": []})

    with pytest.raises(ValidationError) as error:
        services.instrument_activate(instrument=draft, actor=admin)

    assert "definition" in error.value.message_dict
    assert services.instrument_active() == _ucla3()


def test_the_database_keeps_one_version_in_use():
    from django.db import IntegrityError, transaction

    draft = services.instrument_copy_as_draft(instrument=_ucla3(), actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=draft.pk).update(status=InstrumentStatus.ACTIVE)


# --- The admin -----------------------------------------------------------------------------------


def _rows(**parts) -> dict:
    """The admin form's fields for a definition given as rows per part."""
    data = {}
    for part, rows in parts.items():
        data[f"definition-{part}-count"] = str(len(rows))
        for index, row in enumerate(rows):
            for column, value in row.items():
                data[f"definition-{part}-{index}-{column}"] = value
    return data


GOOD_ROWS = {
    "items": [
        {"code": "lack_companionship", "da": "Savner du nogen?", "en": "Do you miss someone?"},
        {"code": "left_out", "da": "Føler du dig holdt udenfor?", "en": ""},
        {"code": "isolated", "da": "Føler du dig isoleret?", "en": ""},
    ],
    "answers": [
        {"value": "1", "score": "1", "da": "Næsten aldrig", "en": "Hardly ever"},
        {"value": "2", "score": "2", "da": "En gang imellem", "en": ""},
        {"value": "3", "score": "3", "da": "Ofte", "en": "Often"},
    ],
    "tips": [{"da": "Tag dig god tid.", "en": "Take your time."}],
}


def test_the_admin_adds_a_new_version_as_a_draft_while_the_old_one_stays_in_use():
    client = _admin_client()

    response = client.post(
        f"{ADMIN}add/",
        {"code": "ucla3", "version": "2", "name": "UCLA-3 (Odense)", **_rows(**GOOD_ROWS)},
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    draft = Instrument.objects.get(code="ucla3", version="2")
    assert draft.status == InstrumentStatus.DRAFT
    assert draft.definition["items"][0] == {
        "code": "lack_companionship",
        "text": {"da": "Savner du nogen?", "en": "Do you miss someone?"},
    }
    assert draft.definition["answers"][2] == {
        "value": 3,
        "score": 3,
        "label": {"da": "Ofte", "en": "Often"},
    }
    assert draft.definition["tips"] == [{"da": "Tag dig god tid.", "en": "Take your time."}]
    assert services.instrument_active() == _ucla3()


def test_the_admin_copies_a_version_as_a_draft_edits_it_and_puts_it_in_use_in_one_step():
    client = _admin_client()
    old = _ucla3()

    # "Copy as a new draft" opens the draft
    response = client.post(ADMIN, {"action": "copy_as_draft", "_selected_action": [old.pk]})
    draft = Instrument.objects.get(code="ucla3", status=InstrumentStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{draft.pk}/change/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Hvor ofte føler du dig udenfor?" in page.content.decode()

    # the draft is edited in rows
    response = client.post(
        f"{ADMIN}{draft.pk}/change/",
        {"version": "2", "name": "UCLA-3 (T-ILS)", **_rows(**GOOD_ROWS)},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.definition["items"][1]["text"] == {"da": "Føler du dig holdt udenfor?"}

    # "Put in use" switches in one step
    response = client.post(
        ADMIN, {"action": "put_in_use", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (old.status, draft.status) == (InstrumentStatus.RETIRED, InstrumentStatus.ACTIVE)
    said = [str(m) for m in response.context["messages"]]
    assert any("is in use from now on" in m for m in said), said


def test_putting_a_retired_version_in_use_again_is_a_message_not_a_500():
    client = _admin_client()
    old = _ucla3()
    new = services.instrument_copy_as_draft(instrument=old, actor=None)
    services.instrument_activate(instrument=new, actor=None)

    response = client.post(
        ADMIN, {"action": "put_in_use", "_selected_action": [old.pk]}, follow=True
    )

    assert response.status_code == 200
    said = " ".join(str(m) for m in response.context["messages"])
    assert "copy it as a new draft" in said
    assert services.instrument_active() == new


def test_a_version_that_has_been_in_use_is_shown_but_not_editable_nor_deletable():
    client = _admin_client()
    old = _ucla3()

    page = client.get(f"{ADMIN}{old.pk}/change/")
    posted = client.post(
        f"{ADMIN}{old.pk}/change/", {"version": "9", "name": "x", **_rows(**GOOD_ROWS)}
    )

    assert page.status_code == 200
    assert "Hvor ofte føler du dig udenfor?" in page.content.decode()
    assert "definition-items-count" not in page.content.decode()
    assert posted.status_code in (200, 302, 403)
    old.refresh_from_db()
    assert (old.version, old.definition) == ("1", UCLA3)
    assert client.post(f"{ADMIN}{old.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Instrument.objects.filter(pk=old.pk).exists()


def _item_errors(response) -> str:
    assert response.status_code == 200, "the form is shown again with the message"
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["definition"], errors
    return " ".join(errors["definition"])


@pytest.mark.parametrize(
    ("change", "says"),
    [
        # The second question has no Danish wording.
        (lambda rows: rows["items"][1].update(da=""), "Question 2: give its wording in Danish"),
        # The third question has no code.
        (lambda rows: rows["items"][2].update(code=""), "Question 3: give its code"),
        (
            lambda rows: rows["items"][2].update(code="left_out"),
            "Question 3: the code “left_out” is used by an earlier question",
        ),
        (lambda rows: rows["items"][0].update(code="Savner du?"), "Question 1: the code may"),
        # No answers at all.
        (lambda rows: rows.update(answers=[]), "Give at least one answer"),
        (lambda rows: rows.update(items=[]), "Give at least one question"),
        (lambda rows: rows["answers"][1].update(score="to"), "Answer 2: give its value and score"),
        (lambda rows: rows["answers"][1].update(value=""), "Answer 2: give its value and score"),
        (lambda rows: rows["answers"][2].update(value="1"), "Answer 3: the value 1 is used"),
        (lambda rows: rows["answers"][0].update(da=""), "Answer 1: give its label in Danish"),
        (lambda rows: rows["tips"][0].update(da=""), "Tip 1: give it in Danish"),
    ],
)
def test_a_wrongly_shaped_definition_is_a_message_naming_the_row(change, says):
    client = _admin_client()
    rows = {part: [dict(row) for row in part_rows] for part, part_rows in GOOD_ROWS.items()}
    change(rows)

    response = client.post(
        f"{ADMIN}add/", {"code": "ucla3", "version": "2", "name": "UCLA-3", **_rows(**rows)}
    )

    assert says in _item_errors(response)
    assert not Instrument.objects.filter(version="2").exists()


def test_an_empty_row_is_left_out_and_the_numbers_follow_the_rows_shown_again():
    client = _admin_client()
    rows = {part: [dict(row) for row in part_rows] for part, part_rows in GOOD_ROWS.items()}
    rows["items"].insert(1, {"code": "", "da": "", "en": ""})  # an emptied row
    rows["items"][3]["da"] = ""

    response = client.post(
        f"{ADMIN}add/", {"code": "ucla3", "version": "2", "name": "UCLA-3", **_rows(**rows)}
    )

    # The emptied row is gone; the third question shown again is the one without wording.
    assert "Question 3: give its wording in Danish" in _item_errors(response)
    page = response.content.decode()
    assert 'name="definition-items-2-code" value="isolated"' in page


@pytest.mark.parametrize(
    "definition",
    ["text", [1, 2], {"items": "abc", "answers": 7}, {"items": [1, {"code": ["x"]}]}],
)
def test_a_draft_whose_stored_definition_is_broken_still_opens_in_the_admin(definition):
    """Written by hand in the database or by an older Brobyg: the page opens, and saving says
    what is missing."""
    draft = services.instrument_copy_as_draft(instrument=_ucla3(), actor=None)
    Instrument.objects.filter(pk=draft.pk).update(definition=definition)
    client = _admin_client()

    page = client.get(f"{ADMIN}{draft.pk}/change/")
    listing = client.get(ADMIN)

    assert page.status_code == 200
    assert listing.status_code == 200


def test_bad_row_counts_in_the_post_are_no_500():
    client = _admin_client()
    data = {"code": "ucla3", "version": "2", "name": "UCLA-3", **_rows(**GOOD_ROWS)}
    data["definition-items-count"] = "many"
    data["definition-answers-count"] = "100000000"

    response = client.post(f"{ADMIN}add/", data)

    assert "Give at least one question" in _item_errors(response)


def test_adding_a_version_that_exists_is_a_message_about_the_version():
    client = _admin_client()

    response = client.post(
        f"{ADMIN}add/", {"code": "ucla3", "version": "1", "name": "UCLA-3", **_rows(**GOOD_ROWS)}
    )

    assert response.status_code == 200
    assert "version" in response.context["adminform"].form.errors


# --- Screening while versions are switched --------------------------------------------------------


def test_a_tablet_opened_before_the_switch_records_against_the_version_it_showed():
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team)
    web = Client()
    web.force_login(worker)
    page = web.get(f"/screening/borgere/{citizen.pk}/screen/")
    assert 'data-instrument="ucla3/1"' in page.content.decode()

    # meanwhile a version with other question codes is put in use
    draft = services.instrument_copy_as_draft(instrument=_ucla3(), actor=None)
    definition = {**draft.definition}
    definition["items"] = [{"code": "alone", "text": {"da": "Er du alene?"}}]
    services.instrument_update(
        instrument=draft, version="2", name="Kort", definition=definition, actor=None
    )
    services.instrument_activate(instrument=draft, actor=None)

    # then the tablet's answers to version 1 are recorded against version 1
    response = _api(worker).post(
        URL,
        {"citizen": str(citizen.pk), "answers": ANSWERS, "instrument": "ucla3/1"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["instrument"] == "ucla3/1"
    assert response.json()["score"] == 8
    # A draft is never named, nor a version that never existed.
    for reference in ["ucla3/9", "andet/1"]:
        refused = _api(worker).post(
            URL,
            {"citizen": str(citizen.pk), "answers": ANSWERS, "instrument": reference},
            format="json",
        )
        assert refused.status_code == 400
        assert "instrument" in refused.json()


def test_a_draft_cannot_be_screened_with():
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team)
    services.instrument_copy_as_draft(instrument=_ucla3(), actor=None)

    response = _api(worker).post(
        URL,
        {"citizen": str(citizen.pk), "answers": ANSWERS, "instrument": "ucla3/2"},
        format="json",
    )

    assert response.status_code == 400
    assert "instrument" in response.json()


@pytest.mark.django_db(transaction=True)
def test_screening_goes_on_while_a_new_version_is_put_in_use():
    """Tablets and the API screen on several connections while the administrator switches the
    version, a few times over: every request succeeds (no 409, no 500), every screening is
    recorded against exactly one version, and at no moment is there none in use."""
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizens = [home_care_citizen(team=team) for _ in range(4)]
    drafts = []
    for _ in range(3):
        draft = services.instrument_copy_as_draft(
            instrument=Instrument.objects.filter(code="ucla3").order_by("-created_at").first(),
            actor=None,
        )
        drafts.append(draft)
    stop = threading.Event()
    start = threading.Barrier(len(citizens) * 2 + 2)
    failures, statuses, seen_in_use = [], [], []

    def screen_via_api(citizen):
        client = _api(worker)
        try:
            start.wait(timeout=10)
            while not stop.is_set():
                response = client.post(
                    URL,
                    {
                        "citizen": str(citizen.pk),
                        "answers": ANSWERS,
                        "idempotency_key": str(uuid.uuid4()),
                    },
                    format="json",
                )
                statuses.append(response.status_code)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            close_old_connections()

    def open_the_tablet(citizen):
        client = Client(raise_request_exception=False)
        client.force_login(worker)
        try:
            start.wait(timeout=10)
            while not stop.is_set():
                response = client.get(f"/screening/borgere/{citizen.pk}/screen/")
                statuses.append(response.status_code)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            close_old_connections()

    def watch_the_versions():
        try:
            start.wait(timeout=10)
            while not stop.is_set():
                seen_in_use.append(Instrument.objects.filter(code="ucla3", status="active").count())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=screen_via_api, args=(c,)) for c in citizens]
    threads += [threading.Thread(target=open_the_tablet, args=(c,)) for c in citizens]
    threads.append(threading.Thread(target=watch_the_versions))
    for thread in threads:
        thread.start()
    start.wait(timeout=10)

    def some_screenings_made():
        before, deadline = Screening.objects.count(), time.monotonic() + 30
        while Screening.objects.count() < before + 8 and time.monotonic() < deadline:
            time.sleep(0.01)

    try:
        for draft in drafts:
            some_screenings_made()  # on the version in use before
            services.instrument_activate(instrument=draft, actor=None)
        some_screenings_made()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert not failures, failures
    assert statuses and set(statuses) <= {200, 201}, sorted(set(statuses))
    assert seen_in_use and set(seen_in_use) == {1}
    used = set(Screening.objects.values_list("instrument__version", flat=True))
    assert used == {"1", "2", "3", "4"}, "screenings were made under every version"
    assert Screening.objects.filter(instrument__isnull=True).count() == 0
    assert services.instrument_active().version == "4"


def test_each_problem_is_said_once():
    client = _admin_client()
    rows = {part: [dict(row) for row in part_rows] for part, part_rows in GOOD_ROWS.items()}
    rows["items"][1]["da"] = ""

    response = client.post(
        f"{ADMIN}add/", {"code": "ucla3", "version": "2", "name": "UCLA-3", **_rows(**rows)}
    )

    assert response.context["adminform"].form.errors["definition"] == [
        "Question 2: give its wording in Danish."
    ]
