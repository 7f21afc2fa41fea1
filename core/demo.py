"""The demo municipality. Each app adds its part to DEMO_STEPS; seed_demo runs them in order."""

from collections.abc import Callable

from django.db import transaction

DEMO_PASSWORD = "brobyg-demo"  # noqa: S105 - published in README for the demo data only


def _steps() -> list[Callable[[], None]]:
    from accounts.demo import seed_accounts
    from offers.demo import seed_offers, seed_unmet_needs
    from referrals.demo import seed_identity, seed_referrals
    from screening.demo import seed_screening
    from stats.demo import seed_history
    from volunteers.demo import seed_volunteers

    return [
        seed_accounts,
        seed_offers,
        seed_referrals,
        seed_screening,
        seed_volunteers,
        seed_identity,
        seed_unmet_needs,
        seed_history,
    ]


@transaction.atomic
def seed_demo() -> None:
    for step in _steps():
        step()
