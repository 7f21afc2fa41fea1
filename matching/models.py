"""Matching: a citizen brought together with an offer or a volunteer (the match, from proposal
to its end), what the citizen wishes for (the match profile), attendance at an offer's sessions,
the waiting lists of full offers, the contact agreements of running matches and the groups on an
offer. The tables keep the names they had when these models lived in offers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, list_field
from matching.constants import MatchEndReason, MatchStatus, ProviderResponse
from offers.constants import Weekday
from offers.models import Offer, OfferSession
from referrals.constants import AgeBand, WaitingListLeaveReason
from volunteers.constants import VolunteerRole


class Match(BaseModel):
    """A citizen brought together with an offer or a volunteer, from proposal to its end."""

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    case = models.ForeignKey(
        "referrals.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="matches"
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
    )
    # Empty for a match with an offer.
    volunteer_role = models.CharField(
        _("as"), max_length=32, choices=VolunteerRole.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    provider_response = models.CharField(
        _("answer from the offer or volunteer"),
        max_length=16,
        choices=ProviderResponse.choices,
        default=ProviderResponse.PENDING,
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("citizen said yes"), null=True, blank=True)
    first_meeting_at = models.DateTimeField(_("first meeting"), null=True, blank=True)
    accompaniment = models.BooleanField(_("accompaniment"), default=False)
    accompanied_by = models.CharField(
        _("who goes along"), max_length=200, blank=True, help_text=_("Følgeskab: who and how.")
    )
    # The closed loop after the first meeting: the offer or volunteer is asked by e-mail, with a
    # signed single-use link that needs no account, whether the citizen came.
    confirmation_sent_at = models.DateTimeField(
        _("asked whether the citizen came"), null=True, blank=True
    )
    confirmation_answered_at = models.DateTimeField(_("answered by link"), null=True, blank=True)
    activated_at = models.DateTimeField(_("active from"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=32, choices=MatchEndReason.choices, blank=True
    )
    end_note = models.TextField(_("about the end"), blank=True)
    # A citizen in a group on the offer ("Mad og mennesker – hold 3") takes part through this
    # match: the place, the course and the follow-up stay the citizen's own.
    group = models.ForeignKey(
        "matching.MatchGroup",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
    )

    class Meta:
        db_table = "offers_match"
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(offer__isnull=False) & Q(volunteer__isnull=True))
                | (Q(offer__isnull=True) & Q(volunteer__isnull=False)),
                name="match_offer_or_volunteer",
                violation_error_message=_("A match is with an offer or with a volunteer."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="match_ended_has_reason",
                violation_error_message=_("An ended match needs a date and a reason."),
            ),
            models.UniqueConstraint(
                fields=["citizen", "offer"],
                condition=~Q(status="ended") & Q(offer__isnull=False),
                name="match_one_open_per_offer",
                violation_error_message=_("The citizen already has this offer."),
            ),
            models.UniqueConstraint(
                fields=["citizen", "volunteer"],
                condition=~Q(status="ended") & Q(volunteer__isnull=False),
                name="match_one_open_per_volunteer",
                violation_error_message=_("The citizen already has this volunteer."),
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "status"], name="match_offer_status_idx"),
            models.Index(fields=["volunteer", "status"], name="match_volunteer_status_idx"),
            models.Index(fields=["citizen", "status"], name="match_citizen_status_idx"),
            models.Index(
                fields=["first_meeting_at"],
                condition=Q(status="first_meeting", confirmation_sent_at__isnull=True),
                name="match_confirmation_due_idx",
            ),
        ]
        permissions = [
            # The coordinators' requests page: answering requests for the offers and volunteers
            # they coordinate, and recording whether the citizen came to the first meeting.
            (
                "answer_match_requests",
                _("Can answer requests for the offers and volunteers they coordinate"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} – {self.offer or self.volunteer}"

    @property
    def provider(self):
        return self.offer or self.volunteer

    @property
    def is_open(self) -> bool:
        return self.status != MatchStatus.ENDED

    @property
    def volunteer_role_label(self) -> str:
        return self.get_volunteer_role_display()

    @property
    def reference(self) -> str:
        """A short reference to the match that names nobody: how an offer or volunteer and the
        bridge-builder speak of a citizen who has not agreed to share with that provider."""
        return str(self.id)[:8].upper()

    @property
    def citizen_for_provider(self) -> str:
        """The citizen as the offer or volunteer may know them: the first name once
        matching.selectors.matches_mark_shared has found consent to share with this very
        provider; until then (and if nobody asked the selector) a reference and an age band."""
        if getattr(self, "shared", False):
            return self.citizen.first_name
        return _("Citizen {reference}, aged {band}").format(
            reference=self.reference, band=AgeBand(self.citizen.age_band).label
        )

    @property
    def audit_subject_id(self):
        return self.citizen_id


class Attendance(BaseModel):
    """Whether a matched citizen came to one session."""

    session = models.ForeignKey(
        OfferSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    match = models.ForeignKey(
        Match, verbose_name=_("match"), on_delete=models.PROTECT, related_name="attendances"
    )
    attended = models.BooleanField(_("came"))

    class Meta:
        db_table = "offers_attendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "match"], name="attendance_unique"),
        ]

    @property
    def audit_subject_id(self):
        return self.match.citizen_id


class MatchProfile(BaseModel):
    """What the citizen would like, when, and how far they will go: what matching ranks by."""

    citizen = models.OneToOneField(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="match_profile",
    )
    interests = list_field(_("interests"))
    activity_kinds = list_field(_("would like"))
    target_groups = list_field(_("belongs to"))
    wishes = models.TextField(_("wishes in the citizen's own words"), blank=True)
    slots = list_field(_("available"))
    max_distance_km = models.PositiveSmallIntegerField(
        _("how far (km)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    other_languages = list_field(_("also speaks"))
    wants_company_of_others = models.BooleanField(
        _("would like to go with another citizen"), default=False
    )
    # A database default as well, so rows loaded without it (the benchmark's COPY) get one.
    accepts_remote = models.BooleanField(
        _("would take part by phone or online"),
        default=False,
        db_default=False,
        help_text=_("Offers by phone or online reach the citizen only when this is ticked."),
    )
    # Barriers a person can solve (DOMAIN §10: "a neighbour drives" is recorded as solved, not
    # unticked). The need itself is the citizen's (needs_transport, needs_interpreter) or, for
    # someone to go along, here; who solved it turns the suggestions' caution into a reason.
    needs_companion = models.BooleanField(
        _("needs someone to go along"),
        default=False,
        db_default=False,
        help_text=_("The citizen will not go to a new place alone."),
    )
    companion_arranged_by = models.CharField(
        _("going along arranged with"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. 'her daughter'. Empty: not arranged yet."),
    )
    transport_arranged_by = models.CharField(
        _("transport arranged with"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. 'a neighbour who drives'. Empty: not arranged yet."),
    )
    language_help_arranged_by = models.CharField(
        _("interpreter arranged with"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("E.g. 'her son interprets'. Empty: not arranged yet."),
    )

    class Meta:
        db_table = "offers_matchprofile"
        verbose_name = _("matching profile")
        verbose_name_plural = _("matching profiles")

    @property
    def audit_subject_id(self):
        return self.citizen_id


class OfferWaitingListEntry(BaseModel):
    """A citizen waiting for a place on a full offer, first come, first served.

    When a place comes free, the oldest entry is offered it (matching/services/waiting_list.py):
    its bridge-builder gets a task, and the place is held for the citizen until the offer is
    proposed to them or they are taken off the list. Off the list, the entry stays, with when
    and why, for the citizen's history."""

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="offer_waiting_list_entries",
    )
    case = models.ForeignKey(
        "referrals.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="offer_waiting_list_entries",
    )
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer"),
        on_delete=models.PROTECT,
        related_name="waiting_list_entries",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("put on the list by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    offered_at = models.DateTimeField(_("offered a free place"), null=True, blank=True)
    left_at = models.DateTimeField(_("off the list"), null=True, blank=True)
    left_reason = models.CharField(
        _("why off the list"), max_length=32, choices=WaitingListLeaveReason.choices, blank=True
    )

    class Meta:
        db_table = "offers_offerwaitinglistentry"
        verbose_name = _("place on an offer's waiting list")
        verbose_name_plural = _("places on offers' waiting lists")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "offer"],
                condition=Q(left_at__isnull=True),
                name="offerwaiting_one_open_per_case",
                violation_error_message=_("The citizen is already on this offer's waiting list."),
            ),
            models.CheckConstraint(
                condition=(Q(left_at__isnull=True) & Q(left_reason=""))
                | (Q(left_at__isnull=False) & ~Q(left_reason="")),
                name="offerwaiting_left_has_reason",
                violation_error_message=_("An entry off the list needs a date and a reason."),
            ),
        ]
        indexes = [
            # The queue: an offer's open entries, oldest first.
            models.Index(
                fields=["offer", "created_at"],
                condition=Q(left_at__isnull=True),
                name="offerwaiting_open_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} – {self.offer}"

    @property
    def is_open(self) -> bool:
        return self.left_at is None

    @property
    def audit_subject_id(self):
        return self.citizen_id


# --- Recurring contact on a running match ---------------------------------------------------------
# A telefonven who calls every other Wednesday, a besøgsven who visits weekly (DOMAIN §10, the Red
# Cross telephone guide, seed 004): the agreed rhythm, and a log of each contact with the topics
# parked for next time and any concern. The choices are kept with the two models that use them.


class ContactRhythm(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every other week")
    # The weekday in the first and third week of the month (the second and fourth when the
    # agreement starts in one of those).
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    # The weekday in the same week of each month as the first time (the last, from a fifth).
    MONTHLY = "monthly", _("Once a month")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("By phone")
    VISIT = "visit", _("A visit")
    MEAL = "meal", _("A meal together")
    WALK = "walk", _("A walk")
    OTHER = "other", _("Another way")


class ContactOutcome(models.TextChoices):
    DONE = "done", _("We had the contact")
    MISSED = "missed", _("It did not happen")


class ContactAgreement(BaseModel):
    """How often, on which day and how a volunteer (or a host) and the citizen are in contact.

    A match has one current agreement; a new one replaces it from its own first day
    (`replaced_on`), and the old one stays for the contacts logged under it. The dates it gives
    are computed (matching.contact.contact_dates), never stored."""

    match = models.ForeignKey(
        Match,
        verbose_name=_("match"),
        on_delete=models.PROTECT,
        related_name="contact_agreements",
    )
    rhythm = models.CharField(_("how often"), max_length=16, choices=ContactRhythm.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    at = models.TimeField(_("time"), null=True, blank=True, help_text=_("Empty: by arrangement."))
    channel = models.CharField(_("how"), max_length=16, choices=ContactChannel.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("E.g. after six months. Empty: no end.")
    )
    # The first day of the agreement that replaced this one: from then on this one no longer
    # gives dates. Empty for the current agreement.
    replaced_on = models.DateField(_("replaced from"), null=True, blank=True, editable=False)
    # When the volunteer's link was last made: a link made before then no longer works
    # (matching.contact). A new agreement keeps the link of the one it replaces.
    link_issued_at = models.DateTimeField(_("link made"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "offers_contactagreement"
        verbose_name = _("contact agreement")
        verbose_name_plural = _("contact agreements")
        ordering = ["-starts_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=Q(replaced_on__isnull=True),
                name="contactagreement_one_current_per_match",
                violation_error_message=_("The match already has a current contact agreement."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="contactagreement_ends_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} – {self.get_rhythm_display()}"

    @property
    def is_current(self) -> bool:
        return self.replaced_on is None

    @property
    def audit_subject_id(self):
        return self.match.citizen_id


class ContactLogEntry(BaseModel):
    """One contact under an agreement: it happened or it did not, the topics parked for next
    time ("emner til næste gang"), and a concern the volunteer wants the bridge-builder to know.

    Reported by the volunteer or host through their link (`by_link`, no account) or recorded in
    Brobyg by the coordinator or the bridge-builder (`recorded_by`)."""

    match = models.ForeignKey(
        Match,
        verbose_name=_("match"),
        on_delete=models.PROTECT,
        related_name="contact_log_entries",
    )
    agreement = models.ForeignKey(
        ContactAgreement,
        verbose_name=_("contact agreement"),
        on_delete=models.PROTECT,
        related_name="log_entries",
    )
    # The agreed date the contact belongs to; empty for a contact besides the agreed ones.
    expected_on = models.DateField(_("agreed date"), null=True, blank=True)
    on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    topics_next_time = models.TextField(_("topics for next time"), blank=True)
    concern = models.TextField(_("concern"), blank=True)
    worried = models.BooleanField(_("worried"), default=False)
    by_link = models.BooleanField(_("reported through the link"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "offers_contactlogentry"
        verbose_name = _("logged contact")
        verbose_name_plural = _("logged contacts")
        ordering = ["-on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "expected_on"],
                condition=Q(expected_on__isnull=False),
                name="contactlog_one_per_agreed_date",
                violation_error_message=_("This contact is logged already."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="missed") | Q(expected_on__isnull=False),
                name="contactlog_missed_was_agreed",
                violation_error_message=_("Only an agreed contact can be missed."),
            ),
            models.CheckConstraint(
                condition=(Q(by_link=True) & Q(recorded_by__isnull=True))
                | (Q(by_link=False) & Q(recorded_by__isnull=False)),
                name="contactlog_by_link_or_person",
                violation_error_message=_("A contact is logged through the link or by a person."),
            ),
        ]
        indexes = [
            # The last contacts of a match, newest first.
            models.Index(fields=["match", "-on"], name="contactlog_match_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.match} {self.on:%d.%m.%Y}"

    @property
    def has_concern(self) -> bool:
        return self.worried or bool(self.concern)

    @property
    def audit_subject_id(self):
        return self.match.citizen_id


# --- Groups on one activity (hold) ----------------------------------------------------------------
# "Mad og mennesker" (seed 003): two volunteers cook in a host's home twice a month for six
# months, and the same guests come each time. A group is such a "hold" on an offer. Each citizen
# takes part through their own Match with the offer (Match.group), so the place on the offer, the
# match's course, its follow-up and the statistics stay the citizen's own; the volunteers and the
# host through a MatchGroupVolunteer each. The choices are kept with the two models that use them.


class MatchGroupStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class MatchGroup(BaseModel):
    """Several citizens, volunteers and a host on one offer for a while: "Mad og mennesker –
    hold 3". Its size is at most the offer's places; each citizen's place is held on the offer
    by their match, as for everyone else. Changed only through matching/services/groups.py."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("E.g. 'Mad og mennesker – hold 3'.")
    )
    size = models.PositiveSmallIntegerField(
        _("citizens in the group"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("At most the offer's places."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("E.g. after six months. Empty: no end.")
    )
    rhythm = models.CharField(
        _("how often they meet"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'Twice a month, at the host's'. Empty: when the offer meets."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MatchGroupStatus.choices,
        default=MatchGroupStatus.ACTIVE,
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "offers_matchgroup"
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="matchgroup_ends_after_start",
                violation_error_message=_("The group cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(status="ended") & Q(ended_at__isnull=False))
                | (~Q(status="ended") & Q(ended_at__isnull=True)),
                name="matchgroup_ended_has_date",
                violation_error_message=_("An ended group needs the day it ended."),
            ),
            models.UniqueConstraint(
                fields=["offer", "name"],
                condition=Q(status="active"),
                name="matchgroup_active_name_per_offer",
                violation_error_message=_("The offer already has an active group of this name."),
            ),
        ]
        indexes = [
            models.Index(fields=["offer", "status"], name="matchgroup_offer_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == MatchGroupStatus.ACTIVE


class MatchGroupVolunteer(BaseModel):
    """A volunteer in a group, in one of their roles (the host, a meal friend who cooks), from
    the day they joined until they left or the group ended. A group is one of the volunteer's
    places (Volunteer.load) while they are in it."""

    group = models.ForeignKey(
        MatchGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="volunteer_memberships",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    role = models.CharField(_("as"), max_length=32, choices=VolunteerRole.choices)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Empty when the system added them (an import).
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "offers_matchgroupvolunteer"
        verbose_name = _("volunteer in a group")
        verbose_name_plural = _("volunteers in groups")
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "volunteer"],
                condition=Q(left_at__isnull=True),
                name="matchgroupvolunteer_once_per_group",
                violation_error_message=_("The volunteer is already in the group."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(left_at__isnull=True, role="host"),
                name="matchgroupvolunteer_one_host",
                violation_error_message=_("The group already has a host."),
            ),
        ]
        indexes = [
            # The volunteers in active groups (the daily reminders about certificates).
            models.Index(
                fields=["volunteer"],
                condition=Q(left_at__isnull=True),
                name="matchgroupvol_current_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.group}"

    @property
    def is_current(self) -> bool:
        return self.left_at is None

    @property
    def is_host(self) -> bool:
        return self.role == VolunteerRole.HOST
