"""Unmet needs: "no fitting offer exists", recorded on the case and later marked met."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from offers.constants import ActivityKind
from offers.models import UnmetNeed
from referrals.models import Case, postcode_validator

# --- Unmet needs ----------------------------------------------------------------------------------

UNMET_NEED_WANTED_MAX = UnmetNeed._meta.get_field("wanted").max_length


@transaction.atomic
def unmet_need_record(
    *, case: Case, category: str, wanted: str, actor: User, postcode: str = ""
) -> UnmetNeed:
    """No fitting offer exists: what the citizen wanted, the kind of offer, and the area where it
    is missing (the citizen's own postcode unless another is given)."""
    wanted = (wanted or "").strip()
    postcode = (postcode or "").strip()
    errors = {}
    if category not in ActivityKind.values:
        errors["category"] = _("Choose the kind of offer that is missing.")
    if not wanted:
        errors["wanted"] = _("Write in a few words what the citizen would like.")
    elif len(wanted) > UNMET_NEED_WANTED_MAX:
        errors["wanted"] = _("Write it in at most %(max)s characters.") % {
            "max": UNMET_NEED_WANTED_MAX
        }
    if postcode:
        try:
            postcode_validator(postcode)
        except ValidationError as exc:
            errors["postcode"] = exc.messages
    if errors:
        raise ValidationError(errors)
    # The case's row, locked: a need is never recorded on a case being closed at this moment.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("The case is closed: a need is recorded on an open case."))
    need = UnmetNeed.objects.create(
        case=case,
        category=category,
        wanted=wanted,
        postcode=postcode or case.citizen.postcode,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=need)
    return need


@transaction.atomic
def unmet_need_mark_met(*, need: UnmetNeed, actor: User) -> UnmetNeed:
    """An offer came (or another way was found): the need is no longer open."""
    locked = UnmetNeed.objects.select_for_update().select_related("case").get(pk=need.pk)
    if locked.met_at is not None:
        raise ValidationError(_("The need is already marked met."))
    locked.met_at, locked.met_by = timezone.now(), actor
    locked.save(update_fields=["met_at", "met_by", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, fields=["met_at", "met_by"])
    return locked
