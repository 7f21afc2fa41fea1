from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import UsedFormToken
from core.selectors import form_token_digest


class FormTokenUsed(Exception):
    """The form token has been used before: the form was sent already."""


def form_token_use(*, purpose: str, token: str, expires_at: datetime) -> None:
    """Mark a single-use form token used; raises FormTokenUsed if it was.

    Call it in the transaction that stores what the form sent: if that fails, the token stays
    unused and the person can send the corrected form. Two sends of one token at the same moment
    meet at the unique constraint, and only one gets through. Tokens past their expiry are
    forgotten here, since the form refuses them anyway.
    """
    now = timezone.now()
    digest = form_token_digest(token)
    UsedFormToken.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(purpose=purpose, digest=digest, expires_at=expires_at)
    except IntegrityError:
        raise FormTokenUsed from None
