"""The case's timeline is written by one function (referrals.timeline.case_event_record), from
referrals, screening and offers alike: it refuses a line the timeline could not read."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from referrals.constants import CaseEventAction, CaseEventKind
from referrals.models import CaseEvent
from referrals.timeline import case_event_record
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db


def test_a_line_is_written_with_its_kind_and_data():
    case = make_referral().referral.case

    event = case_event_record(
        case=case,
        kind=CaseEventKind.MATCH,
        actor=None,
        data={"action": CaseEventAction.MATCH_PROPOSED, "match": "m", "provider": "Havefolket"},
    )

    assert CaseEvent.objects.get(pk=event.pk).data["action"] == "match_proposed"


def test_a_line_the_timeline_cannot_read_is_refused():
    case = make_referral().referral.case
    with pytest.raises(ValueError, match="kind"):
        case_event_record(case=case, kind="gossip", actor=None)
    with pytest.raises(ValueError, match="action"):
        case_event_record(case=case, kind=CaseEventKind.MATCH, actor=None, data={"action": "?"})
    assert not CaseEvent.objects.filter(case=case, kind__in=["gossip", "match"]).exists()


def test_no_module_but_the_timeline_creates_case_events():
    root = Path(settings.BASE_DIR)
    writers = []
    for app in ["core", "accounts", "referrals", "screening", "offers", "volunteers", "followups"]:
        for path in (root / app).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or relative == "referrals/timeline.py":
                continue
            if re.search(r"CaseEvent\.objects\.(create|bulk_create)\(", path.read_text()):
                writers.append(relative)
    assert writers == []
