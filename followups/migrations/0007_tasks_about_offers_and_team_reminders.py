from django.db import migrations, models


class Migration(migrations.Migration):
    """Ending well: a task to find another offer (a paused or stopped one's matched citizens; a
    coordinator's such task is about the offer and names no citizen), and the reminder to a
    team about a task nobody holds."""

    dependencies = [
        ("followups", "0006_task_about_a_volunteer"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="task",
            name="task_about_citizen_or_volunteer",
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("day_before", "The day before"),
                    ("due", "On the day"),
                    ("digest", "Daily digest"),
                    ("escalation", "Overdue, to the team lead"),
                    ("unassigned", "Nobody holds it, to the team"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
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
                    ("find_another_offer", "Find another offer for the citizen"),
                    ("other", "Other"),
                ],
                max_length=32,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("citizen__isnull", False),
                    ("data__has_key", "volunteer"),
                    ("data__has_key", "offer_id"),
                    _connector="OR",
                ),
                name="task_about_citizen_or_volunteer",
                violation_error_message="A task is about a citizen, a volunteer or an offer.",
            ),
        ),
    ]
