import uuid

import pytest

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.models import AuditEvent
from audit.services import audit_read, audit_read_many, audit_reads_batched, audit_record
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


def test_the_reads_of_a_request_are_written_together_in_one_insert_at_its_end(
    django_assert_num_queries,
):
    actor = UserFactory()
    teams = [TeamFactory() for _ in range(3)]
    # 1: one INSERT for all three, when the block ends
    with django_assert_num_queries(1), audit_reads_batched():
        audit_read(actor=actor, obj=teams[0])
        audit_read_many(actor=actor, objs=teams[1:])
    assert sorted(
        AuditEvent.objects.filter(action=AuditAction.READ).values_list("object_id", flat=True)
    ) == sorted(str(team.pk) for team in teams)


def test_the_reads_of_a_request_are_written_when_it_fails_too():
    actor = UserFactory()
    team = TeamFactory()
    with pytest.raises(RuntimeError), audit_reads_batched():
        audit_read(actor=actor, obj=team)
        raise RuntimeError("the page failed after reading")
    assert AuditEvent.objects.get(action=AuditAction.READ).object_id == str(team.pk)


def test_changes_are_written_at_once_inside_a_request_too():
    team = TeamFactory()
    with audit_reads_batched():
        audit_record(actor=None, action=AuditAction.UPDATE, obj=team, fields=["name"])
        assert AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()
