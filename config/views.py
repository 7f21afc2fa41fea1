"""The start page: what each role sees first draws on every app, so it lives with the project's
wiring, above them all."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.constants import Role
from accounts.selectors import role_counts, user_memberships, user_primary_role
from audit.services import audit_read_many
from referrals import selectors as referral_selectors


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


# What each role's start page shows besides its teams; "shown" lists the records whose citizen
# the page names, for the access log.
START_PAGE_CONTEXT = {
    Role.ADMIN: lambda user: {"role_counts": role_counts()},
    Role.BRIDGE_BUILDER: lambda user: referral_selectors.bridge_builder_summary(user=user),
    Role.REFERRER: _referrer_start,
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
