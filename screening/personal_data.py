"""What screening holds about a citizen. Complete screenings stay as anonymous rows (score,
answers, colour, date, team, setting): the share of scores at 7 or more over time depends on
them. Observations are free text and go; unfinished drafts never count and are deleted."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from screening.models import Screening


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
