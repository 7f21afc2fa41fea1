from rest_framework import serializers

from accounts.models import Membership, User


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    team = serializers.UUIDField(source="team_id")
    team_name = serializers.CharField(source="team.name")
    organisation = serializers.CharField(source="team.organisation.name")

    class Meta:
        model = Membership
        fields = ["team", "team_name", "organisation", "is_lead"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    teams = MembershipSerializer(source="memberships", many=True)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "preferred_language", "roles", "teams"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)
