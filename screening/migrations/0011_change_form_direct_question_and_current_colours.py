"""The change form and the direct question as instruments in use, Greve's procedure on the
shipped workflow scheme (when it has none), and each citizen's colour on a team now: the colour
of their latest complete screening there (as the board showed it until now)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def _current_colours(apps) -> None:
    Screening = apps.get_model("screening", "Screening")
    TriageColour = apps.get_model("screening", "TriageColour")
    TriageState = apps.get_model("screening", "TriageState")
    Case = apps.get_model("referrals", "Case")
    colours = {(c.scheme_id, c.code): c for c in TriageColour.objects.all()}
    with_open_case = set(Case.objects.exclude(status="closed").values_list("citizen_id", flat=True))
    latest = (
        Screening.objects.filter(is_draft=False, team__isnull=False, triage_scheme__isnull=False)
        .exclude(triage_code="")
        .order_by("citizen_id", "team_id", "-screened_at")
        .distinct("citizen_id", "team_id")
    )
    states = []
    for screening in latest.iterator(chunk_size=2000):
        colour = colours.get((screening.triage_scheme_id, screening.triage_code))
        if colour is None:
            continue
        next_step, deadline = colour.next_step, None
        if colour.next_step_is_referral and screening.citizen_id in with_open_case:
            next_step = ""
        if next_step and colour.deadline_days is not None:
            on = timezone.localtime(screening.screened_at).date()
            deadline = on + timedelta(days=colour.deadline_days)
        states.append(
            TriageState(
                citizen_id=screening.citizen_id,
                team_id=screening.team_id,
                colour=colour,
                how="hand" if screening.triage_by_hand else "screening",
                set_at=screening.screened_at,
                set_by_id=screening.screened_by_id,
                screening_id=screening.pk,
                next_step=next_step,
                deadline=deadline,
                is_current=True,
            )
        )
    TriageState.objects.bulk_create(states, batch_size=1000)


def forwards(apps, schema_editor):
    from screening.defaults import (
        WORKFLOW_PROCEDURE,
        install_other_instruments,
        install_procedure,
    )

    install_other_instruments(apps.get_model("screening", "Instrument"))
    TriageScheme = apps.get_model("screening", "TriageScheme")
    workflow = TriageScheme.objects.filter(name="Arbejdsgang").first()
    if workflow is not None:
        install_procedure(
            workflow,
            apps.get_model("screening", "TriageColour"),
            apps.get_model("screening", "TriageTransition"),
            WORKFLOW_PROCEDURE,
        )
    _current_colours(apps)


def backwards(apps, schema_editor):
    apps.get_model("screening", "TriageState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("screening", "0010_triage_state_and_procedures"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
