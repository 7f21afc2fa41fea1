"""The provider's OpenID Connect endpoints under /o/, its sign-in page, and /testing/, through
which the tests register Brobyg as a client, make people and spoil the next ID token."""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from tests.sso.provider.models import TestPerson
from tests.sso.provider.validator import DEFECTS, spoil_next_id_token


def _body(request) -> dict:
    return json.loads(request.body or b"{}")


@csrf_exempt
@require_POST
def client(request):
    data = _body(request)
    application_model = get_application_model()
    application, _created = application_model.objects.update_or_create(
        client_id=data["client_id"],
        defaults={
            "name": data.get("name", data["client_id"]),
            "client_type": application_model.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
            "algorithm": application_model.RS256_ALGORITHM,
            "redirect_uris": " ".join(data["redirect_uris"]),
            "post_logout_redirect_uris": " ".join(data.get("post_logout_redirect_uris", [])),
            "skip_authorization": True,
            "client_secret": data["client_secret"],
        },
    )
    return JsonResponse({"client_id": application.client_id})


@csrf_exempt
@require_POST
def person(request):
    data = _body(request)
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=data["username"])
    user.set_password(data["password"])
    user.save()
    TestPerson.objects.update_or_create(user=user, defaults={"claims": data.get("claims", {})})
    return JsonResponse({"sub": str(user.pk)})


@csrf_exempt
@require_POST
def next_id_token(request):
    defect = _body(request).get("defect", "")
    if defect not in DEFECTS:
        return HttpResponseBadRequest(f"defect is one of {', '.join(DEFECTS)}")
    spoil_next_id_token(defect)
    return JsonResponse({"defect": defect})


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="provider/login.html"),
        name="login",
    ),
    path("testing/clients/", client),
    path("testing/people/", person),
    path("testing/next-id-token/", next_id_token),
]
