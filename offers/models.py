from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Team
from core.models import BaseModel, list_field
from offers.constants import (
    ActivityKind,
    Frequency,
    OfferStatus,
    PriceKind,
    Strategy,
    Weekday,
)
from referrals.models import postcode_validator


def offer_stale_before() -> date:
    """An offer last confirmed before this day is stale (BROBYG_OFFER_STALE_MONTHS ago)."""
    return timezone.localdate() - relativedelta(months=settings.BROBYG_OFFER_STALE_MONTHS)


class OrganisationContact(BaseModel):
    """A person at an organisation who can be called about its offers."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Most offers have no contact address of their own: then the organisation's contact persons
    # marked here are asked whether a new participant came (matching/confirmation.py).
    asks_after_first_meetings = models.BooleanField(
        _("asked after first meetings"),
        default=False,
        help_text=_(
            "Gets the e-mail asking whether a new participant came to the first meeting, for "
            "the organisation's offers without a contact e-mail of their own."
        ),
    )

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Offer(BaseModel):
    """Something a citizen can join: a walking club, a network café, a visiting friend scheme."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="offers",
        help_text=_("Who runs the offer."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("coordinating team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        help_text=_("The volunteer-centre team that keeps the offer up to date."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    strategy = models.CharField(_("strategy"), max_length=32, choices=Strategy.choices)
    activity_kinds = list_field(_("categories"))
    interests = list_field(_("interests"))
    target_groups = list_field(_("target groups"))
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    is_group = models.BooleanField(
        _("group offer"),
        default=True,
        help_text=_("People meet as a group (not one volunteer with one citizen)."),
    )
    is_remote = models.BooleanField(
        _("by phone or online"),
        default=False,
        help_text=_("No place to go to: distance does not matter."),
    )
    # A volunteer going along with a citizen into a private home needs a valid certificate, as on
    # a home visit (volunteers/vetting.py).
    # A database default as well, so rows loaded without it (the benchmark's COPY) get one.
    in_private_home = models.BooleanField(
        _("held in a private home"),
        default=False,
        db_default=False,
        help_text=_(
            "E.g. a meal in a host's home. A volunteer who goes along needs a valid certificate."
        ),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("town"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    price_kind = models.CharField(
        _("price"), max_length=16, choices=PriceKind.choices, default=PriceKind.FREE
    )
    price_amount = models.DecimalField(
        _("price in kroner"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_note = models.CharField(
        _("about the price"), max_length=200, blank=True, help_text=_("E.g. 'per month'.")
    )
    fritidspas = models.BooleanField(_("fritidspas accepted"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop or help for hearing"), default=False)
    accessibility_note = models.CharField(_("about access"), max_length=300, blank=True)
    transport_offered = models.BooleanField(_("transport offered"), default=False)
    transport_note = models.CharField(_("about transport"), max_length=300, blank=True)
    languages = list_field(_("languages"))
    host_name = models.CharField(
        _("host"), max_length=200, blank=True, help_text=_("Who welcomes newcomers.")
    )
    host_phone = models.CharField(_("host's phone"), max_length=32, blank=True)
    host_note = models.CharField(
        _("how the host welcomes you"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 'Anna waits at the door with coffee'."),
    )
    accompaniment_possible = models.BooleanField(
        _("accompaniment possible"),
        default=False,
        help_text=_("A volunteer can go along the first time (følgeskab)."),
    )
    # "Kommer du i morgen?" (seed 003, Lyngby-Taarbæk): before each session of a group offer,
    # everyone expected there is called (matching/services/sessions.py). Database defaults as well,
    # so rows loaded without them (the benchmark's COPY) get them.
    call_before_sessions = models.BooleanField(
        _("call before each session"),
        default=False,
        db_default=False,
        help_text=_("Each citizen coming is called before the session: 'Are you coming?'"),
    )
    call_days_before = models.PositiveSmallIntegerField(
        _("days before the session to call"),
        default=1,
        db_default=1,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("1: the day before."),
    )
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown in the public directory.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.ACTIVE
    )
    # Why an import held the offer for review (codes of offers.hsds.review.HELD_BECAUSE, shown
    # in the reader's language); emptied when it leaves review.
    review_reasons = models.JSONField(
        _("held for review because"), default=list, blank=True, editable=False
    )
    last_confirmed_on = models.DateField(_("last confirmed up to date"), default=timezone.localdate)
    # Kept in step with the schedules by the services, so that the directory and matching can
    # filter on them with an index instead of joining every schedule row.
    weekdays = models.JSONField(default=list, editable=False)
    slots = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="offer_places_within_capacity",
                violation_error_message=_("More places are taken than the offer has."),
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="offer_age_range_ordered",
                violation_error_message=_("The youngest age must not be above the oldest."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["postcode"],
                condition=Q(status="active"),
                name="offer_active_postcode_idx",
            ),
            models.Index(fields=["organisation", "status"], name="offer_org_status_idx"),
            models.Index(fields=["team", "status"], name="offer_team_status_idx"),
            # The gap analysis: is an active offer to go to within a citizen's reach?
            models.Index(
                fields=["latitude", "longitude"],
                condition=Q(status="active", is_remote=False),
                name="offer_active_place_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.places_taken >= self.capacity

    @property
    def is_stale(self) -> bool:
        return self.last_confirmed_on < offer_stale_before()


class OfferSchedule(BaseModel):
    """When an offer meets: weekly, every other week, monthly on a weekday, or on one date."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="schedules"
    )
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(4)],
        help_text=_("For monthly meetings: 1–4, or -1 for the last."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    valid_from = models.DateField(_("first time"), null=True, blank=True)
    valid_until = models.DateField(_("last time"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["weekday", "date", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(frequency="once") & Q(date__isnull=False))
                | (~Q(frequency="once") & Q(weekday__isnull=False)),
                name="offerschedule_day_given",
                violation_error_message=_("Give a weekday, or a date for a single meeting."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.get_frequency_display()}"


class OfferSession(BaseModel):
    """One meeting of a group offer, where attendance is recorded."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "date"], name="offersession_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.date:%d.%m.%Y}"


class UnmetNeed(BaseModel):
    """What a citizen wanted that no offer gives ("no fitting offer exists"), recorded on the case
    by the bridge-builder (seed 002: Kirsten wanted "Fortæl for Livet", and there was none near).
    Counted by area and category for the coordinators who plan offers and in the statistics'
    gap analysis. Open until it is marked met or the case closes."""

    case = models.ForeignKey(
        "referrals.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="unmet_needs",
    )
    category = models.CharField(_("category"), max_length=32, choices=ActivityKind.choices)
    wanted = models.CharField(
        _("what was wanted"),
        max_length=300,
        blank=True,  # emptied when the citizen's data is erased
        help_text=_(
            "In a few words, without names: coordinators read it to see which offer is missing."
        ),
    )
    postcode = models.CharField(
        _("area"),
        max_length=4,
        blank=True,
        validators=[postcode_validator],
        help_text=_("The postcode where the offer is missing. Empty: where the citizen lives."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked met by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(met_at__isnull=False) | Q(met_by__isnull=True),
                name="unmetneed_met_by_when_met",
                violation_error_message=_("Only a need that was met has someone who marked it."),
            ),
        ]
        indexes = [
            # The coordinators' list and the statistics: open needs by area and category.
            models.Index(
                fields=["postcode", "category"],
                condition=Q(met_at__isnull=True),
                name="unmetneed_open_area_idx",
            ),
        ]
        permissions = [
            (
                "view_unmet_need_summary",
                _("Can see unmet needs counted by area and category"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_category_display())

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.case.is_open

    @property
    def audit_subject_id(self):
        return self.case.citizen_id


class DirectoryChange(models.Model):
    """A statement that changed what the public directory shows: written by the database itself
    (triggers on offers, their meeting times and the organisations, migration 0019), whatever
    made the change (a form, a bulk update, an import, SQL by hand). The latest one's id is the
    directory's version: a kept search is never shown after a later change (offers.views.
    directory). The last thousand or so are kept."""

    id = models.BigAutoField(primary_key=True)
    changed_at = models.DateTimeField(_("changed at"), db_default=Now())

    class Meta:
        verbose_name = _("change of the directory")
        verbose_name_plural = _("changes of the directory")

    def __str__(self) -> str:
        return f"{self.pk} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
