from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import LONG_TEXT_MAX, validate_birth_date, validate_phone
from referrals.constants import (
    PERSON_CONSENT_METHODS,
    CaseStatus,
    LifeTransition,
    ReferralSource,
    SuggestionKind,
    Urgency,
)
from referrals.models import Citizen, Referral
from referrals.services import CITIZEN_FIELDS, citizen_check, consent_given_at_check


class CitizenInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(
        validators=[validate_birth_date], help_text="From 1900-01-01 until today."
    )
    phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_phone],
        help_text="8 digits, or + and the country code; spaces, hyphens and brackets are fine.",
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postcode = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": _("A Danish postcode has four digits.")},
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    preferred_language = serializers.CharField(max_length=8, required=False, default="da")
    cpr = serializers.CharField(
        max_length=11,
        required=False,
        allow_blank=True,
        default="",
        help_text="DDMMYY-SSSS; optional. Stored encrypted.",
    )
    needs_mobility = serializers.BooleanField(required=False, default=False)
    needs_hearing = serializers.BooleanField(required=False, default=False)
    needs_transport = serializers.BooleanField(required=False, default=False)
    needs_interpreter = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        # The referral service's own checks (the CPR number, its date of birth), said here so
        # that a mistake is named where it is: {"citizen": {"cpr": [...]}}.
        citizen_check(data=attrs)
        return attrs


class ConsentInputSerializer(serializers.Serializer):
    given = serializers.BooleanField()
    given_at = serializers.DateTimeField(required=False, help_text="Not in the future.")
    method = serializers.ChoiceField(choices=PERSON_CONSENT_METHODS)

    def validate_given_at(self, value):
        try:
            consent_given_at_check(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["given_at"]) from None
        return value


class ReferralInputSerializer(serializers.Serializer):
    citizen = CitizenInputSerializer()
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    reason = serializers.CharField(max_length=LONG_TEXT_MAX)
    life_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=LifeTransition.choices), required=False, default=list
    )
    citizen_wishes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="normal")
    consent = ConsentInputSerializer()
    feedback_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The citizen agrees that the referrer is told what happened.",
    )
    team = serializers.UUIDField(
        required=False,
        help_text="The bridge-builders' team to send to; the municipality's default if left out.",
    )


class ReferralOutputSerializer(serializers.ModelSerializer):
    """What a referrer may see of a referral: its own status and dates since it was sent, never
    notes, never whether the person was known before. `citizen` only for a caller who may see
    the citizen (the context's `visible_citizens`)."""

    status = serializers.ChoiceField(
        source="referrer_status",
        choices=CaseStatus.choices,
        help_text="Where the case has gone since this referral was received.",
    )
    citizen = serializers.SerializerMethodField()
    first_contact_at = serializers.DateTimeField(
        source="referrer_first_contact_at", allow_null=True
    )
    closed_at = serializers.SerializerMethodField()
    close_reason = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "citizen",
            "source",
            "urgency",
            "created_at",
            "first_contact_at",
            "closed_at",
            "close_reason",
        ]

    def get_citizen(self, referral) -> UUID | None:
        visible = self.context.get("visible_citizens", set())
        return referral.citizen_id if referral.citizen_id in visible else None

    def _closed(self, referral) -> bool:
        return referral.referrer_status == CaseStatus.CLOSED

    def get_closed_at(self, referral) -> datetime | None:
        return referral.case.closed_at if self._closed(referral) else None

    def get_close_reason(self, referral) -> str:
        if self._closed(referral) and referral.referrer_may_know_outcome:
            return referral.case.close_reason
        return ""


class ReferralCreatedSerializer(ReferralOutputSerializer):
    message = serializers.SerializerMethodField()

    class Meta(ReferralOutputSerializer.Meta):
        fields = [*ReferralOutputSerializer.Meta.fields, "message"]

    def get_message(self, referral) -> str:
        return str(_("The referral has been received."))


class CitizenSerializer(serializers.ModelSerializer):
    age_band = serializers.CharField(read_only=True)
    open_case = serializers.SerializerMethodField()

    class Meta:
        model = Citizen
        fields = ["id", *CITIZEN_FIELDS, "age_band", "open_case"]

    def get_open_case(self, citizen) -> dict | None:
        case = getattr(citizen, "open_case_list", None)
        case = case[0] if case else None
        if case is None:
            return None
        return {"id": str(case.pk), "status": case.status}


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuggestionKind.choices)
    id = serializers.UUIDField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    score = serializers.IntegerField(help_text="How well it fits, 0–100.")
    reasons = serializers.ListField(child=serializers.CharField())
    cautions = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    role = serializers.CharField(help_text="For a volunteer: the role they would take.")
