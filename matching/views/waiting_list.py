"""The waiting lists of full offers, from the case's matching page: the bridge-builder puts the
citizen on a full offer's list, or takes them off it. Without JavaScript, like the rest of the
matching page: each form posts and comes back to the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.forms import run_service
from matching import services
from matching.forms import WaitingListJoinForm
from matching.models import OfferWaitingListEntry
from matching.templatetags.offer_waiting_list import case_block
from referrals.selectors import case_get


def _page(case) -> str:
    return reverse("matching:case_matching", args=[case.pk]) + "#offer-waiting-list"


def _waiting_list_post(view):
    # Putting a citizen on a list and taking them off is matching, as proposing is.
    return login_required(
        permission_required("matching.add_match", raise_exception=True)(require_POST(view))
    )


@_waiting_list_post
def join(request, case_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = WaitingListJoinForm(request.POST)
    if form.is_valid():
        entry = run_service(
            form,
            lambda data: services.offer_waiting_list_add(
                case=case, offer=data["offer"], actor=request.user
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("The citizen is on the waiting list for {offer}.").format(offer=entry.offer),
            )
            return redirect(_page(case))
    # The block shows the case's lists again: a read of the citizen's record, like the page.
    audit_read(actor=request.user, obj=case, request=request)
    errors = [error for errors in form.errors.values() for error in errors]
    return render(
        request,
        "matching/offer_waiting_list_form.html",
        {"case": case, "offer_waiting": case_block(case, errors=errors)},
        status=400,
    )


@_waiting_list_post
def leave(request, case_id, entry_id):
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    entry = OfferWaitingListEntry.objects.filter(
        pk=entry_id, case=case, left_at__isnull=True
    ).first()
    if entry is None:
        raise Http404
    services.offer_waiting_list_remove(entry=entry, actor=request.user)
    messages.success(request, _("The citizen is off the waiting list."))
    return redirect(_page(case))
