"""Demo offers around the demo municipality's postcodes (Odense and surroundings). Idempotent:
an offer is known by its organisation and title and is created only once."""

from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from accounts.constants import OrganisationKind
from accounts.models import Organisation, Team, User
from accounts.services import organisation_create
from offers.constants import (
    ActivityKind,
    Frequency,
    Interest,
    OfferStatus,
    PriceKind,
    Strategy,
    TargetGroup,
)
from offers.models import Offer, OrganisationContact
from offers.services import offer_create, offer_set_status, organisation_contact_add
from places.services import postcodes_import_text

POSTCODES_FILE = Path(__file__).resolve().parents[2] / "places" / "data" / "postcodes_demo.csv"

# (name, kind, phone, e-mail) of organisations beyond those in accounts/demo.py.
ORGANISATIONS = [
    ("Ældre Sagen Brobjerg", OrganisationKind.NGO, "+45 63 12 40 00", "brobjerg@aeldre.invalid"),
    ("Røde Kors Brobjerg", OrganisationKind.NGO, "+45 63 12 50 00", "brobjerg@rodekors.invalid"),
    ("Dansk Folkehjælp", OrganisationKind.NGO, "+45 63 12 60 00", "brobjerg@folkehjaelp.invalid"),
]

# organisation → [(name, title, phone, e-mail)]
CONTACTS = {
    "Frivilligcenter Brobjerg": [
        ("Karim Koordinator", "Frivilligkoordinator", "+45 63 12 30 01", "karim@frivillig.invalid"),
        ("Lise Holm", "Leder", "+45 63 12 30 02", "lise@frivillig.invalid"),
    ],
    "Ældrefællesskabet Brobjerg": [("Grethe Lund", "Formand", "+45 20 11 22 33", "")],
    "Gå-klubben Solsikken": [("Birthe Skov", "Turleder", "+45 21 44 55 66", "")],
    "Brobjerg Kommune": [
        ("Mette Dahl", "Sundhedsplejerske", "+45 63 12 20 10", "mette.dahl@brobjerg.invalid"),
    ],
    "Ældre Sagen Brobjerg": [
        ("Jens Bach", "Lokalformand", "+45 30 40 50 60", "jens@aeldresagen.invalid"),
    ],
    "Røde Kors Brobjerg": [
        ("Hanne Vestergaard", "Besøgstjenesten", "+45 31 41 51 61", "hanne@rodekors.invalid"),
    ],
    "Dansk Folkehjælp": [("Ali Hassan", "Butiksleder", "+45 32 42 52 62", "")],
}


def _weekly(day, start, end=None, **extra):
    return {
        "frequency": Frequency.WEEKLY,
        "weekday": day,
        "starts_at": start,
        "ends_at": end,
        **extra,
    }


def _biweekly(day, start, end=None):
    return {"frequency": Frequency.BIWEEKLY, "weekday": day, "starts_at": start, "ends_at": end}


def _monthly(day, week, start, end=None):
    return {
        "frequency": Frequency.MONTHLY,
        "weekday": day,
        "week_of_month": week,
        "starts_at": start,
        "ends_at": end,
    }


def _once(weekday, weeks_ahead, start, end=None):
    """A single meeting on the given weekday, that many weeks from now."""
    today = timezone.localdate()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)
    return {"frequency": Frequency.ONCE, "date": day, "starts_at": start, "ends_at": end}


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
T = time

# Each offer: organisation, the offer's fields, its schedules, and demo-only state.
OFFERS = [
    {
        "organisation": "Gå-klubben Solsikken",
        "data": {
            "title": "Gå-klubben Solsikken – tirsdagsturen",
            "description": "Vi går en tur på 3–5 km i roligt tempo langs åen og slutter med kaffe "
            "på bænken ved søen. Alle kan være med, også hvis man går med stok.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.NATURE, ActivityKind.EXERCISE],
            "interests": [Interest.WALKING, Interest.NATURE, Interest.COFFEE],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "Fælledvej 12",
            "postcode": "5200",
            "city": "Odense V",
            "host_name": "Birthe",
            "host_phone": "+45 21 44 55 66",
            "host_note": "Birthe står ved indgangen til parken med et gult halstørklæde.",
            "accompaniment_possible": True,
            "languages": ["da"],
        },
        "schedules": [_weekly(TUE, T(10), T(11, 30))],
    },
    {
        "organisation": "Ældrefællesskabet Brobjerg",
        "data": {
            "title": "Spisevenner – fællesspisning",
            "description": "Hver anden torsdag laver vi mad sammen og spiser ved det lange bord. "
            "Man kan hjælpe i køkkenet eller bare komme og spise med.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.FOOD],
            "interests": [Interest.MEALS, Interest.COOKING],
            "target_groups": [TargetGroup.SENIORS, TargetGroup.BEREAVED],
            "age_min": 60,
            "address": "Medborgerhuset, Rismarksvej 4",
            "postcode": "5240",
            "city": "Odense NØ",
            "capacity": 24,
            "price_kind": PriceKind.PAID,
            "price_amount": Decimal("40"),
            "price_note": "per gang, maden er inkluderet",
            "fritidspas": True,
            "wheelchair_accessible": True,
            "languages": ["da", "ar"],
            "host_name": "Grethe",
            "host_note": "Grethe tager imod ved døren og finder en plads til dig.",
            "accompaniment_possible": True,
        },
        "schedules": [_biweekly(THU, T(17, 30), T(19, 30))],
    },
    {
        "organisation": "Frivilligcenter Brobjerg",
        "data": {
            "title": "Netværkscaféen",
            "description": "En uformel café, hvor man kan møde andre, få en kop kaffe og høre om "
            "foreninger og frivilligt arbejde i nærheden. Der er altid en frivillig vært.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.NETWORK_CAFE],
            "interests": [Interest.COFFEE, Interest.CARDS],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "Frivilligcentret, Vestergade 20",
            "postcode": "5000",
            "city": "Odense C",
            "wheelchair_accessible": True,
            "hearing_loop": True,
            "languages": ["da", "en", "uk"],
            "host_name": "Karim",
            "host_phone": "+45 63 12 30 01",
            "host_note": "Kaffen står klar, og Karim præsenterer dig for de andre.",
            "accompaniment_possible": True,
            "contact_phone": "+45 63 12 30 00",
            "contact_email": "cafe@frivillig.invalid",
        },
        "schedules": [_weekly(WED, T(13), T(15))],
    },
    {
        "organisation": "Ældre Sagen Brobjerg",
        "data": {
            "title": "Mændenes værksted",
            "description": "Et værksted for mænd, hvor vi reparerer cykler, laver fuglekasser og "
            "drikker kaffe. Ingen krav om at kunne noget i forvejen.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.CRAFTS],
            "interests": [Interest.WOODWORK, Interest.CRAFTS],
            "target_groups": [TargetGroup.MEN, TargetGroup.NEWLY_RETIRED],
            "address": "Værkstedet, Tolderlundsvej 9",
            "postcode": "5210",
            "city": "Odense NV",
            "price_kind": PriceKind.PAID,
            "price_amount": Decimal("25"),
            "price_note": "per gang til materialer",
            "fritidspas": True,
            "host_name": "Jens",
            "languages": ["da"],
        },
        "schedules": [_weekly(MON, T(9), T(12))],
    },
    {
        "organisation": "Røde Kors Brobjerg",
        "data": {
            "title": "Strikkecafé",
            "description": "Vi strikker, hækler og snakker. Garn og pinde kan lånes.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.CRAFTS],
            "interests": [Interest.CRAFTS, Interest.COFFEE],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "Røde Kors-huset, Hjallesevej 30",
            "postcode": "5230",
            "city": "Odense M",
            "wheelchair_accessible": True,
            "languages": ["da", "pl"],
            "host_name": "Inge",
        },
        "schedules": [_monthly(THU, 1, T(14), T(16))],
    },
    {
        "organisation": "Ældrefællesskabet Brobjerg",
        "data": {
            "title": "Brobjerg Seniorkor",
            "description": "Et kor for alle, der kan lide at synge. Vi synger danske sange og "
            "viser, og der er ingen optagelsesprøve.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.CULTURE],
            "interests": [Interest.SINGING, Interest.MUSIC],
            "target_groups": [TargetGroup.SENIORS],
            "address": "Sognegården, Kirkevej 2",
            "postcode": "5250",
            "city": "Odense SV",
            "price_kind": PriceKind.PAID,
            "price_amount": Decimal("300"),
            "price_note": "per halvår",
            "fritidspas": True,
            "hearing_loop": True,
            "languages": ["da"],
        },
        "schedules": [_weekly(THU, T(10), T(12))],
    },
    {
        "organisation": "Ældre Sagen Brobjerg",
        "data": {
            "title": "Digital hjælp – spørg om din telefon",
            "description": "Frivillige hjælper med mobil, tablet, MitID og e-Boks. Tag din egen "
            "telefon med.",
            "strategy": Strategy.SKILLS_TRAINING,
            "activity_kinds": [ActivityKind.DIGITAL],
            "interests": [Interest.DIGITAL],
            "target_groups": [TargetGroup.SENIORS],
            "address": "Hovedbiblioteket, Østre Stationsvej 15",
            "postcode": "5000",
            "city": "Odense C",
            "wheelchair_accessible": True,
            "hearing_loop": True,
            "languages": ["da", "en", "pl"],
        },
        "schedules": [_weekly(FRI, T(10), T(12))],
    },
    {
        "organisation": "Ældre Sagen Brobjerg",
        "data": {
            "title": "Udflugter med bus",
            "description": "En gang om måneden tager vi på tur: museer, haver og kysten. Bussen "
            "henter ved Brobjerg Torv og kan tage kørestole.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.TRIPS],
            "interests": [Interest.TRIPS, Interest.HISTORY],
            "target_groups": [TargetGroup.SENIORS],
            "address": "Brobjerg Torv",
            "postcode": "5260",
            "city": "Odense S",
            "capacity": 40,
            "price_kind": PriceKind.PAID,
            "price_amount": Decimal("150"),
            "price_note": "inkl. frokost",
            "wheelchair_accessible": True,
            "transport_offered": True,
            "transport_note": "Bussen kan hente hjemme, hvis man ikke kan komme til torvet.",
            "languages": ["da"],
            "accompaniment_possible": True,
        },
        "schedules": [_monthly(WED, -1, T(9), T(16))],
    },
    {
        "organisation": "Frivilligcenter Brobjerg",
        "data": {
            "title": "Sorggruppe for efterladte",
            "description": "En lille gruppe for dig, der har mistet en ægtefælle eller partner. "
            "Vi mødes otte gange og taler om sorgen og om hverdagen efter.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.PEER_GROUP, ActivityKind.SELF_HELP],
            "target_groups": [TargetGroup.BEREAVED],
            "address": "Frivilligcentret, Vestergade 20",
            "postcode": "5000",
            "city": "Odense C",
            "capacity": 8,
            "wheelchair_accessible": True,
            "languages": ["da"],
            "host_name": "Lise",
            "host_note": "Lise ringer til dig inden første gang.",
        },
        "schedules": [_biweekly(MON, T(16), T(18))],
        # Full, to show how the directory says so.
        "full": True,
    },
    {
        "organisation": "Røde Kors Brobjerg",
        "data": {
            "title": "Besøgsven",
            "description": "En frivillig besøgsven kommer hjem til dig en gang om ugen, til en "
            "snak, en gåtur eller et spil kort. Vi finder en, der passer til dig.",
            "strategy": Strategy.PERSONAL_SUPPORT,
            "activity_kinds": [ActivityKind.VISITING_FRIEND],
            "interests": [Interest.COFFEE, Interest.WALKING, Interest.CARDS],
            "target_groups": [TargetGroup.SENIORS],
            "is_group": False,
            "address": "Røde Kors-huset, Hjallesevej 30",
            "postcode": "5230",
            "city": "Odense M",
            "languages": ["da", "en", "de"],
            "contact_phone": "+45 31 41 51 61",
        },
        "schedules": [],
    },
    {
        "organisation": "Røde Kors Brobjerg",
        "data": {
            "title": "Telefonven",
            "description": "En fast telefonven ringer til dig en eller to gange om ugen på et "
            "tidspunkt, I aftaler sammen.",
            "strategy": Strategy.PERSONAL_SUPPORT,
            "activity_kinds": [ActivityKind.VISITING_FRIEND],
            "interests": [Interest.COFFEE],
            "target_groups": [TargetGroup.EVERYONE],
            "is_group": False,
            "is_remote": True,
            "languages": ["da", "en", "ar", "tr"],
            "contact_phone": "+45 31 41 51 61",
        },
        "schedules": [],
    },
    {
        "organisation": "Frivilligcenter Brobjerg",
        "data": {
            "title": "Mentor for unge",
            "description": "Unge mellem 16 og 30 kan få en frivillig mentor, der hjælper med at "
            "finde fællesskaber, fritidsjob og foreninger.",
            "strategy": Strategy.PERSONAL_SUPPORT,
            "activity_kinds": [ActivityKind.MENTOR],
            "target_groups": [TargetGroup.YOUNG],
            "age_min": 16,
            "age_max": 30,
            "is_group": False,
            "address": "Frivilligcentret, Vestergade 20",
            "postcode": "5000",
            "city": "Odense C",
            "languages": ["da", "en", "so"],
        },
        "schedules": [],
    },
    {
        "organisation": "Frivilligcenter Brobjerg",
        "data": {
            "title": "Kursus: Tag hul på fællesskabet",
            "description": "Et kursus på to eftermiddage om at tage kontakt, tale med nye "
            "mennesker og finde et fællesskab, der passer til en.",
            "strategy": Strategy.SKILLS_TRAINING,
            "activity_kinds": [ActivityKind.COURSE],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "Frivilligcentret, Vestergade 20",
            "postcode": "5000",
            "city": "Odense C",
            "capacity": 14,
            "wheelchair_accessible": True,
            "languages": ["da"],
        },
        "schedules": [_once(TUE, 2, T(13), T(16)), _once(TUE, 3, T(13), T(16))],
    },
    {
        "organisation": "Brobjerg Kommune",
        "data": {
            "title": "Når ensomheden fylder – psykoedukationsgruppe",
            "description": "Otte mødegange om ensomhed: hvad den gør ved os, og hvad man selv "
            "kan gøre. Ledet af en sundhedsplejerske og en psykolog.",
            "strategy": Strategy.PSYCHOEDUCATION,
            "activity_kinds": [ActivityKind.COURSE, ActivityKind.COUNSELLING],
            "target_groups": [TargetGroup.EVERYONE, TargetGroup.MENTAL_HEALTH],
            "age_min": 18,
            "address": "Sundhedshuset, Klostervej 28",
            "postcode": "5000",
            "city": "Odense C",
            "capacity": 12,
            "wheelchair_accessible": True,
            "hearing_loop": True,
            "languages": ["da"],
            "contact_phone": "+45 63 12 20 10",
        },
        "schedules": [
            _weekly(
                TUE,
                T(13),
                T(15),
                valid_from=timezone.localdate() + timedelta(days=7),
                valid_until=timezone.localdate() + timedelta(days=7 * 8),
            )
        ],
    },
    {
        "organisation": "Brobjerg Kommune",
        "data": {
            "title": "Samtalegruppe med psykolog",
            "description": "Samtaleforløb for borgere med svær ensomhed og tegn på depression. "
            "Kun efter henvisning fra brobyggeren.",
            "strategy": Strategy.PSYCHOLOGICAL_TREATMENT,
            "activity_kinds": [ActivityKind.COUNSELLING],
            "target_groups": [TargetGroup.MENTAL_HEALTH],
            "address": "Sundhedshuset, Klostervej 28",
            "postcode": "5000",
            "city": "Odense C",
            "capacity": 6,
            "languages": ["da"],
            # Internal: only by referral, so not in the public directory.
            "is_public": False,
        },
        "schedules": [_weekly(WED, T(9), T(11))],
    },
    {
        "organisation": "Gå-klubben Solsikken",
        "data": {
            "title": "Naturvandring i skoven",
            "description": "En længere tur i skoven med en naturvejleder, der fortæller om "
            "fugle og planter. Husk gode sko.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.NATURE],
            "interests": [Interest.NATURE, Interest.WALKING],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "P-pladsen ved skoven, Skovvej 1",
            "postcode": "5491",
            "city": "Blommenslyst",
            "languages": ["da"],
        },
        "schedules": [_monthly(SUN, 2, T(10), T(13))],
        "stale_months": 10,
    },
    {
        "organisation": "Ældrefællesskabet Brobjerg",
        "data": {
            "title": "Kortklubben",
            "description": "Whist, rummy og kaffe hver fredag eftermiddag.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.CULTURE],
            "interests": [Interest.CARDS, Interest.COFFEE],
            "target_groups": [TargetGroup.SENIORS],
            "address": "Medborgerhuset, Rismarksvej 4",
            "postcode": "5240",
            "city": "Odense NØ",
            "languages": ["da"],
        },
        "schedules": [_weekly(FRI, T(13), T(16))],
        # Paused over the summer: not in the directory until it starts again.
        "status": OfferStatus.PAUSED,
    },
    {
        "organisation": "Dansk Folkehjælp",
        "data": {
            "title": "Frivillig i genbrugsbutikken",
            "description": "Hjælp til i butikken: sortere tøj, stå ved kassen og snakke med "
            "kunderne. Et godt sted at møde nye mennesker og gøre noget for andre.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.VOLUNTEERING],
            "interests": [Interest.VOLUNTEERING],
            "target_groups": [TargetGroup.EVERYONE, TargetGroup.NEWLY_RETIRED],
            "address": "Algade 8",
            "postcode": "5750",
            "city": "Ringe",
            "languages": ["da", "ar", "fa"],
            "host_name": "Ali",
        },
        "schedules": [_weekly(SAT, T(10), T(14)), _weekly(TUE, T(10), T(14))],
    },
    {
        "organisation": "Frivilligcenter Brobjerg",
        "data": {
            "title": "Pårørendegruppe",
            "description": "For dig, der passer en syg eller demensramt ægtefælle. Vi deler "
            "erfaringer og giver hinanden et pusterum.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.PEER_GROUP],
            "target_groups": [TargetGroup.CARERS],
            "address": "Tommerup Bibliotek, Skolevej 3",
            "postcode": "5690",
            "city": "Tommerup",
            "wheelchair_accessible": True,
            "transport_offered": True,
            "transport_note": "Frivillige kan køre dig, hvis du ringer dagen før.",
            "languages": ["da"],
        },
        "schedules": [_monthly(TUE, 2, T(19), T(21))],
    },
    {
        "organisation": "Røde Kors Brobjerg",
        "data": {
            "title": "Sprogcafé – snak dansk",
            "description": "Øv dansk over en kop te med frivillige. For alle, der er nye i "
            "Danmark, og for danskere, der vil møde nye naboer.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.NETWORK_CAFE, ActivityKind.CULTURE],
            "interests": [Interest.COFFEE, Interest.READING],
            "target_groups": [TargetGroup.NEW_IN_DENMARK],
            "address": "Bydelshuset, Ørbækvej 100",
            "postcode": "5220",
            "city": "Odense SØ",
            "languages": ["da", "en", "ar", "uk", "so", "ti"],
            "host_name": "Fatima",
        },
        "schedules": [_weekly(WED, T(16), T(18))],
        "stale_months": 8,
    },
    {
        "organisation": "Brobjerg Kommune",
        "data": {
            "title": "Stolegymnastik i aktivitetscentret",
            "description": "Let motion siddende på en stol, med musik. Bagefter er der kaffe i "
            "caféen.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.EXERCISE],
            "interests": [Interest.EXERCISE, Interest.MUSIC],
            "target_groups": [TargetGroup.SENIORS, TargetGroup.DISABILITY],
            "address": "Aktivitetscentret, Nyborgvej 55",
            "postcode": "5270",
            "city": "Odense N",
            "wheelchair_accessible": True,
            "hearing_loop": True,
            "transport_offered": True,
            "transport_note": "Kommunens kørselsordning kan bestilles.",
            "languages": ["da"],
            "accompaniment_possible": True,
        },
        "schedules": [_weekly(MON, T(10), T(11)), _weekly(THU, T(10), T(11))],
    },
    {
        "organisation": "Ældrefællesskabet Brobjerg",
        "data": {
            "title": "Havefællesskabet",
            "description": "Vi dyrker grøntsager og blomster i fælleshaven og deler høsten.",
            "strategy": Strategy.SOCIAL_NETWORK,
            "activity_kinds": [ActivityKind.NATURE],
            "interests": [Interest.GARDENING, Interest.NATURE],
            "target_groups": [TargetGroup.EVERYONE],
            "address": "Fælleshaven, Bygaden 7",
            "postcode": "5792",
            "city": "Årslev",
            "languages": ["da", "de"],
        },
        "schedules": [_weekly(SAT, T(10), T(12))],
    },
]


def seed_postcodes() -> None:
    """The demo municipality's postcode centres; importing them again only updates them."""
    postcodes_import_text(text=POSTCODES_FILE.read_text(encoding="utf-8"))


def _organisations(actor: User | None) -> dict[str, Organisation]:
    for name, kind, phone, email in ORGANISATIONS:
        if not Organisation.objects.filter(name=name, kind=kind).exists():
            organisation_create(
                name=name,
                kind=kind,
                municipality_code="999",
                phone=phone,
                email=email,
                actor=actor,
            )
    names = {o["organisation"] for o in OFFERS} | set(CONTACTS)
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    for name, contacts in CONTACTS.items():
        known = set(
            OrganisationContact.objects.filter(organisation=organisations[name]).values_list(
                "name", flat=True
            )
        )
        for contact_name, title, phone, email in contacts:
            if contact_name not in known:
                organisation_contact_add(
                    organisation=organisations[name],
                    name=contact_name,
                    title=title,
                    phone=phone,
                    email=email,
                    actor=actor,
                )
    return organisations


def seed_offers() -> None:
    seed_postcodes()
    actor = User.objects.filter(username="koordinator").first()
    team = Team.objects.filter(name="Frivilligkoordinering").first()
    organisations = _organisations(actor)
    today = timezone.localdate()
    for spec in OFFERS:
        organisation = organisations[spec["organisation"]]
        if Offer.objects.filter(organisation=organisation, title=spec["data"]["title"]).exists():
            continue
        offer = offer_create(
            organisation=organisation,
            data=spec["data"],
            actor=actor,
            team=team,
            schedules=spec["schedules"],
        )
        if spec.get("status"):
            offer_set_status(offer=offer, status=spec["status"], actor=actor)
        if spec.get("stale_months"):
            # Demo only: no service back-dates a confirmation, but the directory's "last
            # confirmed" note needs offers that nobody has confirmed for a while.
            Offer.objects.filter(pk=offer.pk).update(
                last_confirmed_on=today - timedelta(days=31 * spec["stale_months"])
            )
        if spec.get("full"):
            # Demo only: places are taken by accepted matches, and the demo has none for this
            # offer yet, so the count is set directly to show a full offer.
            Offer.objects.filter(pk=offer.pk).update(places_taken=offer.capacity)
