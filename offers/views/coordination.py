"""The volunteer-centre coordinator's pages: requests for their offers and volunteers, the
offers they keep up to date, and attendance at group sessions. Each needs a permission only
coordinators hold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read_many
from core.forms import run_service
from core.http import safe_next_url
from core.validators import strip_nul
from offers import selectors, services
from offers.constants import OfferStatus
from offers.forms import (
    AttendanceForm,
    FirstMeetingOutcomeForm,
    OfferForm,
    RespondForm,
    ScheduleFormSet,
)
from offers.presentation import offer_status_steps, provider_requests_mark_steps
from offers.services.offers import SCHEDULE_FIELDS
from volunteers.selectors import coordination_team_of

PAGE_SIZE = 25


@login_required
@permission_required("offers.answer_match_requests", raise_exception=True)
def requests(request):
    # Each match once, in the section of its state, with that section's actions.
    groups = provider_requests_mark_steps(selectors.provider_requests(user=request.user))
    # Each row is about one citizen, named or not (a request, a first meeting's time): every
    # row shown is a read of that citizen's data.
    audit_read_many(
        actor=request.user, objs=[m for group in groups.values() for m in group], request=request
    )
    stale = selectors.offers_stale_for(user=request.user).order_by("title")
    return render(
        request,
        "offers/coordination/requests.html",
        {"groups": groups, "stale_offers": stale, "respond_form": RespondForm()},
    )


def _back_to_requests(match):
    return redirect(reverse("offers:requests") + f"#match-{match.pk}")


@login_required
@permission_required("offers.answer_match_requests", raise_exception=True)
@require_POST
def respond(request, match_id):
    match = selectors.provider_match_get(user=request.user, match_id=match_id)
    form = RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
        return _back_to_requests(match)
    try:
        services.match_respond(
            match=match,
            confirmed=form.cleaned_data["confirmed"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your answer is sent to the bridge-builder."))
    return _back_to_requests(match)


@login_required
@permission_required("offers.answer_match_requests", raise_exception=True)
@require_POST
def first_meeting_outcome(request, match_id):
    match = selectors.provider_match_get(user=request.user, match_id=match_id)
    form = FirstMeetingOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.match_record_first_meeting(
                match=match, came=form.cleaned_data["came"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you: the bridge-builder can see it."))
    return _back_to_requests(match)


# --- Offers -------------------------------------------------------------------------------------


@login_required
@permission_required("offers.answer_match_requests", raise_exception=True)
def offer_list(request):
    # A NUL can be in no offer's text, and PostgreSQL refuses one in a query.
    q = strip_nul(request.GET.get("q", "")).strip()
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "title")
    offers = selectors.offer_search(
        selectors.offers_managed_by(user=request.user), q=q, status=status, sort=sort
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "offers/coordination/offer_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "sort": sort,
            "statuses": OfferStatus.choices,
        },
    )


def _schedules(formset) -> list[dict]:
    """The meeting times the coordinator kept or added: not the empty rows, nor those ticked
    off (the service removes what is not given)."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.is_blank() and not form.cleaned_data.get("DELETE")
    ]


@transaction.atomic
def _offer_save(request, offer, form, formset):
    """The offer and its meeting times, both or neither."""
    if offer is None:
        offer = services.offer_create(
            organisation=form.cleaned_data["organisation"],
            team=coordination_team_of(user=request.user),
            data=form.offer_data(),
            actor=request.user,
        )
    else:
        offer = services.offer_update(offer=offer, data=form.offer_data(), actor=request.user)
    return services.offer_set_schedules(
        offer=offer, schedules=_schedules(formset), actor=request.user
    )


def _offer_form_page(request, *, offer=None):
    organisations = selectors.organisations_managed_by(user=request.user) if offer is None else None
    if offer is not None:
        initial = {f: getattr(offer, f) for f in services.OFFER_FIELDS}
        schedule_initial = list(offer.schedules.values("id", *SCHEDULE_FIELDS))
    else:
        initial, schedule_initial = {}, []
    form = OfferForm(
        request.POST or None, initial=initial, organisations=organisations, offer=offer
    )
    formset = ScheduleFormSet(request.POST or None, initial=schedule_initial, prefix="schedule")
    # Both are checked, so that everything wrong is said at once.
    valid = request.method == "POST" and all([form.is_valid(), formset.is_valid()])
    if valid:
        saved = run_service(form, lambda data: _offer_save(request, offer, form, formset))
        if saved is not None:
            messages.success(request, _("The offer is saved."))
            if not request.user.has_perm("offers.change_offer"):
                # A bridge-builder's own community: they see it as others find it.
                return redirect("directory:offer", offer_id=saved.pk)
            return redirect("offers:offer_edit", offer_id=saved.pk)
    return render(
        request,
        "offers/coordination/offer_form.html",
        {
            "form": form,
            "formset": formset,
            "offer": offer,
            "status_steps": offer_status_steps(offer=offer) if offer else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("offers.add_offer", raise_exception=True)
def offer_create(request):
    return _offer_form_page(request)


@login_required
@permission_required("offers.change_offer", raise_exception=True)
def offer_edit(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    return _offer_form_page(request, offer=offer)


@login_required
@permission_required("offers.change_offer", raise_exception=True)
@require_POST
def offer_status(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    action = request.POST.get("action", "")
    try:
        if action == "confirm":
            services.offer_confirm(offer=offer, actor=request.user)
            messages.success(request, _("Thank you: the offer is marked as up to date."))
        elif action in OfferStatus.values:
            services.offer_set_status(offer=offer, status=action, actor=request.user)
            messages.success(request, _("The offer's status is changed."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(safe_next_url(request, reverse("offers:offer_list")))


@login_required
@permission_required("offers.add_offersession", raise_exception=True)
def offer_attendance(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    matches = selectors.open_matches_of_offer(offer=offer)
    form = AttendanceForm(request.POST or None, matches=matches, offer=offer)
    if request.method == "POST" and form.is_valid():
        recorded = run_service(
            form,
            lambda data: services.session_record_attendance(
                offer=offer, on=data["date"], attended=form.attended(), actor=request.user
            ),
        )
        if recorded is not None:
            missed = sum(1 for came in form.attended().values() if not came)
            messages.success(
                request,
                _("Attendance is recorded.")
                + (
                    " " + _("A follow-up call is made for each who did not come.") if missed else ""
                ),
            )
            return redirect("offers:offer_attendance", offer_id=offer.pk)
    sessions = offer.sessions.prefetch_related("attendances")[:10]
    audit_read_many(actor=request.user, objs=matches, request=request)
    return render(
        request,
        "offers/coordination/attendance.html",
        {
            "offer": offer,
            "form": form,
            "sessions": sessions,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )
