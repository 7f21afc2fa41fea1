"""The volunteer-centre coordinator's pages about matches: the requests for their offers and
volunteers, the answer and the first meeting's outcome, and attendance at group sessions. Each
needs a permission only coordinators hold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read_many
from core.forms import run_service
from matching import selectors as matching_selectors
from matching import services
from matching.forms import AttendanceForm, FirstMeetingOutcomeForm, RespondForm
from matching.presentation import provider_requests_mark_steps
from offers import selectors


@login_required
@permission_required("matching.answer_match_requests", raise_exception=True)
def requests(request):
    # Each match once, in the section of its state, with that section's actions.
    groups = provider_requests_mark_steps(matching_selectors.provider_requests(user=request.user))
    # Each row is about one citizen, named or not (a request, a first meeting's time): every
    # row shown is a read of that citizen's data.
    audit_read_many(
        actor=request.user, objs=[m for group in groups.values() for m in group], request=request
    )
    stale = selectors.offers_stale_for(user=request.user).order_by("title")
    return render(
        request,
        "matching/coordination/requests.html",
        {"groups": groups, "stale_offers": stale, "respond_form": RespondForm()},
    )


def _back_to_requests(match):
    return redirect(reverse("matching:requests") + f"#match-{match.pk}")


@login_required
@permission_required("matching.answer_match_requests", raise_exception=True)
@require_POST
def respond(request, match_id):
    match = matching_selectors.provider_match_get(user=request.user, match_id=match_id)
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
@permission_required("matching.answer_match_requests", raise_exception=True)
@require_POST
def first_meeting_outcome(request, match_id):
    match = matching_selectors.provider_match_get(user=request.user, match_id=match_id)
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


@login_required
@permission_required("offers.add_offersession", raise_exception=True)
def offer_attendance(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    matches = matching_selectors.open_matches_of_offer(offer=offer)
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
            return redirect("matching:offer_attendance", offer_id=offer.pk)
    sessions = offer.sessions.prefetch_related("attendances")[:10]
    audit_read_many(actor=request.user, objs=matches, request=request)
    return render(
        request,
        "matching/coordination/attendance.html",
        {
            "offer": offer,
            "form": form,
            "sessions": sessions,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )
