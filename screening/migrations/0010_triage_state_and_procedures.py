"""The citizen's triage colour per team with its history (TriageState), and each scheme's
procedure: the steps allowed between its colours (TriageTransition)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("referrals", "0001_initial"),
        ("screening", "0009_home_help_hours_and_quality_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TriageTransition",
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
                    "label",
                    models.CharField(
                        help_text="What the board calls the step, e.g. “Bekræftet”.",
                        max_length=60,
                        verbose_name="step",
                    ),
                ),
                (
                    "reason_required",
                    models.BooleanField(default=False, verbose_name="a reason is required"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "from_colour",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: from no colour yet, or from a colour of the team's earlier scheme.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="screening.triagecolour",
                        verbose_name="from",
                    ),
                ),
                (
                    "scheme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="transitions",
                        to="screening.triagescheme",
                        verbose_name="scheme",
                    ),
                ),
                (
                    "to_colour",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="screening.triagecolour",
                        verbose_name="to",
                    ),
                ),
            ],
            options={
                "verbose_name": "step of the procedure",
                "verbose_name_plural": "steps of the procedure",
                "ordering": ["scheme", "order", "label"],
            },
        ),
        migrations.CreateModel(
            name="TriageState",
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
                    "how",
                    models.CharField(
                        choices=[
                            ("screening", "By a screening"),
                            ("procedure", "By the team's procedure"),
                            ("instrument", "By another instrument"),
                            ("hand", "Set by hand"),
                        ],
                        max_length=12,
                        verbose_name="set",
                    ),
                ),
                (
                    "set_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="set at"),
                ),
                ("step_label", models.CharField(blank=True, max_length=60, verbose_name="step")),
                ("reason", models.TextField(blank=True, verbose_name="why")),
                (
                    "next_step",
                    models.CharField(blank=True, max_length=300, verbose_name="next step"),
                ),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="deadline")),
                ("is_current", models.BooleanField(default=True, verbose_name="current")),
                (
                    "citizen",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="triage_states",
                        to="referrals.citizen",
                        verbose_name="citizen",
                    ),
                ),
                (
                    "colour",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="screening.triagecolour",
                        verbose_name="colour",
                    ),
                ),
                (
                    "screening",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="triage_states",
                        to="screening.screening",
                        verbose_name="screening",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="set by",
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
                (
                    "transition",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="screening.triagetransition",
                        verbose_name="step of the procedure",
                    ),
                ),
            ],
            options={
                "verbose_name": "triage state",
                "verbose_name_plural": "triage states",
                "ordering": ["-set_at"],
            },
        ),
        migrations.AddConstraint(
            model_name="triagetransition",
            constraint=models.UniqueConstraint(
                fields=("scheme", "from_colour", "to_colour"),
                name="triage_transition_unique",
                nulls_distinct=False,
                violation_error_message="The procedure already has a step between these.",
            ),
        ),
        migrations.AddConstraint(
            model_name="triagetransition",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_colour", models.F("to_colour")), _negated=True),
                name="triage_transition_moves",
                violation_error_message="A step moves to another colour.",
            ),
        ),
        migrations.AddIndex(
            model_name="triagestate",
            index=models.Index(
                fields=["citizen", "team", "-set_at"], name="triage_state_history_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="triagestate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("citizen", "team"),
                name="triage_state_one_current",
                violation_error_message="The citizen already has a colour on this team.",
            ),
        ),
        migrations.AddConstraint(
            model_name="triagestate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("how__in", ["screening", "instrument"]), _negated=True),
                    ("screening__isnull", False),
                    _connector="OR",
                ),
                name="triage_state_screening_has_screening",
                violation_error_message="A colour given by a screening names the screening.",
            ),
        ),
    ]
