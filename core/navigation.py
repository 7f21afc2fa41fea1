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
    NavItem(_("My citizens"), "referrals:caseload", "people", permission="referrals.view_case"),
    NavItem(_("Team"), "referrals:team_board", "kanban", permission="referrals.view_case"),
    NavItem(_("My tasks"), "followups:my_tasks", "check2-square", permission="followups.view_task"),
    NavItem(
        _("Screening"),
        "screening:citizen_list",
        "clipboard-check",
        permission="screening.view_team_citizens",
    ),
    NavItem(
        _("Board"), "screening:board", "grid-3x3-gap", permission="screening.view_triage_board"
    ),
    NavItem(
        _("Quality check"),
        "screening:quality_queue",
        "patch-check",
        permission="screening.view_qualitycheck",
    ),
    NavItem(
        _("Requests"),
        "matching:requests",
        "envelope-open-heart",
        permission="matching.answer_match_requests",
    ),
    # The volunteer centre's own offers. A bridge-builder may start a community they host (from
    # the start page), but keeps no list of offers.
    NavItem(
        _("Our offers"),
        "offers:offer_list",
        "calendar2-heart",
        permission="matching.answer_match_requests",
    ),
    NavItem(
        _("Volunteers"),
        "volunteers:list",
        "person-hearts",
        permission="volunteers.change_volunteer",
    ),
    NavItem(
        _("Waiting list"),
        "volunteers:waiting_list",
        "hourglass-split",
        permission="volunteers.view_volunteerrequest",
    ),
    NavItem(
        _("Unmet needs"),
        "offers:unmet_needs",
        "signpost-split",
        permission="offers.view_unmet_need_summary",
    ),
    NavItem(_("Refer"), "referrals:referral_create", "send", permission="referrals.add_referral"),
    NavItem(
        _("Referrals"), "referrals:referral_list", "inbox", permission="referrals.view_referral"
    ),
    NavItem(
        _("Statistics"), "stats:dashboard", "bar-chart-line", permission="stats.view_statistics"
    ),
    NavItem(_("Audit trail"), "audit:list", "journal-text", permission="audit.view_auditevent"),
    NavItem(
        _("Data protection"),
        "privacy:index",
        "shield-lock",
        permission="privacy.handle_data_requests",
    ),
    NavItem(_("Administration"), "admin:index", "gear", staff_only=True),
]


def navigation_for(user, current_path: str = "") -> list[dict]:
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon}
        for item in NAVIGATION
        if item.visible_to(user)
    ]
    # The active entry is the one whose address is the longest start of the current path, so
    # /forloeb/team/ marks "Team", not "My citizens" at /forloeb/.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    active = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is active
    return items
