"""What Brobyg ships: the UCLA-3 instrument in Danish and English, the conversation tips the
tablet shows with it, two triage schemes (the workflow scheme with its procedure), and two
instruments whose answers give a colour by rule: the change form and the direct question.

`install_defaults` is idempotent. The data migration calls it with the historical models, and
a post-migrate hook with the real ones, so a flushed database (as in tests) gets them again.
"""

# How to open the talk, and how to make the feeling normal to speak about (the municipalities'
# experience, seed 003). Data per language like the instrument's wording: an instrument's
# definition may carry its own ("tips"); one without shows these.
CONVERSATION_TIPS = [
    {
        "da": "Begynd med hverdagen: spørg til familie, venner, og hvordan dagene går.",
        "en": "Start with the everyday: ask about family, friends and what the days are like.",
    },
    {
        "da": "Mange føler sig alene en gang imellem, også med familie omkring sig. "
        "Sig det: det er helt almindeligt.",
        "en": "Many people feel alone at times, also with family around them. "
        "Say so: it is normal.",
    },
    {
        "da": "Læg mærke til små åbninger, fx højtider alene eller aldrig at komme ud af huset.",
        "en": "Notice small openings, like holidays spent alone or never getting out of the house.",
    },
    {
        "da": "“Nej” er det nemmeste svar at give. Tag dig tid, og spørg igen med dine egne ord.",
        "en": "“No” is the easiest answer to give. Take your time, and ask again in your own "
        "words.",
    },
]

UCLA3 = {
    "items": [
        {
            "code": "lack_companionship",
            "text": {
                "da": "Hvor ofte føler du, at du savner nogen at være sammen med?",
                "en": "How often do you feel that you lack companionship?",
            },
        },
        {
            "code": "left_out",
            "text": {
                "da": "Hvor ofte føler du dig udenfor?",
                "en": "How often do you feel left out?",
            },
        },
        {
            "code": "isolated",
            "text": {
                "da": "Hvor ofte føler du dig isoleret fra andre?",
                "en": "How often do you feel isolated from others?",
            },
        },
    ],
    "answers": [
        {"value": 1, "score": 1, "label": {"da": "Næsten aldrig", "en": "Hardly ever or never"}},
        {"value": 2, "score": 2, "label": {"da": "En gang imellem", "en": "Some of the time"}},
        {"value": 3, "score": 3, "label": {"da": "Ofte", "en": "Often"}},
    ],
}

# (code, label, hex, rank, min, max, meaning, next step, deadline in days)
TRAFFIC_LIGHT = [
    (
        "green",
        "Grøn",
        "#2e7d32",
        1,
        3,
        5,
        "Ingen tegn på ensomhed lige nu.",
        "Screen igen ved næste opfølgning.",
        None,
    ),
    (
        "yellow",
        "Gul",
        "#f2b600",
        2,
        6,
        6,
        "Tegn på ensomhed.",
        "Tal med borgeren om en aktivitet, og aftal den.",
        14,
    ),
    (
        "red",
        "Rød",
        "#c62828",
        3,
        7,
        9,
        "Tegn på svær ensomhed.",
        "Tilbyd en henvisning til en brobygger (med samtykke).",
        7,
    ),
]
# The shipped colours whose next step is to refer to a bridge-builder.
REFERRAL_COLOURS = {"red", "purple"}

WORKFLOW = [
    ("white", "Hvid", "#ffffff", 0, None, None, "Ensomhed afkræftet.", "", None),
    (
        "black",
        "Sort",
        "#212121",
        1,
        None,
        None,
        "Mistanke om ensomhed.",
        "Screen og tal med borgeren om det.",
        14,
    ),
    (
        "purple",
        "Lilla",
        "#6a1b9a",
        2,
        None,
        None,
        "Ensomhed bekræftet.",
        "Henvis til en brobygger (med samtykke).",
        7,
    ),
    (
        "pink",
        "Lyserød",
        "#e8559a",
        3,
        None,
        None,
        "Vi arbejder på det: motiverer til en aktivitet.",
        "Følg op på aktiviteten.",
        14,
    ),
]


# The shipped colours' label, meaning and next step in English (shown under English).
COLOURS_IN_ENGLISH = {
    "green": ("Green", "No signs of loneliness right now.", "Screen again at the next follow-up."),
    "yellow": (
        "Yellow",
        "Signs of loneliness.",
        "Talk with the citizen about an activity, and agree on it.",
    ),
    "red": (
        "Red",
        "Signs of severe loneliness.",
        "Offer a referral to a bridge-builder (with consent).",
    ),
    "white": ("White", "Loneliness ruled out.", ""),
    "black": ("Black", "Loneliness suspected.", "Screen, and talk with the citizen about it."),
    "purple": ("Purple", "Loneliness confirmed.", "Refer to a bridge-builder (with consent)."),
    "pink": (
        "Pink",
        "We are working on it: encouraging an activity.",
        "Follow up on the activity.",
    ),
}


def install_defaults(Instrument, TriageScheme, TriageColour, TriageTransition=None) -> None:
    """Install what is missing, and only into empty tables: an admin's edits (a renamed
    scheme, a new instrument version) are never undone by a later migrate. With
    `TriageTransition` (the models since schemes have procedures), the workflow scheme comes
    with its procedure."""
    # The historical models of the first data migration predate the fields added since.
    instrument_fields = {f.name for f in Instrument._meta.get_fields()}
    colour_fields = {f.name for f in TriageColour._meta.get_fields()}
    if not Instrument.objects.filter(code="ucla3").exists():
        in_use = {"status": "active"} if "status" in instrument_fields else {"is_active": True}
        Instrument.objects.create(
            code="ucla3", version="1", name="UCLA-3 (T-ILS)", definition=UCLA3, **in_use
        )
    if TriageScheme.objects.exists():
        return
    for name, description, default, raises, colours in [
        (
            "Trafiklys",
            "Farve efter UCLA-3-score: grøn 3–5, gul 6, rød 7–9. "
            "Svarer borgeren “ofte” på det direkte spørgsmål, hæves farven ét trin.",
            True,
            True,
            TRAFFIC_LIGHT,
        ),
        (
            "Arbejdsgang",
            "Greves arbejdsgangsfarver, sat i hånden: sort mistanke, lilla bekræftet, "
            "hvid afkræftet, lyserød vi arbejder på det.",
            False,
            False,
            WORKFLOW,
        ),
    ]:
        scheme, created = TriageScheme.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "is_default": default,
                "raise_on_direct_often": raises,
            },
        )
        if not created:
            continue
        for code, label, hex_, rank, low, high, meaning, step, days in colours:
            extra = {}
            if "next_step_is_referral" in colour_fields:
                extra["next_step_is_referral"] = code in REFERRAL_COLOURS
            if "label_en" in colour_fields:
                label_en, meaning_en, next_step_en = COLOURS_IN_ENGLISH[code]
                extra.update(label_en=label_en, meaning_en=meaning_en, next_step_en=next_step_en)
            TriageColour.objects.create(
                scheme=scheme,
                code=code,
                label=label,
                hex=hex_,
                rank=rank,
                min_score=low,
                max_score=high,
                meaning=meaning,
                next_step=step,
                deadline_days=days,
                **extra,
            )
        if TriageTransition is not None and colours is WORKFLOW:
            install_procedure(scheme, TriageColour, TriageTransition, WORKFLOW_PROCEDURE)


# Greve's procedure for the workflow colours: (from, to, the step's name, a reason required).
# From None: from no colour yet, or one of the team's earlier scheme.
WORKFLOW_PROCEDURE = [
    (None, "black", "Mistanke", False),
    ("white", "black", "Ny mistanke", False),
    ("black", "purple", "Bekræftet", False),
    ("black", "white", "Afkræftet", True),
    ("purple", "pink", "Vi arbejder på det", False),
    ("pink", "purple", "Aktiviteten holdt ikke", False),
    ("pink", "white", "Ikke længere ensom", True),
]


def install_procedure(scheme, TriageColour, TriageTransition, procedure) -> int:
    """The steps of a procedure on a scheme that has none yet (an admin's procedure is never
    touched), for the colours the scheme has. How many steps were made."""
    if TriageTransition.objects.filter(scheme=scheme).exists():
        return 0
    colours = {colour.code: colour for colour in TriageColour.objects.filter(scheme=scheme)}
    made = 0
    for order, (source, target, label, reason_required) in enumerate(procedure):
        if target not in colours or (source is not None and source not in colours):
            continue
        TriageTransition.objects.create(
            scheme=scheme,
            from_colour=colours.get(source),
            to_colour=colours[target],
            label=label,
            reason_required=reason_required,
            order=order,
        )
        made += 1
    return made


# Instruments whose answers give a colour by rule ("kind": "rule"): the first rule the answers
# meet names the colour, as codes of which the first the team's scheme has counts (the traffic
# light's, then the workflow colours'); no rule met leaves the citizen's colour as it was.

CHANGE_FORM_CODE = "aendringsskema"

# Sorø's change form (ændringsskema, TidligOpsporing Plus) filled in with the citizen at least
# every third month, with its two categories of loneliness, "Nære relationer" and
# "Kontaktsøgende" (seed 003): what the citizen tells gives yellow, and an activity is agreed.
CHANGE_FORM = {
    "kind": "rule",
    "items": [
        {
            "code": "close_relations",
            "text": {
                "da": "Nære relationer: Er der sket en ændring i borgerens nære relationer "
                "(fx et dødsfald, færre besøg, savner nogen)?",
                "en": "Close relations: has something changed in the citizen's close relations "
                "(a death, fewer visits, missing someone)?",
            },
        },
        {
            "code": "contact_seeking",
            "text": {
                "da": "Kontaktsøgende: Søger borgeren mere kontakt end før "
                "(fx flere alarmkald, vil gerne holde på medarbejderen)?",
                "en": "Contact-seeking: does the citizen seek more contact than before "
                "(more alarm calls, wants the staff to stay)?",
            },
        },
        {
            "code": "reports_loneliness",
            "text": {
                "da": "Fortæller borgeren, at vedkommende føler sig ensom?",
                "en": "Does the citizen say they feel lonely?",
            },
        },
    ],
    "answers": [
        {"value": 1, "score": 0, "label": {"da": "Nej", "en": "No"}},
        {"value": 2, "score": 1, "label": {"da": "Ja", "en": "Yes"}},
    ],
    "rules": [
        {"item": "reports_loneliness", "answers": [2], "colour": ["yellow", "purple"]},
        {"item": "close_relations", "answers": [2], "colour": ["yellow", "black"]},
        {"item": "contact_seeking", "answers": [2], "colour": ["yellow", "black"]},
    ],
}

DIRECT_QUESTION_CODE = "direkte_spoergsmaal"

DIRECT_QUESTION = {
    "kind": "rule",
    "items": [
        {
            "code": "feels_lonely",
            "text": {"da": "Føler du dig ensom?", "en": "Do you feel lonely?"},
        },
    ],
    "answers": [
        {"value": 1, "score": 1, "label": {"da": "Nej", "en": "No"}},
        {"value": 2, "score": 2, "label": {"da": "Ja, en gang imellem", "en": "Yes, at times"}},
        {"value": 3, "score": 3, "label": {"da": "Ja, ofte", "en": "Yes, often"}},
    ],
    "rules": [
        {"item": "feels_lonely", "answers": [3], "colour": ["red", "purple"]},
        {"item": "feels_lonely", "answers": [2], "colour": ["yellow", "black"]},
        {"item": "feels_lonely", "answers": [1], "colour": ["green"]},
    ],
}

OTHER_INSTRUMENTS = [
    (CHANGE_FORM_CODE, "Ændringsskema: ensomhed", CHANGE_FORM),
    (DIRECT_QUESTION_CODE, "Direkte spørgsmål: Føler du dig ensom?", DIRECT_QUESTION),
]


def install_other_instruments(Instrument) -> None:
    """The change form and the direct question, in use, unless the instrument exists already
    (in any version: an admin's own version is never replaced)."""
    for code, name, definition in OTHER_INSTRUMENTS:
        if not Instrument.objects.filter(code=code).exists():
            Instrument.objects.create(
                code=code, version="1", name=name, definition=definition, status="active"
            )
