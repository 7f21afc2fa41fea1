from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet

from accounts.constants import ROLE_PRIORITY, Role
from accounts.models import Membership, User


def user_primary_role(*, user: User) -> str | None:
    """The role whose start page the user sees first, or None for a user without a role."""
    for role in ROLE_PRIORITY:
        if user.has_role(role):
            return role
    return None


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    )


def role_counts() -> list[tuple[str, int]]:
    """How many active users hold each role, in the order of the roles."""
    counts = dict(
        Group.objects.filter(name__in=Role.values)
        .annotate(n=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "n")
    )
    return [(role.label, counts.get(role.value, 0)) for role in Role]
