"""The quality check of screenings by the team's ambassador (nøgleperson), as in Holstebro:
"Lav et motivations- og kvalitetstjek af screeningen" — "det er nemmest blot at svare nej".

A screening is put in the team's queue when it is recorded, for these reasons:

- "hardly ever" (the lowest answer) to every question at the citizen's first screening;
- a score 4 or more away from the citizen's previous screening, up or down.

Two rules one might expect are not here because a screening does not hold what they need: it
has one time (`screened_at`), not when it began and ended, so "completed in under a minute"
cannot be told; and the screener cannot mark a screening "unsure".
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import long_text
from screening.constants import QualityFlag, QualityOutcome
from screening.models import QualityCheck, Screening

# A change of this many points or more since the previous screening is looked at again.
SCORE_JUMP = 4


def quality_reasons(screening: Screening) -> tuple[list[str], dict]:
    """Why a complete screening should be looked at again (QualityFlag codes), and the values
    the reasons are read with; ([], {}) when nothing stands out. Screenings are compared with
    the same instrument's only (any version of it): a change form's score is not UCLA-3's."""
    instrument = screening.instrument
    previous = (
        Screening.objects.filter(
            citizen_id=screening.citizen_id,
            instrument__code=instrument.code,
            is_draft=False,
            screened_at__lt=screening.screened_at,
        )
        .exclude(pk=screening.pk)
        .order_by("-screened_at")
        .values("score")
        .first()
    )
    reasons, data = [], {}
    if previous is None:
        scores = instrument.answer_scores
        lowest = min(scores.values())
        answers = screening.answers
        if answers and all(scores.get(value) == lowest for value in answers.values()):
            reasons.append(QualityFlag.ALL_LOWEST_FIRST.value)
    elif (
        screening.score is not None
        and previous["score"] is not None
        and abs(screening.score - previous["score"]) >= SCORE_JUMP
    ):
        reasons.append(QualityFlag.SCORE_JUMP.value)
        data["previous_score"] = previous["score"]
    return reasons, data


def quality_flag(*, screening: Screening) -> QualityCheck | None:
    """Put a just-recorded screening in its team's quality-check queue if a rule says so.
    Called by screening_record inside its transaction; a screening without a team has no
    ambassador to look at it."""
    if screening.is_draft or screening.team_id is None:
        return None
    reasons, data = quality_reasons(screening)
    if not reasons:
        return None
    check, _created = QualityCheck.objects.get_or_create(
        screening=screening,
        defaults={"team_id": screening.team_id, "reasons": reasons, "data": data},
    )
    return check


@transaction.atomic
def quality_check_mark(
    *, check: QualityCheck, outcome: str, note: str, actor: User
) -> QualityCheck:
    """The ambassador's verdict: "checked – fine", or "talk to the screener" with what about.
    Someone on the screening's team checks it, once, and never their own screening."""
    check = QualityCheck.objects.select_for_update().select_related("screening").get(pk=check.pk)
    note = (note or "").strip()
    errors = {}
    if check.outcome:
        errors["outcome"] = [_("This screening has already been checked.")]
    elif outcome not in QualityOutcome.values:
        errors["outcome"] = [_("Choose “Checked – fine” or “Talk to the screener”.")]
    if not actor.memberships.filter(team_id=check.team_id).exists():
        errors["outcome"] = [_("Only someone on the screening's team checks it.")]
    elif check.screening.screened_by_id == actor.pk:
        errors["outcome"] = [_("Someone other than the screener checks a screening.")]
    if outcome == QualityOutcome.TALK_TO_SCREENER and not note:
        errors["note"] = [_("Write what to talk to the screener about.")]
    try:
        long_text()(note)
    except ValidationError as exc:
        errors["note"] = exc.messages
    if errors:
        raise ValidationError(errors)
    check.outcome = outcome
    check.note = note
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.save(update_fields=["outcome", "note", "checked_by", "checked_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=check,
        fields=["outcome", "note", "checked_by", "checked_at"],
    )
    return check
