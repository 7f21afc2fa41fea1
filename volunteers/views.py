"""The coordinator's volunteers: the list, one volunteer's record and vetting, the waiting list."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read, audit_read_many
from core.forms import run_service
from referrals.selectors import cases_visible_to
from volunteers import selectors, services
from volunteers.forms import VettingForm, VolunteerFilterForm, VolunteerForm, VolunteerStatusForm

PAGE_SIZE = 25


@login_required
@permission_required("volunteers.change_volunteer", raise_exception=True)
def volunteer_list(request):
    form = VolunteerFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    volunteers = selectors.volunteer_search(
        selectors.volunteers_managed_by(user=request.user),
        q=data.get("q", ""),
        status=data.get("status", ""),
        role=data.get("role", ""),
        sort=data.get("sort", ""),
    )
    page = Paginator(volunteers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/volunteer_list.html",
        {"page": page, "filter_form": form, "today": timezone.localdate()},
    )


@login_required
@permission_required("volunteers.add_volunteer", raise_exception=True)
def volunteer_create(request):
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = selectors.coordination_team_of(user=request.user)
        if team is None:
            form.add_error(None, _("You are not on a team, so the volunteer has no home."))
        else:
            volunteer = run_service(
                form,
                lambda data: services.volunteer_create(team=team, data=data, actor=request.user),
            )
            if volunteer is not None:
                messages.success(request, _("The volunteer is registered as an applicant."))
                return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _detail_page(request, volunteer, *, status=200, **forms):
    # The citizens on the record are named only where they agreed to share with this volunteer;
    # each one shown, named or not, is a read of their data.
    matches = selectors.open_matches_of_volunteer(volunteer=volunteer)
    audit_read_many(actor=request.user, objs=matches, request=request)
    vetting_warning, needing_vetting = selectors.volunteer_vetting_status(volunteer=volunteer)
    context = {
        "volunteer": volunteer,
        "form": VolunteerForm(
            initial={f: getattr(volunteer, f) for f in services.VOLUNTEER_FIELDS}
        ),
        "vetting_form": VettingForm(
            prefix="vetting",
            initial={f: getattr(volunteer, f) for f in services.VETTING_FIELDS},
        ),
        "status_form": VolunteerStatusForm(prefix="status", volunteer=volunteer),
        "matches": matches,
        # The certificate in question while an open match brings the volunteer into a private
        # home, and which matches those are.
        "vetting_warning": vetting_warning,
        "needing_vetting": needing_vetting,
    }
    context.update(forms)
    return render(request, "volunteers/volunteer_detail.html", context, status=status)


@login_required
@permission_required("volunteers.change_volunteer", raise_exception=True)
def volunteer_detail(request, volunteer_id):
    volunteer = selectors.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    if request.method == "POST":
        form = VolunteerForm(request.POST)
        if form.is_valid():
            saved = run_service(
                form,
                lambda data: services.volunteer_update(
                    volunteer=volunteer, data=data, actor=request.user
                ),
            )
            if saved is not None:
                messages.success(request, _("The volunteer is saved."))
                return redirect("volunteers:detail", volunteer_id=volunteer.pk)
        return _detail_page(request, volunteer, status=400, form=form)
    return _detail_page(request, volunteer)


@login_required
@permission_required("volunteers.change_volunteer", raise_exception=True)
@require_POST
def volunteer_vetting(request, volunteer_id):
    volunteer = selectors.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    form = VettingForm(request.POST, prefix="vetting")
    if form.is_valid():
        saved = run_service(
            form,
            lambda data: services.volunteer_record_vetting(
                volunteer=volunteer, data=data, actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The vetting is recorded."))
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return _detail_page(request, volunteer, status=400, vetting_form=form)


@login_required
@permission_required("volunteers.change_volunteer", raise_exception=True)
@require_POST
def volunteer_status(request, volunteer_id):
    volunteer = selectors.volunteer_get(user=request.user, volunteer_id=volunteer_id)
    form = VolunteerStatusForm(request.POST, prefix="status", volunteer=volunteer)
    if form.is_valid():
        saved = run_service(
            form,
            lambda data: services.volunteer_set_status(
                volunteer=volunteer,
                status=data["status"],
                reason=data.get("reason", ""),
                actor=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("The status is changed."))
            return redirect("volunteers:detail", volunteer_id=volunteer.pk)
    return _detail_page(request, volunteer, status=400, status_form=form)


@login_required
@permission_required("volunteers.view_volunteerrequest", raise_exception=True)
def waiting_list(request):
    requests = list(selectors.waiting_list(user=request.user))
    # Every row is one citizen's wish and wait, named or not: each is a read of their data.
    audit_read_many(actor=request.user, objs=requests, request=request)
    # A row leads to the case for those who may open it, else to the request.
    visible = _visible_cases(request.user, [r.case_id for r in requests])
    for row in requests:
        row.case_visible = row.case_id in visible
    return render(
        request,
        "volunteers/waiting_list.html",
        {"requests": requests, "summary": selectors.waiting_summary(requests)},
    )


def _visible_cases(user, case_ids) -> set:
    return set(cases_visible_to(user=user).filter(pk__in=case_ids).values_list("pk", flat=True))


@login_required
@permission_required("volunteers.view_volunteerrequest", raise_exception=True)
def request_detail(request, request_id):
    """One citizen's wait for a volunteer, as the waiting list shows it, with the way on: the
    case for those who work with the citizen, the volunteers in the role for a coordinator."""
    wait = get_object_or_404(
        selectors.waiting_list(user=request.user).select_related("case__team"), pk=request_id
    )
    audit_read(actor=request.user, obj=wait, request=request)
    query = urlencode({"role": wait.role, "sort": "free"})
    return render(
        request,
        "volunteers/request_detail.html",
        {
            "wait": wait,
            "case_visible": bool(_visible_cases(request.user, [wait.case_id])),
            "volunteers_url": f"{reverse('volunteers:list')}?{query}",
        },
    )
