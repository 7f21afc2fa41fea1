"""Names folded the new way (accents, æ/ø/å spelt either way), and each referrer's consent to
feedback tied to their own referral."""

import re
import unicodedata

from django.db import migrations

_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "œ": "oe", "đ": "d"})


def _fold(text):
    # A frozen copy of referrals.identity.name_fold as it was when this migration was written.
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[\W_]+", " ", text)
    for written, folded in [("aa", "a"), ("oe", "o"), ("ae", "e")]:
        text = text.replace(written, folded)
    return " ".join(text.split())


def forwards(apps, schema_editor):
    Citizen = apps.get_model("referrals", "Citizen")
    Referral = apps.get_model("referrals", "Referral")
    ConsentRecord = apps.get_model("referrals", "ConsentRecord")
    batch = []
    for citizen in Citizen.objects.exclude(name_key="").only("pk", "first_name", "last_name"):
        citizen.name_key = _fold(f"{citizen.first_name} {citizen.last_name}")
        batch.append(citizen)
        if len(batch) >= 1000:
            Citizen.objects.bulk_update(batch, ["name_key"])
            batch = []
    Citizen.objects.bulk_update(batch, ["name_key"])

    # Feedback consent was recorded just after the referral, by the same person, in the same moment.
    for consent in ConsentRecord.objects.filter(purpose="referrer_feedback", recipient_id=None):
        referral = (
            Referral.objects.filter(
                citizen_id=consent.citizen_id,
                referrer_id=consent.recorded_by_id,
                feedback_consent__isnull=True,
                created_at__lte=consent.created_at,
            )
            .order_by("-created_at")
            .first()
        )
        if referral is not None:
            referral.feedback_consent_id = consent.pk
            referral.save(update_fields=["feedback_consent"])
            consent.recipient_id = referral.pk
            consent.recipient = referral.referrer_name or referral.referrer_email
            consent.save(update_fields=["recipient_id", "recipient"])


def link_share_consents(apps, schema_editor):
    """Consent to share named its recipient in words: where the words are the title of an offer
    (or the name of a volunteer) the citizen is matched with, that is the recipient. Any other
    consent to share lets nobody see the citizen until it is recorded again."""
    ConsentRecord = apps.get_model("referrals", "ConsentRecord")
    Match = apps.get_model("offers", "Match")
    purposes = {"share_offer": "offer", "share_volunteer": "volunteer"}
    consents = ConsentRecord.objects.filter(purpose__in=purposes, recipient_id=None)
    for consent in consents.exclude(recipient=""):
        wanted = consent.recipient.strip().casefold()
        for match in Match.objects.filter(citizen_id=consent.citizen_id).select_related(
            "offer", "volunteer"
        ):
            if purposes[consent.purpose] == "offer" and match.offer_id:
                name = match.offer.title
            elif purposes[consent.purpose] == "volunteer" and match.volunteer_id:
                name = f"{match.volunteer.first_name} {match.volunteer.last_name}"
            else:
                continue
            if wanted in (name.strip().casefold(), name.split()[0].casefold()):
                consent.recipient_id = match.offer_id or match.volunteer_id
                consent.save(update_fields=["recipient_id"])
                break


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_identity_teams_consent_recipient"),
        ("offers", "0003_first_meeting_confirmation"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(link_share_consents, migrations.RunPython.noop),
    ]
