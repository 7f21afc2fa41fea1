"""case_get: a case page opened is a read of the citizen's record; a form posted on the case page
is not (the service it calls records the change), and the flag says so by its name."""

import pytest

from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals.selectors import case_get
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db


def _reads(case) -> int:
    return AuditEvent.objects.filter(action=AuditAction.READ, object_id=str(case.pk)).count()


def test_opening_a_case_records_a_read_and_a_post_on_it_does_not():
    referral = make_referral().referral
    user = UserFactory(bridge_builder=True, team=referral.case.team)

    case_get(user=user, case_id=referral.case.pk)
    assert _reads(referral.case) == 1

    case_get(user=user, case_id=referral.case.pk, log_read=False)
    assert _reads(referral.case) == 1


def test_the_old_flag_name_is_gone():
    # It said the case was locked; it never was.
    referral = make_referral().referral
    user = UserFactory(bridge_builder=True, team=referral.case.team)
    with pytest.raises(TypeError):
        case_get(user=user, case_id=referral.case.pk, for_update=True)
