# Home-help hours per citizen and team, the team's "screen everyone from N hours a week",
# and the ambassador's (nøgleperson's) quality checks of screenings.

import uuid

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("referrals", "0008_caseevent_data"),
        ("screening", "0008_teamscreeningsettings_extra_time"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="teamscreeningsettings",
            name="screen_from_home_help_hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Empty: everyone on the team is due for a first screening, whatever their hours.",
                max_digits=5,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(168),
                ],
                verbose_name="screen everyone with at least (hours of home help a week)",
            ),
        ),
        migrations.CreateModel(
            name="HomeHelpHours",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(168),
                        ],
                        verbose_name="hours of home help a week",
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="from")),
                (
                    "source",
                    models.CharField(
                        choices=[("entered", "Entered"), ("import", "Imported")],
                        default="entered",
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                (
                    "citizen",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="home_help_hours",
                        to="referrals.citizen",
                        verbose_name="citizen",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "home-help hours",
                "verbose_name_plural": "home-help hours",
                "ordering": ["-valid_from", "-created_at"],
                "permissions": [
                    ("import_home_help_hours", "Can import any home-care team's hours of home help")
                ],
                "indexes": [
                    models.Index(
                        fields=["citizen", "team", "-valid_from"],
                        name="home_help_hours_current_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("hours__gte", 0), ("hours__lte", 168)),
                        name="home_help_hours_in_a_week",
                        violation_error_message="A week has between 0 and 168 hours.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="QualityCheck",
            fields=[
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("reasons", models.JSONField(default=list, verbose_name="reasons")),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("fine", "Checked – fine"),
                            ("talk_to_screener", "Talk to the screener"),
                        ],
                        max_length=20,
                        verbose_name="outcome",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("checked_at", models.DateTimeField(blank=True, null=True, verbose_name="checked")),
                (
                    "checked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="checked by",
                    ),
                ),
                (
                    "screening",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="quality_check",
                        to="screening.screening",
                        verbose_name="screening",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                        verbose_name="team",
                    ),
                ),
            ],
            options={
                "verbose_name": "quality check",
                "verbose_name_plural": "quality checks",
                "ordering": ["created_at"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("outcome", "")),
                        fields=["team", "created_at"],
                        name="quality_check_open_idx",
                    ),
                    models.Index(fields=["team", "-checked_at"], name="quality_check_done_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("checked_at__isnull", True), ("outcome", "")),
                            models.Q(
                                models.Q(("outcome", ""), _negated=True),
                                ("checked_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="quality_check_outcome_has_time",
                        violation_error_message="A checked screening has an outcome and a time.",
                    )
                ],
            },
        ),
    ]
