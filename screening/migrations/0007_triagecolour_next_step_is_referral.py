"""A colour says whether its next step is a referral to a bridge-builder (then it is not given to
a citizen who has an open case, and is done when the citizen is referred). The colours Brobyg
shipped with that step are marked; a step an administrator has reworded is left for them."""

from django.db import migrations, models

# The next steps Brobyg shipped that are a referral (screening/defaults.py).
SHIPPED_REFERRAL_STEPS = {
    ("red", "Tilbyd en henvisning til en brobygger (med samtykke)."),
    ("purple", "Henvis til en brobygger (med samtykke)."),
}


def mark_shipped(apps, schema_editor):
    TriageColour = apps.get_model("screening", "TriageColour")
    for code, step in SHIPPED_REFERRAL_STEPS:
        TriageColour.objects.filter(code=code, next_step=step).update(next_step_is_referral=True)


class Migration(migrations.Migration):
    dependencies = [("screening", "0006_instrument_one_active_by_status")]

    operations = [
        migrations.AddField(
            model_name="triagecolour",
            name="next_step_is_referral",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Then it is not given when the citizen already has an open case, and it is "
                    "done when the citizen is referred."
                ),
                verbose_name="the next step is a referral to a bridge-builder",
            ),
        ),
        migrations.RunPython(mark_shipped, migrations.RunPython.noop),
    ]
