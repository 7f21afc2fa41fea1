from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from audit.constants import AuditAction
from audit.services import audit_record
from stats.exports import EXCEL_DA_CSV, about_lines, csv_lines, export_filename, xlsx_file
from stats.filters import filters_from_params
from stats.forms import StatisticsFilterForm
from stats.presentation import present
from stats.selectors import (
    PERMISSION,
    min_count,
    statistics_iter,
    statistics_tables,
)


def _form(request) -> StatisticsFilterForm:
    return StatisticsFilterForm(request.GET)


def _invalid(request, form):
    return render(
        request,
        "stats/dashboard.html",
        {"form": form, "tables": [], "min_count": min_count()},
        status=400,
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def dashboard(request):
    if request.GET:
        form = _form(request)
        if not form.is_valid():
            return _invalid(request, form)
        filters = form.filters
    else:
        filters = filters_from_params({})
        form = StatisticsFilterForm(initial=filters.as_params())
    tables = statistics_tables(user=request.user, filters=filters)
    query = urlencode(filters.as_params())
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "tables": [present(t) for t in tables],
            "min_count": min_count(),
            "query": query,
            "now": timezone.localtime(),
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def export_csv(request):
    """The tables as CSV for Danish Excel (semicolons, decimal commas, a byte-order mark); the
    API's CSV is the plain form for programs."""
    form = _form(request)
    if not form.is_valid():
        return _invalid(request, form)
    audit_record(actor=request.user, action=AuditAction.EXPORT, request=request)
    response = StreamingHttpResponse(
        csv_lines(statistics_iter(user=request.user, filters=form.filters), form=EXCEL_DA_CSV),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(form.filters, "csv")}"'
    )
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
def export_xlsx(request):
    form = _form(request)
    if not form.is_valid():
        return _invalid(request, form)
    audit_record(actor=request.user, action=AuditAction.EXPORT, request=request)
    handle = xlsx_file(
        statistics_iter(user=request.user, filters=form.filters),
        about=about_lines(form.filters, min_count()),
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export_filename(form.filters, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
