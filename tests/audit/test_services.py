import uuid

import pytest

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.models import AuditEvent
from audit.services import audit_read, audit_read_many, audit_record
from tests.accounts.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_change_is_recorded_with_who_what_and_which_fields():
    actor = UserFactory()
    team = TeamFactory()

    event = audit_record(actor=actor, action=AuditAction.UPDATE, obj=team, fields=["name"])

    event.refresh_from_db()
    assert event.actor == actor
    assert event.action == AuditAction.UPDATE
    assert event.content_type.model_class() is Team
    assert event.object_id == str(team.pk)
    assert event.fields == ["name"]
    assert event.created_at is not None


def test_values_cannot_be_logged_in_place_of_field_names():
    team = TeamFactory(name="Hjemmeplejen")
    with pytest.raises(ValueError, match="field names only"):
        audit_record(actor=None, action=AuditAction.UPDATE, obj=team, fields=["Hjemmeplejen"])


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=None, action="peek", obj=TeamFactory())


def test_the_citizen_is_taken_from_the_record_when_it_names_one(monkeypatch):
    citizen_id = uuid.uuid4()
    team = TeamFactory()
    monkeypatch.setattr(Team, "audit_subject_id", citizen_id, raising=False)

    event = audit_read(actor=UserFactory(), obj=team)

    assert event.action == AuditAction.READ
    assert event.subject_id == citizen_id


def test_anonymous_and_system_actions_have_no_actor():
    from django.contrib.auth.models import AnonymousUser

    assert (
        audit_record(actor=AnonymousUser(), action=AuditAction.READ, obj=TeamFactory()).actor_id
        is None
    )
    assert audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED).content_type is None


def test_reads_of_a_list_are_written_in_one_insert(django_assert_num_queries):
    actor = UserFactory()
    users = [UserFactory() for _ in range(5)]
    with django_assert_num_queries(1):  # 1: one INSERT for all five events
        audit_read_many(actor=actor, objs=users)
    assert (
        AuditEvent.objects.filter(action=AuditAction.READ, content_type__model="user").count() == 5
    )
    assert User.objects.count() == 6
