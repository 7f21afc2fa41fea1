"""Recurring contact on a running match: the page where the bridge-builder (from the case) or the
coordinator (from their requests) agrees the rhythm, records contacts and hands the volunteer
their link; and the link's own page, where the volunteer or host logs each contact on a phone
without signing in.

Access is the match's: the bridge-builder reaches it through the case (referrals' case_get, the
case's team), the coordinator through the offers and volunteers they coordinate; anyone else
gets 404. The link page is limited per address, like the public self-referral form."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.forms import run_service
from core.throttling import limit_per_address
from matching import services
from matching.contact import (
    ContactLinkError,
    contact_link_agreement,
    contact_link_expires_at,
    contact_link_url,
    contact_overview,
    match_takes_agreement,
    overview_for_provider,
)
from matching.forms import ContactAgreementForm, ContactLogForm
from matching.models import ContactRhythm, Match
from matching.selectors import matches_mark_shared, provider_match_get
from referrals.selectors import case_get


def _agreement_form(overview, data=None) -> ContactAgreementForm:
    agreement = overview.agreement
    if agreement is None:
        initial = {"starts_on": timezone.localdate(), "rhythm": ContactRhythm.WEEKLY}
    else:
        initial = {
            name: getattr(agreement, name) for name in ("rhythm", "weekday", "at", "channel")
        }
        initial["starts_on"] = timezone.localdate()
        initial["ends_on"] = agreement.ends_on
    return ContactAgreementForm(data, prefix="agreement", initial=initial)


def _log_form(overview, data=None) -> ContactLogForm:
    return ContactLogForm(data, prefix="log", open_dates=overview.open_dates)


# --- The staff pages: the bridge-builder's and the coordinator's ---------------------------------


@dataclass(frozen=True)
class _Side:
    """Where the page is reached from, and how the match is found there."""

    prefix: str  # of the URL names: "match_contact" or "provider_contact"
    back: str
    citizen: str  # how the page names the citizen
    args: tuple
    # What a read of the page is logged on: the case, or the match for the coordinator.
    read: object

    def url(self, step: str = "") -> str:
        return reverse(f"matching:{self.prefix}{'_' + step if step else ''}", args=self.args)

    @property
    def urls(self) -> dict[str, str]:
        return {
            "page": self.url(),
            **{step: self.url(step) for step in ("agreement", "log", "new_link", "send_link")},
        }


def _case_side(request, case_id, match_id, *, log_read: bool):
    case = case_get(user=request.user, case_id=case_id, request=request, log_read=log_read)
    match = case.matches.select_related("citizen", "offer", "volunteer").filter(pk=match_id).first()
    if match is None:
        raise Http404
    side = _Side(
        prefix="match_contact",
        back=reverse("referrals:case_detail", args=[case.pk]) + "#matching",
        citizen=match.citizen.full_name,
        args=(case.pk, match.pk),
        read=case,
    )
    return match, side


def _coordination_side(request, match_id, *, log_read: bool):
    match = provider_match_get(user=request.user, match_id=match_id)
    matches_mark_shared([match])
    if log_read:
        # The coordinator sees the citizen as far as consent lets them: a read all the same.
        audit_read(actor=request.user, obj=match, request=request)
    side = _Side(
        prefix="provider_contact",
        back=reverse("matching:requests") + f"#match-{match.pk}",
        citizen=str(match.citizen_for_provider),
        args=(match.pk,),
        read=match,
    )
    return match, side


def _render(request, match: Match, side: _Side, *, status=200, **forms_):
    overview = contact_overview(match=match, entries_shown=20)
    if side.prefix == "provider_contact":
        overview = overview_for_provider(overview, viewer=request.user)
    agreement = overview.agreement
    context = {
        "match": match,
        "side": side,
        "overview": overview,
        "takes_agreement": match_takes_agreement(match),
        "agreement_form": forms_.get("agreement_form") or _agreement_form(overview),
        "log_form": forms_.get("log_form") or _log_form(overview),
        "link_url": contact_link_url(agreement) if agreement and agreement.link_issued_at else "",
        "link_expires_at": contact_link_expires_at(agreement) if agreement else None,
        "can_send_link": bool(
            match.volunteer.email if match.volunteer_id else match.offer.contact_email
        ),
    }
    return render(request, "matching/contact/match_contact.html", context, status=status)


def _invalid(request, match, side, **forms_):
    # The case or match was fetched for a change, not logged as read; the page shown again with
    # the form's errors is a read of the citizen's data, as the page is.
    audit_read(actor=request.user, obj=side.read, request=request)
    return _render(request, match, side, status=400, **forms_)


def _agreement(request, match, side):
    form = _agreement_form(contact_overview(match=match), request.POST)
    if form.is_valid():
        saved = run_service(
            form,
            lambda data: services.contact_agreement_set(match=match, actor=request.user, **data),
        )
        if saved is not None:
            messages.success(request, _("The contact agreement is saved."))
            return redirect(side.url() + "#agreement")
    return _invalid(request, match, side, agreement_form=form)


def _log(request, match, side):
    form = _log_form(contact_overview(match=match), request.POST)
    if form.is_valid():
        entry = run_service(
            form,
            lambda data: services.contact_log_record(
                match=match, actor=request.user, **form.service_kwargs()
            ),
        )
        if entry is not None:
            messages.success(request, _("The contact is logged."))
            return redirect(side.url() + "#log")
    return _invalid(request, match, side, log_form=form)


def _link(request, match, side, send: bool):
    agreement = match.contact_agreements.filter(replaced_on__isnull=True).first()
    if agreement is None:
        raise Http404
    try:
        if send:
            services.contact_link_send(agreement=agreement, actor=request.user)
            messages.success(request, _("The link is sent by e-mail."))
        else:
            services.contact_link_renew(agreement=agreement, actor=request.user)
            messages.success(request, _("A new link is made: the old one no longer works."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(side.url() + "#link")


def _post(request, match, side, step: str):
    if step == "agreement":
        return _agreement(request, match, side)
    if step == "log":
        return _log(request, match, side)
    return _link(request, match, side, send=step == "send_link")


# The bridge-builder, from the case.


def _builder(view):
    return login_required(permission_required("matching.add_match", raise_exception=True)(view))


@_builder
def match_contact(request, case_id, match_id):
    match, side = _case_side(request, case_id, match_id, log_read=True)
    return _render(request, match, side)


def _builder_step(step):
    @_builder
    @require_POST
    def view(request, case_id, match_id):
        match, side = _case_side(request, case_id, match_id, log_read=False)
        return _post(request, match, side, step)

    return view


match_contact_agreement = _builder_step("agreement")
match_contact_log = _builder_step("log")
match_contact_new_link = _builder_step("new_link")
match_contact_send_link = _builder_step("send_link")


# The coordinator, from the requests for their offers and volunteers.


def _coordinator(view):
    return login_required(
        permission_required("matching.answer_match_requests", raise_exception=True)(view)
    )


@_coordinator
def provider_contact(request, match_id):
    match, side = _coordination_side(request, match_id, log_read=True)
    return _render(request, match, side)


def _coordinator_step(step):
    @_coordinator
    @require_POST
    def view(request, match_id):
        match, side = _coordination_side(request, match_id, log_read=False)
        return _post(request, match, side, step)

    return view


provider_contact_agreement = _coordinator_step("agreement")
provider_contact_log = _coordinator_step("log")
provider_contact_new_link = _coordinator_step("new_link")
provider_contact_send_link = _coordinator_step("send_link")


# --- The volunteer's link -----------------------------------------------------------------------


def _link_read(request, match: Match) -> None:
    # No account: the read is logged as the volunteer's (or, for a host, the offer's) whose link
    # it is, under the citizen's name.
    audit_read(actor=None, obj=match.provider, subject_id=match.citizen_id, request=request)


@limit_per_address(scope="contact-link", rate_setting="BROBYG_CONTACT_LINK_THROTTLE")
def contact_link(request, match_id, token):
    """No sign-in: the volunteer's or host's own page for logging each contact, on a phone."""
    try:
        agreement = contact_link_agreement(match_id=match_id, token=token)
    except ContactLinkError as exc:
        return render(
            request, "matching/contact/link.html", {"error": exc.message}, status=exc.status
        )
    match = agreement.match
    matches_mark_shared([match])
    overview = overview_for_provider(contact_overview(match=match, entries_shown=3))
    status = 200
    if request.method == "POST":
        form = _log_form(overview, request.POST)
        if form.is_valid():
            entry = run_service(
                form,
                lambda data: services.contact_log_record(
                    match=match, actor=None, **form.service_kwargs()
                ),
            )
            if entry is not None:
                return redirect(request.path + "?logget=1")
        status = 400
    else:
        form = _log_form(overview)
    _link_read(request, match)
    context = {
        "match": match,
        # The first name only, and only with the citizen's consent to share with this provider.
        "who": match.citizen.first_name if match.shared else match.citizen_for_provider,
        "overview": overview,
        "form": form,
        "logged": request.GET.get("logget") == "1" and request.method == "GET",
    }
    return render(request, "matching/contact/link.html", context, status=status)
