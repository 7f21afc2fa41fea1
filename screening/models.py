import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel, TimeStampedModel
from screening.constants import (
    DirectAnswer,
    HomeHelpSource,
    InstrumentKind,
    InstrumentStatus,
    QualityFlag,
    QualityOutcome,
    ScreeningSetting,
    TriageHow,
)
from screening.defaults import CONVERSATION_TIPS

ITEM_CODE = re.compile(r"^[a-z0-9_]+$")


def text_in(texts, language: str | None = None) -> str:
    """A text written per language ({"da": "…", "en": "…"}) in one language: the reader's, else
    Danish (every text has Danish), else whichever there is. A plain string is Danish."""
    if isinstance(texts, str):
        return texts
    if not isinstance(texts, dict) or not texts:
        return ""
    language = language or translation.get_language() or "da"
    return texts.get(language) or texts.get("da") or next(iter(texts.values()))


def _has_danish(texts) -> bool:
    return (
        isinstance(texts, dict)
        and isinstance(texts.get("da"), str)
        and bool(texts["da"].strip())
        and all(isinstance(text, str) for text in texts.values())
    )


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def definition_errors(definition) -> list[str]:
    """What is wrong with an instrument's definition, each naming the question, answer or tip it
    is about, so the admin can find it; empty when it has the shape Instrument's docstring
    shows. Screening relies on that shape."""
    if not isinstance(definition, dict):
        return [_("The definition must be an object with “items” and “answers”.")]
    items, answers, tips = (definition.get(key) for key in ("items", "answers", "tips"))
    errors = []
    if not isinstance(items, list) or not items:
        errors.append(_("Give at least one question."))
        items = []
    if not isinstance(answers, list) or not answers:
        errors.append(_("Give at least one answer, with its value and score."))
        answers = []
    codes = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(_("Question %(n)s: give its code and its wording.") % {"n": n})
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code.strip():
            errors.append(_("Question %(n)s: give its code.") % {"n": n})
        elif not ITEM_CODE.match(code):
            errors.append(
                _("Question %(n)s: the code may only have the letters a–z, digits and _.")
                % {"n": n}
            )
        elif code in codes:
            errors.append(
                _("Question %(n)s: the code “%(code)s” is used by an earlier question.")
                % {"n": n, "code": code}
            )
        else:
            codes.add(code)
        if not _has_danish(item.get("text")):
            errors.append(_("Question %(n)s: give its wording in Danish.") % {"n": n})
    values = set()
    for n, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict):
            errors.append(_("Answer %(n)s: give its value, score and label.") % {"n": n})
            continue
        value, score = answer.get("value"), answer.get("score")
        if not (_whole_number(value) and _whole_number(score)):
            errors.append(_("Answer %(n)s: give its value and score as whole numbers.") % {"n": n})
        elif value in values:
            errors.append(
                _("Answer %(n)s: the value %(value)s is used by an earlier answer.")
                % {"n": n, "value": value}
            )
        else:
            values.add(value)
        if not _has_danish(answer.get("label")):
            errors.append(_("Answer %(n)s: give its label in Danish.") % {"n": n})
    if tips is not None and not isinstance(tips, list):
        errors.append(_("The conversation tips must be a list."))
        tips = []
    for n, tip in enumerate(tips or [], start=1):
        if not _has_danish(tip):
            errors.append(_("Tip %(n)s: give it in Danish.") % {"n": n})
    errors.extend(_rule_errors(definition, codes=codes, values=values))
    return errors


COLOUR_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


def rule_colour_codes(colour) -> list[str] | None:
    """A rule's colour: one code, or several, of which the first the team's scheme has counts
    (so one rule serves the traffic light and Greve's workflow colours); None when malformed."""
    codes = [colour] if isinstance(colour, str) else colour
    if not isinstance(codes, list) or not codes:
        return None
    if not all(isinstance(code, str) and COLOUR_CODE.match(code) for code in codes):
        return None
    return codes


def _rule_errors(definition: dict, *, codes: set, values: set) -> list[str]:
    """What is wrong with the rules of an instrument whose answers give a colour by rule."""
    kind = definition.get("kind", InstrumentKind.SCORE)
    rules = definition.get("rules")
    if kind not in InstrumentKind.values:
        return [_("The kind must be “score” or “rule”.")]
    if kind == InstrumentKind.SCORE:
        return [_("Only an instrument of the kind “rule” has rules.")] if rules else []
    if not isinstance(rules, list) or not rules:
        return [_("Give at least one rule: the answers to a question and the colour they give.")]
    errors = []
    for n, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            errors.append(
                _("Rule %(n)s: give the question, its answers and the colour.") % {"n": n}
            )
            continue
        item, answers = rule.get("item"), rule.get("answers")
        if not isinstance(item, str) or item not in codes:
            errors.append(
                _("Rule %(n)s: there is no question “%(code)s”.") % {"n": n, "code": item or ""}
            )
        if not isinstance(answers, list) or not answers or not all(map(_whole_number, answers)):
            errors.append(_("Rule %(n)s: give the answers as values, e.g. 2 or 2, 3.") % {"n": n})
        else:
            errors.extend(
                _("Rule %(n)s: there is no answer %(value)s.") % {"n": n, "value": value}
                for value in answers
                if value not in values
            )
        if rule_colour_codes(rule.get("colour")) is None:
            errors.append(
                _(
                    "Rule %(n)s: give the colour's code, or several codes: the first the team's "
                    "scheme has counts."
                )
                % {"n": n}
            )
    return errors


class Instrument(BaseModel):
    """A screening instrument as data: its items, answers and scores, worded per language, and
    the conversation tips the tablet shows with it.

    `definition` = {"items": [{"code": "...", "text": {"da": "...", "en": "..."}}, ...],
                    "answers": [{"value": 1, "score": 1, "label": {"da": "...", "en": "..."}}],
                    "tips": [{"da": "...", "en": "..."}, ...]}   (optional: without it, the
                                                                  tips Brobyg ships)
    Its "kind" says how the answers give a colour: "score" (the default: the sum of the answers'
    scores, coloured by the scheme's score ranges, as UCLA-3) or "rule" (Sorø's change form, the
    direct question: "rules": [{"item": "...", "answers": [2, 3], "colour": "yellow"}, ...], the
    first rule the answers meet gives the colour; none met leaves the colour as it was).
    A municipality's own wording is a new version: written as a draft, then put in use, which
    retires the version in use at the same moment (services.instrument_activate). Screenings
    keep the version they used.
    """

    code = models.SlugField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField(_("items and answers"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InstrumentStatus.choices,
        default=InstrumentStatus.DRAFT,
        help_text=_("New screenings use the version in use."),
    )
    activated_at = models.DateTimeField(_("put in use"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening instrument")
        verbose_name_plural = _("screening instruments")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version"),
            # Switching versions never leaves a moment without one in use, nor one with two:
            # instrument_activate retires and activates in one transaction.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status=InstrumentStatus.ACTIVE),
                name="instrument_one_active",
                violation_error_message=_(
                    "Another version of this instrument is in use. Put this one in use with "
                    "“Put in use”: that retires the other at the same moment."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def reference(self) -> str:
        """How the API and the tablet name this version: "ucla3/1"."""
        return f"{self.code}/{self.version}"

    @property
    def kind(self) -> str:
        return self.definition.get("kind") or InstrumentKind.SCORE

    def rule_colour_codes(self, answers: dict[str, int]) -> list[str]:
        """For an instrument of the kind "rule": the colour codes of the first rule the answers
        meet (the first of them the team's scheme has counts); empty when none is met."""
        for rule in self.definition.get("rules") or []:
            if answers.get(rule["item"]) in rule["answers"]:
                return rule_colour_codes(rule["colour"]) or []
        return []

    @property
    def item_codes(self) -> list[str]:
        return [item["code"] for item in self.definition["items"]]

    @property
    def answer_scores(self) -> dict[int, int]:
        return {answer["value"]: answer["score"] for answer in self.definition["answers"]}

    @property
    def score_range(self) -> tuple[int, int]:
        scores = self.answer_scores.values()
        n = len(self.item_codes)
        return min(scores) * n, max(scores) * n

    @property
    def tips(self) -> list[dict]:
        """The conversation tips, per language: the definition's own, else those Brobyg ships."""
        tips = self.definition.get("tips")
        return CONVERSATION_TIPS if tips is None else tips

    def localised(self, language: str | None = None) -> dict:
        """Items, answers and tips in one language (Danish when the wording lacks it)."""
        language = language or translation.get_language() or "da"
        return {
            "items": [
                {"code": i["code"], "text": text_in(i["text"], language)}
                for i in self.definition["items"]
            ],
            "answers": [
                {"value": a["value"], "label": text_in(a["label"], language)}
                for a in self.definition["answers"]
            ],
            "tips": [text_in(tip, language) for tip in self.tips],
        }


class TriageScheme(BaseModel):
    """A municipality's triage colours, edited by an admin. Each team uses one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used by teams that have not chosen a scheme.")
    )
    raise_on_direct_often = models.BooleanField(
        _("“often” to the direct question raises the colour one step"), default=False
    )

    class Meta:
        verbose_name = _("triage scheme")
        verbose_name_plural = _("triage schemes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="triage_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Write the colour as #RRGGBB."))


class TriageColour(BaseModel):
    scheme = models.ForeignKey(
        TriageScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="colours"
    )
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=60)
    hex = models.CharField(_("colour"), max_length=7, validators=[hex_colour])
    meaning = models.CharField(_("meaning"), max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Higher is more serious; “raise one step” goes up.")
    )
    min_score = models.PositiveSmallIntegerField(_("from score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("to score"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Danish is the colour's own wording; English is shown when the reader chose English, and
    # Danish where the English is left empty (text()).
    label_en = models.CharField(_("label (English)"), max_length=60, blank=True)
    meaning_en = models.CharField(_("meaning (English)"), max_length=300, blank=True)
    next_step_en = models.CharField(_("next step (English)"), max_length=300, blank=True)
    next_step_is_referral = models.BooleanField(
        _("the next step is a referral to a bridge-builder"),
        default=False,
        help_text=_(
            "Then it is not given when the citizen already has an open case, and it is done "
            "when the citizen is referred."
        ),
    )

    class Meta:
        verbose_name = _("triage colour")
        verbose_name_plural = _("triage colours")
        ordering = ["scheme", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="triage_colour_unique_code"),
            models.CheckConstraint(
                condition=Q(min_score__isnull=True, max_score__isnull=True)
                | Q(
                    min_score__isnull=False,
                    max_score__isnull=False,
                    min_score__lte=models.F("max_score"),
                ),
                name="triage_colour_score_range",
                violation_error_message=_("Give both ends of the score range, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.scheme})"

    @property
    def set_by_hand(self) -> bool:
        return self.min_score is None

    TRANSLATED = ("label", "meaning", "next_step")

    def text(self, field: str, language: str | None = None) -> str:
        """The colour's label, meaning or next step in the reader's language: the English
        wording under English where there is one, else the Danish."""
        if field not in self.TRANSLATED:
            raise ValueError(f"not a text of a triage colour: {field}")
        language = language or translation.get_language() or "da"
        if language.split("-")[0] == "en":
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)

    @property
    def label_text(self) -> str:
        return self.text("label")

    @property
    def meaning_text(self) -> str:
        return self.text("meaning")

    @property
    def next_step_text(self) -> str:
        return self.text("next_step")


class TeamScreeningSettings(TimeStampedModel):
    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="screening_settings"
    )
    scheme = models.ForeignKey(
        TriageScheme,
        verbose_name=_("triage scheme"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    rescreen_interval_days = models.PositiveSmallIntegerField(
        _("screen again after (days)"), default=90
    )
    # Odense's home care gives extra time for a loneliness effort at a score of 7 or more: the
    # board and the citizen's page say "Extra time" for a citizen whose latest screening meets
    # the team's threshold or has the team's colour.
    extra_time_from_score = models.PositiveSmallIntegerField(
        _("extra time from score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("A citizen whose latest score is this or more is marked “Extra time”."),
    )
    extra_time_colour = models.ForeignKey(
        TriageColour,
        verbose_name=_("extra time at colour"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A citizen whose latest screening has this colour is marked “Extra time”."),
    )
    # Holstebro screens everyone with at least 2 hours of home help a week: a citizen with
    # fewer hours (or none recorded) is not due for a first screening (selectors.with_due).
    screen_from_home_help_hours = models.DecimalField(
        _("screen everyone with at least (hours of home help a week)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text=_(
            "Empty: everyone on the team is due for a first screening, whatever their hours."
        ),
    )

    class Meta:
        verbose_name = _("team's screening settings")
        verbose_name_plural = _("teams' screening settings")

    def __str__(self) -> str:
        return str(self.team)

    def clean(self):
        if (
            self.extra_time_colour_id is not None
            and self.scheme_id is not None
            and self.extra_time_colour.scheme_id != self.scheme_id
        ):
            raise ValidationError(
                {"extra_time_colour": _("Choose a colour of the team's triage scheme.")}
            )

    def gives_extra_time(self, *, score: int | None, scheme_id, code: str) -> bool:
        """Whether a screening with this score and colour meets the team's mark for extra time."""
        threshold = self.extra_time_from_score
        if score is not None and threshold is not None and score >= threshold:
            return True
        colour = self.extra_time_colour
        return bool(colour and code and colour.code == code and colour.scheme_id == scheme_id)


class Screening(BaseModel):
    """One screening of a citizen: the raw answers, and the colour it got at the time.

    The colour is copied from the scheme when the screening is recorded, so editing a scheme
    later never changes an earlier screening. A draft has no score and never counts.
    """

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="+"
    )
    is_draft = models.BooleanField(_("draft"), default=False)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    direct_question = models.CharField(
        _("direct question"), max_length=16, choices=DirectAnswer.choices, blank=True
    )
    setting = models.CharField(
        _("setting"),
        max_length=16,
        choices=ScreeningSetting.choices,
        default=ScreeningSetting.HOME_VISIT,
    )
    observations = models.TextField(_("observations"), blank=True)
    wants_help = models.BooleanField(_("wants help"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("screened"), default=timezone.now)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    triage_scheme = models.ForeignKey(
        TriageScheme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triage_code = models.CharField(_("triage colour"), max_length=30, blank=True)
    triage_label = models.CharField(max_length=60, blank=True)
    triage_hex = models.CharField(max_length=7, blank=True)
    triage_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    triage_by_hand = models.BooleanField(default=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_draft=True, score__isnull=True)
                | Q(is_draft=False, score__isnull=False),
                name="screening_complete_has_score",
                violation_error_message=_("A complete screening has a score; a draft has none."),
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="screening_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["citizen", "-screened_at"],
                condition=Q(is_draft=False),
                name="screening_latest_idx",
            ),
            models.Index(fields=["team", "-screened_at"], name="screening_team_idx"),
            # Statistics: complete screenings in a period.
            models.Index(
                fields=["screened_at"],
                condition=Q(is_draft=False),
                name="screening_period_idx",
            ),
        ]
        permissions = [
            ("view_triage_board", _("Can see the team's triage board")),
            ("view_team_citizens", _("Can see the home-care team's citizens to screen")),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} {self.screened_at:%Y-%m-%d}"

    @property
    def audit_subject_id(self):
        return self.citizen_id


HOURS_A_WEEK_MAX = 168


def hours_shown(hours: Decimal | None) -> Decimal | None:
    """Hours as people write them, without trailing zeros: 2,5 and 2, not 2,50 and 2,00."""
    if hours is None:
        return None
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours.normalize()


class HomeHelpHours(BaseModel):
    """How many hours of home help a week a citizen gets from a home-care team, from a date.

    The hours in force on a day are those of the latest `valid_from` on or before it; a later
    row is a change, not a correction (one row per citizen, team and date). Entered on the
    citizen's screening page or imported from the care system's CSV by CPR number
    (services.home_help). A team may screen everyone from a number of hours
    (TeamScreeningSettings.screen_from_home_help_hours).
    """

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="home_help_hours",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(
        _("hours of home help a week"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(HOURS_A_WEEK_MAX)],
    )
    valid_from = models.DateField(_("from"))
    source = models.CharField(
        _("source"), max_length=10, choices=HomeHelpSource.choices, default=HomeHelpSource.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("home-help hours")
        verbose_name_plural = _("home-help hours")
        ordering = ["-valid_from", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=HOURS_A_WEEK_MAX),
                name="home_help_hours_in_a_week",
                violation_error_message=_("A week has between 0 and 168 hours."),
            ),
        ]
        indexes = [
            # The hours in force: the latest row on or before a day, per citizen and team.
            models.Index(
                fields=["citizen", "team", "-valid_from"], name="home_help_hours_current_idx"
            ),
        ]
        permissions = [
            # A team lead imports their own team's hours with add_homehelphours.
            ("import_home_help_hours", _("Can import any home-care team's hours of home help")),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} {self.hours} ({self.valid_from:%Y-%m-%d})"

    @property
    def hours_shown(self):
        return hours_shown(self.hours)

    @property
    def audit_subject_id(self):
        return self.citizen_id


class QualityCheck(BaseModel):
    """A screening put before the team's ambassador (nøgleperson) for a second look, why, and
    what they found. Made when the screening is recorded (services.quality); `reasons` are
    QualityFlag codes and `data` their values ({"previous_score": 8}), rendered when read."""

    screening = models.OneToOneField(
        Screening,
        verbose_name=_("screening"),
        on_delete=models.CASCADE,
        related_name="quality_check",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(_("reasons"), default=list)
    data = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=QualityOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("quality check")
        verbose_name_plural = _("quality checks")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", checked_at__isnull=True)
                | (~Q(outcome="") & Q(checked_at__isnull=False)),
                name="quality_check_outcome_has_time",
                violation_error_message=_("A checked screening has an outcome and a time."),
            ),
        ]
        indexes = [
            # The ambassador's queue: the team's screenings not yet checked.
            models.Index(
                fields=["team", "created_at"],
                condition=Q(outcome=""),
                name="quality_check_open_idx",
            ),
            models.Index(fields=["team", "-checked_at"], name="quality_check_done_idx"),
        ]

    def __str__(self) -> str:
        return str(self.screening)

    @property
    def audit_subject_id(self):
        return self.screening.citizen_id

    @property
    def reason_texts(self) -> list[str]:
        """The reasons as sentences, in the reader's language."""
        texts = []
        for code in self.reasons:
            if code == QualityFlag.SCORE_JUMP and "previous_score" in self.data:
                texts.append(
                    _("The score went from %(before)s to %(after)s since the last screening.")
                    % {"before": self.data["previous_score"], "after": self.screening.score}
                )
            elif code in QualityFlag.values:
                texts.append(str(QualityFlag(code).label))
        return texts

    @property
    def answer_texts(self) -> list[tuple[str, str]]:
        """Each question with the answer given, in the reader's language."""
        wording = self.screening.instrument.localised()
        labels = {answer["value"]: answer["label"] for answer in wording["answers"]}
        answers = self.screening.answers
        return [
            (item["text"], labels.get(answers.get(item["code"]), "–")) for item in wording["items"]
        ]


class TriageTransition(BaseModel):
    """A step of a scheme's procedure (Greve: "Bekræftet", black → purple): to which colour a
    citizen may be moved from which, edited with the scheme in the admin. A move the procedure
    does not list is refused (services.triage_state_move); the board and the citizen's page
    offer exactly these (selectors.triage_moves)."""

    scheme = models.ForeignKey(
        TriageScheme,
        verbose_name=_("scheme"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_colour = models.ForeignKey(
        TriageColour,
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: from no colour yet, or from a colour of the team's earlier scheme."),
    )
    to_colour = models.ForeignKey(
        TriageColour, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )
    label = models.CharField(
        _("step"), max_length=60, help_text=_("What the board calls the step, e.g. “Bekræftet”.")
    )
    reason_required = models.BooleanField(_("a reason is required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("step of the procedure")
        verbose_name_plural = _("steps of the procedure")
        ordering = ["scheme", "order", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "from_colour", "to_colour"],
                nulls_distinct=False,
                name="triage_transition_unique",
                violation_error_message=_("The procedure already has a step between these."),
            ),
            models.CheckConstraint(
                condition=~Q(from_colour=models.F("to_colour")),
                name="triage_transition_moves",
                violation_error_message=_("A step moves to another colour."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        errors = {}
        for name in ("from_colour", "to_colour"):
            colour = getattr(self, name)
            if colour is not None and self.scheme_id and colour.scheme_id != self.scheme_id:
                errors[name] = _("Choose a colour of this scheme.")
        if errors:
            raise ValidationError(errors)


class TriageState(BaseModel):
    """A citizen's triage colour on a team from a moment on: the board meeting's working state.

    Every change is a new row, so the rows are the history; the one marked current is the colour
    now (one per citizen and team: the database keeps it, and services.triage_state changes it
    with the citizen's row locked). The colour is one of the team's scheme when it was set; once
    the team has switched scheme, the board shows it as the new scheme's colour of the same code,
    or asks for it to be set again (selectors.triage_view)."""

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="triage_states",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    colour = models.ForeignKey(
        TriageColour, verbose_name=_("colour"), on_delete=models.PROTECT, related_name="+"
    )
    how = models.CharField(_("set"), max_length=12, choices=TriageHow.choices)
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The screening whose rule (or another instrument's) gave the colour, or with which the
    # colour was chosen by hand.
    screening = models.ForeignKey(
        Screening,
        verbose_name=_("screening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triage_states",
    )
    # The step of the procedure, and its name as it was (the procedure may be edited later).
    transition = models.ForeignKey(
        TriageTransition,
        verbose_name=_("step of the procedure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    step_label = models.CharField(_("step"), max_length=60, blank=True)
    reason = models.TextField(_("why"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("triage state")
        verbose_name_plural = _("triage states")
        ordering = ["-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "team"],
                condition=Q(is_current=True),
                name="triage_state_one_current",
                violation_error_message=_("The citizen already has a colour on this team."),
            ),
            models.CheckConstraint(
                condition=~Q(how__in=[TriageHow.SCREENING, TriageHow.INSTRUMENT])
                | Q(screening__isnull=False),
                name="triage_state_screening_has_screening",
                violation_error_message=_("A colour given by a screening names the screening."),
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "team", "-set_at"], name="triage_state_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} {self.colour.label} ({self.set_at:%Y-%m-%d})"

    @property
    def audit_subject_id(self):
        return self.citizen_id

    @classmethod
    def before_citizen_merge(cls, *, keep, merged) -> None:
        """Two records of one person merged (referrals.identity.citizen_merge): where both have
        a current colour on the same team, the one set last stays current and the other becomes
        history, so the merge keeps both and the board shows one."""
        teams = cls.objects.filter(citizen=keep, is_current=True).values("team_id")
        for team_id in cls.objects.filter(
            citizen=merged, is_current=True, team_id__in=teams
        ).values_list("team_id", flat=True):
            pair = cls.objects.filter(citizen__in=[keep, merged], team_id=team_id, is_current=True)
            newest = pair.order_by("-set_at").first()
            pair.exclude(pk=newest.pk).update(is_current=False)
