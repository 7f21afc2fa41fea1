"""The citizen's colour on a team, changed at the board meeting or on the citizen's page: a step
of the team's procedure, or a colour set by hand with a reason. Both go through
screening.services and come back to the page they were made on."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.validators import strip_nul
from screening import selectors, services
from screening.models import TriageColour


def _team(request, citizen):
    """The team whose colour is changed: one the user may change the citizen's colour on."""
    teams = selectors.triage_teams(user=request.user, citizen=citizen)
    team = {str(team.pk): team for team in teams}.get(request.POST.get("team", ""))
    if team is None:
        raise Http404
    return team


def _colour(value: str) -> TriageColour:
    try:
        colour_id = uuid.UUID(value)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(TriageColour.objects.select_related("scheme"), pk=colour_id)


def _back(request, citizen, team):
    if request.POST.get("back") == "board":
        return redirect(f"{reverse('screening:board')}?team={team.pk}")
    return redirect("screening:citizen_detail", citizen.pk)


def _done(request, citizen, call) -> None:
    try:
        state = call()
    except ValidationError as exc:
        messages.error(request, f"{citizen.full_name}: {' '.join(exc.messages)}")
        return
    text = _("%(name)s is %(colour)s now.")
    messages.success(request, text % {"name": citizen.full_name, "colour": state.colour.label})


@login_required
@permission_required("screening.add_screening", raise_exception=True)
@require_POST
def triage_move(request, citizen_id):
    """A step of the team's procedure, from the board or the citizen's page."""
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    team = _team(request, citizen)
    colour = _colour(request.POST.get("to", ""))
    _done(
        request,
        citizen,
        lambda: services.triage_state_move(
            citizen=citizen,
            team=team,
            to_colour=colour,
            actor=request.user,
            reason=strip_nul(request.POST.get("reason", "")),
        ),
    )
    return _back(request, citizen, team)


@login_required
@permission_required("screening.add_screening", raise_exception=True)
@require_POST
def triage_set_by_hand(request, citizen_id):
    """A colour outside the procedure, with a reason: shown as set by hand, with who and why."""
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    team = _team(request, citizen)
    colour = _colour(request.POST.get("colour", ""))
    _done(
        request,
        citizen,
        lambda: services.triage_state_set_by_hand(
            citizen=citizen,
            team=team,
            colour=colour,
            actor=request.user,
            reason=strip_nul(request.POST.get("reason", "")),
        ),
    )
    return _back(request, citizen, team)
