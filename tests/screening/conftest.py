import pytest

from tests.accounts.factories import TeamFactory, UserFactory


@pytest.fixture
def team():
    """A home-care team."""
    return TeamFactory(home_care=True)


@pytest.fixture
def worker(team):
    """A home-care worker on `team`."""
    return UserFactory(home_care=True, team=team)
