"""Offers made through the services, as a coordinator would make them."""

import itertools
from datetime import time
from pathlib import Path

from accounts.constants import OrganisationKind
from offers.services import offer_create, offer_set_status
from places.models import Postcode
from places.services import postcodes_import_text
from tests.accounts.factories import OrganisationFactory

_counter = itertools.count(1)
POSTCODES = Path(__file__).resolve().parents[2] / "places" / "data" / "postcodes_demo.csv"


def demo_postcodes() -> None:
    """The demo municipality's postcode centres (Odense and around), once per test."""
    if not Postcode.objects.filter(code="5000").exists():
        postcodes_import_text(text=POSTCODES.read_text(encoding="utf-8"))


def an_organisation(**kwargs):
    kwargs.setdefault("kind", OrganisationKind.ASSOCIATION)
    return OrganisationFactory(**kwargs)


def weekly(weekday: int, start=time(14), end=time(16), **extra) -> dict:
    return {"frequency": "weekly", "weekday": weekday, "starts_at": start, "ends_at": end, **extra}


def biweekly(weekday: int, start=time(10), end=None) -> dict:
    return {"frequency": "biweekly", "weekday": weekday, "starts_at": start, "ends_at": end}


def monthly(weekday: int, week: int | None, start=time(10), end=None) -> dict:
    return {
        "frequency": "monthly",
        "weekday": weekday,
        "week_of_month": week,
        "starts_at": start,
        "ends_at": end,
    }


def once(on, start=time(10), end=None) -> dict:
    return {"frequency": "once", "date": on, "starts_at": start, "ends_at": end}


def offer(
    *,
    organisation=None,
    schedules: list[dict] | None = None,
    status: str | None = None,
    team=None,
    actor=None,
    **data,
):
    """An offer through offer_create: public, active, free, in 5000 Odense C by default."""
    demo_postcodes()
    n = next(_counter)
    fields = {
        "title": f"Tilbud {n}",
        "description": "Vi mødes og hygger os.",
        "strategy": "social_network",
        "postcode": "5000",
        "city": "Odense C",
        **data,
    }
    if fields.get("is_remote") and "postcode" not in data:
        fields["postcode"] = ""
        fields["city"] = ""
    created = offer_create(
        organisation=organisation or an_organisation(),
        data=fields,
        actor=actor,
        team=team,
        schedules=schedules,
    )
    if status:
        offer_set_status(offer=created, status=status, actor=actor)
        created.refresh_from_db()
    return created
