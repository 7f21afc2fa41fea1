"""Recording screenings: scoring by the instrument's own data, and the colour of the citizen's
team's triage scheme at that moment (copied onto the screening, so later edits never change it)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.constants import AuditAction
from audit.services import audit_record
from core.exceptions import Conflict
from core.validators import long_text, validate_screened_at
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from referrals.constants import CaseEventKind, CaseStatus
from referrals.models import Case, Citizen
from referrals.timeline import case_event_record
from screening.constants import DirectAnswer, InstrumentKind, InstrumentStatus, ScreeningSetting
from screening.models import (
    Instrument,
    Screening,
    TriageColour,
    TriageScheme,
)
from screening.selectors import team_scheme, triage_teams
from screening.services.instruments import instrument_active
from screening.services.quality import quality_flag
from screening.services.triage_state import (
    REFERRAL_STEP,
    next_step_replaced,
    triage_state_from_screening,
)


class NoTriageScheme(Conflict):
    code = "no_triage_scheme"
    default_message = gettext_lazy(
        "No triage scheme is the default, and the citizen's team has none, so the screening "
        "cannot be given a colour. Ask an administrator to choose a default scheme."
    )


# A screening this many days before the follow-up plan's re-screening is due, or later, is that
# re-screening: the outcome measured at about three months.
OUTCOME_WINDOW_DAYS = 14


def answers_check(*, instrument: Instrument, answers, complete: bool) -> dict[str, int]:
    """The answers as {item: value}. Every problem is reported under the item's own name."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Give the answers as one value per question.")})
    # Errors are keyed "answers.<item>", so the API answers {"answers": {"<item>": [...]}}.
    allowed = sorted(instrument.answer_scores)
    errors, clean = {}, {}
    unknown = sorted(set(answers) - set(instrument.item_codes))
    for code in unknown:
        errors[code] = [_("This instrument has no question “%(code)s”.") % {"code": code}]
    for code in instrument.item_codes:
        value = answers.get(code)
        if value is None or value == "":
            if complete:
                errors[code] = [_("Answer this question (or save the screening as a draft).")]
            continue
        if isinstance(value, bool) or not isinstance(value, int | str):
            errors[code] = [_("The answer must be one of %(values)s.") % {"values": allowed}]
            continue
        try:
            number = int(value)
        except ValueError:
            number = None
        if number not in instrument.answer_scores:
            errors[code] = [
                _("The answer must be one of %(values)s.")
                % {"values": ", ".join(str(v) for v in allowed)}
            ]
            continue
        clean[code] = number
    if errors:
        raise ValidationError({f"answers.{code}": messages for code, messages in errors.items()})
    return clean


def screening_score(*, instrument: Instrument, answers: dict[str, int]) -> int:
    """The sum of the answers' scores. Only for complete answers: a missing item is never 0."""
    scores = instrument.answer_scores
    return sum(scores[answers[code]] for code in instrument.item_codes)


def scheme_for_citizen(citizen: Citizen) -> tuple[TriageScheme, Team | None]:
    """The triage scheme of the citizen's team: home care first, then the open case's team."""
    team = citizen.home_care_team
    if team is None:
        case = citizen.cases.exclude(status=CaseStatus.CLOSED).select_related("team").first()
        team = case.team if case else None
    # The team's own scheme, else the default, in one query.
    scheme = team_scheme(team)
    if scheme is None:
        raise NoTriageScheme
    return scheme, team


def _screeners_board(*, citizen: Citizen, screened_by: User) -> tuple[TriageScheme, Team | None]:
    """The scheme and the team whose board the screening's colour goes on: the citizen's team
    when it is the screener's, else the first of the screener's teams that has the citizen (a
    worker who knows the citizen through another team's grant sets the colour on their own
    board, never the owning team's). No team when none of the screener's has the citizen."""
    scheme, team = scheme_for_citizen(citizen)
    if team is None or team.pk in user_team_ids(screened_by):
        return scheme, team
    teams = triage_teams(user=screened_by, citizen=citizen)
    if not teams:
        return scheme, None
    return team_scheme(teams[0]) or scheme, teams[0]


def triage_resolve(
    *, scheme: TriageScheme, score: int, direct_question: str = "", by_hand: str = ""
) -> tuple[TriageColour | None, bool]:
    """The colour for a score under the scheme, and whether it was set by hand.

    Only a colour the scheme sets by hand can be chosen: a colour that follows the score is the
    score's, so a screening of 9 can never be called green."""
    colours = list(scheme.colours.order_by("rank"))
    if by_hand:
        for colour in colours:
            if colour.code == by_hand and colour.set_by_hand:
                return colour, True
        if any(colour.code == by_hand for colour in colours):
            raise ValidationError(
                {
                    "triage": _(
                        "In the scheme “%(scheme)s” the colour “%(code)s” follows the score; "
                        "it cannot be chosen by hand. Leave the colour out."
                    )
                    % {"scheme": scheme.name, "code": by_hand}
                }
            )
        raise ValidationError(
            {
                "triage": _("The scheme “%(scheme)s” has no colour “%(code)s”.")
                % {"scheme": scheme.name, "code": by_hand}
            }
        )
    matching = [
        c for c in colours if c.min_score is not None and c.min_score <= score <= c.max_score
    ]
    if not matching:
        if all(c.set_by_hand for c in colours):
            raise ValidationError({"triage": _("This team sets the colour by hand: choose one.")})
        return None, False
    colour = matching[0]
    if scheme.raise_on_direct_often and direct_question == DirectAnswer.OFTEN:
        higher = [c for c in colours if c.rank > colour.rank and not c.set_by_hand]
        if higher:
            colour = higher[0]
    return colour, False


def triage_by_rule(
    *, scheme: TriageScheme, instrument: Instrument, answers: dict[str, int]
) -> tuple[TriageColour | None, bool]:
    """The colour another instrument's answers give by its rules (Sorø's change form: a change
    in close relations gives yellow): of the codes the first rule met names, the first the
    scheme has. None when no rule is met, or the scheme has none of them: the citizen's colour
    then stays as it was."""
    colours = {colour.code: colour for colour in scheme.colours.all()}
    codes = instrument.rule_colour_codes(answers)
    return next((colours[code] for code in codes if code in colours), None), False


@dataclass
class ScreeningResult:
    screening: Screening
    created: bool
    task: Task | None = None


def _existing_for_key(key: UUID, citizen: Citizen) -> Screening | None:
    existing = Screening.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.citizen_id != citizen.pk:
        raise ValidationError({"idempotency_key": _("This key was used for another citizen.")})
    return existing


def _result_of_existing(screening: Screening) -> ScreeningResult:
    """The answer to a resend is the first answer: the tablet that never saw it shows the same
    score, colour and next step (the task the first time made, even if done since)."""
    task = (
        Task.objects.filter(screening=screening, kind=TaskKind.TRIAGE_NEXT_STEP)
        .order_by("created_at")
        .first()
    )
    return ScreeningResult(screening, created=False, task=task)


def screening_record(
    *,
    citizen: Citizen,
    answers,
    screened_by: User,
    direct_question: str = "",
    setting: str = ScreeningSetting.HOME_VISIT,
    observations: str = "",
    wants_help: bool | None = None,
    triage: str = "",
    triage_reason: str = "",
    draft: bool = False,
    draft_of: Screening | None = None,
    idempotency_key: UUID | None = None,
    screened_at: datetime | None = None,
    instrument: Instrument | None = None,
    task: Task | None = None,
) -> ScreeningResult:
    """Record a screening (or keep an unfinished one as a draft).

    With an idempotency key, sending the same screening again returns the first one: a tablet
    that resends after a lost connection never makes a second screening.

    `instrument` is the version the person answered (the tablet says which it showed); without
    it, the version in use. `task` is the "screen again" this screening was made for: it is done
    even when it is the follow-up plan's re-screening, which other screenings leave open.
    """
    if idempotency_key is not None:
        existing = _existing_for_key(idempotency_key, citizen)
        if existing is not None:
            return _result_of_existing(existing)
    try:
        with transaction.atomic():
            return _screening_record(
                citizen=citizen,
                answers=answers,
                screened_by=screened_by,
                direct_question=direct_question,
                setting=setting,
                observations=observations,
                wants_help=wants_help,
                triage=triage,
                triage_reason=triage_reason,
                draft=draft,
                draft_of=draft_of,
                idempotency_key=idempotency_key,
                screened_at=screened_at,
                instrument=instrument,
                task=task,
            )
    except IntegrityError:
        # The same key arrived twice at the same moment: the other request saved it.
        existing = idempotency_key and _existing_for_key(idempotency_key, citizen)
        if existing:
            return _result_of_existing(existing)
        raise


def _screening_record(
    *,
    citizen,
    answers,
    screened_by,
    direct_question,
    setting,
    observations,
    wants_help,
    triage,
    triage_reason,
    draft,
    draft_of,
    idempotency_key,
    screened_at,
    instrument,
    task,
) -> ScreeningResult:
    if draft_of is not None:
        instrument = draft_of.instrument
    elif instrument is None:
        instrument = instrument_active()
    errors = {}
    if instrument.status == InstrumentStatus.DRAFT:
        errors["instrument"] = [_("This version of the questionnaire is a draft, not in use.")]
    if task is not None and (task.citizen_id != citizen.pk or task.kind != TaskKind.RESCREEN):
        errors["task"] = [_("This task is not a re-screening of this citizen.")]
    if direct_question and direct_question not in DirectAnswer.values:
        errors["direct_question"] = [_("Choose often, some of the time or no.")]
    if setting not in ScreeningSetting.values:
        errors["setting"] = [_("Choose where the screening took place.")]
    screened_at = screened_at or timezone.now()
    try:
        validate_screened_at(screened_at)
    except ValidationError as exc:
        errors["screened_at"] = exc.messages
    try:
        long_text()(observations)
    except ValidationError as exc:
        errors["observations"] = exc.messages
    if draft_of is not None and (not draft_of.is_draft or draft_of.citizen_id != citizen.pk):
        errors["draft"] = [_("This draft cannot be completed here.")]
    try:
        clean = answers_check(instrument=instrument, answers=answers, complete=not draft)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    screening = draft_of or Screening(citizen=citizen, instrument=instrument)
    screening.answers = clean
    screening.direct_question = direct_question
    screening.setting = setting
    screening.observations = observations.strip()
    screening.wants_help = wants_help
    screening.screened_by = screened_by
    screening.screened_at = screened_at
    screening.is_draft = draft
    screening.idempotency_key = idempotency_key or screening.idempotency_key
    colour = None
    if draft:
        screening.score = None
    else:
        screening.score = screening_score(instrument=instrument, answers=clean)
        scheme, team = _screeners_board(citizen=citizen, screened_by=screened_by)
        if instrument.kind == InstrumentKind.RULE and not triage:
            colour, by_hand = triage_by_rule(scheme=scheme, instrument=instrument, answers=clean)
        else:
            colour, by_hand = triage_resolve(
                scheme=scheme,
                score=screening.score,
                direct_question=direct_question,
                by_hand=triage,
            )
        screening.team = team
        screening.triage_scheme = scheme
        screening.triage_code = colour.code if colour else ""
        screening.triage_label = colour.label if colour else ""
        screening.triage_hex = colour.hex if colour else ""
        screening.triage_rank = colour.rank if colour else None
        screening.triage_by_hand = by_hand
    screening.save()
    audit_record(
        actor=screened_by,
        action=AuditAction.UPDATE if draft_of else AuditAction.CREATE,
        obj=screening,
    )
    if draft:
        return ScreeningResult(screening, created=draft_of is None)
    # The citizen's open case, read once: the colour's next step and the timeline both need it.
    case = (
        Case.objects.filter(citizen=citizen)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("assignee")
        .first()
    )
    # The colour is the citizen's on the team now (the board's), not only this screening's.
    triage_state_from_screening(
        screening=screening, colour=colour, by_hand=by_hand, reason=triage_reason, case=case
    )
    quality_flag(screening=screening)
    return ScreeningResult(
        screening,
        created=True,
        task=_after_screening(screening=screening, colour=colour, made_for=task, case=case),
    )


def _rescreens_answered(
    *, screening: Screening, made_for: Task | None, pending: list[Task]
) -> list[Task]:
    """The pending "screen again" tasks (of `pending`, the citizen's open tasks) a screening
    answers: the one it was made for, every ordinary one (given at the board meeting, added by
    hand), and the follow-up plan's re-screening only from shortly before it is due. An early
    screening leaves that one open: it measures the outcome at about three months."""
    screened_on = timezone.localtime(screening.screened_at).date()
    window = timedelta(days=OUTCOME_WINDOW_DAYS)
    return [
        task
        for task in pending
        if task.kind == TaskKind.RESCREEN
        and (
            (made_for is not None and task.pk == made_for.pk)
            or task.data.get("origin") != TaskOrigin.PLAN_RESCREEN
            or screened_on >= task.due - window
        )
    ]


def _after_screening(
    *,
    screening: Screening,
    colour: TriageColour | None,
    made_for: Task | None = None,
    case: Case | None = None,
) -> Task | None:
    """A complete screening: it fulfils the "screen again" it answers, goes on the open case's
    timeline (`case`, the citizen's open case), and the colour's next step becomes a task with
    its deadline (a referral to a bridge-builder only for a citizen who has no open case: one who
    has, has a bridge-builder)."""
    citizen = screening.citizen
    # The citizen's open "screen again" and next-step tasks, in one query.
    pending = list(
        Task.objects.filter(
            citizen=citizen,
            kind__in=[TaskKind.RESCREEN, TaskKind.TRIAGE_NEXT_STEP],
            done_at__isnull=True,
        ).order_by("pk")
    )
    # "Screen again" asks for UCLA-3: another instrument answers only the task it was made for.
    if screening.instrument.kind == InstrumentKind.SCORE:
        answered = _rescreens_answered(screening=screening, made_for=made_for, pending=pending)
    else:
        answered = [made_for] if made_for is not None else []
    for rescreen in answered:
        task_complete(task=rescreen, actor=screening.screened_by, outcome_kind=TaskOutcome.SCREENED)
    # The newest screening's colour decides what to do next: the team's earlier steps are replaced.
    for earlier in pending:
        if earlier.screening_id == screening.pk or not next_step_replaced(
            earlier, team_id=screening.team_id
        ):
            continue
        task_complete(
            task=earlier,
            actor=screening.screened_by,
            outcome_kind=TaskOutcome.REPLACED_BY_NEWER_SCREENING,
        )
    if case is not None:
        case_event_record(
            case=case,
            kind=CaseEventKind.SCREENING,
            actor=screening.screened_by,
            occurred_at=screening.screened_at,
            data={
                "screening": str(screening.pk),
                "instrument": screening.instrument.code,
                "instrument_name": screening.instrument.name,
                "score": screening.score,
                "triage_code": screening.triage_code,
                "triage_label": screening.triage_label,
            },
        )
    if colour is None or not colour.next_step or colour.deadline_days is None:
        return None
    if colour.next_step_is_referral and case is not None:
        return None
    responsible = case.assignee if case is not None and case.assignee else screening.screened_by
    return task_create(
        citizen=citizen,
        case=case,
        screening=screening,
        team=screening.team,
        assignee=responsible,
        kind=TaskKind.TRIAGE_NEXT_STEP,
        title=colour.next_step,
        data=dict(REFERRAL_STEP) if colour.next_step_is_referral else None,
        due=timezone.localtime(screening.screened_at).date() + timedelta(days=colour.deadline_days),
        actor=screening.screened_by,
    )


def referral_steps_done(*, referral, actor) -> None:
    """The citizen has been referred to a bridge-builder (from the tablet, by a GP, by the
    public form …): a colour's next step "refer to a bridge-builder" is done. Handed to
    referrals.services.referral_create from ScreeningConfig.ready: referrals sits below
    screening and does not import it."""
    for task in Task.objects.filter(
        citizen_id=referral.citizen_id,
        kind=TaskKind.TRIAGE_NEXT_STEP,
        done_at__isnull=True,
        data__contains=REFERRAL_STEP,
    ).order_by("pk"):
        task_complete(task=task, actor=actor, outcome_kind=TaskOutcome.REFERRED)


@transaction.atomic
def screening_discard_draft(*, screening: Screening, actor: User) -> None:
    if not screening.is_draft:
        raise ValidationError({"draft": _("Only a draft can be discarded.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=screening)
    screening.delete()
