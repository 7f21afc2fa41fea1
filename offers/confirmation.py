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

from audit.constants import AuditAction
from audit.services import audit_record
from offers.constants import MatchStatus
from offers.models import Match
from offers.selectors import match_provider_may_see_citizen

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


def _recipient(match: Match) -> str:
    if match.offer_id:
        return match.offer.contact_email
    return match.volunteer.email


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

    The row is locked (skip_locked) and marked in the same transaction as the e-mail is sent, so
    two workers or a repeated beat send it once; an SMTP error rolls the mark back for a retry."""
    with transaction.atomic():
        match = (
            Match.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("citizen", "offer", "volunteer")
            .filter(
                pk=match_id, status=MatchStatus.FIRST_MEETING, confirmation_sent_at__isnull=True
            )
            .first()
        )
        if match is None:
            return False
        address = _recipient(match)
        if not address:
            return False
        match.confirmation_sent_at = timezone.now()
        match.save(update_fields=["confirmation_sent_at", "updated_at"])
        shared = match_provider_may_see_citizen(match)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "match": match,
                "who": match.citizen.first_name if shared else _("the citizen"),
                "url": settings.BROBYG_BASE_URL
                + reverse("offers:confirm", args=[confirmation_token(match)]),
                "days": settings.BROBYG_CONFIRM_LINK_DAYS,
            }
            subject = _("Brobyg: did the new participant come?")
            body = render_to_string("offers/email/first_meeting_confirm.txt", context)
        send_mail(subject, body, None, [address])
        audit_record(actor=None, action=AuditAction.EXPORT, obj=match)
    return True
