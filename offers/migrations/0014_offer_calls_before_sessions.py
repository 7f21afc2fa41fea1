"""Whether the citizens coming to a group offer are called before each session ("Kommer du i
morgen?"), and how many days before."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0013_contact_agreements"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="call_before_sessions",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Each citizen coming is called before the session: 'Are you coming?'",
                verbose_name="call before each session",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="call_days_before",
            field=models.PositiveSmallIntegerField(
                db_default=1,
                default=1,
                help_text="1: the day before.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(7),
                ],
                verbose_name="days before the session to call",
            ),
        ),
    ]
