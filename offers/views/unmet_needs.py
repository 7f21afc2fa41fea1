"""Unmet needs: recorded on the case page by its bridge-builders ("no fitting offer exists"),
and listed by area and category for the coordinators who plan offers and for the admin.

Who sees what: the case's bridge-builders see its needs in full; coordinators see what was
wanted, with its category, area and date, never who wanted it; the admin sees the counts only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read, audit_read_many
from core.forms import run_service
from offers import selectors, services
from offers.forms import UnmetNeedFilterForm, UnmetNeedForm
from referrals.selectors import case_get

PAGE_SIZE = 25


def _case_page(case) -> str:
    return reverse("referrals:case_detail", args=[case.pk]) + "#unmet-needs"


def _block(request, case, **context):
    # The block shows the case's needs again: a read of the citizen's record, like the page.
    audit_read(actor=request.user, obj=case, request=request)
    return render(request, "offers/_case_unmet_needs.html", {"unmet": _context(case, **context)})


def _context(case, *, form=None, saved=False) -> dict:
    # The same as the case page's block (offers/templatetags/unmet_needs.py), with what happened.
    return {
        "case": case,
        "needs": selectors.unmet_needs_of_case(case=case),
        "form": form or UnmetNeedForm(),
        "saved": saved,
    }


@login_required
@permission_required("offers.add_unmetneed", raise_exception=True)
@require_POST
def record(request, case_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = UnmetNeedForm(request.POST)
    if form.is_valid():
        need = run_service(
            form, lambda data: services.unmet_need_record(case=case, actor=request.user, **data)
        )
        if need is not None:
            if request.htmx:
                return _block(request, case, saved=True)
            messages.success(request, _("The unmet need is recorded."))
            return redirect(_case_page(case))
    if request.htmx:
        # htmx swaps only a 2xx answer: the block comes back with the form's errors in it.
        return _block(request, case, form=form)
    audit_read(actor=request.user, obj=case, request=request)
    return render(
        request,
        "offers/unmet_need_form.html",
        {"case": case, "unmet": _context(case, form=form)},
        status=400,
    )


@login_required
@permission_required("offers.change_unmetneed", raise_exception=True)
@require_POST
def mark_met(request, case_id, need_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    need = selectors.unmet_need_of_case_get(case=case, need_id=need_id)
    try:
        services.unmet_need_mark_met(need=need, actor=request.user)
    except ValidationError as exc:
        if not request.htmx:
            messages.error(request, " ".join(exc.messages))
    else:
        if not request.htmx:
            messages.success(request, _("The need is marked met."))
    if request.htmx:
        return _block(request, case)
    return redirect(_case_page(case))


@login_required
@permission_required("offers.view_unmet_need_summary", raise_exception=True)
def unmet_needs(request):
    """Unmet needs by area and category; for coordinators also what was wanted."""
    form = UnmetNeedFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "offers/unmet_needs.html",
            {"form": form, "groups": None, "wishes": None},
            status=400,
        )
    filters = form.cleaned_data
    chosen = {"area": filters["area"], "category": filters["category"], "status": filters["status"]}
    groups = selectors.unmet_needs_by_area(user=request.user, sort=filters["sort"], **chosen)
    group_page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("gruppe"))
    may_read_wishes = request.user.has_perm("offers.view_unmetneed")
    wish_page = None
    if may_read_wishes:
        wishes = selectors.unmet_need_wishes(user=request.user, order=filters["order"], **chosen)
        wish_page = Paginator(wishes, PAGE_SIZE).get_page(request.GET.get("side"))
        areas = {g.postcode: g.area for g in groups}  # the same needs: every area is there
        for need in wish_page:
            need.area = areas.get(need.postcode, need.postcode)
        # Each wish is about one citizen, though it names nobody: a read of their data.
        audit_read_many(actor=request.user, objs=list(wish_page), request=request)
    return render(
        request,
        "offers/unmet_needs.html",
        {
            "form": form,
            "groups": group_page,
            "wishes": wish_page,
            "group_query": _query_without(request, "gruppe"),
            "wish_query": _query_without(request, "side"),
            "total": sum(g.count for g in groups),
        },
    )


def _query_without(request, page_param: str) -> str:
    """The list's filters (and the other list's page) for a page link of one list."""
    return urlencode([(k, v) for k, v in request.GET.items() if k != page_param])
