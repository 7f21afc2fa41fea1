"""The coordinator's pickup list for a session of a group offer: who is expected and what each
needs to get there and be there — a lift (and who drives), a wheelchair, someone to go along —
to print and take along. Like attendance, it needs a permission only coordinators hold, and
shows the offers the coordinator manages."""

from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.services import audit_read_many
from matching import services
from offers import selectors


def _asked_date(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None


@require_GET
@login_required
@permission_required("offers.add_offersession", raise_exception=True)
def session_pickup(request, offer_id):
    offer = selectors.offer_managed_get(user=request.user, offer_id=offer_id)
    # One read of the meeting times for the sessions ahead and the day asked for.
    prefetch_related_objects([offer], "schedules")
    today = timezone.localdate()
    upcoming = services.session_dates_ahead(offer=offer, start=today)
    asked = _asked_date(request)
    on, not_meeting = (upcoming[0] if upcoming else None), None
    if asked is not None:
        if services.session_meets_on(offer=offer, on=asked):
            on = asked
        else:
            on, not_meeting = None, asked
    rows = services.session_pickup_list(offer=offer, on=on) if on else []
    # Each row is about one citizen, named or not: every row shown is a read of their data.
    audit_read_many(actor=request.user, objs=[row.match for row in rows], request=request)
    return render(
        request,
        "matching/coordination/session_pickup.html",
        {
            "offer": offer,
            "on": on,
            "not_meeting": not_meeting,
            "upcoming": [(day, selectors.directory_date(day, weekday=True)) for day in upcoming],
            "on_label": selectors.directory_date(on, weekday=True) if on else "",
            "rows": rows,
            "lifts": sum(1 for row in rows if row.needs_transport),
            "not_shared": sum(1 for row in rows if not row.shared),
            "printed_at": timezone.now(),
        },
    )
