"""The claims the test provider issues, and the defective ID tokens it issues on request."""

import base64
import json
import threading
import time

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.sso.provider.models import TestPerson

# The defect for the next ID token issued (one only), set by the tests through /testing/.
_next_defect = {"defect": ""}
_lock = threading.Lock()

DEFECTS = ("tampered", "wrong_audience", "expired")


def spoil_next_id_token(defect: str) -> None:
    if defect not in DEFECTS:
        raise ValueError(defect)
    with _lock:
        _next_defect["defect"] = defect


def _take_defect() -> str:
    with _lock:
        defect, _next_defect["defect"] = _next_defect["defect"], ""
    return defect


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TestProviderValidator(OAuth2Validator):
    # Every claim the person has goes into the ID token and the userinfo, whatever the scopes.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = TestPerson.objects.filter(user=request.user).first()
        return dict(person.claims) if person else {}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        request.test_defect = _take_defect()
        if request.test_defect == "wrong_audience":
            # Signed by the provider, but issued to another service.
            claims["aud"] = "another-service"
        elif request.test_defect == "expired":
            # Signed by the provider, but it expired half an hour ago.
            now = int(time.time())
            claims.update(iat=now - 3600, auth_time=now - 3600, exp=now - 1800)
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if getattr(request, "test_defect", "") != "tampered":
            return signed
        # Someone on the way changed the groups after the provider signed the token.
        header, payload, signature = signed.split(".")
        claims = json.loads(_unb64(payload))
        claims["groups"] = ["brobyg-administratorer"]
        return ".".join([header, _b64(json.dumps(claims).encode()), signature])
