"""The bridge-builder's matching page for one case: wishes, suggestions, proposals, matches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.forms import run_service
from matching import services
from matching.forms import FirstMeetingForm, MatchEndForm, MatchProfileForm, ProposeForm
from matching.models import MatchProfile
from matching.presentation import match_actions
from matching.ranking import companions_read, suggestions_for
from matching.ranking.wishes import profile_initial_from_referrals
from matching.selectors import match_provider_may_see_citizen, matches_of_case
from offers.constants import OPEN_MATCH_STATUSES, MatchStatus, SuggestionKind
from offers.models import Offer
from referrals.constants import ReferralSource
from referrals.selectors import case_get, citizens_visible_to
from volunteers.forms import VolunteerRequestForm
from volunteers.models import Volunteer, VolunteerRequest
from volunteers.services import volunteer_request_close, volunteer_request_create

PROFILE_FIELDS = list(MatchProfileForm.base_fields)
# The suggestions each matching page showed, by case: a proposal keeps the score and reasons the
# bridge-builder saw, without ranking again. A few cases are remembered, for pages open side by
# side.
SHOWN_SESSION_KEY = "matching_shown"
SHOWN_CASES = 5


def _profile_initial(case) -> tuple[dict, str]:
    """The matching form's values and, when they are not the citizen's saved profile, a note
    saying where they come from. A saved profile is what the bridge-builder agreed with the
    citizen, so the referral never overrides it; before there is one, the form starts from
    what the open case's referrals say the citizen wants."""
    profile = MatchProfile.objects.filter(citizen=case.citizen).first()
    if profile is not None:
        return {name: getattr(profile, name) for name in PROFILE_FIELDS}, ""
    if not case.is_open:
        return {}, ""
    referrals = list(case.referrals.order_by("-created_at"))
    initial = profile_initial_from_referrals(referrals)
    if not initial:
        return {}, ""
    if all(r.source == ReferralSource.GP for r in referrals):
        return initial, gettext_lazy(
            "Filled in from the GP's referral – check with the citizen and save."
        )
    return initial, gettext_lazy("Filled in from the referral – check with the citizen and save.")


def _context(request, case, **forms) -> dict:
    citizen = case.citizen
    profile_initial, prefill_note = _profile_initial(case)
    matches = list(matches_of_case(user=request.user, case=case))
    groups = suggestions_for(
        citizen=citizen, visible_citizens=citizens_visible_to(user=request.user)
    )
    companions_read(actor=request.user, suggestions=groups[SuggestionKind.CITIZEN], request=request)
    _remember_shown(request, case, groups)
    context = {
        "case": case,
        "citizen": citizen,
        "offer_suggestions": groups[SuggestionKind.OFFER],
        "volunteer_suggestions": groups[SuggestionKind.VOLUNTEER],
        "citizen_suggestions": groups[SuggestionKind.CITIZEN],
        # Each open match with the steps the page offers for it.
        "open_matches": [
            (m, match_actions(match=m, user=request.user))
            for m in matches
            if m.status in OPEN_MATCH_STATUSES
        ],
        "ended_matches": [m for m in matches if m.status == MatchStatus.ENDED],
        "requests": VolunteerRequest.objects.filter(citizen=citizen, closed_at__isnull=True),
        "profile_form": MatchProfileForm(prefix="profile", initial=profile_initial),
        # A form posted back shows what was posted, not the referral.
        "profile_prefill_note": "" if "profile_form" in forms else prefill_note,
        "request_form": VolunteerRequestForm(prefix="request"),
        "meeting_form": FirstMeetingForm(prefix="meeting"),
        "end_form": MatchEndForm(prefix="end"),
    }
    context.update(forms)
    return context


def _remember_shown(request, case, groups) -> None:
    shown = request.session.get(SHOWN_SESSION_KEY, {})
    shown.pop(str(case.pk), None)
    shown[str(case.pk)] = {
        f"{kind}:{s.id}": {"score": s.score, "reasons": [str(r) for r in s.reasons]}
        for kind in (SuggestionKind.OFFER, SuggestionKind.VOLUNTEER)
        for s in groups[kind]
    }
    request.session[SHOWN_SESSION_KEY] = dict(list(shown.items())[-SHOWN_CASES:])


def _shown(request, case, kind: str, target) -> dict:
    """The score and reasons the page showed for this offer or volunteer (none if it did not)."""
    cases = request.session.get(SHOWN_SESSION_KEY, {})
    return cases.get(str(case.pk), {}).get(f"{kind}:{target}", {"score": None, "reasons": []})


def _page(case) -> str:
    return reverse("matching:case_matching", args=[case.pk])


@login_required
@permission_required("matching.add_match", raise_exception=True)
def case_matching(request, case_id):
    case = case_get(user=request.user, case_id=case_id, request=request)
    return render(request, "matching/case_matching.html", _context(request, case))


def _matching_post(view):
    return login_required(
        permission_required("matching.add_match", raise_exception=True)(require_POST(view))
    )


def _invalid(request, case, **forms):
    # The case was fetched for a change, not logged as read; the page shown again is a read.
    audit_read(actor=request.user, obj=case, request=request)
    return render(
        request, "matching/case_matching.html", _context(request, case, **forms), status=400
    )


@_matching_post
def profile_save(request, case_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = MatchProfileForm(request.POST, prefix="profile")
    if form.is_valid():
        saved = run_service(
            form,
            lambda data: services.match_profile_save(
                citizen=case.citizen, data=data, actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The wishes are saved; the suggestions follow them."))
            return redirect(_page(case) + "#suggestions")
    return _invalid(request, case, profile_form=form)


@_matching_post
def propose(request, case_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The suggestion could not be read. Try again."))
        return redirect(_page(case))
    data = form.cleaned_data
    # The proposal keeps the reasons shown when it was made.
    shown = _shown(request, case, data["kind"], data["target"])
    try:
        if data["kind"] == SuggestionKind.OFFER:
            provider = get_object_or_404(Offer, pk=data["target"])
            match = services.match_propose(
                case=case,
                offer=provider,
                actor=request.user,
                score=shown["score"],
                reasons=shown["reasons"],
            )
        else:
            provider = get_object_or_404(Volunteer, pk=data["target"])
            match = services.match_propose(
                case=case,
                volunteer=provider,
                role=data["role"],
                actor=request.user,
                score=shown["score"],
                reasons=shown["reasons"],
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_page(case) + "#suggestions")
    messages.success(
        request,
        _("{what} is proposed. Ask the citizen, then record the answer.").format(
            what=match.provider
        ),
    )
    return redirect(_page(case) + f"#match-{match.pk}")


def _match_of(case, match_id):
    match = case.matches.select_related("offer", "volunteer").filter(pk=match_id).first()
    if match is None:
        raise Http404
    return match


def _plan_first_meeting(match, data, actor) -> str:
    services.match_plan_first_meeting(
        match=match,
        at=data["at"],
        accompaniment=data["accompaniment"],
        accompanied_by=data["accompanied_by"],
        actor=actor,
    )
    return _("The first meeting is planned; a task to follow up is made.")


def _end(match, data, actor) -> str:
    services.match_end(match=match, reason=data["reason"], note=data["note"], actor=actor)
    return _("The match has ended.")


# The steps of a match that take a form: the form, and the step, which says what it did.
FORM_STEPS = {"meeting": (FirstMeetingForm, _plan_first_meeting), "end": (MatchEndForm, _end)}


@_matching_post
def match_action(request, case_id, match_id, action):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    match = _match_of(case, match_id)
    if action in FORM_STEPS:
        return _match_form_step(request, case, match, action)
    try:
        if action == "accept":
            services.match_accept(match=match, actor=request.user)
            done = _("The citizen's yes is recorded. Plan the first meeting.")
        elif action == "decline":
            services.match_end(match=match, reason="citizen_declined", actor=request.user, note="")
            done = _("The citizen's no is recorded; the place is free again.")
        elif action in ("came", "missed"):
            services.match_record_first_meeting(
                match=match, came=action == "came", actor=request.user
            )
            done = _("Recorded.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_page(case) + f"#match-{match.pk}")
    messages.success(request, done)
    return redirect(_page(case) + f"#match-{match.pk}")


def _match_form_step(request, case, match, action):
    form_class, step = FORM_STEPS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        done = run_service(
            form,
            lambda data: step(match, data, request.user),
            aliases={"first_meeting_at": "at"},
        )
        if done is not None:
            messages.success(request, done)
            return redirect(_page(case) + f"#match-{match.pk}")
    return _invalid(request, case, **{f"{action}_form": form, "failed_match": match})


@_matching_post
def request_add(request, case_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = VolunteerRequestForm(request.POST, prefix="request")
    if form.is_valid():
        waiting = run_service(
            form,
            lambda data: volunteer_request_create(
                case=case, role=data["role"], note=data["note"], actor=request.user
            ),
        )
        if waiting is not None:
            messages.success(request, _("The citizen is on the waiting list."))
            return redirect(_page(case) + "#waiting")
    return _invalid(request, case, request_form=form)


@_matching_post
def request_remove(request, case_id, request_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    waiting = get_object_or_404(
        VolunteerRequest, pk=request_id, citizen=case.citizen, closed_at__isnull=True
    )
    volunteer_request_close(request=waiting, actor=request.user)
    messages.success(request, _("The citizen is off the waiting list."))
    return redirect(_page(case) + "#waiting")


def confirm_first_meeting(request, token):
    """No sign-in: the e-mailed link after a first meeting. Works once, then expires."""
    from matching.confirmation import LinkError, confirmation_match

    try:
        match = confirmation_match(token)
    except LinkError as exc:
        return render(request, "matching/confirm.html", {"error": exc.message}, status=410)
    who = match.citizen.first_name if match_provider_may_see_citizen(match) else _("The citizen")
    if request.method == "POST":
        came = request.POST.get("came")
        if came not in ("yes", "no"):
            _link_read(request, match)
            return render(
                request,
                "matching/confirm.html",
                {"match": match, "who": who, "error": _("Answer yes or no.")},
                status=400,
            )
        try:
            services.match_confirm_by_link(match=match, came=came == "yes")
        except ValidationError as exc:
            return render(
                request, "matching/confirm.html", {"error": " ".join(exc.messages)}, status=410
            )
        return render(request, "matching/confirm.html", {"answered": True})
    _link_read(request, match)
    return render(request, "matching/confirm.html", {"match": match, "who": who})


def _link_read(request, match):
    # Whoever holds the link reads that the citizen was to come, and when: logged without an
    # actor (the link needs no account), under the citizen's name.
    audit_read(actor=None, obj=match, request=request)
