"""What each role may do, in one table a data-protection officer can read.

Each role is a permission group named by its code (`Role`). `roles_sync()` makes the groups hold
exactly the permissions below; it runs after every `migrate`, so a deployment never drifts from
this file. Permissions are "app_label.codename".
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.constants import Role

_ADMINISTRATION = [
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_organisation",
    "accounts.add_organisation",
    "accounts.change_organisation",
    "accounts.view_team",
    "accounts.add_team",
    "accounts.change_team",
    "accounts.delete_team",
    "accounts.view_membership",
    "accounts.add_membership",
    "accounts.change_membership",
    "accounts.delete_membership",
    # Who gave whom access to which team, for the data-protection officer's page.
    "accounts.view_membershipchange",
    # The systems that call the API and everyone's API tokens: seeing and revoking them (a
    # token is issued by its owner or on the server, never in the admin).
    "accounts.view_serviceaccount",
    "accounts.change_serviceaccount",
    "accounts.view_apitoken",
    "accounts.change_apitoken",
    # Which groups at the municipality's identity provider give which role and team, and who
    # signed in through it, how.
    "accounts.view_singlesignongroup",
    "accounts.add_singlesignongroup",
    "accounts.change_singlesignongroup",
    "accounts.delete_singlesignongroup",
    "accounts.view_singlesignonidentity",
    # Linking an account to a person at the identity provider before they sign in (an
    # administrator's account is never taken over by its e-mail address).
    "accounts.add_singlesignonidentity",
    "audit.view_auditevent",
    # Data-subject rights: find a citizen for a request, their access log, export, erasure,
    # and the retention job's dry run.
    "privacy.handle_data_requests",
    "privacy.erase_citizen",
    "privacy.view_anonymisationrecord",
    # Failed sign-ins; deleting one unlocks a locked-out user name at once.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    # When the scheduled jobs run.
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.add_crontabschedule",
    "django_celery_beat.change_crontabschedule",
    "django_celery_beat.view_intervalschedule",
    # Triage schemes, the screening instrument's wording, and each team's scheme.
    "screening.view_triagescheme",
    "screening.add_triagescheme",
    "screening.change_triagescheme",
    "screening.view_triagecolour",
    "screening.add_triagecolour",
    "screening.change_triagecolour",
    "screening.delete_triagecolour",
    # Each scheme's procedure: the steps allowed between its colours.
    "screening.view_triagetransition",
    "screening.add_triagetransition",
    "screening.change_triagetransition",
    "screening.delete_triagetransition",
    "screening.view_teamscreeningsettings",
    "screening.add_teamscreeningsettings",
    "screening.change_teamscreeningsettings",
    "screening.view_instrument",
    "screening.add_instrument",
    "screening.change_instrument",
    # Importing a home-care team's hours of home help (CSV by CPR number); the preview names
    # no citizen to an administrator.
    "screening.import_home_help_hours",
    # Postcode centres for distances, and the offer catalogue.
    "places.view_postcode",
    "places.add_postcode",
    "places.change_postcode",
    "offers.view_offer",
    "offers.change_offer",
    "volunteers.view_volunteer",
    # Each team's follow-up plan, and the log of reminders sent.
    "followups.view_teamfollowupsettings",
    "followups.add_teamfollowupsettings",
    "followups.change_teamfollowupsettings",
    "followups.view_notification",
    "followups.change_notification",
    # Anonymised statistics and their exports: aggregates only.
    "stats.view_statistics",
    # Unmet needs counted by area and category (not what was wanted).
    "offers.view_unmet_need_summary",
]

_SCREENING = [
    "screening.add_screening",
    "screening.view_screening",
    "screening.delete_screening",  # discarding one's own drafts
]

_TASKS = ["followups.view_task", "followups.add_task", "followups.change_task"]

# Finding and proposing offers and volunteers for a citizen on one's own cases.
_MATCHING = [
    "offers.view_offer",
    "matching.view_match",
    "matching.add_match",
    "matching.change_match",
    "matching.change_matchprofile",
    # "No fitting offer exists", recorded on the case, and later marked met.
    "offers.add_unmetneed",
    "offers.change_unmetneed",
    "volunteers.view_volunteer",
    "volunteers.add_volunteerrequest",
    "volunteers.view_volunteerrequest",
]

# The volunteer centre: its offers and volunteers, the requests for them, the waiting list.
_COORDINATION = [
    "offers.view_offer",
    "offers.add_offer",
    "offers.change_offer",
    "matching.view_match",
    "matching.change_match",
    "matching.answer_match_requests",
    # Attendance at an offer's sessions.
    "offers.add_offersession",
    "offers.view_organisationcontact",
    "offers.add_organisationcontact",
    # Unmet needs by area and category, and what was wanted (never who wanted it).
    "offers.view_unmetneed",
    "offers.view_unmet_need_summary",
    "volunteers.view_volunteer",
    "volunteers.add_volunteer",
    "volunteers.change_volunteer",
    "volunteers.view_volunteerrequest",
]

_CASE_WORK = [
    "referrals.view_case",
    "referrals.change_case",
    "referrals.add_referral",
    "referrals.view_referral",
    "referrals.view_citizen",
    "referrals.change_citizen",
    "referrals.add_contact",
    "referrals.view_contact",
    "referrals.view_casenote",
    "referrals.add_casenote",
    "referrals.view_networkperson",
    "referrals.add_networkperson",
    "referrals.delete_networkperson",
    "referrals.view_planstep",
    "referrals.add_planstep",
    "referrals.change_planstep",
    "referrals.view_consentrecord",
    "referrals.add_consentrecord",
    "referrals.change_consentrecord",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Owns citizens' cases in full, on their own teams (the selectors apply the team scope).
    # A community they host themself (a network café, a practice community of their own team)
    # they may create as an offer; offers.services.offer_create allows them nothing else.
    Role.BRIDGE_BUILDER: [*_CASE_WORK, *_SCREENING, *_TASKS, *_MATCHING, "offers.add_offer"],
    # Sees their team's citizens and refers them; never the bridge-builder's case notes.
    Role.HOME_CARE: [
        "referrals.add_referral",
        "referrals.view_referral",  # their own referrals' status: the closed loop
        "referrals.view_citizen",
        "referrals.add_citizen",
        *_SCREENING,
        "screening.view_triage_board",
        "screening.view_team_citizens",
        # The citizen's hours of home help, on the citizen's page; a team lead imports them.
        "screening.add_homehelphours",
        *_TASKS,
    ],
    # The team's screenings that a rule puts before a second pair of eyes, and the verdict on
    # each; no citizen's record, case or task beyond that.
    Role.AMBASSADOR: ["screening.view_qualitycheck", "screening.change_qualitycheck"],
    # Their organisations' offers and volunteers; a matched citizen's first name, phone and
    # needs only while the citizen's consent to share with them stands. Their own follow-up
    # tasks (a missed session) they see and finish; they make none by hand, as they see no
    # citizen's record to make one about.
    Role.COORDINATOR: [*_COORDINATION, "followups.view_task", "followups.change_task"],
    # Sends referrals and sees their own, with status only.
    Role.REFERRER: ["referrals.add_referral", "referrals.view_referral"],
    # Users, teams and the audit trail; aggregates only, no citizen's record.
    Role.ADMIN: _ADMINISTRATION,
}

# Roles whose holders may use the Django admin (is_staff).
STAFF_ROLES = {Role.ADMIN}


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise LookupError(f"roles.py names a permission that does not exist: {label}") from exc


@transaction.atomic
def roles_sync() -> None:
    """Create one group per role holding exactly the permissions of ROLE_PERMISSIONS."""
    # Permissions are created per app after migrate; make sure every app's exist before we
    # look them up, whichever app's post_migrate signal runs first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, labels in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(label) for label in labels])
