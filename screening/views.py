import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import audit_read_many
from config.env import BASE_DIR
from core.exceptions import Conflict
from core.forms import run_service
from core.validators import strip_nul
from core.views import team_from_request
from followups.constants import TaskKind
from followups.selectors import citizen_open_tasks, task_get
from followups.services import task_complete
from referrals.selectors import identity_queue_counts
from screening import selectors, services
from screening.charts import score_chart
from screening.constants import (
    DEFAULT_INSTRUMENT,
    DirectAnswer,
    InstrumentKind,
    ScreeningSetting,
)
from screening.forms import (
    HomeCareCitizenForm,
    HomeHelpHoursForm,
    ReferFromScreeningForm,
    RescreenAssignForm,
)
from screening.models import Screening, hours_shown

PAGE_SIZE = 25


@login_required
@permission_required("screening.view_team_citizens", raise_exception=True)
def citizen_list(request):
    q = strip_nul(request.GET.get("q", "")).strip()
    # "Due" by the home-care team's criteria (the hours of home help, the interval).
    due = request.GET.get("due") == "1"
    citizens = selectors.screening_citizens(user=request.user, q=q, due=due)
    page = Paginator(citizens, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_read_many(actor=request.user, objs=list(page), request=request)
    return render(
        request,
        "screening/citizen_list.html",
        {
            "page": page,
            "q": q,
            "due": due,
            "query": urlencode([(k, v) for k, v in (("q", q), ("due", "1" if due else "")) if v]),
            "to_settle": identity_queue_counts(user=request.user),
        },
    )


@login_required
@permission_required("referrals.add_citizen", raise_exception=True)
def citizen_add(request):
    teams = selectors.home_care_teams(user=request.user)
    if not teams.exists():
        raise Http404
    form = HomeCareCitizenForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            lambda data: services.home_care_citizen_add(
                data=form.citizen_data(), team=data["team"], actor=request.user
            ),
        )
        if result is not None:
            if result.citizen is None:
                messages.info(
                    request,
                    _(
                        "Another team works with this citizen. They have been asked to give "
                        "your team access; the citizen appears on your list when they do."
                    ),
                )
                return redirect("screening:citizen_list")
            return redirect("screening:citizen_detail", result.citizen.pk)
    return render(request, "screening/citizen_add.html", {"form": form})


@login_required
@permission_required("screening.view_screening", raise_exception=True)
def citizen_detail(request, citizen_id):
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id, request=request)
    history = selectors.screening_history(citizen=citizen)
    # The score chart and the extra time follow UCLA-3; the table lists every instrument's.
    ucla3 = [s for s in history if s.instrument.code == DEFAULT_INSTRUMENT]
    team = selectors.citizen_screening_team(citizen)
    team_settings = selectors.team_screening_settings(team)
    triage = selectors.triage_for_citizen(citizen=citizen, team=team)
    home_help_team = selectors.home_help_team(user=request.user, citizen=citizen)
    return render(
        request,
        "screening/citizen_detail.html",
        {
            "citizen": citizen,
            "extra_time": selectors.extra_time(team_settings, ucla3[-1] if ucla3 else None),
            "history": list(reversed(history)),
            "chart": score_chart(ucla3) if ucla3 else None,
            # The colour on the team now, the moves the procedure allows, and its history.
            "triage": triage["view"] if triage else None,
            "triage_team": team,
            "triage_colours": triage["colours"] if triage else [],
            "triage_history": triage["history"] if triage else [],
            "other_instruments": selectors.other_instruments(),
            "drafts": selectors.screening_drafts(citizen=citizen),
            "tasks": citizen_open_tasks(user=request.user, citizen=citizen),
            "home_help": home_help_team
            and selectors.home_help_hours_of(citizen=citizen, team=home_help_team),
            "home_help_form": HomeHelpHoursForm(initial={"valid_from": timezone.localdate()}),
        },
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
@permission_required("screening.add_screening", raise_exception=True)
def screen(request, citizen_id):
    """The tablet flow: three questions, big buttons, kept on the tablet when offline."""
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id, request=request)
    draft = task = None
    if request.GET.get("kladde"):
        draft_id = _uuid_or_none(request.GET["kladde"])
        if draft_id is None:
            raise Http404
        draft = get_object_or_404(Screening, pk=draft_id, citizen=citizen, is_draft=True)
    if request.GET.get("opgave"):
        # Screening for a "screen again" task (the follow-up plan's re-screening, say): the
        # screening says so, and that task is done with it.
        task = task_get(user=request.user, task_id=request.GET["opgave"], citizen_id=citizen.pk)
        if task.kind != TaskKind.RESCREEN:
            raise Http404
    # UCLA-3, or another instrument in use by its code (the change form, the direct question).
    code = strip_nul(request.GET.get("skema", "")) or DEFAULT_INSTRUMENT
    try:
        instrument = draft.instrument if draft else services.instrument_active(code)
        scheme, _team = services.scheme_for_citizen(citizen)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("screening:citizen_detail", citizen.pk)
    # Another instrument's answers give the colour by its rules: no colour is chosen by hand.
    by_rule = instrument.kind == InstrumentKind.RULE
    by_hand = [] if by_rule else [c for c in scheme.colours.order_by("rank") if c.set_by_hand]
    return render(
        request,
        "screening/screen.html",
        {
            "citizen": citizen,
            # The version shown is the version the answers are recorded against, even when
            # another is put in use before they are sent.
            "instrument_reference": instrument.reference,
            "instrument": instrument.localised(),
            "instrument_name": instrument.name,
            "by_rule": by_rule,
            "task": task,
            "draft": draft,
            "draft_answers": draft.answers if draft else {},
            "scheme": scheme,
            "by_hand_colours": by_hand,
            "direct_answers": DirectAnswer.choices,
            "settings": ScreeningSetting.choices,
            "refer_form": ReferFromScreeningForm(),
        },
    )


@login_required
@permission_required("referrals.add_referral", raise_exception=True)
@require_POST
def refer(request, citizen_id, screening_id):
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    screening = get_object_or_404(Screening, pk=screening_id, citizen=citizen, is_draft=False)
    form = ReferFromScreeningForm(request.POST)
    if form.is_valid():
        try:
            result = services.screening_refer(
                screening=screening,
                actor=request.user,
                consent_given=form.cleaned_data["consent_given"],
                feedback_consent=form.cleaned_data["feedback_consent"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("screening:citizen_detail", citizen.pk)
        messages.success(
            request,
            _("%(name)s has been referred to a bridge-builder. Reference: %(reference)s")
            % {"name": citizen.first_name, "reference": result.referral.reference},
        )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("screening:citizen_detail", citizen.pk)


@login_required
@permission_required("screening.delete_screening", raise_exception=True)
@require_POST
def draft_discard(request, citizen_id, screening_id):
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    draft = get_object_or_404(Screening, pk=screening_id, citizen=citizen, is_draft=True)
    services.screening_discard_draft(screening=draft, actor=request.user)
    messages.success(request, _("The unfinished screening has been discarded."))
    return redirect("screening:citizen_detail", citizen.pk)


@login_required
@permission_required("followups.change_task", raise_exception=True)
@require_POST
def task_done(request, citizen_id, task_id):
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    # The citizen being visible is not enough: only a task the user may see can be completed.
    task = task_get(user=request.user, task_id=task_id, citizen_id=citizen.pk)
    task_complete(task=task, actor=request.user)
    messages.success(request, _("The task is done."))
    return redirect("screening:citizen_detail", citizen.pk)


# The rows of a colour the board shows at first; "Show more" brings the next as many. The meeting
# works from the top of each colour, and a team of hundreds is not drawn row by row at once.
BOARD_ROWS = 25
# The names the "due for screening" list shows; the rest are counted.
DUE_SHOWN = 30


def _board_start(value: str) -> int:
    try:
        start = int(value)
    except ValueError:
        raise Http404 from None
    if start < 0:
        raise Http404
    return start


@login_required
@permission_required("screening.view_triage_board", raise_exception=True)
def board(request):
    team, teams = team_from_request(request, selectors.home_care_teams(user=request.user))
    settings_ = selectors.team_screening_settings(team)
    interval = selectors.interval_of(settings_)
    groups = selectors.triage_board(
        team=team, interval=interval, user=request.user, settings_=settings_
    )
    # ?farve=<group> shows that colour's every row (without JavaScript, "Show more" links there);
    # with &fra=<n> from htmx, only its next rows from the n-th, for "Show more" to add.
    opened = request.GET.get("farve")
    if opened is not None and "fra" in request.GET and request.htmx:
        return _board_more(request, team, groups, opened, _board_start(request.GET["fra"]))
    for group in groups:
        group.shown = group.citizens if group.key == opened else group.citizens[:BOARD_ROWS]
        group.more = len(group.citizens) - len(group.shown)
    # Due by the team's criteria, and not given to anyone yet: for the meeting to give.
    due = [c for g in groups for c in g.citizens if c.rescreen_due_now and not c.rescreen_assignee]
    # The board shows each citizen's name, colour and score: a read of each record shown.
    shown = {c.pk: c for c in [*due[:DUE_SHOWN], *(c for g in groups for c in g.shown)]}
    audit_read_many(actor=request.user, objs=list(shown.values()), request=request)
    members = list(selectors.team_members(team=team))
    return render(
        request,
        "screening/board.html",
        {
            "team": team,
            "teams": teams,
            "groups": groups,
            "due": due,
            "due_shown": due[:DUE_SHOWN],
            "due_more": max(len(due) - DUE_SHOWN, 0),
            "hours_from": hours_shown(settings_.screen_from_home_help_hours if settings_ else None),
            "may_import": request.user.has_perm("screening.import_home_help_hours")
            or any(m.pk == request.user.pk and m.leads_team for m in members),
            "members": members,
            "interval": interval,
            "today": timezone.localdate(),
            "week_end": services.end_of_week(timezone.localdate()),
        },
    )


def _board_more(request, team, groups, key: str, start: int):
    """The next rows of one colour of the board, from the `start`-th, for "Show more"."""
    group = next((g for g in groups if g.key == key), None)
    if group is None:
        raise Http404
    rows = group.citizens[start : start + BOARD_ROWS]
    audit_read_many(actor=request.user, objs=rows, request=request)
    return render(
        request,
        "screening/_board_rows.html",
        {
            "team": team,
            "group": group,
            "rows": rows,
            "next": start + len(rows),
            "more": max(len(group.citizens) - start - len(rows), 0),
        },
    )


@login_required
@permission_required("screening.view_triage_board", raise_exception=True)
@require_POST
def board_assign(request):
    """At the board meeting: the ticked citizens are screened this week by one worker."""
    teams = {str(t.pk): t for t in selectors.home_care_teams(user=request.user)}
    team = teams.get(request.POST.get("team", ""))
    if team is None:
        raise Http404
    form = RescreenAssignForm(request.POST, members=selectors.team_members(team=team))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(f"{reverse('screening:board')}?team={team.pk}")
    assignee = form.cleaned_data["assignee"]
    citizens = list(
        selectors.citizens_of_team(user=request.user, team=team).filter(
            pk__in=form.cleaned_data["citizens"]
        )
    )
    try:
        services.rescreen_assign_many(
            citizens=citizens, team=team, assignee=assignee, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if len(citizens) == 1:
            text = _("%(who)s screens %(name)s this week.") % {
                "who": assignee.first_name,
                "name": citizens[0].full_name,
            }
        else:
            text = _("%(who)s screens %(count)s citizens this week.") % {
                "who": assignee.first_name,
                "count": len(citizens),
            }
        messages.success(request, text)
    return redirect(f"{reverse('screening:board')}?team={team.pk}")


@never_cache
def service_worker(request):
    """The service worker, served from the site root so it may look after every page."""
    response = FileResponse(
        open(BASE_DIR / "static" / "js" / "sw.js", "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response
