"""The volunteer-centre coordinator's pages for the offers they keep up to date: the list, the
form and the status steps. Each needs a permission only coordinators hold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_service
from core.http import safe_next_url
from core.validators import strip_nul
from offers import selectors, services
from offers.constants import OfferStatus
from offers.forms import OfferForm, ScheduleFormSet
from offers.presentation import offer_status_steps
from offers.services.offers import SCHEDULE_FIELDS
from volunteers.selectors import coordination_team_of

PAGE_SIZE = 25


# --- Offers -------------------------------------------------------------------------------------


@login_required
@permission_required("matching.answer_match_requests", raise_exception=True)
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
