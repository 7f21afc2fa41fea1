"""Recording screenings: scoring by the instrument's own data, and the colour of the citizen's
team's triage scheme at that moment (copied onto the screening, so later edits never change it)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import TeamKind
from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.exceptions import Conflict
from core.validators import long_text, validate_screened_at
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from referrals.constants import CaseEventKind, CaseStatus, ConsentMethod, ReferralSource
from referrals.identity import citizen_team_ids, team_access_request
from referrals.models import Case, Citizen
from referrals.services import (
    citizen_resolve,
    citizen_set_home_care_team,
    referral_create,
)
from referrals.timeline import case_event_record
from screening.constants import DirectAnswer, ScreeningSetting
from screening.models import (
    Instrument,
    Screening,
    TeamScreeningSettings,
    TriageColour,
    TriageScheme,
)
from screening.selectors import home_care_citizens_of

DEFAULT_INSTRUMENT = "ucla3"


class NoActiveInstrument(Conflict):
    code = "no_instrument"
    default_message = gettext_lazy(
        "No version of the questionnaire is in use, so no screening can be made. Ask an "
        "administrator to put one in use."
    )


class NoTriageScheme(Conflict):
    code = "no_triage_scheme"
    default_message = gettext_lazy(
        "No triage scheme is the default, and the citizen's team has none, so the screening "
        "cannot be given a colour. Ask an administrator to choose a default scheme."
    )


def instrument_active(code: str = DEFAULT_INSTRUMENT) -> Instrument:
    """The version new screenings use. Between two versions (none in use) nothing is screened,
    and the caller is told so rather than failing."""
    instrument = Instrument.objects.filter(code=code, is_active=True).first()
    if instrument is None:
        raise NoActiveInstrument
    return instrument


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
    settings_ = (
        TeamScreeningSettings.objects.select_related("scheme").filter(team=team).first()
        if team
        else None
    )
    if settings_ is not None:
        return settings_.scheme, team
    scheme = TriageScheme.objects.filter(is_default=True).first()
    if scheme is None:
        raise NoTriageScheme
    return scheme, team


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
    draft: bool = False,
    draft_of: Screening | None = None,
    idempotency_key: UUID | None = None,
    screened_at: datetime | None = None,
) -> ScreeningResult:
    """Record a screening (or keep an unfinished one as a draft).

    With an idempotency key, sending the same screening again returns the first one: a tablet
    that resends after a lost connection never makes a second screening.
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
                draft=draft,
                draft_of=draft_of,
                idempotency_key=idempotency_key,
                screened_at=screened_at,
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
    draft,
    draft_of,
    idempotency_key,
    screened_at,
) -> ScreeningResult:
    instrument = draft_of.instrument if draft_of else instrument_active()
    errors = {}
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
        scheme, team = scheme_for_citizen(citizen)
        colour, by_hand = triage_resolve(
            scheme=scheme, score=screening.score, direct_question=direct_question, by_hand=triage
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
    return ScreeningResult(
        screening, created=True, task=_after_screening(screening=screening, colour=colour)
    )


def _after_screening(*, screening: Screening, colour: TriageColour | None) -> Task | None:
    """A complete screening: it fulfils a pending "screen again", goes on the open case's
    timeline, and the colour's next step becomes a task with its deadline."""
    citizen = screening.citizen
    for pending in Task.objects.filter(
        citizen=citizen, kind=TaskKind.RESCREEN, done_at__isnull=True
    ):
        task_complete(task=pending, actor=screening.screened_by, outcome_kind=TaskOutcome.SCREENED)
    # The newest screening's colour decides what to do next; earlier colours' steps are replaced.
    for earlier in Task.objects.filter(
        citizen=citizen, kind=TaskKind.TRIAGE_NEXT_STEP, done_at__isnull=True
    ).exclude(screening=screening):
        task_complete(
            task=earlier,
            actor=screening.screened_by,
            outcome_kind=TaskOutcome.REPLACED_BY_NEWER_SCREENING,
        )
    case = Case.objects.filter(citizen=citizen).exclude(status=CaseStatus.CLOSED).first()
    if case is not None:
        case_event_record(
            case=case,
            kind=CaseEventKind.SCREENING,
            actor=screening.screened_by,
            occurred_at=screening.screened_at,
            data={
                "screening": str(screening.pk),
                "score": screening.score,
                "triage_code": screening.triage_code,
                "triage_label": screening.triage_label,
            },
        )
    if colour is None or not colour.next_step or colour.deadline_days is None:
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
        due=timezone.localtime(screening.screened_at).date() + timedelta(days=colour.deadline_days),
        actor=screening.screened_by,
    )


@transaction.atomic
def screening_discard_draft(*, screening: Screening, actor: User) -> None:
    if not screening.is_draft:
        raise ValidationError({"draft": _("Only a draft can be discarded.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=screening)
    screening.delete()


def end_of_week(day: date) -> date:
    """Friday of the week `day` is in (a board meeting plans the working week)."""
    return day + timedelta(days=(4 - day.weekday()) % 7)


@transaction.atomic
def rescreen_assign(*, citizen: Citizen, team: Team, assignee: User, actor: User) -> Task:
    """ "Screen this citizen this week", given to a worker at the board meeting."""
    if team.kind != TeamKind.HOME_CARE or not (
        Citizen.objects.filter(home_care_citizens_of(team), pk=citizen.pk).exists()
    ):
        raise ValidationError({"citizen": _("The citizen is not on this team.")})
    if not assignee.memberships.filter(team=team).exists():
        raise ValidationError({"assignee": _("Choose someone on the team.")})
    pending = Task.objects.filter(citizen=citizen, kind=TaskKind.RESCREEN, done_at__isnull=True)
    for task in pending:
        task_complete(task=task, actor=actor, outcome_kind=TaskOutcome.GIVEN_TO_SOMEONE_ELSE)
    return task_create(
        citizen=citizen,
        team=team,
        assignee=assignee,
        kind=TaskKind.RESCREEN,
        data={"origin": TaskOrigin.RESCREEN_THIS_WEEK},
        due=end_of_week(timezone.localdate()),
        actor=actor,
    )


@transaction.atomic
def rescreen_assign_many(*, citizens, team: Team, assignee: User, actor: User) -> list[Task]:
    """The board meeting's decision: these citizens are screened this week by one worker.
    All or none: a citizen who may not be given leaves the others unchanged too."""
    return [
        rescreen_assign(citizen=citizen, team=team, assignee=assignee, actor=actor)
        for citizen in citizens
    ]


@dataclass
class HomeCareAddResult:
    # The citizen now on the team's list, or None while another team is asked for them.
    citizen: Citizen | None
    request: object = None


@transaction.atomic
def home_care_citizen_add(*, data: dict, team: Team, actor: User) -> HomeCareAddResult:
    """Put a citizen on a home-care team's list. A person another team already has (the same
    CPR number) is never moved or shown: the team that has them is asked to grant access."""
    if team.kind != TeamKind.HOME_CARE:
        raise ValidationError({"team": _("Choose a home-care team.")})
    match = citizen_resolve(data=data, actor=actor)
    citizen = match.citizen
    if not match.existed:
        citizen_set_home_care_team(citizen=citizen, team=team, actor=actor)
        return HomeCareAddResult(citizen)
    if team.pk in citizen_team_ids(citizen):
        return HomeCareAddResult(citizen)
    if not citizen_team_ids(citizen):
        # Known to nobody now (e.g. every team let go): this team takes them on.
        citizen_set_home_care_team(citizen=citizen, team=team, actor=actor)
        return HomeCareAddResult(citizen)
    request = team_access_request(
        citizen=citizen, team=team, actor=actor, reason=_("Home care visits the citizen.")
    )
    return HomeCareAddResult(None, request=request)


@transaction.atomic
def screening_refer(
    *,
    screening: Screening,
    actor: User,
    consent_given: bool,
    feedback_consent: bool = False,
    note: str = "",
):
    """One tap from the tablet: refer the screened citizen to a bridge-builder."""
    citizen = screening.citizen
    reason = _("Screened with UCLA-3 on %(date)s: score %(score)s%(colour)s.") % {
        "date": timezone.localtime(screening.screened_at).strftime("%d.%m.%Y"),
        "score": screening.score,
        "colour": f" ({screening.triage_label})" if screening.triage_label else "",
    }
    if screening.observations:
        reason += "\n" + screening.observations
    if note.strip():
        reason += "\n" + note.strip()
    return referral_create(
        known_citizen=citizen,
        source=ReferralSource.HOME_CARE,
        reason=reason,
        consent_given=consent_given,
        consent_method=ConsentMethod.VERBAL,
        feedback_consent=feedback_consent,
        referrer=actor,
    )
