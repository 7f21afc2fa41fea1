"""A coordinator's task may be about a volunteer (renewing their certificate) rather than a
citizen: it then names no citizen, and its `data` says which volunteer. A new kind of task for
a volunteer's certificate."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0005_task_data"),
        ("referrals", "0008_caseevent_data"),
    ]

    operations = [
        migrations.AlterField(
            model_name="task",
            name="kind",
            field=models.CharField(
                choices=[
                    ("call_citizen", "Call the citizen"),
                    ("check_first_meeting", "Check the first meeting"),
                    ("rescreen", "Screen again"),
                    ("triage_next_step", "The triage colour's next step"),
                    ("call_before_session", "Call before a group session"),
                    ("after_missed_session", "After a missed session"),
                    ("certificate", "A volunteer's certificate"),
                    ("other", "Other"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="citizen",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tasks",
                to="referrals.citizen",
                verbose_name="citizen",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("citizen__isnull", False), ("data__has_key", "volunteer"), _connector="OR"
                ),
                name="task_about_citizen_or_volunteer",
                violation_error_message="A task is about a citizen or a volunteer.",
            ),
        ),
    ]
