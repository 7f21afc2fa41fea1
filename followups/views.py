from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.services import user_set_reminder_preferences
from audit.services import audit_read, audit_read_many
from core.forms import form_add_service_errors
from core.http import safe_next_url
from followups import selectors, services
from followups.constants import NotificationStatus
from followups.forms import CompleteForm, PlanForm, ReminderPreferencesForm, TaskForm, task_form_for
from followups.reminders import notifications_retry_failed
from referrals.selectors import case_get

PAGE_SIZE = 50


def task_form(request, *, data=None, citizen=None) -> TaskForm:
    """The form for a task by hand, for the user asking (`followups.forms.task_form_for`)."""
    return task_form_for(request.user, data=data, citizen=citizen)


def _my_tasks_context(request, form=None) -> dict:
    context = selectors.my_tasks(user=request.user)
    shown = [t for g in context["groups"] for t in g.tasks] + context["done"]
    shown += context["team_queue"]
    form = form or task_form(request)
    may_add = request.user.has_perm("followups.add_task")
    if may_add:
        # The form's citizen picker names every citizen the user may make a task about: a read
        # of each, like a list page. Its choices are the rows logged, not a second query.
        field = form.fields["citizen"]
        citizens = list(field.queryset)
        field.choices = [("", field.empty_label)] + [
            (c.pk, field.label_from_instance(c)) for c in citizens
        ]
        shown += citizens
    audit_read_many(actor=request.user, objs=shown, request=request)
    context["form"] = form
    context["may_add"] = may_add
    return context


@login_required
@permission_required("followups.view_task", raise_exception=True)
def my_tasks(request):
    """Mine opgaver: what is overdue, due today, this week and later, each done in one tap."""
    return render(request, "followups/my_tasks.html", _my_tasks_context(request))


@login_required
@permission_required("followups.add_task", raise_exception=True)
@require_POST
def task_add(request):
    form = task_form(request, data=request.POST)
    back = safe_next_url(request, reverse("followups:my_tasks"))
    if form.is_valid():
        data = form.cleaned_data
        citizen = data["citizen"]
        try:
            services.task_create_by_hand(
                actor=request.user,
                citizen=citizen,
                case=selectors.open_case_for(user=request.user, citizen=citizen),
                assignee=data["assignee"],
                kind=data["kind"],
                due=data["due"],
                note=data["note"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The task has been added."))
            return redirect(back)
    if request.POST.get("next"):
        # From the case page: back there, with what to correct.
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    return render(
        request, "followups/my_tasks.html", _my_tasks_context(request, form=form), status=400
    )


@login_required
@permission_required("followups.view_task", raise_exception=True)
def task_detail(request, task_id):
    """One task: where the reminders link to."""
    task = selectors.task_get(user=request.user, task_id=task_id)
    audit_read(actor=request.user, obj=task, request=request)
    may_see_case = (
        task.case_id is not None
        and selectors.cases_visible_to(user=request.user).filter(pk=task.case_id).exists()
    )
    return render(
        request,
        "followups/task_detail.html",
        {"task": task, "may_see_case": may_see_case, "complete_form": CompleteForm()},
    )


@login_required
@permission_required("followups.change_task", raise_exception=True)
@require_POST
def task_done(request, task_id):
    """Done in one tap, with an optional outcome. With htmx the row is swapped in place;
    without JavaScript the page comes back."""
    task = selectors.task_get(user=request.user, task_id=task_id)
    form = CompleteForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    task = services.task_complete(task=task, actor=request.user, outcome=outcome)
    if request.htmx:
        return render(request, "followups/_task_row.html", {"task": task, "just_done": True})
    messages.success(request, _("The task is done."))
    return redirect(safe_next_url(request, reverse("followups:my_tasks")))


@login_required
@permission_required("followups.change_task", raise_exception=True)
@require_POST
def task_take(request, task_id):
    """One tap on the team's queue: the task is the user's."""
    task = selectors.task_get(user=request.user, task_id=task_id)
    try:
        services.task_take(task=task, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The task is now yours."))
    return redirect(safe_next_url(request, reverse("followups:my_tasks")))


@login_required
@permission_required("followups.add_task", raise_exception=True)
@require_POST
def plan_create(request, case_id):
    """The follow-up after a first meeting: the team's checks as tasks for the case's owner."""
    case = case_get(user=request.user, case_id=case_id, log_read=False)
    form = PlanForm(request.POST, prefix="plan")
    back = reverse("referrals:case_detail", args=[case.pk]) + "#followup"
    if not form.is_valid():
        messages.error(
            request,
            " ".join(form.errors.get("first_meeting_on", []))
            or _("Give the date of the first meeting."),
        )
        return redirect(back)
    try:
        tasks = services.task_plan_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee or request.user,
            first_meeting_on=form.cleaned_data["first_meeting_on"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("The follow-up is planned: %(count)s tasks.") % {"count": len(tasks)},
    )
    return redirect(back)


@login_required
@permission_required("followups.view_task", raise_exception=True)
def preferences(request):
    user = request.user
    form = ReminderPreferencesForm(
        request.POST or None,
        initial={
            "reminder_preference": user.reminder_preference,
            "reminder_sms": user.reminder_sms,
            "phone": user.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_set_reminder_preferences(
                user=user,
                preference=data["reminder_preference"],
                sms=data["reminder_sms"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Your reminder settings have been saved."))
            return redirect("followups:my_tasks")
    status = 400 if request.method == "POST" else 200
    return render(request, "followups/preferences.html", {"form": form}, status=status)


@login_required
@permission_required("followups.view_notification", raise_exception=True)
def notification_log(request):
    """Which reminders went out, which failed and why: for the administrator."""
    status = request.GET.get("status", "")
    if status not in NotificationStatus.values:
        status = ""
    page = Paginator(selectors.notification_log(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "followups/notification_log.html",
        {
            "page": page,
            "status": status,
            "statuses": NotificationStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@login_required
@permission_required("followups.change_notification", raise_exception=True)
@require_POST
def notifications_send_again(request):
    """Every failed reminder is sent again (the mail server is back): the next scan, within
    minutes, hands them to the workers."""
    count = notifications_retry_failed(actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d reminder will be sent again.",
            "%(count)d reminders will be sent again.",
            count,
        )
        % {"count": count},
    )
    return redirect(safe_next_url(request, reverse("followups:notification_log")))
