"""The coordinator's requests come from their selector already in the sections of the requests
page: each open match once, in the section of its state."""

import pytest

from matching import selectors, services
from offers.constants import MatchEndReason, MatchStatus
from tests.matching.test_coordinator_requests import STATES, _match, _postcodes, setting  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("status", "answered", "section"), STATES)
def test_the_selector_puts_each_open_match_in_the_section_of_its_state(
    setting,  # noqa: F811
    status,
    answered,
    section,
):
    match = _match(setting, status, answered=answered, meeting_in=0)

    sections = selectors.provider_requests(user=setting["coordinator"])

    assert {name: [m.pk for m in group] for name, group in sections.items()} == {
        name: [match.pk] if name == section else [] for name in selectors.PROVIDER_REQUEST_SECTIONS
    }


def test_the_sections_are_oldest_first_and_leave_ended_matches_out(setting):  # noqa: F811
    first = _match(setting, MatchStatus.PROPOSED)
    second = _match(setting, MatchStatus.PROPOSED)
    ended = _match(setting, MatchStatus.PROPOSED)
    services.match_end(match=ended, reason=MatchEndReason.values[0], actor=setting["builder"])

    sections = selectors.provider_requests(user=setting["coordinator"])

    assert [m.pk for m in sections["pending"]] == [first.pk, second.pk]
