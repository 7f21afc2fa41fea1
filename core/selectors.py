import hashlib

from django.utils import timezone

from core.models import UsedFormToken


def form_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def form_token_used(*, purpose: str, token: str) -> bool:
    """Whether this single-use form token has been used already (and is still remembered)."""
    return UsedFormToken.objects.filter(
        purpose=purpose, digest=form_token_digest(token), expires_at__gt=timezone.now()
    ).exists()
