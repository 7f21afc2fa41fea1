"""Who a citizen is, and which teams have them (DOMAIN §9).

- A CPR number decides where both records have one: two different numbers are two people,
  whatever their names; the same number is the same person.
- Without a CPR number on both, the same folded name and date of birth is only a *possible*
  duplicate. Nothing is merged silently: a person on a team that has the earlier record judges
  the pair — merge (both histories kept) or "not the same person" (remembered).
- A team gets a citizen another team has only when a team that has them grants its request.
  Nothing here ever moves a citizen from one team to another.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.constants import AuditAction
from audit.services import audit_record
from core.locks import citizen_cpr_lock, citizen_identity_lock
from referrals.constants import (
    CITIZEN_IDENTIFYING_CLEARED,
    OPEN_STATUSES,
    AccessRequestStatus,
    CaseEventAction,
    CaseEventKind,
    CaseStatus,
    CloseReason,
    DuplicateStatus,
)
from referrals.cpr import cpr_hash
from referrals.models import (
    Case,
    Citizen,
    CitizenTeam,
    PossibleDuplicate,
    Referral,
    TeamAccessRequest,
)
from referrals.timeline import case_event_record

# Letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "œ": "oe", "đ": "d"})
# Danish names are written with or without their letters: "Søren"/"Soeren"/"Soren",
# "Åberg"/"Aaberg"/"Aberg", "Mærsk"/"Maersk". Each pair folds to one spelling.
_TRANSLITERATIONS = [("aa", "a"), ("oe", "o"), ("ae", "e")]


def name_fold(text: str) -> str:
    """A name as it is compared and searched: without case, accents, Danish letters,
    punctuation or extra spaces. "René Lefèvre" and "rene  lefevre" fold alike."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[\W_]+", " ", text)
    for written, folded in _TRANSLITERATIONS:
        text = text.replace(written, folded)
    return " ".join(text.split())


def name_key(first_name: str, last_name: str) -> str:
    """The folded "first last" that finds possible duplicates."""
    return name_fold(f"{first_name} {last_name}")


def identity_lock(*, birth_date, key: str, cpr_digest: str | None) -> None:
    """Serialise everything that creates, merges or anonymises records of one person."""
    citizen_identity_lock(birth_date=birth_date, name_key=key)
    if cpr_digest:
        citizen_cpr_lock(cpr_digest=cpr_digest)


# --- Resolving an incoming person ---------------------------------------------------------------


def citizen_by_cpr(digits: str) -> Citizen | None:
    return Citizen.objects.filter(cpr_hash=cpr_hash(digits), merged_into__isnull=True).first()


def duplicate_candidates(citizen: Citizen) -> QuerySet[Citizen]:
    """Other records with the same folded name and date of birth that a CPR number does not
    already tell apart."""
    candidates = Citizen.objects.filter(
        birth_date=citizen.birth_date,
        name_key=citizen.name_key,
        merged_into__isnull=True,
        anonymised_at__isnull=True,
    ).exclude(pk=citizen.pk)
    if citizen.cpr_hash:
        candidates = candidates.filter(cpr_hash__isnull=True)
    return candidates


def possible_duplicates_record(*, citizen: Citizen) -> list[PossibleDuplicate]:
    """Put every candidate for the same person on the list to be judged; a pair judged
    before (either way round) is not asked again."""
    if not citizen.name_key:
        return []
    judged = set(
        PossibleDuplicate.objects.filter(Q(citizen=citizen) | Q(other=citizen)).values_list(
            "citizen_id", "other_id"
        )
    )
    known = {frozenset(pair) for pair in judged}
    new = [
        PossibleDuplicate(citizen=citizen, other=other)
        for other in duplicate_candidates(citizen).order_by("created_at")
        if frozenset((citizen.pk, other.pk)) not in known
    ]
    return PossibleDuplicate.objects.bulk_create(new, ignore_conflicts=True)


# --- Which teams have a citizen -------------------------------------------------------------------


def citizen_team_ids(citizen: Citizen) -> set:
    """The teams that work with the citizen: home care, the teams of their cases (open or
    closed), and teams granted access."""
    teams = set(Case.objects.filter(citizen=citizen).values_list("team_id", flat=True))
    teams |= set(CitizenTeam.objects.filter(citizen=citizen).values_list("team_id", flat=True))
    if citizen.home_care_team_id:
        teams.add(citizen.home_care_team_id)
    return teams


def citizens_of_teams(team_ids) -> Q:
    """A filter on Citizen: the citizens the given teams have. One list of ids made of the three
    ways a team has a citizen: three conditions joined by OR would make PostgreSQL read every
    citizen of the municipality to test each (no index serves an OR of subqueries)."""
    team_ids = list(team_ids)
    ids = (
        Citizen.objects.filter(home_care_team_id__in=team_ids)
        .values("pk")
        .union(
            Case.objects.filter(team_id__in=team_ids).values("citizen_id"),
            CitizenTeam.objects.filter(team_id__in=team_ids).values("citizen_id"),
            all=True,
        )
    )
    return Q(pk__in=ids)


# Open cases before closed ones.
_OPEN_FIRST = ExpressionWrapper(Q(status=CaseStatus.CLOSED), output_field=BooleanField())


def owning_case_team(citizen: Citizen) -> Team | None:
    """The bridge-builders' team a new referral of a known citizen goes to: the team of the
    open case, else of the latest case."""
    case = (
        Case.objects.filter(citizen=citizen)
        .select_related("team")
        .order_by(_OPEN_FIRST.asc(), "-created_at")
        .first()
    )
    return case.team if case else None


def _require_owner(*, citizen: Citizen, actor: User, field: str) -> None:
    if not (citizen_team_ids(citizen) & set(user_team_ids(actor))):
        raise ValidationError({field: _("Only a team that has the citizen can answer this.")})


def duplicate_sides(*, duplicate: PossibleDuplicate, user: User) -> dict:
    """Which records of a pair the user's teams have: `mine` and `theirs` (None when the
    user's teams have both). Only someone who has both may compare and judge them: neither
    record's team sees the other's without asking for it first."""
    teams = set(user_team_ids(user))
    has_new = bool(citizen_team_ids(duplicate.citizen) & teams)
    has_earlier = bool(citizen_team_ids(duplicate.other) & teams)
    if has_new and has_earlier:
        return {"both": True, "mine": None, "theirs": None}
    if has_earlier:
        return {"both": False, "mine": duplicate.other, "theirs": duplicate.citizen}
    if has_new:
        return {"both": False, "mine": duplicate.citizen, "theirs": duplicate.other}
    return {"both": False, "mine": None, "theirs": None}


def _require_both(*, duplicate: PossibleDuplicate, actor: User) -> None:
    if not duplicate_sides(duplicate=duplicate, user=actor)["both"]:
        raise ValidationError(
            {
                "status": _(
                    "Only a team that has both records can judge them. Ask the other team "
                    "for access first."
                )
            }
        )


@transaction.atomic
def duplicate_ask_access(*, duplicate: PossibleDuplicate, actor: User) -> TeamAccessRequest:
    """One side of a pair asks the team that has the other record for access, so that it can
    compare the two. Nothing of the other record is shown until that team grants it."""
    sides = duplicate_sides(duplicate=duplicate, user=actor)
    if sides["mine"] is None:
        raise ValidationError({"status": _("Your teams already have both records.")})
    team_ids = citizen_team_ids(sides["mine"]) & set(user_team_ids(actor))
    team = Team.objects.filter(pk__in=team_ids).order_by("created_at").first()
    return team_access_request(
        citizen=sides["theirs"],
        team=team,
        actor=actor,
        reason=_("Possibly the same person as a citizen of ours (same name and date of birth)."),
    )


# --- Requests from another team -------------------------------------------------------------------


@transaction.atomic
def team_access_request(
    *, citizen: Citizen, team: Team, actor: User, reason: str = ""
) -> TeamAccessRequest:
    """Ask for a citizen another team has. The asking team sees nothing until it is granted."""
    existing = TeamAccessRequest.objects.filter(
        citizen=citizen, team=team, status=AccessRequestStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    request = TeamAccessRequest.objects.create(
        citizen=citizen, team=team, requested_by=actor, reason=reason.strip()[:300]
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=request)
    return request


def _answer(*, request: TeamAccessRequest, actor: User, status: str) -> TeamAccessRequest:
    request = TeamAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessRequestStatus.PENDING:
        raise ValidationError({"status": _("The request has already been answered.")})
    _require_owner(citizen=request.citizen, actor=actor, field="status")
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=request, fields=["status", "decided_by"]
    )
    return request


@transaction.atomic
def team_access_grant(*, request: TeamAccessRequest, actor: User) -> TeamAccessRequest:
    """A member of a team that has the citizen lets the asking team work with them too."""
    request = _answer(request=request, actor=actor, status=AccessRequestStatus.GRANTED)
    citizen_team_add(citizen=request.citizen, team=request.team, actor=actor)
    return request


@transaction.atomic
def team_access_refuse(*, request: TeamAccessRequest, actor: User) -> TeamAccessRequest:
    return _answer(request=request, actor=actor, status=AccessRequestStatus.REFUSED)


def citizen_team_add(*, citizen: Citizen, team: Team, actor: User | None) -> CitizenTeam | None:
    """Give a team access to the citizen (after a grant, or when records are merged)."""
    if team.pk in citizen_team_ids(citizen):
        return None
    grant = CitizenTeam.objects.create(citizen=citizen, team=team, granted_by=actor)
    audit_record(actor=actor, action=AuditAction.GRANT, obj=grant)
    return grant


# --- Possible duplicates ------------------------------------------------------------------------


@transaction.atomic
def duplicate_mark_distinct(*, duplicate: PossibleDuplicate, actor: User) -> PossibleDuplicate:
    """ "Not the same person": remembered, so the pair is never asked again."""
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.status != DuplicateStatus.OPEN:
        raise ValidationError({"status": _("This pair has already been judged.")})
    _require_both(duplicate=duplicate, actor=actor)
    duplicate.status = DuplicateStatus.DISTINCT
    duplicate.decided_by, duplicate.decided_at = actor, timezone.now()
    duplicate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=duplicate, fields=["status"])
    return duplicate


def merge_conflicts(*, keep: Citizen, merged: Citizen) -> list[Case]:
    """The open cases that cannot both go on: a person has one open case."""
    cases = list(
        Case.objects.filter(citizen__in=[keep, merged], status__in=OPEN_STATUSES)
        .select_related("team", "assignee")
        .order_by("created_at")
    )
    return cases if len(cases) > 1 else []


@transaction.atomic
def citizen_merge(
    *, duplicate: PossibleDuplicate, actor: User, continue_case: Case | None = None
) -> Citizen:
    """Merge the newer record of a pair into the earlier one. Everything the newer one held —
    cases, referrals, consents, screenings, matches, tasks, network — moves; its row stays,
    emptied, pointing to the kept one, so the access log of both ids leads to the person.

    When both have an open case, the person merging chooses which one goes on
    (`continue_case`); the other is closed as continued in it. All or nothing."""
    duplicate = PossibleDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.status != DuplicateStatus.OPEN:
        raise ValidationError({"status": _("This pair has already been judged.")})
    keep, merged = duplicate.other, duplicate.citizen
    _require_both(duplicate=duplicate, actor=actor)
    if keep.cpr_hash and merged.cpr_hash and keep.cpr_hash != merged.cpr_hash:
        raise ValidationError({"status": _("Two different CPR numbers are two people.")})
    if keep.is_anonymised or merged.is_anonymised:
        raise ValidationError({"status": _("An anonymised record cannot be merged.")})
    identity_lock(birth_date=keep.birth_date, key=keep.name_key, cpr_digest=keep.cpr_hash)
    keep = Citizen.objects.select_for_update().get(pk=keep.pk)
    merged = Citizen.objects.select_for_update().get(pk=merged.pk)

    open_cases = merge_conflicts(keep=keep, merged=merged)
    if open_cases:
        if continue_case is None or continue_case.pk not in {c.pk for c in open_cases}:
            raise ValidationError(
                {"continue_case": _("Both records have an open case: choose which one goes on.")}
            )
        # services builds on this module (resolving a person); closing a case is its.
        from referrals.services import case_close

        for case in open_cases:
            if case.pk == continue_case.pk:
                continue
            if case.team_id not in user_team_ids(actor) or not actor.has_perm(
                "referrals.change_case"
            ):
                raise ValidationError(
                    {
                        "continue_case": _(
                            "Only a bridge-builder on %(team)s can close its case; choose it "
                            "to go on, or ask them."
                        )
                        % {"team": case.team.name}
                    }
                )
            # What brought the person in goes on with the course that goes on, first: the
            # closed case then tells no referrer it ended.
            Referral.objects.filter(case=case).update(case=continue_case)
            case_close(case=case, reason=CloseReason.MERGED, actor=actor)

    _move_related(keep=keep, merged=merged)

    # The newer record's contact details are not copied: they came from outside (a public
    # form, a referrer) and stay on its referrals as the referrer's information, to be used
    # on the case or not. Only the CPR number, which decides identity, comes along.
    changed = []
    if merged.cpr_hash and not keep.cpr_hash:
        keep.cpr_encrypted, keep.cpr_hash = merged.cpr_encrypted, merged.cpr_hash
        changed += ["cpr_encrypted", "cpr_hash"]
    home_team = merged.home_care_team
    if home_team is not None and keep.home_care_team_id is None:
        keep.home_care_team = home_team
        changed.append("home_care_team")

    _empty(merged, into=keep)
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])
    if home_team is not None and keep.home_care_team_id != home_team.pk:
        # The other home-care team keeps working with the person it visits.
        citizen_team_add(citizen=keep, team=home_team, actor=actor)

    duplicate.status = DuplicateStatus.MERGED
    duplicate.decided_by, duplicate.decided_at = actor, timezone.now()
    duplicate.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _repoint_duplicates(keep=keep, merged=merged, done=duplicate)
    audit_record(actor=actor, action=AuditAction.MERGE, obj=keep, fields=changed)
    audit_record(actor=actor, action=AuditAction.MERGE, obj=merged, fields=["merged_into"])
    case = continue_case or keep.cases.order_by(_OPEN_FIRST.asc(), "-created_at").first()
    if case is not None:
        case_event_record(
            case=case,
            kind=CaseEventKind.IDENTITY,
            actor=actor,
            data={
                "action": CaseEventAction.RECORDS_MERGED,
                "citizen": str(merged.pk),
                "made_on": timezone.localdate(merged.created_at).isoformat(),
            },
        )
    return keep


# Relations a merge handles itself rather than moving row by row.
_MERGE_HANDLED = {"possible_duplicates", "team_grants"}


def _move_related(*, keep: Citizen, merged: Citizen) -> None:
    """Move every row that points at the merged record. Relations are read from the model, so
    a new kind of record about a citizen (in any app) is moved too without anyone remembering
    to; earlier records merged into this one now point at the kept one as well."""
    for grant in CitizenTeam.objects.filter(citizen=merged):
        if not CitizenTeam.objects.filter(citizen=keep, team_id=grant.team_id).exists():
            CitizenTeam.objects.filter(pk=grant.pk).update(citizen=keep)
    CitizenTeam.objects.filter(citizen=merged).delete()

    for relation in Citizen._meta.related_objects:
        name = relation.get_accessor_name()
        if name in _MERGE_HANDLED or relation.field.model is PossibleDuplicate:
            continue
        model, field = relation.related_model, relation.field.name
        # One each (the matching profile): the kept record's stays and takes what only the
        # merged one says (lists joined, empty values filled); else the merged one's moves.
        kept_row = model.objects.filter(**{field: keep}).first() if relation.one_to_one else None
        if kept_row is not None:
            merged_row = model.objects.filter(**{field: merged}).first()
            if merged_row is not None:
                _combine(kept_row, merged_row, skip={field})
                merged_row.delete()
            continue
        # A kind of record that can hold only one current row per citizen (a triage colour per
        # team) says itself which of the two stays current.
        prepare = getattr(model, "before_citizen_merge", None)
        if prepare is not None:
            prepare(keep=keep, merged=merged)
        try:
            with transaction.atomic():
                model.objects.filter(**{field: merged}).update(**{field: keep})
        except IntegrityError:
            raise ValidationError(
                {
                    "status": _(
                        "Both records have the same open %(what)s. End one of them first; "
                        "nothing has been merged."
                    )
                    % {"what": model._meta.verbose_name}
                }
            ) from None


def _combine(kept, merged, *, skip: set) -> None:
    changed = []
    for f in kept._meta.concrete_fields:
        if f.primary_key or f.name in skip or f.name in ("created_at", "updated_at"):
            continue
        mine, theirs = getattr(kept, f.attname), getattr(merged, f.attname)
        if isinstance(mine, list) and isinstance(theirs, list):
            joined = mine + [v for v in theirs if v not in mine]
            if joined != mine:
                setattr(kept, f.attname, joined)
                changed.append(f.name)
        elif theirs and not mine and isinstance(theirs, str):
            setattr(kept, f.attname, theirs)
            changed.append(f.name)
    if changed:
        kept.save(update_fields=[*changed, "updated_at"])


def _empty(merged: Citizen, *, into: Citizen) -> None:
    now = timezone.now()
    Citizen.objects.filter(pk=merged.pk).update(
        **CITIZEN_IDENTIFYING_CLEARED, merged_into=into, updated_at=now
    )


def _repoint_duplicates(*, keep: Citizen, merged: Citizen, done: PossibleDuplicate) -> None:
    """Other open pairs of the merged record now concern the kept one."""
    others = PossibleDuplicate.objects.filter(Q(citizen=merged) | Q(other=merged)).exclude(
        pk=done.pk
    )
    for pair in others:
        a = keep if pair.citizen_id == merged.pk else pair.citizen
        b = keep if pair.other_id == merged.pk else pair.other
        exists = PossibleDuplicate.objects.filter(
            Q(citizen=a, other=b) | Q(citizen=b, other=a)
        ).exists()
        if a.pk == b.pk or exists:
            pair.delete()
        else:
            PossibleDuplicate.objects.filter(pk=pair.pk).update(citizen=a, other=b)
