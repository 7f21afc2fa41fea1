"""The shape of the statistics summary, for the OpenAPI schema. The view builds the data from
published tables only (stats/exports.py)."""

from rest_framework import serializers


class StatsColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "total", "measure", "share"])
    unit = serializers.CharField(help_text="'%' for shares, 'dage' for days, or empty.")


class StatsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="e.g. '2025-01', '2025-Q1', 'gp', '65-79', 'total'.")
    label = serializers.CharField()
    total = serializers.BooleanField(help_text="The row of totals over the other rows.")
    values = serializers.ListField(
        child=serializers.JSONField(),
        help_text=(
            "One value per column: a number; '<5' (a count from 1 to 4, hidden); 'x' (a count "
            "hidden so that a small count cannot be worked out); or null (a mean, median or "
            "share over fewer than 5 citizens, or over nobody). The 5 is `min_count`."
        ),
    )


class StatsTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    row_heading = serializers.CharField()
    columns = StatsColumnSerializer(many=True)
    rows = StatsRowSerializer(many=True)


class StatsFiltersSerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is added under that name below.
    to = serializers.CharField(help_text="The last month, YYYY-MM.")
    interval = serializers.ChoiceField(choices=["month", "quarter"])
    team = serializers.UUIDField(required=False)
    district = serializers.CharField(required=False)
    age_band = serializers.CharField(required=False)


StatsFiltersSerializer._declared_fields["from"] = serializers.CharField(
    help_text="The first month, YYYY-MM."
)


class StatsSummarySerializer(serializers.Serializer):
    filters = StatsFiltersSerializer()
    min_count = serializers.IntegerField(
        help_text="The smallest count shown; smaller counts are '<min_count'."
    )
    tables = StatsTableSerializer(many=True)
