from django.conf import settings

from core.navigation import navigation_for


def _owes_second_factor(user) -> bool:
    from accounts.selectors import user_requires_two_factor

    return user_requires_two_factor(user=user) and not user.is_verified()


def navigation(request):
    user = getattr(request, "user", None)
    # Until the sign-in is confirmed with a code the menu would lead nowhere: leave it out.
    show = user is not None and not _owes_second_factor(user)
    return {
        "nav_items": navigation_for(user, request.path) if show else [],
        "idle_timeout_minutes": settings.BROBYG_IDLE_TIMEOUT_MINUTES,
    }
