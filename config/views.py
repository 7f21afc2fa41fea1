"""The start page: what each role sees first draws on every app, so it lives with the project's
wiring, above them all."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import role_counts, user_memberships, user_primary_role
from audit.services import audit_read_many
from followups.selectors import failed_reminder_count, tasks_visible_to
from matching import selectors as matching_selectors
from offers import selectors as offer_selectors
from referrals import selectors as referral_selectors
from screening import selectors as screening_selectors
from screening.constants import QualityOutcome
from volunteers.constants import MATCHABLE_STATUSES
from volunteers.selectors import volunteers_managed_by
from volunteers.vetting import vetting_warn_until


def _referrer_start(user) -> dict:
    # Through the referrer's own scope, which gives each referral its own status (since it
    # arrived): a referral of a person already known tells the sender nothing more.
    recent = list(
        referral_selectors.referrals_visible_to(user=user)
        .filter(referrer=user)
        .select_related("citizen")
        .order_by("-created_at")[:5]
    )
    return {"recent": recent, "shown": recent}


def _coordinator_start(user) -> dict:
    """What waits for the coordinator, as counts that each lead to where it is done: the new
    requests to answer and this week's first meetings (in the sections of the requests page),
    the offers to confirm as up to date, the volunteers whose certificate runs out (or has),
    and their own open tasks. Counts only: no citizen is named here."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    sections = matching_selectors.provider_requests(user=user)
    return {
        "requests_to_answer": len(sections["pending"]),
        "meetings_this_week": sum(
            1
            for match in sections["meetings"]
            if monday <= timezone.localdate(match.first_meeting_at) <= monday + timedelta(days=6)
        ),
        "offers_to_confirm": offer_selectors.offers_stale_for(user=user).count(),
        "certificates_running_out": volunteers_managed_by(user=user)
        .filter(status__in=MATCHABLE_STATUSES, vetting_renewal_due__lte=vetting_warn_until(today))
        .count(),
        "open_tasks": tasks_visible_to(user=user)
        .filter(assignee=user, done_at__isnull=True)
        .count(),
    }


def _ambassador_start(user) -> dict:
    """The ambassador's start page is the quality-check queue of their (first) home-care team."""
    teams = list(screening_selectors.home_care_teams(user=user))
    if not teams:
        return {"team": None}
    team = teams[0]
    overview = screening_selectors.quality_overview(
        team=team, settings_=screening_selectors.team_screening_settings(team)
    )
    return {**overview, "team": team, "teams": teams, "outcomes": QualityOutcome}


# What each role's start page shows besides its teams; "shown" lists the records whose citizen
# the page names, for the access log.
START_PAGE_CONTEXT = {
    Role.ADMIN: lambda user: {
        "role_counts": role_counts(),
        "failed_reminders": failed_reminder_count(),
    },
    Role.BRIDGE_BUILDER: lambda user: referral_selectors.bridge_builder_summary(user=user),
    Role.COORDINATOR: _coordinator_start,
    Role.REFERRER: _referrer_start,
    Role.AMBASSADOR: _ambassador_start,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of the user's role (the first in priority, when they hold several)."""
    role = user_primary_role(user=request.user)
    template = f"accounts/start/{role}.html" if role else "accounts/start/no_role.html"
    context = {"role": role, "memberships": user_memberships(user=request.user)}
    extra = START_PAGE_CONTEXT.get(role)
    if extra is not None:
        context.update(extra(request.user))
    shown = context.pop("shown", [])
    if shown:
        audit_read_many(actor=request.user, objs=shown, request=request)
    return render(request, template, context)
