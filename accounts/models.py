from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Language, OrganisationKind, ReminderPreference, Role, TeamKind
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
        User, through="Membership", related_name="teams", verbose_name=_("members")
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

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.team}"
