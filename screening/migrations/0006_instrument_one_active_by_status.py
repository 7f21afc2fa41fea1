"""One version in use per instrument, now said by the status; "in use or not" goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_instrument_status")]

    operations = [
        migrations.RemoveConstraint(model_name="instrument", name="instrument_one_active"),
        migrations.RemoveField(model_name="instrument", name="is_active"),
        migrations.AddConstraint(
            model_name="instrument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "active")),
                fields=("code",),
                name="instrument_one_active",
                violation_error_message=(
                    "Another version of this instrument is in use. Put this one in use with "
                    "“Put in use”: that retires the other at the same moment."
                ),
            ),
        ),
    ]
