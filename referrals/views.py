from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.constants import Role
from audit.services import audit_read, audit_read_many
from core import services as core_services
from core.forms import run_service
from core.throttling import address_throttle
from core.views import team_from_request
from referrals import identity, selectors, services
from referrals.constants import ConsentPurpose, MatchStatus, ReferralSource
from referrals.forms import (
    AssignForm,
    CaseloadFilterForm,
    CitizenEditForm,
    CloseForm,
    ConsentForm,
    ContactForm,
    DuplicateForm,
    ExitCriterionForm,
    NetworkPersonForm,
    NoteForm,
    PlanStepForm,
    ReferralForm,
    SelfReferralForm,
    StatusForm,
    users_offered,
)
from referrals.models import ConsentRecord, NetworkPerson, PlanStep
from referrals.network_map import initials, network_map_layout
from referrals.presentation import (
    case_count_text,
    case_next_steps,
    timeline_entries,
)

PAGE_SIZE = 25

# --- Referral intake ----------------------------------------------------------------------------

DEFAULT_SOURCE_BY_ROLE = {
    Role.REFERRER: ReferralSource.GP,
    Role.HOME_CARE: ReferralSource.HOME_CARE,
}


# The services speak of "consent"; the referral forms call the tick box consent_given.
CONSENT_FIELD = {"consent": "consent_given"}


def _default_source(user) -> str:
    for role, source in DEFAULT_SOURCE_BY_ROLE.items():
        if user.has_role(role):
            return source
    return ReferralSource.OTHER


@login_required
@permission_required("referrals.add_referral", raise_exception=True)
def referral_create(request):
    form = ReferralForm(request.POST or None, default_source=_default_source(request.user))
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            lambda data: services.referral_create(
                citizen=form.citizen_data(),
                source=data["source"],
                reason=data["reason"],
                life_transitions=data["life_transitions"],
                citizen_wishes=data["citizen_wishes"],
                urgency=data["urgency"],
                consent_given=data["consent_given"],
                consent_method=data["consent_method"],
                consent_given_at=data["consent_given_at"],
                feedback_consent=data["feedback_consent"],
                referrer=request.user,
                team=data.get("team"),
            ),
            aliases=CONSENT_FIELD,
        )
        if result is not None:
            messages.success(
                request,
                _("The referral has been sent. Reference: %(reference)s")
                % {"reference": result.referral.reference},
            )
            return redirect("referrals:referral_detail", result.referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form})


def self_referral(request):
    """The public form at /henvis/: no sign-in, limited per address, protected against spam.

    While Redis is down the per-address limit lets the form through (a referral is not lost for
    want of a counter); the token that makes each form usable once is in the database and holds
    all the same (docs/decisions/0009-when-redis-is-down.md).
    """
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST":
        verdict = address_throttle(
            request, scope="self-referral", rate=settings.BROBYG_SELF_REFERRAL_THROTTLE
        )
        if verdict.throttled:
            response = render(request, "referrals/self_referral_throttled.html", status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if form.is_valid():
            try:
                result = run_service(
                    form, lambda data: _self_referral_create(form, data), aliases=CONSENT_FIELD
                )
            except core_services.FormTokenUsed:
                form.token_used()
            else:
                if result is not None:
                    return redirect("referrals:self_referral_thanks")
    return render(request, "referrals/self_referral.html", {"form": form})


def _self_referral_create(form, data):
    # The token is used in the same transaction as the referral is stored: both or neither, so
    # a form with an error can be corrected and sent with its token.
    with transaction.atomic():
        core_services.form_token_use(
            purpose=form.TOKEN_PURPOSE, token=data["shown_at"], expires_at=form.token_expires_at
        )
        return services.referral_create(
            citizen=form.citizen_data(),
            source=data["who"],
            reason=data["reason"],
            citizen_wishes=data["citizen_wishes"],
            consent_given=data["consent_given"],
            consent_method="digital",
            referrer_name=data["referrer_name"] if data["who"] == ReferralSource.RELATIVE else "",
            referrer_phone=data["referrer_phone"],
            referrer_email=data["referrer_email"],
        )


def self_referral_thanks(request):
    return render(request, "referrals/self_referral_thanks.html")


@login_required
@permission_required("referrals.view_referral", raise_exception=True)
def referral_list(request):
    referrals = (
        selectors.referrals_visible_to(user=request.user)
        .select_related("case", "citizen")
        .order_by("-created_at")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read_many(actor=request.user, objs=list(page), request=request)
    return render(request, "referrals/referral_list.html", {"page": page})


@login_required
def referral_detail(request, referral_id):
    referral = get_object_or_404(
        selectors.referrals_visible_to(user=request.user).select_related("case", "citizen"),
        pk=referral_id,
    )
    audit_read(actor=request.user, obj=referral, request=request)
    case_visible = selectors.cases_visible_to(user=request.user).filter(pk=referral.case_id)
    return render(
        request,
        "referrals/referral_detail.html",
        {"referral": referral, "case_visible": case_visible.exists()},
    )


# --- Caseload and team board --------------------------------------------------------------------


def _paged(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def caseload(request):
    form = CaseloadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.caseload(
        user=request.user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        sort=filters.get("sort") or "oldest",
    )
    page, query = _paged(request, cases)
    audit_read_many(actor=request.user, objs=list(page), request=request)
    return render(
        request,
        "referrals/caseload.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filtered_status": filters.get("status", ""),
            "count_text": case_count_text(
                count=page.paginator.count, status=filters.get("status", "")
            ),
        },
    )


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def team_board(request):
    team, teams = team_from_request(request, selectors.teams_for_board(user=request.user))
    form = CaseloadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = selectors.team_board(
        user=request.user, team=team, q=filters.get("q", ""), status=filters.get("status", "")
    )
    page, query = _paged(request, cases)
    audit_read_many(actor=request.user, objs=list(page), request=request)
    is_lead = request.user.memberships.filter(team=team, is_lead=True).exists()
    return render(
        request,
        "referrals/team_board.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "team": team,
            "teams": teams,
            "is_lead": is_lead,
            "to_settle": selectors.identity_queue_counts(user=request.user),
            "bridge_builders": selectors.team_bridge_builders(team=team) if is_lead else [],
        },
    )


# --- The case page and its actions --------------------------------------------------------------


def _open_matches(case) -> list:
    return list(case.matches.exclude(status=MatchStatus.ENDED).select_related("offer", "volunteer"))


def _providers(case, matches=None) -> list[tuple[str, object, str]]:
    """The offers and volunteers the citizen is matched with: whom consent to share can name.
    `matches`: the case's open matches, when the page has read them already."""
    providers = []
    for match in _open_matches(case) if matches is None else matches:
        if match.offer_id:
            providers.append(("offer", match.offer_id, match.offer.title))
        else:
            providers.append(("volunteer", match.volunteer_id, str(match.volunteer)))
    return providers


def _network_map(citizen, network):
    """The citizen's network map, with their initials in the middle (none for a record that
    was anonymised or merged away)."""
    named = not citizen.is_anonymised and citizen.merged_into_id is None
    centre = initials(citizen.first_name, citizen.last_name) if named else ""
    return network_map_layout(network, centre_label=centre)


def _colleagues(case):
    """Whom a bridge-builder may hand the case's open work over to when it closes."""
    return selectors.team_bridge_builders(team=case.team).exclude(pk=case.assignee_id)


def _case_context(request, case, **forms):
    network = list(case.citizen.network.all())
    # Read once for the page: the assign form offers them all, the close form all but the
    # case's own bridge-builder. Each form still checks a posted choice against the database.
    bridge_builders = list(selectors.team_bridge_builders(team=case.team))
    colleagues = [user for user in bridge_builders if user.pk != case.assignee_id]
    matches = _open_matches(case)
    referrals = list(case.referrals.select_related("referrer").order_by("created_at"))
    consents = list(selectors.case_consents(case=case))
    next_steps = case_next_steps(case=case)
    exit_criteria = services.case_exit_criteria(case=case)
    status_form = forms.get("status_form") or StatusForm(
        prefix="status", steps=[(step.status, step.label) for step in next_steps]
    )
    close_form = CloseForm(prefix="close", colleagues=_colleagues(case))
    users_offered(close_form.fields["hand_over_to"], colleagues)
    assign_form = AssignForm(
        prefix="assign",
        bridge_builders=selectors.team_bridge_builders(team=case.team),
        initial={"assignee": case.assignee_id},
    )
    users_offered(assign_form.fields["assignee"], bridge_builders)
    context = {
        "case": case,
        "citizen": case.citizen,
        "referrals": referrals,
        "timeline": timeline_entries(selectors.case_timeline(case=case)),
        "consents": consents,
        # ConsentRecord.is_active is the rule services.consent_is_active asks the database.
        "referral_consent_active": any(
            c.purpose == ConsentPurpose.REFERRAL and c.is_active for c in consents
        ),
        "network": network,
        "network_map": _network_map(case.citizen, network),
        "plan": case.plan_steps.all(),
        "exit_criteria": exit_criteria,
        "unmet_exit_criteria": [item for item in exit_criteria if not item.met],
        "matches": matches,
        "status_form": status_form,
        "next_steps": next_steps,
        # Each form has a prefix of its own: the page holds eight, and their field ids
        # (and so their labels) must not collide.
        "close_form": close_form,
        "earlier_courses": selectors.citizen_earlier_courses(user=request.user, case=case),
        "assign_form": assign_form,
        "contact_form": ContactForm(prefix="contact"),
        "note_form": NoteForm(prefix="note"),
        "consent_form": ConsentForm(
            prefix="consent", providers=_providers(case, matches), consents=consents
        ),
        "referrer_details": selectors.referrer_details(case=case, referrals=referrals),
        "network_form": NetworkPersonForm(prefix="network"),
        "plan_form": PlanStepForm(prefix="plan"),
    }
    context.update(forms)
    return context


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def case_detail(request, case_id):
    case = selectors.case_get(user=request.user, case_id=case_id, request=request)
    context = _case_context(request, case)
    # The citizen's earlier courses are part of their record: each shown is a read of it.
    if context["earlier_courses"]:
        audit_read_many(actor=request.user, objs=context["earlier_courses"], request=request)
    return render(request, "referrals/case_detail.html", context)


@login_required
@permission_required("referrals.view_case", raise_exception=True)
def case_network_map(request, case_id):
    """The network map on a page of its own, to look at together on a tablet and to print on
    A4. Opening it is a read of the citizen's record, as opening the case page is."""
    case = selectors.case_get(user=request.user, case_id=case_id, request=request)
    network = list(case.citizen.network.all())
    return render(
        request,
        "referrals/network_map.html",
        {
            "case": case,
            "citizen": case.citizen,
            "network_map": _network_map(case.citizen, network),
            "today": timezone.localdate(),
        },
    )


def _case_action(request, case_id, form_class, form_key, perform, success, form_kwargs=None):
    """Shared shape of the case page's small forms: validate, call the service, come back."""
    case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
    form = form_class(request.POST, prefix=form_key, **form_kwargs(case) if form_kwargs else {})
    if form.is_valid() and run_service(form, lambda data: perform(case, data)) is not None:
        messages.success(request, success)
        return redirect(reverse("referrals:case_detail", args=[case.pk]) + f"#{form_key}")
    context = _case_context(request, case, **{f"{form_key}_form": form})
    return render(request, "referrals/case_detail.html", context, status=400)


def _case_post(permission):
    def decorator(view):
        return login_required(
            permission_required(permission, raise_exception=True)(require_POST(view))
        )

    return decorator


@_case_post("referrals.change_case")
def case_status(request, case_id):
    # Only the steps forward the page offers: a step back happens with the work itself.
    return _case_action(
        request,
        case_id,
        StatusForm,
        "status",
        lambda case, data: services.case_change_status(
            case=case, status=data["status"], actor=request.user
        ),
        _("The status has been changed."),
        form_kwargs=lambda case: {
            "steps": [(step.status, step.label) for step in case_next_steps(case=case)]
        },
    )


@_case_post("referrals.change_case")
def case_close(request, case_id):
    return _case_action(
        request,
        case_id,
        CloseForm,
        "close",
        lambda case, data: services.case_close(
            case=case,
            reason=data["reason"],
            note=data["note"],
            hand_over_to=data["hand_over_to"],
            approach_again_on=data["approach_again_on"],
            close_anyway=data["close_anyway"],
            actor=request.user,
        ),
        _("The case has been closed."),
        form_kwargs=lambda case: {"colleagues": _colleagues(case)},
    )


@_case_post("referrals.change_case")
def case_assign(request, case_id):
    return _case_action(
        request,
        case_id,
        AssignForm,
        "assign",
        lambda case, data: services.case_assign(
            case=case, assignee=data["assignee"], actor=request.user
        ),
        _("The case has been assigned."),
        form_kwargs=lambda case: {
            "bridge_builders": selectors.team_bridge_builders(team=case.team)
        },
    )


@_case_post("referrals.change_case")
def case_take(request, case_id):
    """One tap on the team board: the bridge-builder takes an unassigned case."""
    case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
    try:
        services.case_assign(case=case, assignee=request.user, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:team_board")
    messages.success(request, _("The case is now yours."))
    return redirect("referrals:case_detail", case.pk)


@_case_post("referrals.add_contact")
def case_contact(request, case_id):
    return _case_action(
        request,
        case_id,
        ContactForm,
        "contact",
        lambda case, data: services.contact_record(
            case=case,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            reached=data["reached"],
            note=data["note"],
            declined=data["declined"],
            approach_again_on=data["approach_again_on"],
            actor=request.user,
        ),
        _("The contact has been recorded."),
    )


@_case_post("referrals.add_casenote")
def case_note(request, case_id):
    return _case_action(
        request,
        case_id,
        NoteForm,
        "note",
        lambda case, data: services.note_add(case=case, text=data["text"], actor=request.user),
        _("The note has been saved."),
    )


@_case_post("referrals.add_consentrecord")
def case_consent_add(request, case_id):
    return _case_action(
        request,
        case_id,
        ConsentForm,
        "consent",
        lambda case, data: services.consent_give(
            citizen=case.citizen,
            purpose=data["purpose"],
            method=data["method"],
            recipient=data["recipient_name"],
            recipient_id=data["recipient_id"],
            actor=request.user,
            case=case,
            once=True,
        ),
        _("The consent has been recorded."),
        form_kwargs=lambda case: {"providers": _providers(case)},
    )


@_case_post("referrals.change_citizen")
def case_referral_details_use(request, case_id, referral_id):
    """Take one of the referrer's details (or all of them) into the citizen's record."""
    case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
    referral = get_object_or_404(case.referrals, pk=referral_id)
    fields = request.POST.getlist("field")
    try:
        services.referral_details_use(referral=referral, fields=fields, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The citizen's record has been updated."))
    return redirect(reverse("referrals:case_detail", args=[case.pk]) + "#referrals")


@login_required
@permission_required("referrals.change_citizen", raise_exception=True)
def case_citizen_edit(request, case_id):
    case = selectors.case_get(user=request.user, case_id=case_id, request=request)
    form = CitizenEditForm(request.POST or None, citizen=case.citizen)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda data: services.citizen_update(
                citizen=case.citizen, data=form.citizen_data(), actor=request.user
            ),
        )
        if saved is not None:
            messages.success(request, _("The citizen's details have been saved."))
            return redirect("referrals:case_detail", case.pk)
    return render(request, "referrals/citizen_edit.html", {"case": case, "form": form})


@_case_post("referrals.add_networkperson")
def case_network_add(request, case_id):
    return _case_action(
        request,
        case_id,
        NetworkPersonForm,
        "network",
        lambda case, data: services.network_person_add(case=case, actor=request.user, **data),
        _("The person has been added to the network."),
    )


def _case_record_action(request, case_id, model, record_id, perform, success, anchor):
    """A one-tap action on a record that belongs to the case's citizen (not found otherwise)."""
    case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
    record = get_object_or_404(
        model,
        Q(case=case) if hasattr(model, "case") else Q(citizen_id=case.citizen_id),
        pk=record_id,
    )
    perform(case, record)
    messages.success(request, success)
    return redirect(reverse("referrals:case_detail", args=[case.pk]) + f"#{anchor}")


@_case_post("referrals.delete_networkperson")
def case_network_remove(request, case_id, person_id):
    return _case_record_action(
        request,
        case_id,
        NetworkPerson,
        person_id,
        lambda case, person: services.network_person_remove(
            case=case, person=person, actor=request.user
        ),
        _("The person has been removed from the network."),
        "network",
    )


@_case_post("referrals.add_planstep")
def case_plan_add(request, case_id):
    return _case_action(
        request,
        case_id,
        PlanStepForm,
        "plan",
        lambda case, data: services.plan_step_add(case=case, actor=request.user, **data),
        _("The step has been added to the plan."),
    )


@_case_post("referrals.change_planstep")
def case_plan_done(request, case_id, step_id):
    return _case_record_action(
        request,
        case_id,
        PlanStep,
        step_id,
        lambda case, step: services.plan_step_complete(step=step, actor=request.user),
        _("The step is done."),
        "plan",
    )


@_case_post("referrals.change_case")
def case_exit_criterion(request, case_id):
    """Tick or untick one exit criterion on the plan."""
    case = selectors.case_get(user=request.user, case_id=case_id, log_read=False)
    form = ExitCriterionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the exit criteria."))
        return redirect(reverse("referrals:case_detail", args=[case.pk]) + "#exit-criteria")
    met = form.cleaned_data["met"]
    change = services.exit_criterion_tick if met else services.exit_criterion_untick
    try:
        change(case=case, criterion=form.cleaned_data["criterion"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The exit criteria have been updated."))
    return redirect(reverse("referrals:case_detail", args=[case.pk]) + "#exit-criteria")


@_case_post("referrals.change_consentrecord")
def case_consent_withdraw(request, case_id, consent_id):
    return _case_record_action(
        request,
        case_id,
        ConsentRecord,
        consent_id,
        lambda case, consent: services.consent_withdraw(consent=consent, actor=request.user),
        _("The consent has been withdrawn."),
        "consent",
    )


# --- Requests from other teams, and possible duplicates -----------------------------------------


@login_required
@permission_required("referrals.view_citizen", raise_exception=True)
def identity_queue(request):
    """What the team must settle about who a citizen is and who may have them."""
    # Two lists on one page, each paged by a parameter of its own.
    context = {}
    for name, rows, param in [
        ("requests", selectors.access_requests_to_answer(user=request.user), "anmodninger"),
        ("duplicates", selectors.duplicates_to_judge(user=request.user), "dubletter"),
    ]:
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))
        query = request.GET.copy()
        query.pop(param, None)
        context.update(
            {f"{name}_page": page, f"{name}_query": query.urlencode(), f"{name}_param": param}
        )
    context["access_requests"] = list(context["requests_page"])
    context["duplicates"] = list(context["duplicates_page"])
    selectors.duplicates_mark_sides(user=request.user, duplicates=context["duplicates"])
    shown = [r.citizen for r in context["access_requests"]]
    shown += [d.shown for d in context["duplicates"]]
    audit_read_many(actor=request.user, objs=shown, request=request)
    return render(request, "referrals/identity_queue.html", context)


@login_required
@permission_required("referrals.view_citizen", raise_exception=True)
@require_POST
def access_request_answer(request, request_id):
    access_request = selectors.access_request_get(user=request.user, request_id=request_id)
    answer = request.POST.get("answer")
    try:
        if answer == "grant":
            identity.team_access_grant(request=access_request, actor=request.user)
            messages.success(request, _("The team has been given access."))
        elif answer == "refuse":
            identity.team_access_refuse(request=access_request, actor=request.user)
            messages.success(request, _("The request has been refused."))
        else:
            messages.error(request, _("Choose to grant or refuse."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("referrals:identity_queue")


def _duplicate_settle(duplicate, data, actor) -> str:
    """Two people, or one to merge: what is done, in a sentence for the person who did it."""
    if data["answer"] == "distinct":
        identity.duplicate_mark_distinct(duplicate=duplicate, actor=actor)
        return _("Noted: two different people.")
    keep = identity.citizen_merge(
        duplicate=duplicate, actor=actor, continue_case=data["continue_case"]
    )
    return _("The records have been merged into %(name)s.") % {"name": keep.full_name}


@login_required
@permission_required("referrals.view_citizen", raise_exception=True)
def duplicate_judge(request, duplicate_id):
    """The two records side by side; merge them, or say they are two people. Only a team that
    has both records judges; a team that has one sees only its own and may ask the other team
    for access (home care as much as bridge-builders)."""
    duplicate = selectors.duplicate_get(user=request.user, duplicate_id=duplicate_id)
    sides = identity.duplicate_sides(duplicate=duplicate, user=request.user)
    if request.method == "POST" and request.POST.get("answer") == "ask":
        try:
            identity.duplicate_ask_access(duplicate=duplicate, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The other team has been asked for access to its record."))
        return redirect("referrals:identity_queue")
    open_cases = (
        identity.merge_conflicts(keep=duplicate.other, merged=duplicate.citizen)
        if sides["both"]
        else []
    )
    form = DuplicateForm(
        request.POST if request.method == "POST" else None,
        open_cases=open_cases,
        earlier=duplicate.other,
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda data: _duplicate_settle(duplicate, data, request.user))
        if done is not None:
            messages.success(request, done)
            return redirect("referrals:identity_queue")
    shown = [duplicate.other, duplicate.citizen] if sides["both"] else [sides["mine"]]
    audit_read_many(actor=request.user, objs=shown, request=request)
    records = [
        {
            "citizen": citizen,
            "earlier": citizen.pk == duplicate.other_id,
            "cases": citizen.cases.select_related("team").order_by("-created_at"),
            "referrals": citizen.referrals.order_by("-created_at")[:3],
        }
        for citizen in shown
    ]
    return render(
        request,
        "referrals/duplicate_judge.html",
        {"duplicate": duplicate, "records": records, "form": form, "sides": sides},
        status=400 if form.errors else 200,
    )
