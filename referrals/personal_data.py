"""What referrals holds about a citizen, for access requests, erasure and retention.

Anonymising keeps what statistics count — the case's dates, status, team and closing reason, the
referral's source, life transitions and urgency, contacts' kinds and dates, consents' purposes
and dates, the postcode and the year of birth — and removes names, contact details, the CPR
number and every free text. Notes, the network map and the plan are deleted: they are nothing
but free text about the person and the people around them.
"""

from datetime import date

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from referrals.constants import CITIZEN_IDENTIFYING_CLEARED, OPEN_STATUSES, DuplicateStatus
from referrals.events import NAMING_KEYS
from referrals.models import (
    Case,
    CaseEvent,
    CaseNote,
    Citizen,
    ConsentRecord,
    Contact,
    NetworkPerson,
    PlanStep,
    PossibleDuplicate,
    Referral,
    ReferralFeedback,
)


def _citizen_anonymise(citizen: Citizen) -> int:
    now = timezone.now()
    _duplicates_forget(citizen)
    return Citizen.objects.filter(pk=citizen.pk).update(
        **CITIZEN_IDENTIFYING_CLEARED,
        # The middle of the birth year: age bands in statistics stay right within half a year.
        birth_date=date(citizen.birth_date.year, 7, 1),
        preferred_language="da",
        anonymised_at=now,
        updated_at=now,
    )


def _duplicates_forget(citizen: Citizen) -> None:
    # A pair not judged yet is no question any more: nobody merges into or from an anonymous
    # record. Pairs judged before stay as what was decided.
    PossibleDuplicate.objects.filter(
        Q(citizen=citizen) | Q(other=citizen), status=DuplicateStatus.OPEN
    ).delete()


def _consents_anonymise(citizen: Citizen) -> int:
    return ConsentRecord.objects.filter(citizen=citizen).update(recipient="")


def _cases_anonymise(citizen: Citizen) -> int:
    cases = Case.objects.filter(citizen=citizen)
    # The timeline keeps its kinds, statuses and dates; the words typed into it (plan steps)
    # and the names its lines are made of go.
    CaseEvent.objects.filter(case__in=cases).update(
        detail="", data=RawSQL("data - %s::text[]", (list(NAMING_KEYS),))
    )
    return cases.update(close_note="")


def _referrals_anonymise(citizen: Citizen) -> int:
    referrals = Referral.objects.filter(citizen=citizen)
    # Feedback not sent yet is never sent about a person who is no longer in Brobyg.
    ReferralFeedback.objects.filter(
        referral__in=referrals, sent_at__isnull=True, skipped_at__isnull=True
    ).update(skipped_at=timezone.now())
    return referrals.update(
        referrer_name="",
        referrer_phone="",
        referrer_email="",
        reason="",
        citizen_wishes="",
        citizen_details={},
    )


def _contacts_anonymise(citizen: Citizen) -> int:
    return Contact.objects.filter(case__citizen=citizen).update(note="")


def _notes_anonymise(citizen: Citizen) -> int:
    notes = CaseNote.objects.filter(case__citizen=citizen)
    CaseEvent.objects.filter(note__in=notes).update(note=None)
    deleted, _counts = notes.delete()
    return deleted


def _network_anonymise(citizen: Citizen) -> int:
    deleted, _counts = NetworkPerson.objects.filter(citizen=citizen).delete()
    return deleted


def _plan_anonymise(citizen: Citizen) -> int:
    deleted, _counts = PlanStep.objects.filter(case__citizen=citizen).delete()
    return deleted


def _cases_in_use(citizens: QuerySet, cutoff) -> QuerySet:
    """An open case, a case closed within the retention period, or a recent referral."""
    recent_cases = Case.objects.filter(status__in=OPEN_STATUSES) | Case.objects.filter(
        closed_at__gte=cutoff
    )
    return citizens.exclude(pk__in=recent_cases.values("citizen_id")).exclude(
        pk__in=Referral.objects.filter(created_at__gte=cutoff).values("citizen_id")
    )


register(
    PersonalDataSection(
        key="citizen",
        label=_("The citizen"),
        order=10,
        rows=lambda citizen: Citizen.objects.filter(pk=citizen.pk).select_related("home_care_team"),
        fields=[
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
            "has_cpr",
            "home_care_team",
            "created_at",
            "anonymised_at",
        ],
        labels={"has_cpr": _("CPR number stored")},
        # Runs last (privacy.services): the other sections may still read the citizen's row.
        anonymise=_citizen_anonymise,
    )
)
register(
    PersonalDataSection(
        key="consents",
        label=_("Consents"),
        order=20,
        rows=lambda citizen: (
            ConsentRecord.objects.filter(citizen=citizen)
            .select_related("recorded_by", "withdrawn_by")
            .order_by("given_at")
        ),
        fields=[
            "purpose",
            "recipient",
            "given_at",
            "method",
            "recorded_by",
            "withdrawn_at",
            "withdrawn_by",
        ],
        anonymise=_consents_anonymise,
    )
)
register(
    PersonalDataSection(
        key="cases",
        label=_("Cases"),
        order=30,
        rows=lambda citizen: (
            Case.objects.filter(citizen=citizen)
            .select_related("team", "assignee")
            .order_by("created_at")
        ),
        fields=[
            "created_at",
            "status",
            "team",
            "assignee",
            "first_contact_at",
            "closed_at",
            "close_reason",
            "close_note",
        ],
        anonymise=_cases_anonymise,
        exclude_in_use=_cases_in_use,
    )
)
register(
    PersonalDataSection(
        key="referrals",
        label=_("Referrals"),
        order=35,
        rows=lambda citizen: (
            Referral.objects.filter(citizen=citizen)
            .select_related("referrer")
            .order_by("created_at")
        ),
        fields=[
            "created_at",
            "source",
            "referrer",
            "referrer_name",
            "referrer_phone",
            "referrer_email",
            "reason",
            "citizen_details",
            "life_transitions",
            "citizen_wishes",
            "urgency",
        ],
        anonymise=_referrals_anonymise,
    )
)
register(
    PersonalDataSection(
        key="contacts",
        label=_("Contacts"),
        order=40,
        rows=lambda citizen: (
            Contact.objects.filter(case__citizen=citizen)
            .select_related("recorded_by")
            .order_by("occurred_at")
        ),
        fields=["occurred_at", "kind", "reached", "note", "recorded_by"],
        labels={"recorded_by": _("recorded by")},
        anonymise=_contacts_anonymise,
    )
)
register(
    PersonalDataSection(
        key="notes",
        label=_("Notes"),
        order=45,
        rows=lambda citizen: (
            CaseNote.objects.filter(case__citizen=citizen)
            .select_related("author")
            .order_by("created_at")
        ),
        fields=["created_at", "author", "text"],
        labels={"author": _("written by")},
        anonymise=_notes_anonymise,
    )
)
register(
    PersonalDataSection(
        key="network",
        label=_("Network"),
        order=50,
        rows=lambda citizen: NetworkPerson.objects.filter(citizen=citizen),
        fields=["kind", "name", "closeness", "note"],
        anonymise=_network_anonymise,
    )
)
register(
    PersonalDataSection(
        key="plan",
        label=_("Plan"),
        order=55,
        rows=lambda citizen: PlanStep.objects.filter(case__citizen=citizen).order_by("created_at"),
        fields=["description", "responsible", "due_date", "done_at"],
        anonymise=_plan_anonymise,
    )
)
