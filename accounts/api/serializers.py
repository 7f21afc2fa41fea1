from rest_framework import serializers

from accounts.models import Membership, User


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text=(
            "The current six-digit code from the person's authenticator app. Required when the "
            "person signs in on the web with two factors (everyone but shared tablet accounts, "
            "which get no token)."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <token>`. Shown once; keep it secret.",
    )
    expires_at = serializers.DateTimeField(
        read_only=True,
        help_text=(
            "When the token stops working (ISO 8601). It stops earlier if the password is "
            "changed or the person signs out on all devices."
        ),
    )


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
