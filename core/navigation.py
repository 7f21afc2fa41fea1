"""The main navigation: each entry names the permission its page requires.

A page and its menu entry check the same permission, so the menu shows a role exactly what it
may open. Apps add their entries here in the order they should appear.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    permission: str | None = None  # None: every signed-in user
    staff_only: bool = False

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)


NAVIGATION: list[NavItem] = [
    NavItem(_("Start"), "core:home", "house"),
    NavItem(_("Audit trail"), "audit:list", "journal-text", permission="audit.view_auditevent"),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True),
    NavItem(_("API"), "api-docs", "braces", staff_only=True),
]


def navigation_for(user, current_path: str = "") -> list[dict]:
    items = []
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
