import copy
import json
from pathlib import Path

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from accounts.constants import ApiScope
from accounts.services import service_account_create, service_token_issue
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.referrals.factories import bridge_team

FIXTURES = Path(__file__).parent / "fixtures"
PROCESS = "/fhir/$process-message"
OUTBOX = "/fhir/outbox"
FHIR_JSON = "application/fhir+json"

# The messages of the implementation guide's examples (fsh/), as JSON.
NEW = "new_message"  # 1st-message.fsh
REPLY = "reply_message"  # 2nd-message.fsh
ATTACHMENT = "attachment_message"  # 8-AllContent.fsh
REPLACEMENT_CPR = "replacement_cpr"  # 6-replacementCPR.fsh

NEW_HEADER_ID = "42cb9200-f421-4d08-8391-7d51a2503cb4"
HOSPITAL_SOR = "265161000016000"
CARE_HOME_SOR = "953741000016009"


def load(name: str) -> dict:
    return copy.deepcopy(_cached(name))


_CACHE: dict = {}


def _cached(name: str) -> dict:
    if name not in _CACHE:
        _CACHE[name] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return _CACHE[name]


def resource(bundle: dict, resource_type: str, n: int = 0) -> dict:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ][n]


def gateway_client(*scopes, name="MedCom-gateway") -> APIClient:
    account = service_account_create(name=name)
    key = service_token_issue(account=account, scopes=scopes or [ApiScope.MEDCOM]).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.account = account
    return client


def send(client: APIClient, bundle, content_type: str = FHIR_JSON):
    body = bundle if isinstance(bundle, str | bytes) else json.dumps(bundle, ensure_ascii=False)
    return client.post(PROCESS, data=body, content_type=content_type)


def stored_rows() -> dict[str, int]:
    """How many rows each table a received message may write holds: the citizen's and the
    referral's, MedCom's own, and the audit trail (but for the row that records the call
    itself, which every call of a system writes)."""
    counts = {}
    for label in ("referrals", "medcom"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model.objects.count()
    counts["audit.AuditEvent"] = AuditEvent.objects.exclude(
        action__in=[AuditAction.API_SERVICE_CALL, AuditAction.API_SERVICE_REFUSED]
    ).count()
    return counts


@pytest.fixture
def team():
    """The bridge-builders' team referrals land with, in a municipality with a phone number
    (the number a reply to a GP gives)."""
    return bridge_team(organisation=OrganisationFactory(name="Herlev Kommune", phone="44527000"))


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def gateway(db):
    return gateway_client()
