import factory

from accounts.constants import OrganisationKind, Role, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import (
    organisation_create,
    team_add_member,
    team_create,
    user_create,
    user_deactivate,
)

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.MUNICIPALITY

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return organisation_create(**kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = TeamKind.BRIDGE_BUILDERS

    class Params:
        home_care = factory.Trait(kind=TeamKind.HOME_CARE)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return team_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A user made through the service. `role=` gives one role, `team=` puts them on a team."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = PASSWORD
    role = None
    team = None
    lead = False

    class Params:
        bridge_builder = factory.Trait(role=Role.BRIDGE_BUILDER)
        home_care = factory.Trait(role=Role.HOME_CARE)
        coordinator = factory.Trait(role=Role.COORDINATOR)
        referrer = factory.Trait(role=Role.REFERRER)
        admin = factory.Trait(role=Role.ADMIN)

    @classmethod
    def _create(cls, model_class, *args, role=None, team=None, lead=False, **kwargs):
        active = kwargs.pop("is_active", True)
        user = user_create(roles=[role] if role else [], **kwargs)
        if not active:
            user_deactivate(user=user)
        if team is not None:
            team_add_member(team=team, user=user, is_lead=lead)
        return user
