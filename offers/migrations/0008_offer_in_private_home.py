"""Whether an offer is held in a private home: a volunteer going along there needs a valid
certificate, as on a home visit."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0007_offer_waiting_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="in_private_home",
            field=models.BooleanField(
                default=False,
                db_default=False,
                help_text=(
                    "E.g. a meal in a host's home. A volunteer who goes along needs a valid "
                    "certificate."
                ),
                verbose_name="held in a private home",
            ),
        ),
    ]
