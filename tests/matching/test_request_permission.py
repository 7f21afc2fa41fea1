"""Answering requests for an offer or a volunteer is a permission of its own, held by the
coordinators: the menu shows the requests page to whoever holds it, and to nobody else."""

import pytest
from django.urls import reverse

from core.navigation import navigation_for
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWER = "matching.answer_match_requests"


@pytest.mark.parametrize(
    ("role", "holds"),
    [
        ("coordinator", True),
        ("bridge_builder", False),
        ("home_care", False),
        ("referrer", False),
        ("admin", False),
    ],
)
def test_only_coordinators_answer_requests(role, holds):
    user = UserFactory(**{role: True})

    assert user.has_perm(ANSWER) is holds
    shown = [item["url"] for item in navigation_for(user)]
    assert (reverse("matching:requests") in shown) is holds
