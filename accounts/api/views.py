from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, TokenObtainSerializer, TokenSerializer
from accounts.models import User
from accounts.services import api_token_for_person
from accounts.views import lockout_json_response


class TokenObtainView(APIView):
    """Exchange a user name, password and the current two-factor code (`otp`) for a token that
    signs later API calls. It expires after a working day (`expires_at`), and at once when the
    password is changed or the person signs out on all devices."""

    # Whatever token the header carries (an expired one, say) must not stop a person getting a
    # new one.
    authentication_classes = []
    permission_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenObtainSerializer, responses={200: TokenSerializer}, tags=["auth"], auth=[]
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            # django-axes marks the request it refused (or whose failure reached the limit);
            # the caller gets a 429 that says so, not "wrong password" again and again.
            if getattr(request, "axes_locked_out", False):
                return lockout_json_response()
            raise ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "The user name or password is not right. Both are case-sensitive; "
                            "try again."
                        )
                    ]
                },
                code="authorization",
            )
        issued = api_token_for_person(user=user, otp=data.get("otp", ""), request=request)
        return Response(
            TokenSerializer({"token": issued.key, "expires_at": issued.token.expires_at}).data
        )


@extend_schema(tags=["auth"])
class MeView(RetrieveAPIView):
    """The caller: user name, roles and teams."""

    serializer_class = MeSerializer

    def get_object(self) -> User:
        return User.objects.prefetch_related("groups", "memberships__team__organisation").get(
            pk=self.request.user.pk
        )
