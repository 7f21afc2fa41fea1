"""Hours of home help: entered on the citizen's screening page, and imported as CSV by a team
lead (or the administrator) with a preview before anything is stored."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import user_team_ids
from audit.services import audit_read_many
from screening import selectors, services
from screening.forms import HomeHelpHoursForm, HomeHelpImportForm
from screening.services.home_help import IMPORT_MAX_BYTES

# The preview lists this many rows; the count and every error are shown whatever the size.
PREVIEW_ROWS = 200


@login_required
@permission_required("screening.add_homehelphours", raise_exception=True)
@require_POST
def home_help_hours(request, citizen_id):
    citizen = selectors.citizen_get(user=request.user, citizen_id=citizen_id)
    team = selectors.home_help_team(user=request.user, citizen=citizen)
    if team is None:
        raise Http404
    form = HomeHelpHoursForm(request.POST)
    if form.is_valid():
        try:
            services.home_help_hours_set(
                citizen=citizen,
                team=team,
                hours=form.cleaned_data["hours"],
                valid_from=form.cleaned_data["valid_from"] or timezone.localdate(),
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The hours of home help are saved."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("screening:citizen_detail", citizen.pk)


def _import_teams(request):
    """The teams the user may import for: any (the administrator, even before there is one), or
    the home-care teams they lead; anyone else is refused."""
    user = request.user
    teams = selectors.home_help_import_teams(user=user)
    if not user.has_perm("screening.import_home_help_hours") and not teams.exists():
        raise PermissionDenied
    return teams


def _team_or_404(teams, team_id):
    try:
        team = teams.filter(pk=team_id).first()
    except (ValidationError, ValueError):
        team = None
    if team is None:
        raise Http404
    return team


def _may_see_names(user, team) -> bool:
    """The preview names the citizens only to someone on the team who sees its citizens; an
    administrator sees the rows by the birth-date part of the CPR number."""
    return user.has_perm("referrals.view_citizen") and team.pk in user_team_ids(user)


@login_required
def home_help_import(request):
    """Upload → preview with every row's error named; nothing is stored until confirmed."""
    teams = _import_teams(request)
    chosen = {"team": request.GET["team"]} if request.GET.get("team") else None
    form = HomeHelpImportForm(
        request.POST or None, request.FILES or None, teams=teams, initial=chosen
    )
    context = {"form": form, "plan": None, "token": "", "errors": []}
    if request.method == "POST":
        team = _team_or_404(teams, request.POST.get("team"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            plan = services.home_help_import_check(
                team=team, content=upload.read(IMPORT_MAX_BYTES + 1)
            )
            show_names = _may_see_names(request.user, team)
            rows = plan.rows[:PREVIEW_ROWS]
            if show_names:
                audit_read_many(actor=request.user, objs=[r.citizen for r in rows], request=request)
            context.update(
                plan=plan,
                team=team,
                rows=rows,
                more=len(plan.rows) - len(rows),
                show_names=show_names,
                errors=plan.errors,
                token=services.home_help_import_token(plan=plan, actor=request.user)
                if plan.ok
                else "",
            )
    return render(request, "screening/home_help_import.html", context)


@login_required
@require_POST
def home_help_import_confirm(request):
    teams = _import_teams(request)
    team = _team_or_404(teams, request.POST.get("team"))
    try:
        rows = services.home_help_import_rows(
            token=request.POST.get("token", ""), team=team, actor=request.user
        )
        changed = services.home_help_import_apply(team=team, rows=rows, actor=request.user)
    except ValidationError as exc:
        form = HomeHelpImportForm(initial={"team": team.pk}, teams=teams)
        return render(
            request,
            "screening/home_help_import.html",
            {"form": form, "plan": None, "token": "", "errors": exc.messages},
        )
    messages.success(
        request,
        _("Hours of home help imported for %(team)s: %(rows)s rows, %(changed)s new or changed.")
        % {"rows": len(rows), "team": team.name, "changed": changed},
    )
    if request.user.has_perm("screening.view_triage_board") and team.pk in user_team_ids(
        request.user
    ):
        return redirect(f"{reverse('screening:board')}?team={team.pk}")
    return redirect("screening:home_help_import")
