"""Barriers a person can solve: whether the citizen needs someone to go along, and who arranged
going along, transport and an interpreter."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0008_offer_in_private_home"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchprofile",
            name="needs_companion",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The citizen will not go to a new place alone.",
                verbose_name="needs someone to go along",
            ),
        ),
        migrations.AddField(
            model_name="matchprofile",
            name="companion_arranged_by",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="E.g. 'her daughter'. Empty: not arranged yet.",
                max_length=200,
                verbose_name="going along arranged with",
            ),
        ),
        migrations.AddField(
            model_name="matchprofile",
            name="transport_arranged_by",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="E.g. 'a neighbour who drives'. Empty: not arranged yet.",
                max_length=200,
                verbose_name="transport arranged with",
            ),
        ),
        migrations.AddField(
            model_name="matchprofile",
            name="language_help_arranged_by",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="E.g. 'her son interprets'. Empty: not arranged yet.",
                max_length=200,
                verbose_name="interpreter arranged with",
            ),
        ),
    ]
