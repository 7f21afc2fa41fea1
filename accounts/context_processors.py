from django.conf import settings

from accounts.oidc import SINGLE_SIGN_ON_SESSION_KEY, second_factor_confirmed
from accounts.selectors import user_requires_two_factor
from core.navigation import navigation_for


def _owes_second_factor(request) -> bool:
    return user_requires_two_factor(user=request.user) and not second_factor_confirmed(request)


def navigation(request):
    """The menu and the idle timeout for every page. Here, not in core, because whether the
    menu shows depends on the user's second factor (accounts)."""
    user = getattr(request, "user", None)
    # Until the sign-in is confirmed with a code the menu would lead nowhere: leave it out.
    show = user is not None and not _owes_second_factor(request)
    return {
        "nav_items": navigation_for(user, request.path) if show else [],
        "idle_timeout_minutes": settings.BROBYG_IDLE_TIMEOUT_MINUTES,
        # Signed in with the municipality: the password is the identity provider's, not Brobyg's.
        "signed_in_with_sso": bool(
            getattr(request, "session", None) is not None
            and request.session.get(SINGLE_SIGN_ON_SESSION_KEY)
        ),
    }
