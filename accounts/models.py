from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.constants import (
    ApiTokenKind,
    Language,
    MembershipChangeKind,
    OrganisationKind,
    ReminderPreference,
    Role,
    TeamKind,
)
from core.models import BaseModel, TimeStampedModel


class User(AbstractUser):
    """A member of staff. Citizens and volunteers are not users."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=Language.choices,
        default=Language.DANISH,
        help_text=_("Reminders and e-mails are written in this language."),
    )
    phone = models.CharField(
        _("mobile phone"), max_length=32, blank=True, help_text=_("For SMS reminders.")
    )
    reminder_preference = models.CharField(
        _("reminders"),
        max_length=16,
        choices=ReminderPreference.choices,
        default=ReminderPreference.EACH,
        help_text=_("An e-mail the day before and on the day of each task, or one each morning."),
    )
    reminder_sms = models.BooleanField(
        _("also by SMS"),
        default=False,
        help_text=_("Reminders go to the mobile phone too, when one is given."),
    )
    two_factor_exempt = models.BooleanField(
        _("shared tablet account (no two-factor)"),
        default=False,
        help_text=_(
            "Only for an account shared by a team on a tablet that stays at work. Such an "
            "account signs in with its password alone. Never for an administrator."
        ),
    )
    is_service_account = models.BooleanField(
        _("service account"),
        default=False,
        editable=False,
        help_text=_(
            "An account for a system (a GP system, a report job). It calls the API with its "
            "token, within the token's scopes, and never signs in on the web."
        ),
    )
    # Part of the hash every session (and every API token of a person) is checked against:
    # changing it signs the person out on all devices. Empty until that is first done, so the
    # hash is then Django's own and sessions from before this field existed stay valid.
    security_stamp = models.CharField(
        _("security stamp"), max_length=64, blank=True, editable=False
    )

    # The permissions a service account holds during one API call: those of the scopes of the
    # token it called with, set by the API's token authentication (API_SCOPE_PERMISSIONS).
    api_scope_permissions: frozenset[str] = frozenset()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> set[str]:
        """The role codes this user holds, from the groups (cached on the instance)."""
        if not hasattr(self, "_roles_cache"):
            role_values = set(Role.values)
            self._roles_cache = {g.name for g in self.groups.all() if g.name in role_values}
        return self._roles_cache

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_perm(self, perm: str, obj=None) -> bool:
        if self.is_service_account:
            # A system holds no role and no permission of its own: only what the scopes of the
            # token it is calling with give it, and only while it calls with that token.
            return self.is_active and obj is None and perm in self.api_scope_permissions
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_service_account:
            return False
        return super().has_module_perms(app_label)

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django ends a session whose stored hash no longer matches this one (a new password),
        # and a person's API token is checked against it too. The stamp lets a person end them
        # all without changing the password: `user_sign_out_everywhere`.
        if not self.security_stamp:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "accounts.models.User.get_session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=3,
        blank=True,
        help_text=_("The three-digit code of the municipality the organisation belongs to."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_unique_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=TeamKind.choices)
    email = models.EmailField(
        _("shared e-mail"), blank=True, help_text=_("The team's shared inbox, if any.")
    )
    members = models.ManyToManyField(
        User,
        through="Membership",
        through_fields=("team", "user"),
        related_name="teams",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_unique_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_lead = models.BooleanField(
        _("team lead"),
        default=False,
        help_text=_("Team leads see the team's work and escalations."),
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system added them (an import, the demo)."),
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_(
            "Required when you add yourself to a team: a membership gives access to the "
            "team's citizens. The data-protection officer sees it."
        ),
    )

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.team}"


class MembershipChange(BaseModel):
    """One change of who is on a team: the history the data-protection officer reads.

    A membership is what gives access to a team's citizens, so every change of one is kept here
    (the membership row itself is gone once someone leaves). The sentence is rendered from
    `kind` when read. Rows are never changed or deleted, and the people and team they name
    cannot be deleted while they exist (people are deactivated instead).
    """

    kind = models.CharField(_("change"), max_length=16, choices=MembershipChangeKind.choices)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="membership_changes"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="membership_changes",
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for changes the system made by itself."),
    )
    is_lead = models.BooleanField(_("team lead"), default=False, help_text=_("After the change."))
    self_granted = models.BooleanField(
        _("self-granted"),
        default=False,
        help_text=_("The person gave themself access to the team (or made themself its lead)."),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("team membership change")
        verbose_name_plural = _("team membership changes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="membership_change_team_idx"),
            models.Index(fields=["user", "-created_at"], name="membership_change_user_idx"),
            models.Index(
                fields=["-created_at"],
                condition=models.Q(self_granted=True),
                name="membership_change_self_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(self_granted=True, reason=""),
                name="membership_change_self_granted_has_reason",
                violation_error_message=_("A self-granted change needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user} – {self.team}"


class TwoFactorEnrolment(BaseModel):
    """A one-time set-up code an administrator gives a person for their authenticator app.

    Knowing a new (or reset) account's password is not enough to register an authenticator:
    the set-up also needs this code, sent as a link or read out by the administrator. Only a
    hash of the code is kept. A code works once, until it expires, and dies after a few wrong
    tries or when a newer one is issued.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="two_factor_enrolments",
    )
    code_hash = models.CharField(_("code (hash)"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("two-factor set-up code")
        verbose_name_plural = _("two-factor set-up codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="enrolment_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class ApiToken(BaseModel):
    """A key that signs API calls (`Authorization: Token …`), a person's or a system's.

    Only the key's SHA-256 is kept, and its first characters to recognise it by: the key itself
    is shown once, when it is issued. A token works until it expires or is revoked. A person's
    token also dies with a new password and with signing out on all devices: it keeps a
    fingerprint of the sign-in it was issued under (`session_fingerprint`), which must still
    match. A system's token may do only what its scopes allow.
    """

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ApiTokenKind.choices)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the key, to recognise it by."),
    )
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        blank=True,
        help_text=_(
            "What a system's token may do. A person's token may do what their roles allow."
        ),
    )
    session_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, help_text=_("To the minute.")
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="api_token_user_idx"),
            models.Index(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_user_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class SingleSignOnGroup(BaseModel):
    """A group at the municipality's identity provider, and the role and team it gives in Brobyg.

    At each sign-in through the identity provider a person's roles become those of their groups
    (the claim named by `BROBYG_OIDC_GROUPS_CLAIM`), and their memberships of the teams named here
    follow their groups; a team no group names is left to the administrator. A person none of
    whose groups is here is not let in.
    """

    name = models.CharField(
        _("group"),
        max_length=255,
        help_text=_(
            "The group's name (or id) exactly as the identity provider sends it in the groups "
            "claim; upper and lower case are the same."
        ),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="single_sign_on_groups",
        help_text=_(
            "Members of the group are put on this team (and taken off when they leave it)."
        ),
    )
    is_lead = models.BooleanField(
        _("team lead"), default=False, help_text=_("Members of the group lead the team.")
    )

    class Meta:
        verbose_name = _("single sign-on group")
        verbose_name_plural = _("single sign-on groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="sso_group_unique_name",
                violation_error_message=_("This group is mapped already."),
            ),
            models.CheckConstraint(
                condition=~models.Q(is_lead=True, team__isnull=True),
                name="sso_group_lead_has_team",
                violation_error_message=_("A team lead needs a team."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SingleSignOnIdentity(BaseModel):
    """The person an identity provider knows by `subject` (the `sub` claim), and their last
    sign-in through it: whether the provider confirmed it with two factors (`amr`, `acr`)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="single_sign_on_identities",
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    # Empty for an account an administrator has linked and its person has not yet signed in to.
    last_signed_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    mfa = models.BooleanField(
        _("two factors"),
        default=False,
        help_text=_("Whether the identity provider confirmed the last sign-in with two factors."),
    )
    amr = models.JSONField(
        _("authentication methods (amr)"), default=list, blank=True, help_text=_("As sent.")
    )
    acr = models.CharField(
        _("authentication level (acr)"), max_length=255, blank=True, help_text=_("As sent.")
    )

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        ordering = ["-last_signed_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.issuer})"


class ServiceAccountManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().filter(is_service_account=True)


class ServiceAccount(User):
    """The service accounts, on their own in the admin: the systems that call the API."""

    objects = ServiceAccountManager()

    class Meta:
        proxy = True
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")
