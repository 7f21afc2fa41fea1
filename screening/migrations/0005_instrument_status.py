"""A version of an instrument is a draft, in use or retired, instead of in use or not: a new
version is written as a draft and put in use in one step that retires the old one."""

from django.db import migrations, models


def status_from_in_use(apps, schema_editor):
    """In use stays in use. A version not in use that screenings used was in use once: retired.
    One no screening used was being prepared: a draft, to be finished and put in use."""
    Instrument = apps.get_model("screening", "Instrument")
    Screening = apps.get_model("screening", "Screening")
    used = set(Screening.objects.values_list("instrument_id", flat=True).distinct())
    for instrument in Instrument.objects.all():
        if instrument.is_active:
            instrument.status = "active"
            instrument.activated_at = instrument.created_at
        elif instrument.pk in used:
            instrument.status = "retired"
            instrument.retired_at = instrument.updated_at
        else:
            instrument.status = "draft"
        instrument.save(update_fields=["status", "activated_at", "retired_at"])


def in_use_from_status(apps, schema_editor):
    Instrument = apps.get_model("screening", "Instrument")
    Instrument.objects.update(is_active=False)
    Instrument.objects.filter(status="active").update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_statistics_indexes")]

    operations = [
        migrations.AddField(
            model_name="instrument",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("active", "In use"), ("retired", "Retired")],
                default="draft",
                help_text="New screenings use the version in use.",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="instrument",
            name="activated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="put in use"),
        ),
        migrations.AddField(
            model_name="instrument",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retired"),
        ),
        migrations.RunPython(status_from_in_use, in_use_from_status),
    ]
