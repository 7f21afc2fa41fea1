import factory

from accounts.constants import Role
from accounts.models import SingleSignOnGroup


class SingleSignOnGroupFactory(factory.django.DjangoModelFactory):
    """A group at the municipality's identity provider, and the role (and team) it gives."""

    class Meta:
        model = SingleSignOnGroup

    name = factory.Sequence(lambda n: f"brobyg-gruppe-{n}")
    role = Role.BRIDGE_BUILDER
    team = None
    is_lead = False
