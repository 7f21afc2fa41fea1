"""The ambassador's (nøgleperson's) quality-check queue: the team's screenings a rule puts before
a second pair of eyes, each marked "checked – fine" or "talk to the screener"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read_many
from core.views import team_from_request
from screening import selectors, services
from screening.constants import QualityOutcome
from screening.forms import QualityCheckForm


@login_required
@permission_required("screening.view_qualitycheck", raise_exception=True)
def quality_queue(request):
    team, teams = team_from_request(request, selectors.home_care_teams(user=request.user))
    overview = selectors.quality_overview(
        team=team, settings_=selectors.team_screening_settings(team)
    )
    # The queue names each citizen with their answers: a read of each record.
    audit_read_many(actor=request.user, objs=overview.pop("shown"), request=request)
    return render(
        request,
        "screening/quality_queue.html",
        {**overview, "team": team, "teams": teams, "outcomes": QualityOutcome},
    )


@login_required
@permission_required("screening.change_qualitycheck", raise_exception=True)
@require_POST
def quality_mark(request, check_id):
    check = selectors.quality_check_get(user=request.user, check_id=check_id)
    form = QualityCheckForm(request.POST)
    if form.is_valid():
        try:
            services.quality_check_mark(
                check=check,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The screening of %(name)s is checked.")
                % {"name": check.screening.citizen.full_name},
            )
    else:
        messages.error(request, _("Choose “Checked – fine” or “Talk to the screener”."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"{reverse('screening:quality_queue')}?team={check.team_id}"
    return redirect(target)
