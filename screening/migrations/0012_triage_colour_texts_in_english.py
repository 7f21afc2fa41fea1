"""The triage colours' label, meaning and next step in English, shown when the reader chose
English; the colours Brobyg ships get theirs. A colour an administrator has reworded in Danish
keeps an empty English text (Danish is shown) until it is given one."""

from django.db import migrations, models

# The shipped colours (screening/defaults.py): code → {field: (Danish as shipped, English)}.
ENGLISH = {
    "green": {
        "label": ("Grøn", "Green"),
        "meaning": ("Ingen tegn på ensomhed lige nu.", "No signs of loneliness right now."),
        "next_step": ("Screen igen ved næste opfølgning.", "Screen again at the next follow-up."),
    },
    "yellow": {
        "label": ("Gul", "Yellow"),
        "meaning": ("Tegn på ensomhed.", "Signs of loneliness."),
        "next_step": (
            "Tal med borgeren om en aktivitet, og aftal den.",
            "Talk with the citizen about an activity, and agree on it.",
        ),
    },
    "red": {
        "label": ("Rød", "Red"),
        "meaning": ("Tegn på svær ensomhed.", "Signs of severe loneliness."),
        "next_step": (
            "Tilbyd en henvisning til en brobygger (med samtykke).",
            "Offer a referral to a bridge-builder (with consent).",
        ),
    },
    "white": {
        "label": ("Hvid", "White"),
        "meaning": ("Ensomhed afkræftet.", "Loneliness ruled out."),
        "next_step": ("", ""),
    },
    "black": {
        "label": ("Sort", "Black"),
        "meaning": ("Mistanke om ensomhed.", "Loneliness suspected."),
        "next_step": (
            "Screen og tal med borgeren om det.",
            "Screen, and talk with the citizen about it.",
        ),
    },
    "purple": {
        "label": ("Lilla", "Purple"),
        "meaning": ("Ensomhed bekræftet.", "Loneliness confirmed."),
        "next_step": (
            "Henvis til en brobygger (med samtykke).",
            "Refer to a bridge-builder (with consent).",
        ),
    },
    "pink": {
        "label": ("Lyserød", "Pink"),
        "meaning": (
            "Vi arbejder på det: motiverer til en aktivitet.",
            "We are working on it: encouraging an activity.",
        ),
        "next_step": ("Følg op på aktiviteten.", "Follow up on the activity."),
    },
}


def english(apps, schema_editor):
    TriageColour = apps.get_model("screening", "TriageColour")
    for colour in TriageColour.objects.filter(code__in=ENGLISH):
        changed = []
        for field, (danish, text) in ENGLISH[colour.code].items():
            # Only where the Danish is still as shipped: an administrator's own wording is
            # translated by the administrator.
            if text and getattr(colour, field) == danish and not getattr(colour, f"{field}_en"):
                setattr(colour, f"{field}_en", text)
                changed.append(f"{field}_en")
        if changed:
            colour.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("screening", "0011_change_form_direct_question_and_current_colours")]

    operations = [
        migrations.AddField(
            model_name="triagecolour",
            name="label_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="label (English)"),
        ),
        migrations.AddField(
            model_name="triagecolour",
            name="meaning_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="meaning (English)"),
        ),
        migrations.AddField(
            model_name="triagecolour",
            name="next_step_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="next step (English)"),
        ),
        migrations.RunPython(english, migrations.RunPython.noop),
    ]
