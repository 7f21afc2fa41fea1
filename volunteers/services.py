"""Every change to volunteers and to the waiting list for them."""

from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.slots import ALL_SLOTS
from core.validators import clean_choice_list
from places.geocoding import geocode
from referrals.constants import CITIZEN_LANGUAGES, Interest
from volunteers.constants import VOLUNTEER_TRANSITIONS, VolunteerRole, VolunteerStatus
from volunteers.models import Volunteer, VolunteerRequest

VOLUNTEER_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "roles",
    "interests",
    "languages",
    "slots",
    "capacity",
    "note",
]

VETTING_FIELDS = [
    "vetting_kind",
    "vetting_requested_on",
    "vetting_seen_on",
    "vetting_note",
    "certificate_deleted_on",
]


def _clean(data: dict, *, instance: Volunteer | None = None) -> dict:
    unknown = set(data) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise ValueError(f"not volunteer fields: {sorted(unknown)}")
    data = dict(data)
    if "roles" in data:
        data["roles"] = clean_choice_list(data["roles"], set(VolunteerRole.values), "roles")
    if "interests" in data:
        data["interests"] = clean_choice_list(data["interests"], set(Interest.values), "interests")
    if "languages" in data:
        codes = {code for code, _label in CITIZEN_LANGUAGES}
        data["languages"] = clean_choice_list(data["languages"], codes, "languages")
    if "slots" in data:
        data["slots"] = sorted({int(s) for s in data["slots"]})
        if any(s not in ALL_SLOTS for s in data["slots"]):
            raise ValidationError({"slots": _("Unknown time of the week.")})
    roles = data.get("roles", instance.roles if instance else [])
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    for field in ("first_name", "last_name"):
        if field in data:
            data[field] = (data[field] or "").strip()
    if instance is None and not (data.get("first_name") and data.get("last_name")):
        raise ValidationError({"first_name": _("Give the volunteer's first and last name.")})
    capacity = data.get("capacity")
    if instance is not None and capacity is not None and capacity < instance.load:
        raise ValidationError(
            {
                "capacity": _(
                    "The volunteer already has {load} citizens: they cannot take fewer."
                ).format(load=instance.load)
            }
        )
    return data


@transaction.atomic
def volunteer_create(*, team: Team, data: dict, actor: User | None) -> Volunteer:
    data = _clean(data)
    volunteer = Volunteer(team=team, **data)
    point = geocode(address="", postcode=volunteer.postcode)
    volunteer.latitude, volunteer.longitude = point if point else (None, None)
    volunteer.full_clean()
    volunteer.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=volunteer)
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, data: dict, actor: User) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    data = _clean(data, instance=volunteer)
    changed = [f for f, v in data.items() if getattr(volunteer, f) != v]
    for field in changed:
        setattr(volunteer, field, data[field])
    update_fields = list(changed)
    if "postcode" in changed:
        point = geocode(address="", postcode=volunteer.postcode)
        volunteer.latitude, volunteer.longitude = point if point else (None, None)
        update_fields += ["latitude", "longitude"]
    if changed:
        volunteer.full_clean()
        volunteer.save(update_fields=[*update_fields, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=volunteer, fields=changed)
    return volunteer


@transaction.atomic
def volunteer_record_vetting(*, volunteer: Volunteer, data: dict, actor: User) -> Volunteer:
    """Record the certificate: when it was asked for and seen, the assessment, its deletion.
    Renewal falls due BROBYG_VETTING_RENEWAL_YEARS after the certificate was seen."""
    unknown = set(data) - set(VETTING_FIELDS)
    if unknown:
        raise ValueError(f"not vetting fields: {sorted(unknown)}")
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    today = timezone.localdate()
    for field in ("vetting_requested_on", "vetting_seen_on", "certificate_deleted_on"):
        value = data.get(field)
        if isinstance(value, date) and value > today:
            raise ValidationError({field: _("The date cannot be in the future.")})
    seen = data.get("vetting_seen_on", volunteer.vetting_seen_on)
    requested = data.get("vetting_requested_on", volunteer.vetting_requested_on)
    deleted = data.get("certificate_deleted_on", volunteer.certificate_deleted_on)
    if seen and requested and seen < requested:
        raise ValidationError(
            {"vetting_seen_on": _("The certificate cannot be seen before it was requested.")}
        )
    if deleted and not seen:
        raise ValidationError(
            {"certificate_deleted_on": _("Record when the certificate was seen first.")}
        )
    if deleted and seen and deleted < seen:
        raise ValidationError(
            {"certificate_deleted_on": _("It cannot be deleted before it was seen.")}
        )
    changed = [f for f, v in data.items() if getattr(volunteer, f) != v]
    for field in changed:
        setattr(volunteer, field, data[field])
    if "vetting_seen_on" in changed:
        volunteer.vetting_renewal_due = (
            seen + relativedelta(years=settings.BROBYG_VETTING_RENEWAL_YEARS) if seen else None
        )
        changed.append("vetting_renewal_due")
    if changed:
        volunteer.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=volunteer, fields=changed)
    return volunteer


def volunteer_status_steps_from(volunteer: Volunteer) -> set[str]:
    """The statuses volunteer_set_status takes the volunteer to now, for the service and the
    volunteer's page alike: VOLUNTEER_TRANSITIONS, except that a volunteer who has citizens
    leaves only once their matches have ended."""
    steps = set(VOLUNTEER_TRANSITIONS.get(volunteer.status, set()))
    if volunteer.load:
        steps.discard(VolunteerStatus.LEFT)
    return steps


def volunteer_may_leave_once_free(volunteer: Volunteer) -> bool:
    """Whether the volunteer could leave now but for the citizens they have."""
    return bool(volunteer.load) and VolunteerStatus.LEFT in VOLUNTEER_TRANSITIONS.get(
        volunteer.status, set()
    )


@transaction.atomic
def volunteer_set_status(
    *, volunteer: Volunteer, status: str, actor: User, reason: str = ""
) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if status == volunteer.status:
        return volunteer
    if status not in volunteer_status_steps_from(volunteer):
        if status == VolunteerStatus.LEFT and volunteer_may_leave_once_free(volunteer):
            raise ValidationError({"status": _("End the volunteer's matches before they leave.")})
        raise ValidationError(
            {
                "status": _("A volunteer cannot go from {old} to {new}.").format(
                    old=volunteer.get_status_display(), new=VolunteerStatus(status).label
                )
            }
        )
    fields = ["status"]
    if status == VolunteerStatus.LEFT:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the volunteer left.")})
        volunteer.left_reason = reason.strip()
        volunteer.left_on = timezone.localdate()
        fields += ["left_reason", "left_on"]
    elif volunteer.status == VolunteerStatus.LEFT:
        volunteer.left_reason = ""
        volunteer.left_on = None
        fields += ["left_reason", "left_on"]
    volunteer.status = status
    volunteer.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=volunteer, fields=fields)
    return volunteer


@transaction.atomic
def volunteer_request_create(
    *, case, role: str, actor: User, note: str = "", requested_on: date | None = None
) -> VolunteerRequest:
    """Put the citizen on the waiting list for a volunteer in this role."""
    if role not in VolunteerRole.values:
        raise ValidationError({"role": _("Choose the kind of volunteer.")})
    if VolunteerRequest.objects.filter(
        citizen_id=case.citizen_id, role=role, closed_at__isnull=True
    ).exists():
        raise ValidationError({"role": _("The citizen is already waiting for this.")})
    request = VolunteerRequest.objects.create(
        citizen_id=case.citizen_id,
        case=case,
        role=role,
        note=note.strip(),
        requested_on=requested_on or timezone.localdate(),
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=request)
    return request


@transaction.atomic
def volunteer_request_close(*, request: VolunteerRequest, actor: User, match=None) -> None:
    if request.closed_at is not None:
        return
    request.closed_at = timezone.now()
    request.fulfilled_by = match
    request.save(update_fields=["closed_at", "fulfilled_by", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=request, fields=["closed_at", "fulfilled_by"]
    )


# --- The daily reminders about certificates ------------------------------------------------------
# The matches a certificate is needed for and the follow-up tasks are matching's and followups'
# rows: matching makes the reminders and hands the maker in at start-up (MatchingConfig.ready), as
# it does the readers of volunteers.selectors, so volunteers imports neither.

_VETTING_REMINDERS: dict[str, Callable[..., int]] = {}


def vetting_reminders_set(*, create: Callable[..., int]) -> None:
    """`create(on=…)`: the day's reminders about certificates; returns how many tasks it made."""
    _VETTING_REMINDERS["create"] = create


def vetting_reminders_make(*, on: date | None = None) -> int:
    """The day's reminders about certificates running out (volunteers/vetting.py): the
    coordinator is asked to renew, the bridge-builders of the matches that need one are told once
    it has run out. Each is made once, however often this runs."""
    create = _VETTING_REMINDERS.get("create")
    return create(on=on or timezone.localdate()) if create else 0
