"""Data protection for the administrator: find the person, show who accessed their record,
export everything about them, erase them, see what retention will anonymise, and see who gave
whom access to which team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import MembershipChangeFilterForm
from accounts.selectors import membership_changes_visible_to
from audit.constants import AuditAction
from audit.services import audit_read, audit_read_many, audit_record
from core.forms import run_service
from privacy import selectors, services
from privacy.forms import AccessLogFilterForm, CitizenLookupForm, EraseForm
from referrals.constants import OPEN_STATUSES

HANDLE = "privacy.handle_data_requests"
PAGE_SIZE = 50
LOOKUP_FIELDS = list(CitizenLookupForm.base_fields)


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def index(request):
    """Find the person a request is about. The CPR number, name and date of birth come in the
    body of a POST only: in an address they would stay in server logs, the browser's history and
    the Referer of the next page. The results link to the citizen by id."""
    if request.method == "GET" and any(request.GET.get(name) for name in LOOKUP_FIELDS):
        # An old bookmark or link with the search in the address: nothing is searched, and the
        # address is cleaned so that the page's own links do not carry it on.
        messages.info(
            request,
            _(
                "Nothing was searched: a CPR number, name or date of birth is never taken from "
                "the address. Search with the form."
            ),
        )
        return redirect("privacy:index")
    form = CitizenLookupForm(request.POST if request.method == "POST" else None)
    citizens = None
    if form.is_bound and form.is_valid():
        citizens = list(
            selectors.citizen_lookup(
                user=request.user,
                cpr=form.cleaned_data["cpr"],
                name=form.cleaned_data["name"],
                birth_date=form.cleaned_data["birth_date"],
            )[:PAGE_SIZE]
        )
        audit_read_many(actor=request.user, objs=citizens, request=request)
    return render(
        request,
        "privacy/index.html",
        {
            "form": form,
            "citizens": citizens,
            "candidates": selectors.retention_report(user=request.user).count(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
def citizen(request, citizen_id):
    person = selectors.citizen_for_data_request(user=request.user, citizen_id=citizen_id)
    audit_read(actor=request.user, obj=person, request=request)
    return render(
        request,
        "privacy/citizen.html",
        {
            "citizen": person,
            "counts": selectors.citizen_section_counts(citizen=person),
            "open_cases": person.cases.filter(status__in=OPEN_STATUSES).count(),
            "erase_form": EraseForm(),
        },
    )


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
def access_log(request, citizen_id):
    """Who has read or changed this citizen's record, and when: printable for an access request."""
    person = selectors.citizen_for_data_request(user=request.user, citizen_id=citizen_id)
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # The list is read before this very look is recorded: it shows what happened until now.
    events = list(
        selectors.citizen_access_log(
            citizen=person, date_from=filters.get("date_from"), date_to=filters.get("date_to")
        )
    )
    audit_read(actor=request.user, obj=person, request=request)
    return render(
        request,
        "privacy/access_log.html",
        {"citizen": person, "form": form, "events": events, "printed_at": timezone.now()},
    )


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
def export(request, citizen_id):
    """Everything about the citizen, readable and printable (the right of access)."""
    person = selectors.citizen_for_data_request(user=request.user, citizen_id=citizen_id)
    sections = selectors.citizen_export(citizen=person)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=person, request=request)
    return render(
        request,
        "privacy/export.html",
        {"citizen": person, "sections": sections, "printed_at": timezone.now()},
    )


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
def export_json(request, citizen_id):
    person = selectors.citizen_for_data_request(user=request.user, citizen_id=citizen_id)
    document = selectors.citizen_export_json(citizen=person)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=person, request=request)
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    filename = f"brobyg-indsigt-{str(person.pk)[:8]}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@permission_required("privacy.erase_citizen", raise_exception=True)
def erase(request, citizen_id):
    person = selectors.citizen_for_data_request(user=request.user, citizen_id=citizen_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erased = run_service(
            form,
            lambda data: services.citizen_erase(
                citizen=person, reason=data["reason"], actor=request.user, request=request
            ),
        )
        if erased is not None:
            messages.success(
                request,
                _(
                    "The citizen's personal data has been removed. Anonymous rows for the "
                    "statistics remain."
                ),
            )
            return redirect("privacy:citizen", person.pk)
    status = 400 if form.is_bound else 200
    # The page names the citizen: a read, like every other page about them.
    audit_read(actor=request.user, obj=person, request=request)
    return render(request, "privacy/erase.html", {"citizen": person, "form": form}, status=status)


@login_required
@permission_required(HANDLE, raise_exception=True)
def retention(request):
    """The dry run: who the nightly job would anonymise now, and when their last case closed."""
    candidates = selectors.retention_report(user=request.user)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/retention.html",
        {
            "page": page,
            "query": "",
            "cutoff": selectors.retention_cutoff(),
            "anonymised": selectors.anonymised_count(),
        },
    )


@never_cache
@login_required
@permission_required(HANDLE, raise_exception=True)
def team_changes(request):
    """Ændringer i teams: every addition to and removal from a team, newest first. A membership
    opens the team's citizens, so the ones people gave themselves stand out, with their reason
    and a link to what they read since."""
    form = MembershipChangeFilterForm(request.GET or None)
    changes = membership_changes_visible_to(user=request.user, **form.filters())
    if form.is_bound and not form.is_valid():
        changes = changes.none()  # the form says what is wrong
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/team_changes.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "self_granted_count": membership_changes_visible_to(
                user=request.user, self_granted_only=True
            ).count(),
        },
    )
