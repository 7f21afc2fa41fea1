"""The citizen, which teams know them, a team asking another for them, and possible duplicates."""

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel
from referrals.constants import CITIZEN_LANGUAGES, AccessRequestStatus, AgeBand, DuplicateStatus

postcode_validator = RegexValidator(r"^\d{4}$", _("A Danish postcode has four digits."))


def age_band_for(birth_date: date, on: date | None = None) -> str:
    on = on or timezone.localdate()
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 16:
        return AgeBand.UNDER_16
    if age < 30:
        return AgeBand.BAND_16_29
    if age < 50:
        return AgeBand.BAND_30_49
    if age < 65:
        return AgeBand.BAND_50_64
    if age < 80:
        return AgeBand.BAND_65_79
    return AgeBand.BAND_80


class Citizen(BaseModel):
    """A person Brobyg helps. Never called a patient or a case in anything they could see."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Case- and accent-folded "first last", to find the same person again by name and birth date.
    name_key = models.CharField(max_length=201, editable=False)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("town"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=CITIZEN_LANGUAGES, default="da"
    )
    needs_mobility = models.BooleanField(
        _("mobility needs"), default=False, help_text=_("Wheelchair, walker, no stairs.")
    )
    needs_hearing = models.BooleanField(_("hearing needs"), default=False)
    needs_transport = models.BooleanField(_("needs transport"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    cpr_encrypted = models.TextField(editable=False, blank=True)
    # NULL, not "", for "no CPR": the unique constraint must not see two empty values as equal.
    cpr_hash = models.CharField(max_length=64, editable=False, null=True, blank=True)  # noqa: DJ001
    home_care_team = models.ForeignKey(
        Team,
        verbose_name=_("home-care team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_care_citizens",
        help_text=_("The home-care team that visits the citizen, if any."),
    )
    # Set when the personal data was removed (erasure on request, or the retention period);
    # the row stays, without anything that identifies the person, so statistics stay right.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Set on the record that was merged into another: everything it held moved there, and the
    # row stays, emptied, so that the access log of the old id still leads to the person.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpr_hash"],
                condition=Q(cpr_hash__isnull=False),
                name="citizen_unique_cpr",
                violation_error_message=_("A citizen with this CPR number already exists."),
            ),
        ]
        indexes = [
            models.Index(fields=["birth_date", "name_key"], name="citizen_identity_idx"),
            models.Index(fields=["home_care_team"], name="citizen_home_care_team_idx"),
            # Statistics by district (for now the postcode area), and the list of districts.
            models.Index(fields=["postcode"], name="citizen_postcode_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.merged_into_id is not None:
            return str(_("Merged into another record"))
        if self.anonymised_at is not None:
            return str(_("Anonymised citizen"))
        return f"{self.first_name} {self.last_name}"

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def age_band(self) -> str:
        return age_band_for(self.birth_date)

    @property
    def has_cpr(self) -> bool:
        return bool(self.cpr_encrypted)

    @property
    def audit_subject_id(self):
        return self.id


class CitizenTeam(BaseModel):
    """A team that works with the citizen besides the one holding their case or home care:
    a team is added when the team that has the citizen grants its request, never by moving."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.CASCADE, related_name="team_grants"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="citizen_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("team with access")
        verbose_name_plural = _("teams with access")
        constraints = [
            models.UniqueConstraint(fields=["citizen", "team"], name="citizenteam_unique"),
        ]
        indexes = [models.Index(fields=["team", "citizen"], name="citizenteam_team_idx")]

    @property
    def audit_subject_id(self):
        return self.citizen_id


class TeamAccessRequest(BaseModel):
    """A team asks for a citizen another team already has. The requester sees nothing of the
    citizen until a member of a team that has them grants it."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="access_requests"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("asking team"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for a citizen")
        verbose_name_plural = _("requests for citizens")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "team"],
                condition=Q(status="pending"),
                name="accessrequest_one_pending",
                violation_error_message=_("The team has already asked for this citizen."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["citizen"], condition=Q(status="pending"), name="accessrequest_pending_idx"
            )
        ]

    @property
    def audit_subject_id(self):
        return self.citizen_id


class PossibleDuplicate(BaseModel):
    """Two records that may be one person (the same name and date of birth, and no CPR number
    on both to decide it). A person on the team judges: merge, or "not the same person", which
    is remembered so the pair is never asked again."""

    citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("new record"),
        on_delete=models.PROTECT,
        related_name="possible_duplicates",
    )
    other = models.ForeignKey(
        Citizen, verbose_name=_("earlier record"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("judged"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["citizen", "other"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=~Q(citizen=models.F("other")), name="duplicate_not_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["other"], condition=Q(status="open"), name="duplicate_open_idx")
        ]

    @property
    def audit_subject_id(self):
        return self.citizen_id
