"""The network map (netværkskort): the citizen in the middle, the people of their network in
rings by closeness (the closest innermost) and in sectors by relation.

Drawn on the server as SVG from the positions worked out here, with no script: it works under
the Content-Security-Policy, on a tablet and on paper. The layout is a pure function of the
people, so it is tested on its own: everyone drawn once, in the right ring and sector, and no
name covering another. Sizes are in the map's own units; the SVG's viewBox scales them to the
screen or the A4 page."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.constants import Closeness, NetworkKind

# Sizes in the map's units. The names are drawn at FONT_SIZE whatever the network: a map grows
# (its viewBox gets wider) only when it must, so its names stay readable when it is scaled down.
FONT_SIZE = 20
SECTOR_FONT_SIZE = 20
CENTRE_FONT_SIZE = 32
NODE_RADIUS = 9
CENTRE_RADIUS = 52
FIRST_RING_FROM = CENTRE_RADIUS + 12
RING_WIDTH = 120
LABEL_GAP = 5  # between a dot and its name
CLEARANCE = 3  # kept free around every name, so that no two names touch
MARGIN = 16
MAX_LABEL_LENGTH = 22
MIN_SECTOR_DEGREES = 32

# The rings from the middle outwards.
RING_ORDER = [Closeness.CLOSE, Closeness.SOME, Closeness.DISTANT]
# How much of the circle a person asks for: an inner ring has less room around it.
RING_DEMAND = {Closeness.CLOSE: 2.0, Closeness.SOME: 1.4, Closeness.DISTANT: 1.0}
# The sectors clockwise, the family's at twelve o'clock; every kind has its own, empty or not.
SECTOR_ORDER = list(NetworkKind)
SECTOR_LABELS = {
    NetworkKind.FAMILY: gettext_lazy("Family"),
    NetworkKind.FRIEND: gettext_lazy("Friends"),
    NetworkKind.NEIGHBOUR: gettext_lazy("Neighbours"),
    NetworkKind.PROFESSIONAL: gettext_lazy("Professionals"),
    NetworkKind.OTHER: gettext_lazy("Others"),
}
# Okabe–Ito colours, told apart with most kinds of colour blindness. The map never says a
# thing by colour alone: the sector's name says the kind.
SECTOR_COLOURS = {
    NetworkKind.FAMILY: "#d55e00",
    NetworkKind.FRIEND: "#0072b2",
    NetworkKind.NEIGHBOUR: "#009e73",
    NetworkKind.PROFESSIONAL: "#cc79a7",
    NetworkKind.OTHER: "#e69f00",
}
RING_FILLS = ["#eef4f4", "#f5f8f8", "#fbfcfc"]

# Widths of characters in ems, on the wide side of the sans-serif fonts a tablet or printer has
# (DejaVu Sans is the widest of them), so that a name takes no more room than estimated.
_NARROW = set("iljtfrI!.,:;'’|()[] -")
_WIDE = set("mwMWÆæŒœ@%")
_CHAR_WIDTH = {"narrow": 0.4, "wide": 1.02, "upper": 0.8, "other": 0.66}
_BOLD = 1.1


class NetworkMember(Protocol):
    kind: str
    name: str
    closeness: int


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def grown(self, by: float) -> "Box":
        return Box(self.left - by, self.top - by, self.right + by, self.bottom + by)


@dataclass(frozen=True)
class Ring:
    closeness: int
    label: str
    inner: float
    outer: float
    fill: str


@dataclass(frozen=True)
class Sector:
    kind: str
    label: str
    count: int
    start: float  # degrees clockwise from twelve o'clock
    end: float
    colour: str
    wedge: str  # the SVG path of its part of the rings
    divider: tuple[float, float, float, float]  # the line at its start
    text: str
    label_x: float
    label_y: float
    anchor: str
    label_box: Box


@dataclass(frozen=True)
class PlacedPerson:
    person: NetworkMember
    label: str  # the name as drawn, shortened if long
    title: str  # the whole name, relation and closeness
    colour: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    label_box: Box
    node_box: Box


@dataclass(frozen=True)
class NetworkMap:
    centre_label: str
    centre_radius: float
    centre_box: Box
    rings: list[Ring]
    sectors: list[Sector]
    people: list[PlacedPerson] = field(default_factory=list)
    min_x: float = 0
    min_y: float = 0
    width: float = 0
    height: float = 0
    font_size: int = FONT_SIZE
    sector_font_size: int = SECTOR_FONT_SIZE
    centre_font_size: int = CENTRE_FONT_SIZE
    node_radius: int = NODE_RADIUS

    @property
    def view_box(self) -> str:
        return f"{self.min_x:g} {self.min_y:g} {self.width:g} {self.height:g}"

    @property
    def sector_groups(self) -> list[tuple[Sector, list[PlacedPerson]]]:
        """Each sector with its people, the closest first: the map as a list, for those who
        cannot see it."""
        return [
            (
                sector,
                sorted(
                    (p for p in self.people if _kind(p.person) == sector.kind),
                    key=lambda p: (-_closeness(p.person), p.person.name.casefold()),
                ),
            )
            for sector in self.sectors
        ]


def initials(first_name: str, last_name: str) -> str:
    """ "Inger Madsen" → "IM": the citizen in the middle of the map."""
    return "".join(part.strip()[:1].upper() for part in (first_name, last_name) if part.strip())


def network_map_layout(people: Iterable[NetworkMember], *, centre_label: str) -> NetworkMap:
    """Where everyone goes on the map. Tries the rings at their usual width first; where a
    ring has no room left for a name, that ring is widened a step and the map is drawn again,
    so a crowded inner ring does not make the whole map (and so its names) smaller."""
    people = list(people)
    widths = [float(RING_WIDTH)] * len(RING_ORDER)
    for _attempt in range(24):
        network_map, crowded = _layout(people, centre_label=centre_label, widths=widths)
        if network_map is not None:
            return network_map
        # A sector's name with no room (crowded is None) widens every ring.
        for index in range(len(widths)) if crowded is None else [crowded]:
            widths[index] *= 1.2
    # Not reached for any network a person keeps (tested up to well past 25 people); should it
    # be, every name is still drawn, some of them over each other.
    network_map, _crowded = _layout(people, centre_label=centre_label, widths=widths, force=True)
    return network_map


# --- How it is worked out ------------------------------------------------------------------------


def _point(radius: float, degrees: float) -> tuple[float, float]:
    rad = math.radians(degrees)
    return radius * math.sin(rad), -radius * math.cos(rad)


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += _CHAR_WIDTH["narrow"]
        elif char in _WIDE:
            ems += _CHAR_WIDTH["wide"]
        elif char.isupper():
            ems += _CHAR_WIDTH["upper"]
        else:
            ems += _CHAR_WIDTH["other"]
    return ems * size * (_BOLD if bold else 1)


def _shorten(name: str) -> str:
    name = " ".join(name.split())
    if len(name) <= MAX_LABEL_LENGTH:
        return name
    return name[: MAX_LABEL_LENGTH - 1].rstrip() + "…"


def _sides(degrees: float) -> list[str]:
    """Where a name goes beside its dot, best first: away from the middle."""
    sin = math.sin(math.radians(degrees))
    top = math.cos(math.radians(degrees)) > 0
    vertical = ["above", "below"] if top else ["below", "above"]
    if sin > 0.3:
        return ["right", *vertical, "left"]
    if sin < -0.3:
        return ["left", *vertical, "right"]
    return [*vertical, "right", "left"]


def _label_at(
    x: float, y: float, width: float, size: float, side: str, offset: float
) -> tuple[float, float, str, Box]:
    """(text x, text y, text-anchor, box) of a name of `width` on `side` of the point, `offset`
    away from it. The text is centred on its y (dominant-baseline: central)."""
    half = size * 0.62
    if side == "right":
        left = x + offset
        return left, y, "start", Box(left, y - half, left + width, y + half)
    if side == "left":
        right = x - offset
        return right, y, "end", Box(right - width, y - half, right, y + half)
    centre = y - offset - half if side == "above" else y + offset + half
    return x, centre, "middle", Box(x - width / 2, centre - half, x + width / 2, centre + half)


def _sector_spans(people: Sequence[NetworkMember]) -> dict[str, float]:
    """Each kind's share of the circle in degrees: a least share each, the rest by how many
    people are in it and how close they are."""
    demand = dict.fromkeys(SECTOR_ORDER, 0.0)
    for person in people:
        demand[_kind(person)] += RING_DEMAND[_closeness(person)]
    total = sum(demand.values())
    free = 360 - MIN_SECTOR_DEGREES * len(SECTOR_ORDER)
    return {
        kind: MIN_SECTOR_DEGREES
        + (free * demand[kind] / total if total else free / len(SECTOR_ORDER))
        for kind in SECTOR_ORDER
    }


def _kind(person: NetworkMember) -> str:
    return person.kind if person.kind in NetworkKind.values else NetworkKind.OTHER


def _closeness(person: NetworkMember) -> int:
    return person.closeness if person.closeness in Closeness.values else Closeness.SOME


def _wedge(start: float, end: float, inner: float, outer: float) -> str:
    large = 1 if end - start > 180 else 0
    x0, y0 = _point(outer, start)
    x1, y1 = _point(outer, end)
    x2, y2 = _point(inner, end)
    x3, y3 = _point(inner, start)
    return (
        f"M{x0:.1f} {y0:.1f}A{outer:.1f} {outer:.1f} 0 {large} 1 {x1:.1f} {y1:.1f}"
        f"L{x2:.1f} {y2:.1f}A{inner:.1f} {inner:.1f} 0 {large} 0 {x3:.1f} {y3:.1f}Z"
    )


def _free(box: Box, taken: list[Box]) -> bool:
    return not any(box.overlaps(other) for other in taken)


def _layout(
    people: list[NetworkMember], *, centre_label: str, widths: list[float], force: bool = False
) -> tuple[NetworkMap | None, int | None]:
    """The map, or (None, the index of the ring that ran out of room; None for the sectors'
    names)."""
    edges = [FIRST_RING_FROM]
    for width in widths:
        edges.append(edges[-1] + width)
    outer = edges[-1]
    rings = [
        Ring(
            closeness=closeness,
            label=str(Closeness(closeness).label),
            inner=round(edges[i], 1),
            outer=round(edges[i + 1], 1),
            fill=RING_FILLS[i],
        )
        for i, closeness in enumerate(RING_ORDER)
    ]
    centre_box = Box(-CENTRE_RADIUS, -CENTRE_RADIUS, CENTRE_RADIUS, CENTRE_RADIUS)
    taken: list[Box] = [centre_box.grown(CLEARANCE)]

    # The sectors, the family's centred at twelve o'clock, and their names outside the rings.
    spans = _sector_spans(people)
    counts = {kind: sum(1 for p in people if _kind(p) == kind) for kind in SECTOR_ORDER}
    sectors: list[Sector] = []
    start = -spans[SECTOR_ORDER[0]] / 2
    for kind in SECTOR_ORDER:
        end = start + spans[kind]
        label = str(SECTOR_LABELS[kind])
        text = f"{label} ({counts[kind]})"
        width = _text_width(text, SECTOR_FONT_SIZE, bold=True)
        middle = (start + end) / 2
        side = _sides(middle)[0]
        for step in range(10):
            x, y = _point(outer + 14 + step * 12, middle)
            label_x, label_y, anchor, box = _label_at(x, y, width, SECTOR_FONT_SIZE, side, 0)
            if _free(box.grown(CLEARANCE), taken):
                break
        else:
            if not force:
                return None, None
        taken.append(box.grown(CLEARANCE))
        sectors.append(
            Sector(
                kind=kind,
                label=label,
                count=counts[kind],
                start=start,
                end=end,
                colour=SECTOR_COLOURS[kind],
                wedge=_wedge(start, end, edges[0], outer),
                divider=tuple(
                    round(v, 1) for v in (*_point(edges[0], start), *_point(outer, start))
                ),
                text=text,
                label_x=round(label_x, 1),
                label_y=round(label_y, 1),
                anchor=anchor,
                label_box=box,
            )
        )
        start = end

    # The people, ring by ring from the middle (an inner ring has the least room), each group
    # of a ring and sector spread evenly over its sector, then moved a little where names meet.
    sector_of = {s.kind: s for s in sectors}
    groups: dict[tuple[int, str], list[NetworkMember]] = {}
    for person in people:
        groups.setdefault((RING_ORDER.index(_closeness(person)), _kind(person)), []).append(person)
    placed: list[PlacedPerson] = []
    for ring_index, kind in sorted(groups, key=lambda g: (g[0], SECTOR_ORDER.index(g[1]))):
        members = sorted(groups[(ring_index, kind)], key=lambda p: (p.name.casefold(), p.name))
        sector = sector_of[kind]
        ring = rings[ring_index]
        middle_radius = (ring.inner + ring.outer) / 2
        reach = (ring.outer - ring.inner) / 2 - NODE_RADIUS - 6
        radii = [middle_radius + reach * f for f in (0, -0.5, 0.5, -1, 1, -0.25, 0.25, -0.75, 0.75)]
        for i, person in enumerate(members):
            spot = _place(
                person=person,
                ideal=sector.start + (i + 0.5) * (sector.end - sector.start) / len(members),
                sector=sector,
                radii=radii,
                taken=taken,
            )
            if spot is None:
                if not force:
                    return None, ring_index
                spot = _place(
                    person=person,
                    ideal=(sector.start + sector.end) / 2,
                    sector=sector,
                    radii=radii,
                    taken=[],
                )
            taken.extend([spot.label_box.grown(CLEARANCE), spot.node_box.grown(CLEARANCE)])
            placed.append(spot)

    everything = [centre_box, Box(-outer, -outer, outer, outer)]
    everything += [s.label_box for s in sectors] + [p.label_box for p in placed]
    min_x = math.floor(min(b.left for b in everything) - MARGIN)
    min_y = math.floor(min(b.top for b in everything) - MARGIN)
    max_x = math.ceil(max(b.right for b in everything) + MARGIN)
    max_y = math.ceil(max(b.bottom for b in everything) + MARGIN)
    network_map = NetworkMap(
        centre_label=centre_label,
        centre_radius=CENTRE_RADIUS,
        centre_box=centre_box,
        rings=rings,
        sectors=sectors,
        people=placed,
        min_x=min_x,
        min_y=min_y,
        width=max_x - min_x,
        height=max_y - min_y,
    )
    return network_map, None


def _place(
    *,
    person: NetworkMember,
    ideal: float,
    sector: Sector,
    radii: list[float],
    taken: list[Box],
) -> PlacedPerson | None:
    """The first free spot for the person's dot and name: at the ideal angle if it can be,
    at another distance from the middle within the ring, then further along the sector."""
    label = _shorten(person.name)
    width = _text_width(label, FONT_SIZE)
    # Along the sector in steps of about 6 units at the ring's middle, nearest the ideal first.
    radius = radii[0]
    step = math.degrees(6 / radius)
    # A dot keeps clear of the sector's edges, so it is never on the line between two kinds.
    margin = math.degrees(math.asin(min(1.0, (NODE_RADIUS + 4) / min(radii))))
    low, high = sector.start + margin, sector.end - margin
    if low > high:
        low = high = (sector.start + sector.end) / 2
    ideal = min(max(ideal, low), high)
    angles = [ideal]
    for k in range(1, int((high - low) / step) + 2):
        for angle in (ideal - k * step, ideal + k * step):
            if low <= angle <= high:
                angles.append(angle)
    for angle in angles:
        for r in radii:
            x, y = _point(r, angle)
            node_box = Box(x - NODE_RADIUS, y - NODE_RADIUS, x + NODE_RADIUS, y + NODE_RADIUS)
            if not _free(node_box.grown(CLEARANCE), taken):
                continue
            for side in _sides(angle):
                label_x, label_y, anchor, box = _label_at(
                    x, y, width, FONT_SIZE, side, NODE_RADIUS + LABEL_GAP
                )
                if _free(box.grown(CLEARANCE), taken):
                    return PlacedPerson(
                        person=person,
                        label=label,
                        title=_("{name}: {kind}, {closeness}").format(
                            name=person.name,
                            kind=NetworkKind(_kind(person)).label,
                            closeness=str(Closeness(_closeness(person)).label).lower(),
                        ),
                        colour=sector.colour,
                        x=round(x, 1),
                        y=round(y, 1),
                        label_x=round(label_x, 1),
                        label_y=round(label_y, 1),
                        anchor=anchor,
                        label_box=box,
                        node_box=node_box,
                    )
    return None
