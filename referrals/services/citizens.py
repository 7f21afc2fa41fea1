"""Citizens: finding or creating the person a referral is about, their details, their home-care
team."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import validate_birth_date
from referrals.constants import FILLABLE_FIELDS, CaseEventAction, CaseEventKind
from referrals.cpr import cpr_encrypt, cpr_hash, cpr_parse
from referrals.identity import citizen_by_cpr, identity_lock, name_key, possible_duplicates_record
from referrals.models import Citizen, Referral
from referrals.timeline import case_event_record

CITIZEN_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "preferred_language",
    "needs_mobility",
    "needs_hearing",
    "needs_transport",
    "needs_interpreter",
]


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("“%(value)s” is not a valid choice.") % {"value": value}})
    return value


# --- Citizens -----------------------------------------------------------------------------------


@dataclass
class CitizenMatch:
    citizen: Citizen
    existed: bool
    # What the sender wrote about the person, for the record's team to use or not.
    details: dict


def _citizen_identity(data: dict) -> tuple[str | None, dict]:
    """Validate the citizen's fields; returns the CPR digits (or None) and the clean fields."""
    fields = {k: data[k] for k in CITIZEN_FIELDS if k in data and data[k] is not None}
    cpr = (data.get("cpr") or "").strip()
    errors = {}
    digits = None
    if cpr:
        try:
            digits, cpr_birth_date = cpr_parse(cpr)
        except ValidationError as exc:
            errors["cpr"] = exc.messages
        else:
            if fields.get("birth_date") is None:
                fields["birth_date"] = cpr_birth_date
            elif fields["birth_date"] != cpr_birth_date:
                errors["birth_date"] = [_("The date of birth does not match the CPR number.")]
    candidate = Citizen(**fields)
    try:
        candidate.full_clean(exclude=["name_key", "home_care_team"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "birth_date" not in errors:
        try:
            validate_birth_date(candidate.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return digits, fields


def citizen_check(*, data: dict) -> None:
    """Raise the ValidationError `citizen_resolve` would raise for these fields, writing
    nothing: an interface checks a citizen's fields where it shows them (an API's nested
    `citizen`, say) before the referral is made."""
    _citizen_identity(data)


def citizen_resolve(*, data: dict, actor: User | None) -> CitizenMatch:
    """The citizen the data describes. The same CPR number is the same person; anyone else
    gets a new record, and a record with the same name and date of birth becomes a possible
    duplicate for a person to judge. An existing record is never written to from here."""
    digits, fields = _citizen_identity(data)
    key = name_key(fields["first_name"], fields["last_name"])
    digest = cpr_hash(digits) if digits else None
    # Two referrals of the same new person at the same moment must not both create them.
    identity_lock(birth_date=fields["birth_date"], key=key, cpr_digest=digest)
    details = {f: fields[f] for f in ["first_name", "last_name", *FILLABLE_FIELDS] if fields.get(f)}
    if digits:
        existing = citizen_by_cpr(digits)
        if existing is not None:
            return CitizenMatch(existing, existed=True, details=details)

    citizen = Citizen(**fields, name_key=key)
    if digits:
        citizen.cpr_encrypted, citizen.cpr_hash = cpr_encrypt(digits), digest
    citizen.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=citizen)
    possible_duplicates_record(citizen=citizen)
    return CitizenMatch(citizen, existed=False, details=details)


@transaction.atomic
def citizen_update(*, citizen: Citizen, data: dict, actor: User) -> Citizen:
    """Correct the citizen's details. A CPR number given here is checked and stored encrypted;
    left empty, the stored one (if any) stays."""
    digits, fields = _citizen_identity({**{f: getattr(citizen, f) for f in CITIZEN_FIELDS}, **data})
    changed = [f for f in CITIZEN_FIELDS if f in fields and getattr(citizen, f) != fields[f]]
    if digits:
        new_hash = cpr_hash(digits)
        if Citizen.objects.filter(cpr_hash=new_hash).exclude(pk=citizen.pk).exists():
            raise ValidationError(
                {"cpr": _("Another citizen has this CPR number. Ask the team to merge them.")}
            )
        if new_hash != citizen.cpr_hash:
            citizen.cpr_encrypted, citizen.cpr_hash = cpr_encrypt(digits), new_hash
            changed += ["cpr_encrypted", "cpr_hash"]
    if not changed:
        return citizen
    for field in changed:
        if field in fields:
            setattr(citizen, field, fields[field])
    citizen.name_key = name_key(citizen.first_name, citizen.last_name)
    citizen.save(update_fields=[*changed, "name_key", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=citizen, fields=changed)
    possible_duplicates_record(citizen=citizen)
    return citizen


@transaction.atomic
def referral_details_use(*, referral: Referral, fields: list[str], actor: User) -> Citizen:
    """Take what a referrer wrote (a phone number, an address) into the citizen's record."""
    unknown = [f for f in fields if f not in FILLABLE_FIELDS or f not in referral.citizen_details]
    if unknown or not fields:
        raise ValidationError({"fields": _("Choose the referrer's details to use.")})
    citizen = Citizen.objects.select_for_update().get(pk=referral.citizen_id)
    data = {f: referral.citizen_details[f] for f in fields}
    if "postcode" in data and "city" in referral.citizen_details and "city" not in data:
        data["city"] = referral.citizen_details["city"]
    citizen = citizen_update(citizen=citizen, data=data, actor=actor)
    case_event_record(
        case=referral.case,
        kind=CaseEventKind.IDENTITY,
        actor=actor,
        referral=referral,
        data={"action": CaseEventAction.DETAILS_USED, "fields": list(data)},
    )
    return citizen


@transaction.atomic
def citizen_set_home_care_team(
    *, citizen: Citizen, team: Team | None, actor: User | None
) -> Citizen:
    """The home-care team that visits the citizen (whose staff then see and screen them)."""
    if team is not None and team.kind != TeamKind.HOME_CARE:
        raise ValidationError({"home_care_team": _("Choose a home-care team.")})
    if citizen.home_care_team_id == (team.pk if team else None):
        return citizen
    citizen.home_care_team = team
    citizen.save(update_fields=["home_care_team", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=citizen, fields=["home_care_team"])
    return citizen
