"""The link an offer or volunteer gets after a first meeting to say whether the citizen came.

It needs no account: it is signed (only Brobyg can make one), names one match and the moment it
was sent (a link sent again makes the older one useless), expires after
BROBYG_CONFIRM_LINK_DAYS, and is spent when answered.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from followups.constants import TaskKind, TaskOrigin
from followups.services import task_create
from matching.models import Match
from matching.selectors import match_provider_may_see_citizen
from offers.constants import MatchStatus
from offers.models import OrganisationContact

# Part of every link already sent: it keeps the name it had when matches lived in offers.
SALT = "brobyg.offers.first-meeting"


class LinkError(Exception):
    """The link is forged, expired, replaced by a newer one, or already answered."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def confirmation_token(match: Match) -> str:
    return signing.dumps(
        {"match": str(match.pk), "sent": match.confirmation_sent_at.isoformat()}, salt=SALT
    )


def confirmation_match(token: str) -> Match:
    """The match the link is about, if the link may still be used."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=timedelta(days=settings.BROBYG_CONFIRM_LINK_DAYS)
        )
    except signing.SignatureExpired:
        raise LinkError(_("The link has expired. Call the bridge-builder instead.")) from None
    except signing.BadSignature:
        raise LinkError(_("The link is not valid. Check that all of it was copied.")) from None
    match = (
        Match.objects.select_related("citizen", "offer", "volunteer")
        .filter(pk=data.get("match"))
        .first()
    )
    if match is None or match.confirmation_sent_at is None:
        raise LinkError(_("The link is not valid. Check that all of it was copied."))
    if match.confirmation_sent_at.isoformat() != data.get("sent"):
        raise LinkError(_("A newer link has been sent. Use that one."))
    if match.confirmation_answered_at is not None or match.status != MatchStatus.FIRST_MEETING:
        raise LinkError(_("Thank you, this has already been answered."))
    return match


def _coordinators(team_id):
    """The active coordinators of a coordinating team (none without a team)."""
    if team_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, groups__name=Role.COORDINATOR, memberships__team_id=team_id
    )


def _coordinator_addresses(team_id) -> list[str]:
    return list(
        _coordinators(team_id)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _recipients(match: Match) -> list[str]:
    """Who is asked whether the citizen came. Most offers have no contact address of their own:
    then the organisation's contact persons marked for it, else the coordinators of the offer's
    coordinating team. A volunteer is asked themself."""
    if match.volunteer_id:
        return [match.volunteer.email] if match.volunteer.email else []
    offer = match.offer
    if offer.contact_email:
        return [offer.contact_email]
    contacts = list(
        OrganisationContact.objects.filter(
            organisation_id=offer.organisation_id, asks_after_first_meetings=True
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return contacts or _coordinator_addresses(offer.team_id)


def _ask_by_phone(match: Match) -> None:
    """No address to write to: someone asks by phone. The coordinating team of the offer or
    volunteer, whose task names no citizen (the match says which request it is); without a team
    with a coordinator on it, the case's bridge-builder."""
    provider = match.offer if match.offer_id else match.volunteer
    data = {
        "origin": TaskOrigin.FIRST_MEETING_ASK_BY_PHONE,
        "provider": str(provider),
        "date": timezone.localdate(match.first_meeting_at).isoformat(),
    }
    if _coordinators(provider.team_id).exists():
        about = (
            {"offer_id": str(provider.pk)} if match.offer_id else {"volunteer": str(provider.pk)}
        )
        task_create(
            citizen=None,
            team=provider.team,
            assignee=None,
            actor=None,
            kind=TaskKind.CHECK_FIRST_MEETING,
            data={**data, **about},
            due=timezone.localdate(),
            match=match,
        )
        return
    case = match.case
    task_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=case.assignee,
        actor=None,
        kind=TaskKind.CHECK_FIRST_MEETING,
        data=data,
        due=timezone.localdate(),
        match=match,
    )


def confirmations_due(*, now=None) -> list:
    """Matches whose first meeting is over and whose provider has not been asked yet."""
    now = now or timezone.now()
    return list(
        Match.objects.filter(
            status=MatchStatus.FIRST_MEETING,
            confirmation_sent_at__isnull=True,
            first_meeting_at__lte=now - timedelta(hours=1),
        ).values_list("pk", flat=True)
    )


def confirmation_send(*, match_id) -> bool:
    """Ask the offer or volunteer whether the citizen came. True if an e-mail went out.

    With no address to write to, someone gets a task to ask by phone instead (`_ask_by_phone`),
    and the match is marked asked all the same: the task is made once.

    The row is locked (skip_locked) and marked in the same transaction as the e-mail is sent, so
    two workers or a repeated beat send it once; an SMTP error rolls the mark back for a retry."""
    with transaction.atomic():
        match = (
            Match.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("citizen", "offer", "volunteer", "case__citizen", "case__team")
            .filter(
                pk=match_id, status=MatchStatus.FIRST_MEETING, confirmation_sent_at__isnull=True
            )
            .first()
        )
        if match is None:
            return False
        addresses = _recipients(match)
        match.confirmation_sent_at = timezone.now()
        match.save(update_fields=["confirmation_sent_at", "updated_at"])
        if not addresses:
            _ask_by_phone(match)
            return False
        shared = match_provider_may_see_citizen(match)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "match": match,
                "who": match.citizen.first_name if shared else _("the citizen"),
                "url": settings.BROBYG_BASE_URL
                + reverse("matching:confirm", args=[confirmation_token(match)]),
                "days": settings.BROBYG_CONFIRM_LINK_DAYS,
            }
            subject = _("Brobyg: did the new participant come?")
            body = render_to_string("matching/email/first_meeting_confirm.txt", context)
        send_mail(subject, body, None, addresses)
        audit_record(actor=None, action=AuditAction.EXPORT, obj=match)
    return True
