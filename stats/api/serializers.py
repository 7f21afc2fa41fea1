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
            "One value per column: a number, or null (a mean, median or share over a count "
            "published as 0). Counts are rounded to a multiple of `min_count` (5) by cell-key "
            "perturbation: a count from 1 to 4 is 0; any other to the multiple below or above "
            "it, now and then to one further (0 stands for 0 to 9, any other p for p-9, at "
            "least 5, to p+9); the same count of the same records is always the same number. "
            "Totals are rounded on their own. Shares are computed from the published counts."
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
        help_text="Counts are published as multiples of this; smaller counts are 0."
    )
    tables = StatsTableSerializer(many=True)
