from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audit.forms import AuditFilterForm
from audit.selectors import audit_events_filter, audit_events_visible_to

PAGE_SIZE = 50


@login_required
def audit_event_list(request):
    events = audit_events_visible_to(user=request.user)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        events = events.none()  # the form shows what is wrong
    else:
        events = audit_events_filter(events, **(form.filters() if form.is_bound else {}))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
