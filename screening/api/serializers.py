from rest_framework import serializers

from core.validators import LONG_TEXT_MAX
from screening.constants import DirectAnswer, ScreeningSetting
from screening.models import Screening


class ScreeningInputSerializer(serializers.Serializer):
    citizen = serializers.UUIDField()
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text='{"lack_companionship": 1-3, "left_out": 1-3, "isolated": 1-3}: '
        "1 = næsten aldrig, 2 = en gang imellem, 3 = ofte.",
    )
    direct_question = serializers.ChoiceField(
        choices=DirectAnswer.choices, required=False, allow_blank=True, default=""
    )
    setting = serializers.ChoiceField(
        choices=ScreeningSetting.choices, required=False, default=ScreeningSetting.HOME_VISIT
    )
    observations = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONG_TEXT_MAX
    )
    wants_help = serializers.BooleanField(required=False, allow_null=True, default=None)
    triage = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=30,
        help_text="A colour code the citizen's triage scheme sets by hand (e.g. `purple` in "
        "Arbejdsgang). A colour that follows the score cannot be chosen: leave it out, and the "
        "score decides.",
    )
    triage_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=LONG_TEXT_MAX,
        help_text="Why the colour in `triage` was chosen by hand. The citizen's colour on the "
        "team is then marked “set by hand”, with who and why.",
    )
    draft = serializers.BooleanField(
        required=False, default=False, help_text="Keep an unfinished screening; it gets no score."
    )
    draft_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="The draft this completes."
    )
    instrument = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        max_length=80,
        help_text="The version of the questionnaire the answers were given to, as the screening "
        "output names it (`ucla3/1`); the version in use if left out. A version put in use "
        "since is no reason to refuse the answers: the screening keeps the version asked.",
    )
    task = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The “screen again” task this screening is for: it is done with it (the "
        "follow-up plan's re-screening is done only by a screening for it, or one made from two "
        "weeks before it is due).",
    )
    idempotency_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Sent again with the same key, the screening is saved once.",
    )
    screened_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the screening was made (a tablet sending it later); now if left out. "
        "Not in the future, and not more than a year ago.",
    )


class TriageSerializer(serializers.Serializer):
    code = serializers.CharField(source="triage_code")
    label = serializers.CharField(source="triage_label")
    colour = serializers.CharField(source="triage_hex")


class ScreeningSerializer(serializers.ModelSerializer):
    citizen = serializers.UUIDField(source="citizen_id")
    instrument = serializers.SerializerMethodField()
    triage = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "citizen",
            "instrument",
            "is_draft",
            "answers",
            "score",
            "triage",
            "next_step",
            "direct_question",
            "setting",
            "observations",
            "wants_help",
            "screened_at",
        ]

    def get_instrument(self, screening) -> str:
        return f"{screening.instrument.code}/{screening.instrument.version}"

    def get_triage(self, screening) -> dict | None:
        if not screening.triage_code:
            return None
        return TriageSerializer(screening).data

    def get_next_step(self, screening) -> dict | None:
        task = self.context.get("task")
        if task is None:
            return None
        return {"task": str(task.pk), "what": task.title, "due": task.due.isoformat()}
