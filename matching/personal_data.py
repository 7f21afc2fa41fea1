"""What matching holds about a citizen. Matches stay as anonymous rows (which offer or volunteer,
status and dates) so statistics of matches and outcomes stay right; the free text, the reasons
and the citizen's wishes go. An open match is ended first, so its place is freed. A citizen with
an open match is still being helped, so retention leaves them alone. An unmet need ("no fitting
offer exists") keeps its category, area and dates, not what was wanted."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from matching.models import (
    ContactAgreement,
    ContactLogEntry,
    Match,
    MatchProfile,
    OfferWaitingListEntry,
)
from matching.services import contact_log_anonymise, match_end
from offers.constants import MatchEndReason, MatchStatus


def _matches_anonymise(citizen) -> int:
    for match in Match.objects.filter(citizen=citizen).exclude(status=MatchStatus.ENDED):
        match_end(match=match, reason=MatchEndReason.OTHER, actor=None)
    touched = Match.objects.filter(citizen=citizen).update(
        end_note="", accompanied_by="", reasons=[]
    )
    deleted, _counts = MatchProfile.objects.filter(citizen=citizen).delete()
    return touched + deleted


def _matches_in_use(citizens: QuerySet, cutoff) -> QuerySet:
    return citizens.exclude(
        pk__in=Match.objects.exclude(status=MatchStatus.ENDED).values("citizen_id")
    )


register(
    PersonalDataSection(
        key="matches",
        label=_("Offers and volunteers"),
        order=64,
        rows=lambda citizen: (
            Match.objects.filter(citizen=citizen)
            .select_related("offer", "volunteer", "group")
            .order_by("created_at")
        ),
        fields=[
            "offer",
            # A group on the offer the citizen takes part in through the match ("hold 3").
            "group",
            "volunteer",
            "volunteer_role",
            "status",
            "created_at",
            "accepted_at",
            "first_meeting_at",
            "accompanied_by",
            "activated_at",
            "ended_at",
            "end_reason",
            "end_note",
        ],
        anonymise=_matches_anonymise,
        exclude_in_use=_matches_in_use,
    )
)

register(
    PersonalDataSection(
        key="match_profile",
        label=_("Wishes for matching"),
        order=65,
        rows=lambda citizen: MatchProfile.objects.filter(citizen=citizen),
        fields=[
            "activity_kinds",
            "interests",
            "target_groups",
            "slots",
            "max_distance_km",
            "other_languages",
            "wants_company_of_others",
            "accepts_remote",
            "wishes",
            "needs_companion",
            "companion_arranged_by",
            "transport_arranged_by",
            "language_help_arranged_by",
        ],
    )
)


register(
    PersonalDataSection(
        key="offer_waiting_list",
        label=_("Waiting lists for offers"),
        order=66,
        rows=lambda citizen: (
            OfferWaitingListEntry.objects.filter(citizen=citizen)
            .select_related("offer")
            .order_by("created_at")
        ),
        fields=["offer", "created_at", "offered_at", "left_at", "left_reason"],
    )
)


# Recurring contact on a match (matching/contact.py): the agreed rhythm, and each contact logged
# with the topics parked for next time and any concern. The rows stay (dates and outcomes); the
# topics and concerns are the citizen's life in words, and go.
register(
    PersonalDataSection(
        key="contact_agreements",
        label=_("Agreed regular contact"),
        order=68,
        rows=lambda citizen: (
            ContactAgreement.objects.filter(match__citizen=citizen)
            .select_related("match__citizen", "match__offer", "match__volunteer")
            .order_by("starts_on", "created_at")
        ),
        fields=["match", "rhythm", "weekday", "at", "channel", "starts_on", "ends_on"],
    )
)

register(
    PersonalDataSection(
        key="contact_log",
        label=_("Logged contacts"),
        order=68,
        rows=lambda citizen: (
            ContactLogEntry.objects.filter(match__citizen=citizen)
            .select_related("match__citizen", "match__offer", "match__volunteer")
            .order_by("on", "created_at")
        ),
        fields=["match", "on", "outcome", "topics_next_time", "concern", "worried"],
        anonymise=contact_log_anonymise,
    )
)
