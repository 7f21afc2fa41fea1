from django.conf import settings

from core.navigation import navigation_for


def navigation(request):
    return {
        "nav_items": navigation_for(request.user, request.path) if hasattr(request, "user") else [],
        "idle_timeout_minutes": settings.BROBYG_IDLE_TIMEOUT_MINUTES,
    }
