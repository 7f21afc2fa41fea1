from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import RetrieveAPIView
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.serializers import MeSerializer, TokenSerializer
from accounts.models import User


class TokenObtainView(ObtainAuthToken):
    """Exchange a user name and password for the token that signs every later API call."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


@extend_schema(tags=["auth"])
class MeView(RetrieveAPIView):
    """The caller: user name, roles and teams."""

    serializer_class = MeSerializer

    def get_object(self) -> User:
        return User.objects.prefetch_related("groups", "memberships__team__organisation").get(
            pk=self.request.user.pk
        )
