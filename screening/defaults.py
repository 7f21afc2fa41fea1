"""What Brobyg ships: the UCLA-3 instrument in Danish and English, and two triage schemes.

`install_defaults` is idempotent. The data migration calls it with the historical models, and
a post-migrate hook with the real ones, so a flushed database (as in tests) gets them again.
"""

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


def install_defaults(Instrument, TriageScheme, TriageColour) -> None:
    """Install what is missing, and only into empty tables: an admin's edits (a renamed
    scheme, a new instrument version) are never undone by a later migrate."""
    if not Instrument.objects.filter(code="ucla3").exists():
        Instrument.objects.create(
            code="ucla3", version="1", name="UCLA-3 (T-ILS)", definition=UCLA3, is_active=True
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
            )
