from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel
from referrals.constants import AgeBand
from referrals.models import postcode_validator
from volunteers.constants import VettingKind, VolunteerRole, VolunteerStatus
from volunteers.vetting import vetting_valid_on, vetting_valid_q


class VolunteerQuerySet(models.QuerySet):
    def vetting_valid(self, *, on: date | None = None):
        """Volunteers whose certificate is valid on `on` (today): volunteers/vetting.py."""
        return self.filter(vetting_valid_q(on or timezone.localdate()))


class Volunteer(BaseModel):
    """A person who gives their time: visits, calls, eats with, or goes along with a citizen."""

    team = models.ForeignKey(
        Team,
        verbose_name=_("coordinating team"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    slots = models.JSONField(_("available"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("citizens at a time"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    load = models.PositiveSmallIntegerField(_("citizens now"), default=0, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.APPLICANT,
    )
    left_reason = models.CharField(_("why they left"), max_length=300, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    vetting_kind = models.CharField(
        _("certificate"),
        max_length=32,
        choices=VettingKind.choices,
        default=VettingKind.CRIMINAL_RECORD,
    )
    vetting_requested_on = models.DateField(_("certificate requested"), null=True, blank=True)
    vetting_seen_on = models.DateField(_("certificate seen"), null=True, blank=True)
    vetting_note = models.TextField(
        _("assessment"), blank=True, help_text=_("The coordinator's assessment of the certificate.")
    )
    certificate_deleted_on = models.DateField(
        _("certificate deleted"),
        null=True,
        blank=True,
        help_text=_("The certificate itself is not kept: the date it was deleted."),
    )
    vetting_renewal_due = models.DateField(_("renew by"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["first_name", "last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(load__lte=F("capacity")),
                name="volunteer_load_within_capacity",
                violation_error_message=_("The volunteer has more citizens than they can take."),
            ),
            models.CheckConstraint(
                condition=~Q(status="left") | ~Q(left_reason=""),
                name="volunteer_left_has_reason",
                violation_error_message=_("Say why the volunteer left."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["postcode"],
                condition=Q(status__in=["approved", "active"]),
                name="volunteer_matchable_pc_idx",
            ),
            models.Index(fields=["team", "status"], name="volunteer_team_status_idx"),
            models.Index(fields=["vetting_renewal_due"], name="volunteer_renewal_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def vetting_valid(self, on: date | None = None) -> bool:
        return vetting_valid_on(
            seen=self.vetting_seen_on,
            renewal_due=self.vetting_renewal_due,
            on=on or timezone.localdate(),
        )

    @property
    def vetting_state(self) -> str:
        if not self.vetting_seen_on:
            return "requested" if self.vetting_requested_on else "missing"
        if not self.vetting_valid():
            return "expired"
        soon = timezone.localdate().toordinal() + settings.BROBYG_VETTING_WARN_DAYS
        if self.vetting_renewal_due.toordinal() <= soon:
            return "due_soon"
        return "valid"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.load, 0)

    @property
    def role_labels(self) -> list[str]:
        """The roles as people read them ("Telefonven (phone friend)"), not their codes."""
        return [
            str(VolunteerRole(role).label) for role in self.roles if role in VolunteerRole.values
        ]


class VolunteerRequest(BaseModel):
    """A citizen waiting for a volunteer in a given role: the waiting list is made of these."""

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="volunteer_requests",
    )
    case = models.ForeignKey(
        "referrals.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="volunteer_requests",
    )
    role = models.CharField(_("wants a"), max_length=32, choices=VolunteerRole.choices)
    requested_on = models.DateField(_("waiting since"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    fulfilled_by = models.ForeignKey(
        "matching.Match",
        verbose_name=_("match"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request for a volunteer")
        verbose_name_plural = _("requests for a volunteer")
        ordering = ["requested_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "role"],
                condition=Q(closed_at__isnull=True),
                name="volunteerrequest_one_open_per_role",
                violation_error_message=_("The citizen is already waiting for this."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["role", "requested_on"],
                condition=Q(closed_at__isnull=True),
                name="volunteerrequest_waiting_idx",
            ),
        ]

    @property
    def citizen_for_reader(self) -> str:
        """The citizen as the waiting list shows them: the first name where
        volunteers.selectors.waiting_list found that the reader works with the citizen, else
        an age band that names nobody."""
        if getattr(self, "named", False):
            return self.citizen.first_name
        return _("Citizen, aged {band}").format(band=AgeBand(self.citizen.age_band).label)

    @property
    def days_waiting(self) -> int:
        end = timezone.localdate(self.closed_at) if self.closed_at else timezone.localdate()
        return (end - self.requested_on).days

    @property
    def audit_subject_id(self):
        return self.citizen_id
