from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.generics import RetrieveAPIView
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.serializers import MeSerializer, TokenSerializer
from accounts.models import User
from accounts.views import lockout_json_response


class TokenObtainView(ObtainAuthToken):
    """Exchange a user name and password for the token that signs every later API call."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it refused (or whose failure reached the limit);
            # the caller gets a 429 that says so, not "wrong password" again and again.
            if getattr(request, "axes_locked_out", False):
                return lockout_json_response()
            raise


@extend_schema(tags=["auth"])
class MeView(RetrieveAPIView):
    """The caller: user name, roles and teams."""

    serializer_class = MeSerializer

    def get_object(self) -> User:
        return User.objects.prefetch_related("groups", "memberships__team__organisation").get(
            pk=self.request.user.pk
        )
