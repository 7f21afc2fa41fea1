"""What medcom holds about a citizen, for access requests, erasure and retention.

A received message and each reply hold the citizen's CPR number, name and the GP's words: they
are emptied. What stays is what the audit trail and the "same message again" rule need: the
MessageHeader ids, who sent it to whom (with the sender's SOR code), when, the message's content
hash (SHA-256, from which nothing can be read back) and the acknowledgement (organisations and
ids only). A reply not yet fetched is never sent once emptied (MedComReply.objects.sendable).
"""

from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from medcom.models import MedComMessage, MedComReply


def _messages_anonymise(citizen) -> int:
    return MedComMessage.objects.filter(referral__citizen=citizen).update(bundle={}, topic="")


def _replies_anonymise(citizen) -> int:
    return MedComReply.objects.filter(message__referral__citizen=citizen).update(bundle={})


register(
    PersonalDataSection(
        key="medcom_messages",
        label=_("MedCom messages"),
        order=37,
        rows=lambda citizen: MedComMessage.objects.filter(referral__citizen=citizen).order_by(
            "created_at"
        ),
        fields=[
            "created_at",
            "sent_at",
            "sender_name",
            "sender_sor",
            "category",
            "topic",
            "consent_confirmed_at",
        ],
        anonymise=_messages_anonymise,
    )
)
register(
    PersonalDataSection(
        key="medcom_replies",
        label=_("MedCom replies to the GP"),
        order=38,
        rows=lambda citizen: MedComReply.objects.filter(
            message__referral__citizen=citizen
        ).order_by("created_at"),
        fields=["created_at", "event", "fetched_at"],
        anonymise=_replies_anonymise,
    )
)
