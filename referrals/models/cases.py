"""The case and what happens on it: referrals, contacts, notes, the network, the plan, the
timeline and the referrer's feedback."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel
from referrals.constants import (
    OPEN_STATUSES,
    CaseEventKind,
    CaseStatus,
    Closeness,
    CloseReason,
    ContactKind,
    ExitCriterionKind,
    LifeTransition,
    NetworkKind,
    ReferralSource,
    Urgency,
)
from referrals.events import event_text
from referrals.models.citizens import Citizen
from referrals.models.consent import ConsentRecord


class Case(BaseModel):
    """A citizen's course (forløb) with a bridge-builders' team, from referral to closing."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="cases"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bridge-builder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=32, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(
        _("onward to"),
        max_length=300,
        blank=True,
        help_text=_("Where the citizen was referred on to, when they need other help."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_one_open_per_citizen",
                violation_error_message=_("The citizen already has an open case."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.CLOSED, closed_at__isnull=False) & ~Q(close_reason="")
                )
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=True, close_reason="")),
                name="case_closed_has_date_and_reason",
                violation_error_message=_("A closed case needs a closing date and a reason."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["team", "status"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_team_idx",
            ),
            models.Index(
                fields=["assignee", "status"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_assignee_idx",
            ),
            # Statistics: cases closed in a period.
            models.Index(
                fields=["closed_at"],
                condition=Q(status=CaseStatus.CLOSED),
                name="case_closed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def audit_subject_id(self):
        return self.citizen_id


class Referral(BaseModel):
    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="referrals"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    source = models.CharField(_("referred by"), max_length=32, choices=ReferralSource.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referrer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        help_text=_("Empty for referrals through the public form."),
    )
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=32, blank=True)
    referrer_email = models.EmailField(_("referrer's e-mail"), blank=True)
    reason = models.TextField(_("reason, in the referrer's words"))
    life_transitions = models.JSONField(_("life transitions"), default=list, blank=True)
    citizen_wishes = models.TextField(_("what the citizen wants"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    consent = models.ForeignKey(
        ConsentRecord,
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    feedback_consent = models.ForeignKey(
        ConsentRecord,
        verbose_name=_("consent to feedback"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The citizen agreed that this referrer is told what happened."),
    )
    # What the referrer wrote about the citizen. A referral never writes into a record that
    # already existed: the bridge-builder sees these beside the record and uses what is right.
    citizen_details = models.JSONField(_("the referrer's information"), default=dict, blank=True)
    attached_to_existing = models.BooleanField(
        _("citizen already known"),
        default=False,
        help_text=_("The citizen was already in Brobyg; the referral was added to them."),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["referrer", "-created_at"], name="referral_referrer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d}"

    @property
    def audit_subject_id(self):
        return self.citizen_id

    @property
    def life_transition_labels(self) -> list[str]:
        return [
            LifeTransition(v).label for v in self.life_transitions if v in LifeTransition.values
        ]

    @property
    def citizen_name_as_written(self) -> str:
        """The citizen's name as the referrer wrote it: what the referrer's own pages show, so
        a referral of a known person never shows the sender the name on the record."""
        details = self.citizen_details or {}
        if details.get("first_name") or details.get("last_name"):
            return f"{details.get('first_name', '')} {details.get('last_name', '')}".strip()
        return self.citizen.full_name

    @property
    def referrer_may_know_outcome(self) -> bool:
        """Why a course ended is told to a referrer only with the citizen's consent to feedback
        for this referral."""
        consent = self.feedback_consent
        return consent is not None and consent.is_active

    @property
    def referrer_status_label(self) -> str:
        status = getattr(self, "referrer_status", None) or CaseStatus.RECEIVED
        return str(CaseStatus(status).label)

    @property
    def reference(self) -> str:
        """A short reference a referrer can quote on the phone; no personal data in it."""
        return str(self.id)[:8].upper()


class Contact(BaseModel):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    reached = models.BooleanField(_("reached the citizen"), default=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at"]

    @property
    def audit_subject_id(self):
        return self.case.citizen_id


class CaseNote(BaseModel):
    """The bridge-builder's own notes: never shown to home care, referrers or volunteers."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at"]

    @property
    def audit_subject_id(self):
        return self.case.citizen_id


class NetworkPerson(BaseModel):
    """Someone in the citizen's network (the network map, netværkskort)."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.CASCADE, related_name="network"
    )
    kind = models.CharField(_("relation"), max_length=16, choices=NetworkKind.choices)
    name = models.CharField(
        _("who"),
        max_length=100,
        help_text=_("A first name or a description: “daughter in Aarhus”."),
    )
    closeness = models.PositiveSmallIntegerField(
        _("how close"), choices=Closeness.choices, default=Closeness.SOME
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("person in the network")
        verbose_name_plural = _("network")
        ordering = ["kind", "-closeness", "name"]

    @property
    def audit_subject_id(self):
        return self.citizen_id


class PlanStep(BaseModel):
    """A next step agreed with the citizen: what, who, by when."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="plan_steps"
    )
    description = models.CharField(_("next step"), max_length=300)
    responsible = models.CharField(
        _("who"), max_length=100, help_text=_("The citizen, the bridge-builder, a volunteer …")
    )
    due_date = models.DateField(_("by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan")
        ordering = ["done_at", "due_date", "created_at"]
        indexes = [
            models.Index(
                fields=["case", "due_date"],
                condition=Q(done_at__isnull=True),
                name="planstep_open_idx",
            ),
        ]

    @property
    def audit_subject_id(self):
        return self.case.citizen_id


class CaseEvent(BaseModel):
    """One line in the case's timeline. Written by the services, in the same transaction."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    status_from = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    status_to = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.ForeignKey(
        CaseNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent = models.ForeignKey(
        ConsentRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(
        _("detail"),
        max_length=300,
        blank=True,
        help_text=_("Words a person wrote that the line shows as written, e.g. a plan step."),
    )
    # Which event of its kind it is ("action", a CaseEventAction) and the values its line is
    # made of: ids, names, dates, scores, codes; never a sentence. The line is made when read,
    # in the reader's language (`text`, referrals/events.py).
    # The database's default as well: rows inserted by COPY (the benchmark seed) get one too.
    data = models.JSONField(_("data"), default=dict, db_default={}, blank=True, editable=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="caseevent_timeline_idx")]

    @property
    def audit_subject_id(self):
        return self.case.citizen_id

    @property
    def text(self) -> str:
        """The line the timeline shows after the kind's name, in the reader's language."""
        return event_text(self)


class ReferralFeedback(BaseModel):
    """The short e-mail that tells a referrer what happened (the closed loop), once per event."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.PROTECT, related_name="feedback"
    )
    event = models.CharField(_("event"), max_length=16, choices=CaseStatus.choices)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    skipped_at = models.DateTimeField(
        _("not sent"),
        null=True,
        blank=True,
        help_text=_("Consent to feedback was withdrawn before the e-mail went out."),
    )

    class Meta:
        verbose_name = _("feedback to referrer")
        verbose_name_plural = _("feedback to referrers")
        constraints = [
            models.UniqueConstraint(fields=["referral", "event"], name="feedback_once_per_event"),
        ]

    @property
    def audit_subject_id(self):
        return self.referral.citizen_id


class ExitCriterion(BaseModel):
    """One of the exit criteria (ExitCriterionKind) ticked on the case's plan: who ticked it and
    when. Unticking removes the row; the timeline keeps both, with who and when."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="exit_criteria"
    )
    criterion = models.CharField(
        _("exit criterion"), max_length=32, choices=ExitCriterionKind.choices
    )
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticked_at = models.DateTimeField(_("ticked"), default=timezone.now)

    class Meta:
        verbose_name = _("exit criterion")
        verbose_name_plural = _("exit criteria")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "criterion"],
                name="exit_criterion_once_per_case",
                violation_error_message=_("The exit criterion is already ticked."),
            ),
        ]

    @property
    def audit_subject_id(self):
        return self.case.citizen_id
