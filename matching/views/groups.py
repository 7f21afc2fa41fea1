"""The coordinator's groups on an offer ("hold"): make one from the offer's page, and on the
group's page see who is in it, add and take out citizens and volunteers, and end it. Without
JavaScript: each form posts and comes back to the group's page; a refusal shows the page again
with the reason (400).

Only coordinators may (the permission to answer requests for their offers), and only on the
offers they manage: another centre's group is not found (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read_many
from core.forms import form_add_service_errors, run_service
from matching import services
from matching.forms import (
    GroupCitizenForm,
    GroupCitizenRemoveForm,
    GroupEndForm,
    GroupForm,
    GroupVolunteerForm,
)
from matching.match_groups import (
    GROUP_PERMISSION,
    group_default_name,
    group_managed_get,
    group_roster,
)
from matching.models import MatchGroup
from offers import selectors

# --- Pages ----------------------------------------------------------------------------------------


def _coordinator(view):
    return login_required(permission_required(GROUP_PERMISSION, raise_exception=True)(view))


def _group_page(request, group: MatchGroup, *, status: int = 200, **forms_given):
    roster = group_roster(group=group, with_candidates=group.is_active)
    # Every citizen the page shows, named or not, is a read of that citizen's data.
    audit_read_many(
        actor=request.user, objs=[*roster.citizens, *roster.candidates], request=request
    )
    context = {
        "group": group,
        "offer": group.offer,
        "roster": roster,
        "citizen_form": forms_given.get("citizen_form")
        or GroupCitizenForm(candidates=roster.candidates),
        "volunteer_form": forms_given.get("volunteer_form")
        or GroupVolunteerForm(user=request.user),
        "remove_form": GroupCitizenRemoveForm(),
        "end_form": forms_given.get("end_form") or GroupEndForm(),
        "errors": forms_given.get("errors", []),
    }
    return render(request, "matching/groups/group_detail.html", context, status=status)


def _back(group: MatchGroup, anchor: str = ""):
    return redirect(
        reverse("matching:group_detail", args=[group.pk]) + (f"#{anchor}" if anchor else "")
    )


@_coordinator
def group_create(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    form = GroupForm(
        request.POST or None,
        user=request.user,
        initial={"name": group_default_name(offer=offer), "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        group = run_service(
            form,
            lambda data: services.group_create(
                offer=offer,
                name=data["name"],
                size=data["size"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                rhythm=data["rhythm"],
                host=data["host"],
                actor=request.user,
            ),
            aliases={"volunteer": "host", "role": "host"},
        )
        if group is not None:
            messages.success(request, _("The group is made. Add its citizens and volunteers."))
            return _back(group)
    return render(
        request,
        "matching/groups/group_form.html",
        {"offer": offer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@_coordinator
def group_detail(request, group_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    return _group_page(request, group)


@_coordinator
@require_POST
def group_citizen_add(request, group_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    form = GroupCitizenForm(
        request.POST, candidates=group_roster(group=group, with_candidates=True).candidates
    )
    if form.is_valid():
        match = run_service(
            form,
            lambda data: services.group_add_citizen(
                group=group, match=form.candidates[data["match"]], actor=request.user
            ),
        )
        if match is not None:
            messages.success(request, _("The citizen is in the group."))
            return _back(group, "group-citizens")
    return _group_page(request, group, status=400, citizen_form=form)


@_coordinator
@require_POST
def group_citizen_remove(request, group_id, match_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    form = GroupCitizenRemoveForm(request.POST)
    roster = group_roster(group=group)
    match = next((m for m in roster.citizens if str(m.pk) == str(match_id)), None)
    if match is None or not form.is_valid():
        return _group_page(
            request, group, status=400, errors=[_("The citizen is not in the group.")]
        )
    try:
        services.group_remove_citizen(
            group=group,
            match=match,
            end_reason=form.cleaned_data["end_reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        return _group_page(request, group, status=400, errors=exc.messages)
    messages.success(request, _("The citizen is out of the group."))
    return _back(group, "group-citizens")


@_coordinator
@require_POST
def group_volunteer_add(request, group_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    form = GroupVolunteerForm(request.POST, user=request.user)
    if form.is_valid():
        membership = run_service(
            form,
            lambda data: services.group_add_volunteer(
                group=group, volunteer=data["volunteer"], role=data["role"], actor=request.user
            ),
        )
        if membership is not None:
            messages.success(
                request,
                _("{name} is in the group.").format(name=membership.volunteer.full_name),
            )
            return _back(group, "group-volunteers")
    return _group_page(request, group, status=400, volunteer_form=form)


@_coordinator
@require_POST
def group_volunteer_remove(request, group_id, membership_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    membership = group.volunteer_memberships.filter(pk=membership_id).first()
    if membership is None:
        return _group_page(
            request, group, status=400, errors=[_("The volunteer is not in the group.")]
        )
    membership = services.group_remove_volunteer(membership=membership, actor=request.user)
    messages.success(
        request, _("{name} is out of the group.").format(name=membership.volunteer.full_name)
    )
    return _back(group, "group-volunteers")


@_coordinator
@require_POST
def group_end(request, group_id):
    group = group_managed_get(user=request.user, group_id=group_id)
    form = GroupEndForm(request.POST)
    if form.is_valid():
        try:
            services.group_end(
                group=group,
                end_matches=form.cleaned_data["end_matches"],
                end_reason=form.cleaned_data["end_reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The group has ended."))
            return _back(group)
    return _group_page(request, group, status=400, end_form=form)
