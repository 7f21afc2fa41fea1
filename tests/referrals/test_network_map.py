"""The network map (netværkskort): the citizen in the middle, the people in rings by closeness
and in sectors by relation, drawn on the server; its printable page, read like the case page."""

import math
import random
from dataclasses import dataclass
from itertools import combinations

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals import services
from referrals.constants import Closeness, NetworkKind
from referrals.network_map import SECTOR_LABELS, initials, network_map_layout
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral


@dataclass(frozen=True)
class Person:
    """What the layout reads of a NetworkPerson."""

    kind: str
    name: str
    closeness: int


KINDS = list(NetworkKind.values)
CLOSENESS = list(Closeness.values)
DANISH_NAMES = [
    "Ib",
    "Åse",
    "Søren",
    "Mette",
    "Jørgen",
    "Wilhelm",
    "Kirsten",
    "Margrethe",
    "Naboen Æbelø",
    "Datteren i Aarhus",
    "Hjemmehjælperen Mia",
    "Præsten",
    "Gamle kollega Bent",
    "Bridgeklubben",
    "Sønnen Peter",
    "Lægen",
    "Mormor",
    "WWWWWWWWWWWWWWWWWWWWWW",
]


def _random_network(rng: random.Random, size: int) -> list[Person]:
    return [
        Person(rng.choice(KINDS), rng.choice(DANISH_NAMES), rng.choice(CLOSENESS))
        for _ in range(size)
    ]


def _distance(placed) -> float:
    return math.hypot(placed.x, placed.y)


def _angle(placed) -> float:
    """Degrees clockwise from twelve o'clock, as the map measures them, in [0, 360)."""
    return math.degrees(math.atan2(placed.x, -placed.y)) % 360


def _in_sector(angle: float, sector) -> bool:
    return (angle - sector.start) % 360 <= (sector.end - sector.start) + 1e-6


def _overlapping(network_map) -> list[tuple[str, str]]:
    """Every pair of things on the map that cover each other: the people's names and dots,
    the sectors' names and the citizen in the middle."""
    things = [(f"name {p.label!r}", p.label_box) for p in network_map.people]
    things += [(f"dot {p.label!r}", p.node_box) for p in network_map.people]
    things += [(f"sector {s.label}", s.label_box) for s in network_map.sectors]
    things.append(("the citizen", network_map.centre_box))
    return [(a, b) for (a, box_a), (b, box_b) in combinations(things, 2) if box_a.overlaps(box_b)]


# --- The layout -----------------------------------------------------------------------------------


def test_every_person_is_drawn_once():
    rng = random.Random(7)
    for size in range(26):
        people = _random_network(rng, size)
        network_map = network_map_layout(people, centre_label="IM")
        drawn = [placed.person for placed in network_map.people]
        assert len(drawn) == len(people)
        assert {id(p) for p in drawn} == {id(p) for p in people}


@pytest.mark.parametrize(
    "shape",
    ["spread", "one kind, one ring", "one kind, close", "long names", "random"],
)
def test_no_two_labels_overlap_for_up_to_25_people(shape):
    rng = random.Random(shape)
    networks = []
    for size in (1, 2, 5, 12, 20, 25):
        if shape == "spread":
            people = [
                Person(KINDS[i % len(KINDS)], DANISH_NAMES[i % 17], CLOSENESS[i % 3])
                for i in range(size)
            ]
        elif shape == "one kind, one ring":
            people = [Person("family", f"Barnebarn nr. {i}", Closeness.SOME) for i in range(size)]
        elif shape == "one kind, close":
            people = [Person("neighbour", f"Naboen {i}", Closeness.CLOSE) for i in range(size)]
        elif shape == "long names":
            people = [
                Person(KINDS[i % len(KINDS)], f"Datteren {i} der bor i Aarhus", CLOSENESS[i % 3])
                for i in range(size)
            ]
        else:
            people = _random_network(rng, size)
        networks.append(people)
    if shape == "random":
        networks += [_random_network(rng, rng.randint(1, 25)) for _ in range(60)]

    for people in networks:
        network_map = network_map_layout(people, centre_label="IM")
        assert _overlapping(network_map) == [], (shape, len(people))


def test_the_map_stays_readable_with_25_people():
    # The names are drawn at a fixed size in the map's own units: a map that grew to make room
    # would print its names too small to read on A4 and a tablet.
    crowded = [Person("family", f"Barnebarn nr. {i}", Closeness.CLOSE) for i in range(25)]
    for people in (crowded, _random_network(random.Random(3), 25)):
        network_map = network_map_layout(people, centre_label="IM")
        assert network_map.width <= 1500
        assert network_map.height <= 1500


def test_rings_by_closeness_closest_innermost():
    rng = random.Random(11)
    people = _random_network(rng, 25)
    network_map = network_map_layout(people, centre_label="IM")
    rings = {ring.closeness: ring for ring in network_map.rings}
    assert [r.closeness for r in network_map.rings] == [
        Closeness.CLOSE,
        Closeness.SOME,
        Closeness.DISTANT,
    ]
    assert rings[Closeness.CLOSE].outer <= rings[Closeness.SOME].inner
    assert rings[Closeness.SOME].outer <= rings[Closeness.DISTANT].inner
    for placed in network_map.people:
        ring = rings[placed.person.closeness]
        assert ring.inner < _distance(placed) < ring.outer, placed.label
    by_closeness = {
        c: [_distance(p) for p in network_map.people if p.person.closeness == c] for c in CLOSENESS
    }
    assert max(by_closeness[Closeness.CLOSE]) < min(by_closeness[Closeness.SOME])
    assert max(by_closeness[Closeness.SOME]) < min(by_closeness[Closeness.DISTANT])


def test_sectors_by_kind():
    rng = random.Random(5)
    people = _random_network(rng, 25)
    network_map = network_map_layout(people, centre_label="IM")
    # Every kind has its sector, empty or not, in the same order each time, family at the top.
    assert [s.kind for s in network_map.sectors] == KINDS
    assert sum(s.end - s.start for s in network_map.sectors) == pytest.approx(360)
    family = network_map.sectors[0]
    assert family.start % 360 > 180 and family.end < 180  # twelve o'clock is inside
    sectors = {s.kind: s for s in network_map.sectors}
    for placed in network_map.people:
        assert _in_sector(_angle(placed), sectors[placed.person.kind]), placed.label
    # Sector names are the kinds in the plural and say how many.
    with translation.override("en"):
        network_map = network_map_layout([Person("friend", "Ib", 3)], centre_label="IM")
        assert [s.label for s in network_map.sectors] == [
            "Family",
            "Friends",
            "Neighbours",
            "Professionals",
            "Others",
        ]
        assert network_map.sectors[1].text == "Friends (1)"
        assert [s.count for s in network_map.sectors] == [0, 1, 0, 0, 0]


def test_a_crowded_kind_gets_more_of_the_circle():
    people = [Person("friend", f"Ven {i}", Closeness.SOME) for i in range(12)]
    people.append(Person("family", "Søster", Closeness.CLOSE))
    sectors = {s.kind: s for s in network_map_layout(people, centre_label="IM").sectors}
    assert sectors["friend"].end - sectors["friend"].start > 120
    assert sectors["neighbour"].end - sectors["neighbour"].start >= 30


def test_long_names_are_shortened_on_the_map_and_whole_in_the_title():
    name = "Den gamle nabo fra Vestergade, der flyttede til Odense"
    (placed,) = network_map_layout([Person("neighbour", name, 2)], centre_label="IM").people
    assert placed.label.endswith("…")
    assert len(placed.label) <= 22
    assert name.startswith(placed.label[:-1])
    assert name in placed.title


def test_the_same_network_is_drawn_the_same_way():
    people = _random_network(random.Random(9), 18)
    first = network_map_layout(people, centre_label="IM")
    again = network_map_layout(list(people), centre_label="IM")
    assert [(p.x, p.y, p.label_x, p.label_y) for p in first.people] == [
        (p.x, p.y, p.label_x, p.label_y) for p in again.people
    ]


def test_an_empty_network_is_still_a_map_to_fill_in():
    network_map = network_map_layout([], centre_label="IM")
    assert network_map.people == []
    assert len(network_map.rings) == 3
    assert len(network_map.sectors) == len(KINDS)
    assert network_map.width > 0 and network_map.height > 0


def test_initials():
    assert initials("Inger", "Madsen") == "IM"
    assert initials("anne-marie", "østergaard") == "AØ"
    assert initials("Ib", "") == "I"
    assert initials("", "") == ""


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def team(db):
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def case(team, builder):
    case = make_referral(team=team, first_name="Inger", last_name="Madsen").referral.case
    services.network_person_add(
        case=case, kind="family", name="Sønnen Peter", closeness=3, actor=builder
    )
    services.network_person_add(
        case=case,
        kind="neighbour",
        name="Naboen Jens",
        closeness=1,
        note="Vil gerne hjælpe med indkøb",
        actor=builder,
    )
    return case


def _url(case) -> str:
    return f"/forloeb/{case.pk}/netvaerkskort/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("the case's team", 200),
        ("another team's bridge-builder", 404),
        ("home care on the team", 403),
        ("a referrer", 403),
        ("an administrator", 403),
        ("anonymous", 302),
    ],
)
def test_the_map_page_is_for_those_who_may_see_the_case(team, case, who, status):
    users = {
        "the case's team": lambda: UserFactory(bridge_builder=True, team=team),
        "another team's bridge-builder": lambda: UserFactory(
            bridge_builder=True, team=bridge_team()
        ),
        "home care on the team": lambda: UserFactory(home_care=True, team=team),
        "a referrer": lambda: UserFactory(referrer=True),
        "an administrator": lambda: UserFactory(admin=True),
        "anonymous": lambda: None,
    }
    user = users[who]()
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(_url(case))
    assert response.status_code == status
    if status != 200:
        assert "Sønnen Peter" not in response.content.decode()
        assert not AuditEvent.objects.filter(
            action=AuditAction.READ, subject_id=case.citizen_id
        ).exists()


@pytest.mark.django_db
def test_opening_the_map_is_logged_as_a_read_of_the_citizen(case, builder):
    client = Client()
    client.force_login(builder)
    assert client.get(_url(case)).status_code == 200
    reads = AuditEvent.objects.filter(
        actor=builder, action=AuditAction.READ, subject_id=case.citizen_id
    )
    assert reads.count() == 1


@pytest.mark.django_db
def test_the_map_page_holds_the_map_whose_it_is_and_the_date(case, builder):
    services.note_add(case=case, text="Hemmelig note om sønnen", actor=builder)
    client = Client()
    client.force_login(builder)
    response = client.get(_url(case))
    body = response.content.decode()

    assert "Inger Madsen" in body
    with translation.override("da"):
        assert date_format(timezone.localdate(), "DATE_FORMAT") in body
    assert body.count('data-testid="network-map-svg"') == 1
    # The SVG says what it is, and the same people are there as a list for screen readers.
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg
    assert '<title id="network-map-title">' in svg
    assert 'aria-labelledby="network-map-title' in svg
    listed = body[body.index('data-testid="network-map-list"') :]
    assert "Sønnen Peter" in listed and "Naboen Jens" in listed
    # The people, each once on the map, in their sector.
    assert svg.count(">Sønnen Peter</text>") == 1
    assert svg.count(">Naboen Jens</text>") == 1
    with translation.override("da"):
        assert f">{SECTOR_LABELS['family']} (1)</text>" in svg
        assert f">{SECTOR_LABELS['neighbour']} (1)</text>" in svg
        assert f">{SECTOR_LABELS['friend']} (0)</text>" in svg
    # The citizen in the middle, by initials.
    assert ">IM</text>" in body
    # Nothing else of the case: no notes, no forms to change it.
    assert "Hemmelig note" not in body
    assert "Vil gerne hjælpe med indkøb" not in body
    assert "<form" not in body.split('id="main"')[1].split("</main>")[0]


@pytest.mark.django_db
def test_the_case_page_shows_the_map_by_the_network_list_and_links_to_the_page(case, builder):
    client = Client()
    client.force_login(builder)
    body = client.get(f"/forloeb/{case.pk}/").content.decode()
    network = body[body.index('id="network"') :]
    assert 'data-testid="network-map-svg"' in network
    assert ">Sønnen Peter</text>" in network
    assert f'href="{_url(case)}"' in network

    # No one recorded yet: the list says so, and the empty map is on its own page, to fill in.
    empty = make_referral(team=case.team).referral.case
    body = client.get(f"/forloeb/{empty.pk}/").content.decode()
    network = body[body.index('id="network"') :]
    assert 'data-testid="network-map-svg"' not in network
    assert f'href="{_url(empty)}"' in network
    body = client.get(_url(empty)).content.decode()
    assert body.count('data-testid="network-map-svg"') == 1


@pytest.mark.django_db
def test_the_map_page_makes_as_many_queries_for_25_people_as_for_one(
    team, builder, django_assert_num_queries
):
    case = make_referral(team=team, first_name="Inger", last_name="Madsen").referral.case
    services.network_person_add(case=case, kind="friend", name="Ib", closeness=2, actor=builder)
    client = Client()
    client.force_login(builder)
    # 1 session, 2 user, 3-4 own and group permissions, 5 the user's teams, 6 the case with
    # citizen, team and bridge-builder, 7 the audit event, 8 the network, 9-11 saving the session
    with django_assert_num_queries(11):
        assert client.get(_url(case)).status_code == 200
    for i in range(24):
        services.network_person_add(
            case=case,
            kind=KINDS[i % 5],
            name=f"Person {i}",
            closeness=CLOSENESS[i % 3],
            actor=builder,
        )
    with django_assert_num_queries(11):
        assert client.get(_url(case)).status_code == 200
