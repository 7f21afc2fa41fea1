"""Every other week is counted from the meeting time's first time (valid_from). Meeting times
made before without one were counted from the day they were last saved: that day's rhythm,
the one the open data has shown since, becomes their first time, so that it stays."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def count_from_first_time(apps, schema_editor):
    OfferSchedule = apps.get_model("offers", "OfferSchedule")
    rows = OfferSchedule.objects.filter(frequency="biweekly", valid_from__isnull=True)
    for schedule in rows.only("pk", "weekday", "created_at").iterator():
        made = timezone.localdate(schedule.created_at)
        schedule.valid_from = made + timedelta(days=(schedule.weekday - made.weekday()) % 7)
        schedule.save(update_fields=["valid_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0009_needs_arranged"),
    ]

    operations = [
        migrations.RunPython(count_from_first_time, migrations.RunPython.noop),
    ]
