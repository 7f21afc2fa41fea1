"""A judged ranking: for citizens drawn from the seeds' cases and the domain reference, the offers
a bridge-builder would put in the top three, and those that must not come near the top.

One shared catalogue of Danish offers and volunteers in and around Odense, the citizens and the
judgements are data below. The test ranks the offers for each citizen as the matching page does,
prints the precision at 3 over the whole set, and fails below the threshold or on any offer that
must not be in the top 5.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from matching.ranking import suggestions_for
from matching.services import match_propose
from offers.constants import SuggestionKind
from referrals.services import referral_create
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, citizen_data, make_referral
from tests.volunteers.factories import load_postcodes, make_offer, make_volunteer, profile
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db

# The share of each citizen's top three that the bridge-builder would have chosen, over the set.
# 0.8 means that, on average, at most one suggestion in five at the top of the list is one a
# bridge-builder would skip over: the list is then a short-list to talk through with the citizen,
# which is what the page is for. A higher bar would tune the weights to this very catalogue;
# a lower one lets a ranking through that ignores what the citizen said.
PRECISION_AT_3_THRESHOLD = 0.8

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def _weekly(day, hour, minute=0, **validity):
    return {"frequency": "weekly", "weekday": day, "at": time(hour, minute), **validity}


def _biweekly(day, hour, minute=0):
    return {"frequency": "biweekly", "weekday": day, "at": time(hour, minute)}


def _monthly(day, week, hour):
    return {"frequency": "monthly", "weekday": day, "week_of_month": week, "at": time(hour)}


def _once(weeks_ahead, hour):
    return {"frequency": "once", "weeks_ahead": weeks_ahead, "at": time(hour)}


# The catalogue: what a municipality's volunteer centre keeps, in the offer form's fields.
# "full" fills every place; schedules may begin or end some weeks from today.
OFFERS = [
    {
        "title": "Gå-klubben Solsikken – tirsdagsturen",
        "description": "Vi går en tur på 3–5 km i roligt tempo langs åen og slutter med kaffe "
        "på bænken ved søen. Alle kan være med, også hvis man går med stok.",
        "activity_kinds": ["nature", "exercise"],
        "interests": ["walking", "nature", "coffee"],
        "target_groups": ["everyone"],
        "postcode": "5200",
        "accompaniment_possible": True,
        "schedules": [_weekly(TUE, 10)],
    },
    {
        "title": "Spisevenner – fællesspisning",
        "description": "Hver anden torsdag laver vi mad sammen og spiser ved det lange bord. "
        "Man kan hjælpe i køkkenet eller bare komme og spise med.",
        "activity_kinds": ["food"],
        "interests": ["meals", "cooking"],
        "target_groups": ["seniors", "bereaved"],
        "age_min": 60,
        "postcode": "5240",
        "capacity": 24,
        "wheelchair_accessible": True,
        "languages": ["da", "ar"],
        "accompaniment_possible": True,
        "schedules": [_biweekly(THU, 17, 30)],
    },
    {
        "title": "Netværkscaféen",
        "description": "En uformel café, hvor man kan møde andre, få en kop kaffe og høre om "
        "foreninger og frivilligt arbejde i nærheden. Der er altid en frivillig vært.",
        "activity_kinds": ["network_cafe"],
        "interests": ["coffee", "cards"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "languages": ["da", "en", "uk"],
        "accompaniment_possible": True,
        "schedules": [_weekly(WED, 13)],
    },
    {
        "title": "Mændenes værksted",
        "description": "Et værksted for mænd, hvor vi reparerer cykler, laver fuglekasser og "
        "drikker kaffe. Ingen krav om at kunne noget i forvejen.",
        "activity_kinds": ["crafts"],
        "interests": ["woodwork", "crafts"],
        "target_groups": ["men", "newly_retired"],
        "postcode": "5210",
        "schedules": [_weekly(MON, 9)],
    },
    {
        "title": "Strikkecafé",
        "description": "Vi strikker, hækler og snakker. Garn og pinde kan lånes.",
        "activity_kinds": ["crafts"],
        "interests": ["crafts", "coffee"],
        "target_groups": ["everyone"],
        "postcode": "5230",
        "wheelchair_accessible": True,
        "languages": ["da", "pl"],
        "schedules": [_monthly(THU, 1, 14)],
    },
    {
        "title": "Brobjerg Seniorkor",
        "description": "Et kor for alle, der kan lide at synge. Vi synger danske sange og "
        "viser, og der er ingen optagelsesprøve.",
        "activity_kinds": ["culture"],
        "interests": ["singing", "music"],
        "target_groups": ["seniors"],
        "postcode": "5250",
        "hearing_loop": True,
        "schedules": [_weekly(THU, 10)],
    },
    {
        "title": "Digital hjælp – spørg om din telefon",
        "description": "Frivillige hjælper med mobil, tablet, MitID og e-Boks. Tag din egen "
        "telefon med.",
        "strategy": "skills_training",
        "activity_kinds": ["digital"],
        "interests": ["digital"],
        "target_groups": ["seniors"],
        "postcode": "5000",
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "schedules": [_weekly(FRI, 10)],
    },
    {
        "title": "Udflugter med bus",
        "description": "En gang om måneden tager vi på tur: museer, haver og kysten. Bussen "
        "henter ved Brobjerg Torv og kan tage kørestole.",
        "activity_kinds": ["trips"],
        "interests": ["trips", "history"],
        "target_groups": ["seniors"],
        "postcode": "5260",
        "capacity": 40,
        "wheelchair_accessible": True,
        "transport_offered": True,
        "accompaniment_possible": True,
        "schedules": [_monthly(WED, -1, 9)],
    },
    {
        "title": "Sorggruppe for efterladte",
        "description": "En lille gruppe for dig, der har mistet en ægtefælle eller partner. "
        "Vi mødes otte gange og taler om sorgen og om hverdagen efter.",
        "activity_kinds": ["peer_group", "self_help"],
        "target_groups": ["bereaved"],
        "postcode": "5000",
        "capacity": 8,
        "wheelchair_accessible": True,
        "schedules": [_biweekly(MON, 16)],
    },
    {
        "title": "Sorgcaféen",
        "description": "En café for efterladte, hvor man kan tale om den, man har mistet.",
        "activity_kinds": ["peer_group"],
        "interests": ["coffee"],
        "target_groups": ["bereaved"],
        "postcode": "5000",
        "capacity": 2,
        "full": True,
        "schedules": [_weekly(THU, 14)],
    },
    {
        "title": "Telefonven",
        "description": "En fast telefonven ringer til dig en eller to gange om ugen på et "
        "tidspunkt, I aftaler sammen.",
        "strategy": "personal_support",
        "activity_kinds": ["visiting_friend"],
        "interests": ["coffee"],
        "target_groups": ["everyone"],
        "is_group": False,
        "is_remote": True,
        "languages": ["da", "en", "ar", "tr"],
        "schedules": [],
    },
    {
        "title": "Telefonkæden – Ældre Sagen",
        "description": "Hver morgen ringer vi rundt til hinanden og siger godmorgen. En kort "
        "snak, og man ved, at nogen tænker på en.",
        "strategy": "personal_support",
        "activity_kinds": ["visiting_friend"],
        "interests": ["coffee"],
        "target_groups": ["seniors"],
        "is_group": False,
        "is_remote": True,
        "schedules": [],
    },
    {
        "title": "Mentor for unge",
        "description": "Unge mellem 16 og 30 kan få en frivillig mentor, der hjælper med at "
        "finde fællesskaber, fritidsjob og foreninger.",
        "strategy": "personal_support",
        "activity_kinds": ["mentor"],
        "target_groups": ["young"],
        "age_min": 16,
        "age_max": 30,
        "is_group": False,
        "postcode": "5000",
        "languages": ["da", "en", "so"],
        "schedules": [],
    },
    {
        "title": "Ungdomscaféen",
        "description": "Et fællesskab for unge mellem 16 og 29: spil, film og aftensmad. Kom "
        "alene, der er altid en voksen frivillig, som tager imod.",
        "activity_kinds": ["network_cafe"],
        "interests": ["film", "digital", "meals"],
        "target_groups": ["young"],
        "age_min": 16,
        "age_max": 29,
        "postcode": "5000",
        "accompaniment_possible": True,
        "schedules": [_weekly(THU, 17)],
    },
    {
        "title": "Ung til ung – samtalegruppe",
        "description": "En samtalegruppe for unge, der har det svært med angst, ensomhed eller "
        "nedtrykthed. Ledet af to frivillige med egne erfaringer.",
        "activity_kinds": ["peer_group", "self_help"],
        "target_groups": ["young", "mental_health"],
        "age_min": 18,
        "age_max": 30,
        "postcode": "5000",
        "schedules": [_weekly(MON, 16)],
    },
    {
        "title": "Kursus: Tag hul på fællesskabet",
        "description": "Et kursus på to eftermiddage om at tage kontakt, tale med nye "
        "mennesker og finde et fællesskab, der passer til en.",
        "strategy": "skills_training",
        "activity_kinds": ["course"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "capacity": 14,
        "wheelchair_accessible": True,
        "schedules": [_once(2, 13), _once(3, 13)],
    },
    {
        "title": "Når ensomheden fylder – psykoedukationsgruppe",
        "description": "Otte mødegange om ensomhed: hvad den gør ved os, og hvad man selv "
        "kan gøre. Ledet af en sundhedsplejerske og en psykolog.",
        "strategy": "psychoeducation",
        "activity_kinds": ["course", "counselling"],
        "target_groups": ["everyone", "mental_health"],
        "age_min": 18,
        "postcode": "5000",
        "capacity": 12,
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "schedules": [_weekly(TUE, 13, from_weeks=1, until_weeks=9)],
    },
    {
        "title": "Naturvandring i skoven",
        "description": "En længere tur i skoven med en naturvejleder, der fortæller om "
        "fugle og planter. Husk gode sko.",
        "activity_kinds": ["nature"],
        "interests": ["nature", "walking"],
        "target_groups": ["everyone"],
        "postcode": "5491",
        "schedules": [_monthly(SUN, 2, 10)],
    },
    {
        "title": "Frivillig i genbrugsbutikken",
        "description": "Hjælp til i butikken: sortere tøj, stå ved kassen og snakke med "
        "kunderne. Et godt sted at møde nye mennesker og gøre noget for andre.",
        "activity_kinds": ["volunteering"],
        "interests": ["volunteering"],
        "target_groups": ["everyone", "newly_retired"],
        "postcode": "5230",
        "languages": ["da", "ar", "fa"],
        "schedules": [_weekly(SAT, 10), _weekly(TUE, 10)],
    },
    {
        "title": "Pårørendegruppe",
        "description": "For dig, der passer en syg eller demensramt ægtefælle. Vi deler "
        "erfaringer og giver hinanden et pusterum.",
        "activity_kinds": ["peer_group"],
        "target_groups": ["carers"],
        "postcode": "5690",
        "wheelchair_accessible": True,
        "transport_offered": True,
        "schedules": [_monthly(TUE, 2, 19)],
    },
    {
        "title": "Demenscafé for pårørende",
        "description": "Kaffe og samtale for dig, der er pårørende til en med demens. "
        "Demenskoordinatoren er med hver gang.",
        "activity_kinds": ["peer_group", "network_cafe"],
        "interests": ["coffee"],
        "target_groups": ["carers"],
        "postcode": "5000",
        "wheelchair_accessible": True,
        "schedules": [_monthly(THU, 3, 14)],
    },
    {
        "title": "Sprogcafé – snak dansk",
        "description": "Øv dansk over en kop te med frivillige. For alle, der er nye i "
        "Danmark, og for danskere, der vil møde nye naboer.",
        "activity_kinds": ["network_cafe", "culture"],
        "interests": ["coffee", "reading"],
        "target_groups": ["new_in_denmark"],
        "postcode": "5220",
        "languages": ["da", "en", "ar", "uk", "so", "ti"],
        "schedules": [_weekly(WED, 16)],
    },
    {
        "title": "Kvindecafé for nydanske kvinder",
        "description": "Kvinder mødes over te og kage, taler dansk sammen og tager på ture i "
        "byen. Børn kan komme med.",
        "activity_kinds": ["network_cafe"],
        "interests": ["coffee", "cooking"],
        "target_groups": ["women", "new_in_denmark"],
        "postcode": "5220",
        "languages": ["da", "ar", "so", "fa"],
        "schedules": [_weekly(TUE, 10)],
    },
    {
        "title": "Stolegymnastik i aktivitetscentret",
        "description": "Let motion siddende på en stol, med musik. Bagefter er der kaffe i caféen.",
        "activity_kinds": ["exercise"],
        "interests": ["exercise", "music"],
        "target_groups": ["seniors", "disability"],
        "age_min": 65,
        "postcode": "5270",
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "transport_offered": True,
        "accompaniment_possible": True,
        "schedules": [_weekly(MON, 10), _weekly(THU, 10)],
    },
    {
        "title": "Linedance for seniorer",
        "description": "Vi danser linedance til country og pop. Ingen partner nødvendig.",
        "activity_kinds": ["exercise"],
        "interests": ["dancing", "music"],
        "target_groups": ["seniors"],
        "age_min": 60,
        "postcode": "5240",
        "schedules": [_weekly(THU, 10)],
    },
    {
        "title": "Havefællesskabet",
        "description": "Vi dyrker grøntsager og blomster i fælleshaven og deler høsten.",
        "activity_kinds": ["nature"],
        "interests": ["gardening", "nature"],
        "target_groups": ["everyone"],
        "postcode": "5792",
        "languages": ["da", "de"],
        "schedules": [_weekly(SAT, 10)],
    },
    {
        "title": "Fortæl for Livet",
        "description": "Ældre mødes og fortæller hinanden om deres liv: barndom, arbejde og "
        "kærlighed. Vi skriver erindringerne ned, hvis man har lyst.",
        "activity_kinds": ["peer_group", "culture"],
        "interests": ["history", "reading"],
        "target_groups": ["seniors"],
        "age_min": 65,
        "postcode": "5230",
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "schedules": [_weekly(WED, 10)],
    },
    {
        "title": "Skakklubben Springeren",
        "description": "Skak for begyndere og øvede hver onsdag aften. Vi lærer fra os.",
        "activity_kinds": ["culture"],
        "interests": ["cards"],
        "target_groups": ["everyone"],
        "postcode": "5200",
        "schedules": [_weekly(WED, 19)],
    },
    {
        "title": "Kortklubben Es og Knægt",
        "description": "Whist, bridge og rummy med kaffe og kage. Nye spillere er velkomne.",
        "activity_kinds": ["culture"],
        "interests": ["cards", "coffee"],
        "target_groups": ["seniors"],
        "postcode": "5240",
        "hearing_loop": True,
        "schedules": [_weekly(FRI, 13)],
    },
    {
        "title": "Syng sammen på biblioteket",
        "description": "Fællessang fra Højskolesangbogen med en pianist. Alle kan synge med.",
        "activity_kinds": ["culture"],
        "interests": ["singing", "music"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "wheelchair_accessible": True,
        "hearing_loop": True,
        "schedules": [_monthly(TUE, 1, 14)],
    },
    {
        "title": "Lokalhistorisk forening",
        "description": "Vi fortæller om byens historie, ser gamle billeder og går på museum.",
        "activity_kinds": ["culture"],
        "interests": ["history", "reading"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "wheelchair_accessible": True,
        "schedules": [_weekly(TUE, 14)],
    },
    {
        "title": "Repair Café Odense",
        "description": "Tag din ødelagte lampe, cykel eller stol med: frivillige reparerer "
        "sammen med dig, og der er kaffe på kanden.",
        "activity_kinds": ["crafts", "volunteering"],
        "interests": ["woodwork", "crafts"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "schedules": [_monthly(SAT, 1, 10)],
    },
    {
        "title": "Vinterbadning – begynderhold",
        "description": "Et hold for nye vinterbadere: vi bader sammen og varmer os i saunaen.",
        "activity_kinds": ["exercise", "nature"],
        "interests": ["swimming", "nature"],
        "target_groups": ["everyone"],
        "postcode": "5260",
        "schedules": [_weekly(SUN, 9, from_weeks=3)],
    },
    # Out of season: the summer school has ended, the Christmas workshop is months away.
    {
        "title": "Sommerhøjskole for seniorer",
        "description": "En uge med fællessang, foredrag og udflugter.",
        "activity_kinds": ["culture", "trips"],
        "interests": ["singing", "history"],
        "target_groups": ["seniors"],
        "postcode": "5000",
        "schedules": [_weekly(MON, 10, from_weeks=-20, until_weeks=-18)],
    },
    {
        "title": "Julehygge i medborgerhuset",
        "description": "Vi laver juledekorationer, spiser æbleskiver og synger julesange.",
        "activity_kinds": ["food", "crafts"],
        "interests": ["crafts", "meals", "singing"],
        "target_groups": ["everyone"],
        "postcode": "5000",
        "schedules": [_weekly(WED, 14, from_weeks=20)],
    },
]

OUT_OF_SEASON = {"Sommerhøjskole for seniorer", "Julehygge i medborgerhuset"}

VOLUNTEERS = [
    {"first_name": "Poul", "roles": ["phone_friend"], "capacity": 3, "interests": ["cards"]},
    {"first_name": "Anna", "roles": ["visiting_friend"], "postcode": "5230", "capacity": 2},
    {"first_name": "Karim", "roles": ["companion"], "postcode": "5000"},
    {"first_name": "Lone", "roles": ["meal_friend"], "postcode": "5240", "interests": ["meals"]},
    {"first_name": "Sara", "roles": ["visiting_friend"], "postcode": "5220", "languages": ["ar"]},
    {
        "first_name": "Jens",
        "roles": ["visiting_friend"],
        "postcode": "5210",
        "interests": ["woodwork"],
    },
]

# The citizens: who they are, what the referral and the conversation said, and the judgement.
# "good": the offers a bridge-builder would put in the top three (any three of them); "never":
# those that must not be in the top five; "first": the one that must come first.
CITIZENS = [
    {
        "name": "Kirsten, 92, widow who misses telling her life to someone (seed 002)",
        "age": 92,
        "postcode": "5000",
        "life_transitions": ["bereavement"],
        "citizen_wishes": "Savner nogen at dele tanker med. Vil gerne fortælle om sit liv.",
        "profile": {"interests": ["coffee"]},
        "good": [
            "Fortæl for Livet",
            "Netværkscaféen",
            "Sorggruppe for efterladte",
            "Spisevenner – fællesspisning",
        ],
        "never": [
            "Sprogcafé – snak dansk",
            "Mentor for unge",
            "Ungdomscaféen",
            "Ung til ung – samtalegruppe",
            "Kvindecafé for nydanske kvinder",
        ],
    },
    {
        "name": "Mikkel, 25, wants a mentor and other young people; needs a lift",
        "age": 25,
        "postcode": "5200",
        "needs_transport": True,
        "citizen_wishes": "Vil gerne have en mentor og møde andre unge.",
        "good": [
            "Mentor for unge",
            "Ungdomscaféen",
            "Ung til ung – samtalegruppe",
            "Kursus: Tag hul på fællesskabet",
        ],
        "never": [
            "Stolegymnastik i aktivitetscentret",
            "Brobjerg Seniorkor",
            "Spisevenner – fællesspisning",
            "Fortæl for Livet",
            "Linedance for seniorer",
            "Telefonkæden – Ældre Sagen",
        ],
    },
    {
        "name": "Erik, 81, hard of hearing, likes cards; would take calls",
        "age": 81,
        "postcode": "5230",
        "needs_hearing": True,
        "profile": {"interests": ["cards", "coffee"], "accepts_remote": True},
        "citizen_wishes": "Vil gerne spille kort og få en snak.",
        "requests": ["phone_friend", "visiting_friend"],
        "good": ["Netværkscaféen", "Kortklubben Es og Knægt", "Skakklubben Springeren"],
        "never": [
            "Telefonven",
            "Telefonkæden – Ældre Sagen",
            "Mentor for unge",
            "Sprogcafé – snak dansk",
        ],
        "volunteer_not_first": "Poul",
    },
    {
        "name": "Amina, 34, new in Denmark, wants to learn Danish; no car",
        "age": 34,
        "postcode": "5220",
        "preferred_language": "ar",
        "needs_interpreter": True,
        "needs_transport": True,
        "profile": {"target_groups": ["women"]},
        "citizen_wishes": "Vil gerne lære dansk og møde andre kvinder.",
        "good": [
            "Sprogcafé – snak dansk",
            "Kvindecafé for nydanske kvinder",
            "Frivillig i genbrugsbutikken",
            "Netværkscaféen",
        ],
        "never": [
            "Brobjerg Seniorkor",
            "Stolegymnastik i aktivitetscentret",
            "Mændenes værksted",
            "Fortæl for Livet",
            "Linedance for seniorer",
        ],
        "volunteer_first": "Sara",
    },
    {
        "name": "Bent, 70, uses a wheelchair, wants trips",
        "age": 70,
        "postcode": "5000",
        "needs_mobility": True,
        "profile": {"interests": ["history", "trips"]},
        "citizen_wishes": "Vil gerne ud af huset på ture.",
        "good": ["Udflugter med bus", "Lokalhistorisk forening", "Netværkscaféen"],
        "never": [
            "Naturvandring i skoven",
            "Mændenes værksted",
            "Gå-klubben Solsikken – tirsdagsturen",
        ],
    },
    {
        "name": "Else, 84, in Ringe, only wants contact by phone (seed 004)",
        "age": 84,
        "postcode": "5750",
        "profile": {"accepts_remote": True, "max_distance_km": 3},
        "citizen_wishes": "Vil helst bare snakke i telefon.",
        "good": ["Telefonven", "Telefonkæden – Ældre Sagen"],
        "never": ["Mentor for unge"],
    },
    {
        "name": "Hans, 74, widower, misses eating with someone",
        "age": 74,
        "postcode": "5260",
        "life_transitions": ["bereavement"],
        "profile": {"interests": ["meals"]},
        "citizen_wishes": "Savner at spise sammen med nogen.",
        "good": ["Spisevenner – fællesspisning", "Sorggruppe for efterladte", "Netværkscaféen"],
        "never": [
            "Mentor for unge",
            "Sprogcafé – snak dansk",
            "Ungdomscaféen",
            "Kvindecafé for nydanske kvinder",
        ],
    },
    {
        "name": "Poul, 67, newly retired, wants to use his hands",
        "age": 67,
        "postcode": "5210",
        "life_transitions": ["retirement"],
        "profile": {"target_groups": ["men"], "interests": ["woodwork"]},
        "citizen_wishes": "Vil gerne lave noget med hænderne og gøre nytte.",
        "good": ["Mændenes værksted", "Frivillig i genbrugsbutikken", "Repair Café Odense"],
        "never": [
            "Kvindecafé for nydanske kvinder",
            "Mentor for unge",
            "Ung til ung – samtalegruppe",
            "Sorggruppe for efterladte",
        ],
        "volunteer_first": "Jens",
    },
    {
        "name": "Grethe, 71, cares for her husband with dementia",
        "age": 71,
        "postcode": "5690",
        "life_transitions": ["caregiving"],
        "profile": {"max_distance_km": 15},
        "citizen_wishes": "Et pusterum og at tale med andre i samme situation.",
        "good": ["Pårørendegruppe", "Demenscafé for pårørende"],
        "never": ["Mentor for unge", "Ungdomscaféen", "Sprogcafé – snak dansk"],
    },
    {
        "name": "Inge, 68, the GP wrote that she wants to sing in a choir",
        "age": 68,
        "postcode": "5250",
        "citizen_wishes": "Vil gerne synge i kor.",
        "first": "Brobjerg Seniorkor",
        "good": ["Brobjerg Seniorkor", "Syng sammen på biblioteket"],
        "never": ["Mentor for unge", "Sprogcafé – snak dansk"],
    },
    {
        "name": "Karen, 80, knits",
        "age": 80,
        "postcode": "5230",
        "profile": {"wishes": "Strikke og hygge med andre."},
        "first": "Strikkecafé",
        "good": [
            "Strikkecafé",
            "Netværkscaféen",
            "Syng sammen på biblioteket",
            "Spisevenner – fællesspisning",
        ],
        "never": ["Mentor for unge", "Ungdomscaféen", "Mændenes værksted"],
    },
    {
        "name": "Jørgen, 58, plays chess and bridge",
        "age": 58,
        "postcode": "5000",
        "life_transitions": ["job_loss"],
        "profile": {"interests": ["cards"]},
        "citizen_wishes": "Spille skak eller bridge.",
        "good": ["Skakklubben Springeren", "Kortklubben Es og Knægt", "Netværkscaféen"],
        "never": ["Mentor for unge", "Ungdomscaféen", "Stolegymnastik i aktivitetscentret"],
    },
    {
        "name": "Sofie, 22, anxious, wants to meet young people who also struggle",
        "age": 22,
        "postcode": "5000",
        "profile": {"target_groups": ["mental_health"]},
        "citizen_wishes": "Vil gerne møde andre unge, der også har det svært.",
        "good": [
            "Ung til ung – samtalegruppe",
            "Ungdomscaféen",
            "Mentor for unge",
            "Når ensomheden fylder – psykoedukationsgruppe",
        ],
        "never": [
            "Brobjerg Seniorkor",
            "Stolegymnastik i aktivitetscentret",
            "Spisevenner – fællesspisning",
            "Fortæl for Livet",
            "Linedance for seniorer",
        ],
    },
    {
        "name": "Birthe, 81, wants to move, free Monday and Thursday mornings",
        "age": 81,
        "postcode": "5270",
        "profile": {"interests": ["exercise", "walking"], "slots": [0, 9]},
        "good": [
            "Stolegymnastik i aktivitetscentret",
            "Linedance for seniorer",
            "Gå-klubben Solsikken – tirsdagsturen",
        ],
        "never": ["Mentor for unge", "Ungdomscaféen", "Ung til ung – samtalegruppe"],
    },
    {
        "name": "Lars, 45, divorced and new in town, wants walks in nature",
        "age": 45,
        "postcode": "5200",
        "life_transitions": ["divorce", "moving"],
        "profile": {"interests": ["nature", "walking"]},
        "citizen_wishes": "Gå ture i naturen.",
        "good": [
            "Naturvandring i skoven",
            "Gå-klubben Solsikken – tirsdagsturen",
            "Vinterbadning – begynderhold",
        ],
        "never": [
            "Stolegymnastik i aktivitetscentret",
            "Brobjerg Seniorkor",
            "Mentor for unge",
            "Linedance for seniorer",
            "Fortæl for Livet",
        ],
    },
    {
        "name": "Kaj, 76, in Årslev, misses his garden",
        "age": 76,
        "postcode": "5792",
        "citizen_wishes": "Have noget jord at grave i.",
        "first": "Havefællesskabet",
        "good": ["Havefællesskabet", "Udflugter med bus"],
        "never": ["Sprogcafé – snak dansk", "Kvindecafé for nydanske kvinder", "Mentor for unge"],
    },
    {
        "name": "Ingrid, 88, wants company at meals; a neighbour drives her",
        "age": 88,
        "postcode": "5240",
        "needs_transport": True,
        "profile": {"interests": ["meals"], "transport_arranged_by": "naboen Jens"},
        "citizen_wishes": "Spise sammen med andre.",
        "good": [
            "Spisevenner – fællesspisning",
            "Netværkscaféen",
            "Udflugter med bus",
            "Kortklubben Es og Knægt",
        ],
        "never": ["Mentor for unge", "Sprogcafé – snak dansk", "Ung til ung – samtalegruppe"],
    },
    {
        "name": "Olena, 40, from Ukraine, wants to meet people and learn Danish",
        "age": 40,
        "postcode": "5000",
        "preferred_language": "uk",
        "citizen_wishes": "Møde andre og lære dansk.",
        "good": [
            "Sprogcafé – snak dansk",
            "Netværkscaféen",
            "Kvindecafé for nydanske kvinder",
        ],
        "never": ["Brobjerg Seniorkor", "Stolegymnastik i aktivitetscentret", "Fortæl for Livet"],
    },
]


def _date(weeks: int):
    return timezone.localdate() + timedelta(weeks=weeks)


def _schedules(rows: list[dict]) -> list[dict]:
    made = []
    for row in rows:
        schedule = {"frequency": row["frequency"], "starts_at": row["at"]}
        if row["frequency"] == "once":
            schedule["date"] = _date(row["weeks_ahead"])
        else:
            schedule["weekday"] = row["weekday"]
            schedule["week_of_month"] = row.get("week_of_month")
        if "from_weeks" in row:
            schedule["valid_from"] = _date(row["from_weeks"])
        if "until_weeks" in row:
            schedule["valid_until"] = _date(row["until_weeks"])
        made.append(schedule)
    return made


def _catalogue(builder) -> dict:
    offers = {}
    for spec in OFFERS:
        data = {k: v for k, v in spec.items() if k not in ("schedules", "full")}
        if data.get("is_remote"):
            data.update(postcode="", address="", city="")
        offer = make_offer(schedules=_schedules(spec["schedules"]), **data)
        for _ in range(offer.capacity if spec.get("full") else 0):
            match_propose(case=make_referral().referral.case, offer=offer, actor=builder)
        offers[offer.title] = offer
    for spec in VOLUNTEERS:
        make_volunteer(**spec)
    return offers


def _citizen(spec: dict, builder):
    today = timezone.localdate()
    born = today.replace(year=today.year - spec["age"]) - timedelta(days=1)
    fields = {
        k: spec[k]
        for k in (
            "postcode",
            "preferred_language",
            "needs_mobility",
            "needs_hearing",
            "needs_transport",
            "needs_interpreter",
        )
        if k in spec
    }
    case = referral_create(
        citizen=citizen_data(birth_date=born, **fields),
        source="gp",
        reason="Ensom.",
        consent_given=True,
        consent_method="verbal",
        life_transitions=spec.get("life_transitions", []),
        citizen_wishes=spec.get("citizen_wishes", ""),
        team=bridge_team(),
    ).referral.case
    if "profile" in spec:
        profile(case.citizen, **spec["profile"])
    for role in spec.get("requests", []):
        volunteer_request_create(case=case, role=role, actor=builder)
    return case.citizen


def test_the_judged_set_is_well_formed():
    titles = {o["title"] for o in OFFERS}
    assert len(CITIZENS) >= 15
    assert 25 <= len(OFFERS) <= 40
    for spec in CITIZENS:
        named = {*spec["good"], *spec["never"], spec.get("first", spec["good"][0])}
        assert named <= titles, (spec["name"], named - titles)
        assert not set(spec["good"]) & set(spec["never"]), spec["name"]


def test_the_ranking_agrees_with_a_bridge_builders_judgement(capsys):
    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    offers = _catalogue(builder)
    assert set(offers) == {o["title"] for o in OFFERS}

    hits = possible = 0
    failures = []
    lines = []
    for spec in CITIZENS:
        citizen = _citizen(spec, builder)
        groups = suggestions_for(citizen=citizen)
        ranked = [str(s.title) for s in groups[SuggestionKind.OFFER]]
        volunteers = [str(s.title).split()[0] for s in groups[SuggestionKind.VOLUNTEER]]
        good = set(spec["good"])
        wanted = min(3, len(good))
        found = len(set(ranked[:3]) & good)
        hits += min(found, wanted)
        possible += wanted
        lines.append(f"{found}/{wanted}  {spec['name']}: {' | '.join(ranked[:3])}")
        for title in spec["never"]:
            if title in ranked[:5]:
                failures.append(f"{spec['name']}: «{title}» is number {ranked.index(title) + 1}")
        if OUT_OF_SEASON & set(ranked):
            failures.append(f"{spec['name']}: out of season: {OUT_OF_SEASON & set(ranked)}")
        if "first" in spec and (not ranked or ranked[0] != spec["first"]):
            failures.append(f"{spec['name']}: «{spec['first']}» is not first: {ranked[:3]}")
        if "volunteer_first" in spec and volunteers[:1] != [spec["volunteer_first"]]:
            failures.append(f"{spec['name']}: volunteers {volunteers}")
        if "volunteer_not_first" in spec and volunteers[:1] == [spec["volunteer_not_first"]]:
            failures.append(f"{spec['name']}: {spec['volunteer_not_first']} first: {volunteers}")

    precision = hits / possible
    with capsys.disabled():
        print(f"\nJudged ranking: precision@3 = {precision:.2f} over {len(CITIZENS)} citizens")
        for line in lines:
            print("  " + line)
    assert not failures, "\n".join(failures)
    assert precision >= PRECISION_AT_3_THRESHOLD
