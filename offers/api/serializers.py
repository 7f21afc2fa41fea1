from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offers import selectors
from offers.constants import ActivityKind, Interest, Strategy, TargetGroup, Weekday
from offers.models import Offer, OfferSchedule, OrganisationContact
from referrals.constants import CITIZEN_LANGUAGES

_WEEKDAY_NAMES = {
    # English, Danish and the short forms, so that ?weekday=tuesday, tirsdag, tue and 1 all work.
    **{label.lower(): value for value, label in zip(range(7), Weekday.names, strict=True)},
    **{
        name: value
        for value, names in enumerate(
            [
                ("mandag", "mon", "man"),
                ("tirsdag", "tue", "tir"),
                ("onsdag", "wed", "ons"),
                ("torsdag", "thu", "tor"),
                ("fredag", "fri", "fre"),
                ("lørdag", "sat", "lør", "lordag"),
                ("søndag", "sun", "søn", "sondag"),
            ]
        )
        for name in names
    },
}


class WeekdayField(serializers.Field):
    default_error_messages = {
        "invalid": _("Give the day as 0–6 (0 is Monday) or its name, e.g. 'tuesday' or 'tirsdag'.")
    }

    def to_internal_value(self, data):
        text = str(data).strip().lower()
        if text.isdigit() and int(text) in range(7):
            return int(text)
        if text in _WEEKDAY_NAMES:
            return _WEEKDAY_NAMES[text]
        self.fail("invalid")

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "type": "string",
        # Every spelling the field takes (in any letter case), so a client knows them all.
        "enum": [str(day) for day in range(7)] + sorted(_WEEKDAY_NAMES),
        "example": "tuesday",
    }
)
class _WeekdaySchemaField(WeekdayField):
    pass


class DirectoryFilterSerializer(serializers.Serializer):
    """The directory's filters as query parameters; a bad value is a 400 naming the parameter."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    category = serializers.ChoiceField(
        choices=[*Strategy.choices, *ActivityKind.choices],
        required=False,
        allow_blank=True,
        default="",
        help_text="A strategy (e.g. social_network) or an activity kind (e.g. nature).",
    )
    postcode = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": _("A Danish postcode has four digits.")},
    )
    km = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=selectors.MAX_DISTANCE_KM,
        help_text="Offers within this many km of the postcode's centre (needs postcode).",
    )
    weekday = _WeekdaySchemaField(required=False, help_text="0–6 (0 is Monday) or the day's name.")
    sort = serializers.ChoiceField(
        choices=selectors.DIRECTORY_SORTS,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "By relevance to q (the default without a postcode), by title, or by distance (the "
            "default when a postcode is given)."
        ),
    )

    def validate(self, attrs):
        if attrs.get("km") is not None and not attrs.get("postcode"):
            raise serializers.ValidationError(
                {"km": _("Give a postcode to measure the distance from.")}
            )
        return attrs


class ScheduleSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text="The meeting time in words.")

    class Meta:
        model = OfferSchedule
        fields = [
            "frequency",
            "weekday",
            "week_of_month",
            "date",
            "starts_at",
            "ends_at",
            "valid_from",
            "valid_until",
            "text",
        ]

    def get_text(self, schedule) -> str:
        return selectors.directory_schedule_text(schedule)


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganisationContact
        fields = ["name", "title", "phone", "email"]


class _Labelled(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def _labelled(values, choices) -> list[dict]:
    labels = dict(choices)
    return [{"code": v, "label": str(labels[v])} for v in values if v in labels]


class OfferSerializer(serializers.ModelSerializer):
    """An offer as the public directory shows it."""

    organisation = serializers.SerializerMethodField()
    strategy = serializers.SerializerMethodField()
    activity_kinds = serializers.SerializerMethodField()
    interests = serializers.SerializerMethodField()
    target_groups = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    schedules = serializers.SerializerMethodField()
    places_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_full = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True, help_text="Not confirmed for BROBYG_OFFER_STALE_MONTHS months."
    )
    distance_km = serializers.SerializerMethodField(
        help_text="From the postcode searched for; null for offers by phone or online."
    )
    url = serializers.SerializerMethodField(help_text="The offer's page in the directory.")

    class Meta:
        model = Offer
        fields = [
            "id",
            "url",
            "title",
            "description",
            "organisation",
            "strategy",
            "activity_kinds",
            "interests",
            "target_groups",
            "age_min",
            "age_max",
            "is_group",
            "is_remote",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "distance_km",
            "schedules",
            "capacity",
            "places_left",
            "is_full",
            "price_kind",
            "price_amount",
            "price_note",
            "fritidspas",
            "wheelchair_accessible",
            "hearing_loop",
            "accessibility_note",
            "transport_offered",
            "transport_note",
            "languages",
            "host_name",
            "host_phone",
            "host_note",
            "accompaniment_possible",
            "contact_email",
            "contact_phone",
            "website",
            "is_public",
            "last_confirmed_on",
            "is_stale",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
                "phone": {"type": "string"},
                "email": {"type": "string"},
                "website": {"type": "string"},
                "contacts": {"type": "array", "items": {"type": "object"}},
            },
        }
    )
    def get_organisation(self, offer) -> dict:
        organisation = offer.organisation
        data = {
            "id": str(organisation.pk),
            "name": organisation.name,
            "kind": organisation.kind,
            "phone": organisation.phone,
            "email": organisation.email,
            "website": organisation.website,
        }
        if self.context.get("with_contacts"):
            data["contacts"] = ContactPersonSerializer(organisation.contacts.all(), many=True).data
        return data

    @extend_schema_field(_Labelled)
    def get_strategy(self, offer) -> dict:
        return {"code": offer.strategy, "label": str(offer.get_strategy_display())}

    @extend_schema_field(_Labelled(many=True))
    def get_activity_kinds(self, offer) -> list[dict]:
        return _labelled(offer.activity_kinds, ActivityKind.choices)

    @extend_schema_field(_Labelled(many=True))
    def get_interests(self, offer) -> list[dict]:
        return _labelled(offer.interests, Interest.choices)

    @extend_schema_field(_Labelled(many=True))
    def get_target_groups(self, offer) -> list[dict]:
        return _labelled(offer.target_groups, TargetGroup.choices)

    @extend_schema_field(_Labelled(many=True))
    def get_languages(self, offer) -> list[dict]:
        return _labelled(offer.languages, CITIZEN_LANGUAGES)

    @extend_schema_field(ScheduleSerializer(many=True))
    def get_schedules(self, offer) -> list[dict]:
        schedules = sorted(offer.schedules.all(), key=selectors.directory_schedule_sort_key)
        return ScheduleSerializer(schedules, many=True).data

    def get_distance_km(self, offer) -> float | None:
        distance = getattr(offer, "distance_km", None)
        return None if distance is None else round(distance, 1)

    def get_url(self, offer) -> str:
        request = self.context.get("request")
        path = reverse("directory:offer", args=[offer.pk])
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, offer):
        data = super().to_representation(offer)
        if offer.in_private_home:
            # Held in someone's home: the postcode and town, and the postcode's centre
            # (offers.selectors), never the door; the address is given on signing up.
            data["address"] = ""
            data["latitude"] = getattr(offer, "public_latitude", None)
            data["longitude"] = getattr(offer, "public_longitude", None)
        return data
