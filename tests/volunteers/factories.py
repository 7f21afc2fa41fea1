"""Matching state made through the services: postcodes, volunteers, offers, profiles."""

import itertools
from datetime import time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.constants import OrganisationKind, TeamKind
from accounts.services import organisation_create
from matching.services import match_profile_save
from offers.services import offer_create
from places.services import postcodes_import_text
from tests.accounts.factories import TeamFactory
from volunteers.constants import VolunteerStatus
from volunteers.services import volunteer_create, volunteer_record_vetting, volunteer_set_status

_counter = itertools.count(1)


def load_postcodes() -> None:
    path = Path(settings.BASE_DIR) / "places" / "data" / "postcodes_demo.csv"
    postcodes_import_text(text=path.read_text(encoding="utf-8"))


def coordination_team(**kwargs):
    return TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION, **kwargs)


def organisation(name=None):
    return organisation_create(
        name=name or f"Forening {next(_counter)}", kind=OrganisationKind.ASSOCIATION
    )


def make_offer(*, org=None, team=None, schedules=None, **data):
    """A group offer in Odense C, free, meeting Tuesdays at 14, unless told otherwise."""
    values = {
        "title": f"Tilbud {next(_counter)}",
        "description": "Vi mødes og hygger.",
        "strategy": "social_network",
        "activity_kinds": ["network_cafe"],
        "postcode": "5000",
        "address": "Torvet 1",
        "city": "Odense C",
    }
    values.update(data)
    if schedules is None:
        schedules = [{"frequency": "weekly", "weekday": 1, "starts_at": time(14)}]
    return offer_create(
        organisation=org or organisation(),
        team=team,
        data=values,
        schedules=schedules,
        actor=None,
    )


def last_session_day(*, weeks_ago: int = 0):
    """A day make_offer's offers met (they meet on Tuesdays): the last Tuesday before today, or
    the one `weeks_ago` weeks before it. Attendance is recorded only for a day the offer meets."""
    today = timezone.localdate()
    return today - timedelta(days=(today.weekday() - 1) % 7 or 7, weeks=weeks_ago)


def make_volunteer(*, team=None, status=VolunteerStatus.ACTIVE, vetted=True, **data):
    values = {
        "first_name": f"Frivillig{next(_counter)}",
        "last_name": "Larsen",
        "postcode": "5000",
        "roles": ["visiting_friend"],
        "capacity": 1,
    }
    values.update(data)
    volunteer = volunteer_create(team=team or coordination_team(), data=values, actor=None)
    if vetted:
        volunteer = volunteer_record_vetting(
            volunteer=volunteer,
            data={"vetting_seen_on": timezone.localdate() - timedelta(days=30)},
            actor=None,
        )
    if status != VolunteerStatus.APPLICANT:
        volunteer = volunteer_set_status(
            volunteer=volunteer, status=VolunteerStatus.APPROVED, actor=None
        )
    if status not in (VolunteerStatus.APPLICANT, VolunteerStatus.APPROVED):
        volunteer = volunteer_set_status(volunteer=volunteer, status=status, actor=None)
    return volunteer


def profile(citizen, **data):
    return match_profile_save(citizen=citizen, data=data, actor=None)
