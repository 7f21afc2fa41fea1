from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import service_scopes
from accounts.constants import ApiScope
from audit.constants import AuditAction
from audit.services import audit_record
from core.api.permissions import require_perms
from stats.api.serializers import StatsSummarySerializer
from stats.constants import FILTER_AGE_BANDS
from stats.exports import csv_lines, export_filename, json_table
from stats.filters import filters_from_params
from stats.selectors import PERMISSION, min_count, statistics_iter

FILTER_PARAMETERS = [
    OpenApiParameter(
        "from",
        str,
        description="The first month: YYYY-MM or a date YYYY-MM-DD (its month is used). "
        "Default: eleven months before this one.",
    ),
    OpenApiParameter(
        "to",
        str,
        description="The last month: YYYY-MM or a date YYYY-MM-DD (its whole month is used). "
        "Default: this month.",
    ),
    OpenApiParameter(
        "interval",
        str,
        enum=["month", "quarter"],
        description="Rows per month (default) or quarter.",
    ),
    OpenApiParameter(
        "team", OpenApiTypes.UUID, description="Only this team's cases and screenings."
    ),
    OpenApiParameter("district", str, description="Only citizens in this district (a postcode)."),
    OpenApiParameter(
        "age_band", str, enum=FILTER_AGE_BANDS, description="Only citizens of this age at the time."
    ),
]


class _StatsView(APIView):
    # A report job may read the statistics with a token of scope stats:read.
    permission_classes = [service_scopes(get=ApiScope.STATS_READ), require_perms(PERMISSION)]

    def perform_content_negotiation(self, request, force=False):
        # The CSV export answers in CSV whatever the Accept header says; errors are JSON.
        return super().perform_content_negotiation(request, force=True)


@extend_schema(
    tags=["statistics"], parameters=FILTER_PARAMETERS, responses={200: StatsSummarySerializer}
)
class StatsSummaryView(_StatsView):
    """Every statistics table as JSON, anonymised: every count rounded by cell-key
    perturbation, so no count of 1 to 4 is published and none can be worked out by combining
    exports. Admins, and systems with stats:read."""

    def get(self, request):
        filters = filters_from_params(request.query_params)
        audit_record(actor=request.user, action=AuditAction.EXPORT, request=request)
        tables = statistics_iter(user=request.user, filters=filters)
        return Response(
            {
                "filters": filters.as_params(),
                "min_count": min_count(),
                "tables": [json_table(t) for t in tables],
            }
        )


class StatsExportCsvView(_StatsView):
    """The same tables as CSV, one line per cell. Admins, and systems with stats:read."""

    @extend_schema(
        tags=["statistics"],
        operation_id="stats_export_csv",
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="One line per cell: table,table_title,row,row_label,column,"
                "column_label,value. Comma-separated, a full stop before decimals, UTF-8 without "
                "a byte-order mark (the web download /statistik/eksport.csv is the form for "
                "Danish Excel). Streamed.",
            )
        },
    )
    def get(self, request):
        filters = filters_from_params(request.query_params)
        audit_record(actor=request.user, action=AuditAction.EXPORT, request=request)
        response = StreamingHttpResponse(
            csv_lines(statistics_iter(user=request.user, filters=filters)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{export_filename(filters, "csv")}"'
        )
        return response
