"""What screening holds about a citizen. Complete screenings stay as anonymous rows (score,
answers, colour, date, team, setting): the share of scores at 7 or more over time depends on
them. Observations are free text and go; unfinished drafts never count and are deleted."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from screening.models import HomeHelpHours, QualityCheck, Screening, TriageState


def _screenings_anonymise(citizen) -> int:
    screenings = Screening.objects.filter(citizen=citizen)
    # A draft a follow-up task points at is kept (without its observations) rather than broken.
    screenings.filter(is_draft=True, tasks__isnull=True).delete()
    return screenings.update(observations="")


def _screenings_in_use(citizens: QuerySet, cutoff) -> QuerySet:
    """Screened within the retention period, or still on a home-care team's list."""
    return citizens.exclude(
        pk__in=Screening.objects.filter(screened_at__gte=cutoff).values("citizen_id")
    ).exclude(home_care_team__isnull=False)


register(
    PersonalDataSection(
        key="screenings",
        label=_("Screenings"),
        order=60,
        rows=lambda citizen: (
            Screening.objects.filter(citizen=citizen)
            .select_related("instrument", "screened_by", "team")
            .order_by("screened_at")
        ),
        fields=[
            "screened_at",
            "instrument",
            "is_draft",
            "answers",
            "score",
            "triage_label",
            "direct_question",
            "setting",
            "observations",
            "wants_help",
            "screened_by",
            "team",
        ],
        labels={"triage_label": _("triage colour")},
        anonymise=_screenings_anonymise,
        exclude_in_use=_screenings_in_use,
    )
)


def _home_help_hours_anonymise(citizen) -> int:
    # The hours say how much care a person gets; statistics do not count them.
    deleted, _by_model = HomeHelpHours.objects.filter(citizen=citizen).delete()
    return deleted


register(
    PersonalDataSection(
        key="home_help_hours",
        label=_("Hours of home help"),
        order=61,
        rows=lambda citizen: (
            HomeHelpHours.objects.filter(citizen=citizen)
            .select_related("team", "entered_by")
            .order_by("valid_from", "created_at")
        ),
        fields=["valid_from", "hours", "source", "team", "entered_by"],
        anonymise=_home_help_hours_anonymise,
    )
)


def _quality_checks_anonymise(citizen) -> int:
    # The verdict stays with the anonymous screening; the note is free text and goes.
    return QualityCheck.objects.filter(screening__citizen=citizen).update(note="")


register(
    PersonalDataSection(
        key="quality_checks",
        label=_("Quality checks of screenings"),
        order=62,
        rows=lambda citizen: (
            QualityCheck.objects.filter(screening__citizen=citizen)
            .select_related("screening", "checked_by")
            .order_by("created_at")
        ),
        fields=["screening", "reasons", "outcome", "note", "checked_by", "checked_at"],
        anonymise=_quality_checks_anonymise,
    )
)


def _triage_states_anonymise(citizen) -> int:
    # The colours and their dates stay (a team's working state, no one's words); why a colour
    # was set is free text and goes.
    return TriageState.objects.filter(citizen=citizen).update(reason="")


register(
    PersonalDataSection(
        key="triage_states",
        label=_("Triage colours on the teams"),
        order=63,
        rows=lambda citizen: (
            TriageState.objects.filter(citizen=citizen)
            .select_related("team", "colour__scheme", "set_by")
            .order_by("set_at", "created_at")
        ),
        fields=["set_at", "team", "colour", "how", "step_label", "reason", "set_by", "is_current"],
        anonymise=_triage_states_anonymise,
    )
)
