from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from followups.constants import TaskKind
from followups.models import Task


class TaskInputSerializer(serializers.Serializer):
    case = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="The case the task belongs to."
    )
    citizen = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The citizen, for a task without a case (home care); taken from `case` if given.",
    )
    assignee = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The user who does the task (someone on the citizen's team); "
        "the caller if left out.",
    )
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    due = serializers.DateField(help_text="From today, and within the next two years.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="What exactly is to be done; the kind's name if left out.",
    )

    def validate(self, data):
        if not data.get("case") and not data.get("citizen"):
            raise serializers.ValidationError({"case": [_("Give the case (or the citizen).")]})
        return data


class TaskFilterSerializer(serializers.Serializer):
    assignee = serializers.RegexField(
        r"^(\d+|all)$",
        required=False,
        help_text="A user's id, or `all` for every task the caller may see; the caller's own "
        "by default (unless `case` or `citizen` is given).",
        error_messages={"invalid": _("Give a user's id, or “all”.")},
    )
    case = serializers.UUIDField(required=False)
    citizen = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    status = serializers.ChoiceField(
        choices=[("open", "open"), ("done", "done"), ("all", "all")],
        required=False,
        default="open",
    )
    due_after = serializers.DateField(required=False)
    due_before = serializers.DateField(required=False)

    def validate_assignee(self, value):
        if value == "all":
            return value
        try:
            return int(value)
        except ValueError:
            raise serializers.ValidationError(_("Give a user's id, or “all”.")) from None


class CompleteInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text="What came of it."
    )


class TaskSerializer(serializers.ModelSerializer):
    citizen = serializers.UUIDField(source="citizen_id")
    case = serializers.UUIDField(source="case_id", allow_null=True)
    screening = serializers.UUIDField(source="screening_id", allow_null=True)
    team = serializers.UUIDField(source="team_id", allow_null=True)
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display")
    # What to do and what came of it, in the request's language where Brobyg wrote them.
    note = serializers.CharField(source="heading")
    done = serializers.BooleanField(source="is_done")
    outcome = serializers.CharField(source="outcome_text")

    class Meta:
        model = Task
        fields = [
            "id",
            "citizen",
            "case",
            "screening",
            "team",
            "assignee",
            "assignee_name",
            "kind",
            "kind_label",
            "note",
            "due",
            "done",
            "done_at",
            "outcome",
            "created_at",
        ]

    def get_assignee_name(self, task) -> str:
        if task.assignee is None:
            return ""
        return task.assignee.get_full_name() or task.assignee.username
