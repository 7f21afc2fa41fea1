from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel, TimeStampedModel
from screening.constants import DirectAnswer, ScreeningSetting


def _wording_ok(texts) -> bool:
    return (
        isinstance(texts, dict)
        and isinstance(texts.get("da"), str)
        and bool(texts["da"].strip())
        and all(isinstance(text, str) for text in texts.values())
    )


def definition_errors(definition) -> list[str]:
    """What is wrong with an instrument's definition, each said so the admin can find it; empty
    when it has the shape Instrument's docstring shows. Screening relies on that shape."""
    if not isinstance(definition, dict):
        return [_("The definition must be an object with “items” and “answers”.")]
    items, answers = definition.get("items"), definition.get("answers")
    errors = []
    if not isinstance(items, list) or not items:
        errors.append(_("“items” must be a list of questions, each with a code and a wording."))
        items = []
    if not isinstance(answers, list) or not answers:
        errors.append(
            _("“answers” must be a list of answers, each with a value, a score and a label.")
        )
        answers = []
    codes = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(_("Item %(n)s must be an object with a code and a wording.") % {"n": n})
            continue
        code = item.get("code")
        if not isinstance(code, str) or not code.strip():
            errors.append(_("Item %(n)s needs a code.") % {"n": n})
        elif code in codes:
            errors.append(_("The question code “%(code)s” is used twice.") % {"code": code})
        else:
            codes.add(code)
        if not _wording_ok(item.get("text")):
            errors.append(
                _('Item %(n)s needs its wording as {"da": "…"}, in Danish at least.') % {"n": n}
            )
    values = set()
    for n, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict):
            errors.append(
                _("Answer %(n)s must be an object with a value, a score and a label.") % {"n": n}
            )
            continue
        value, score = answer.get("value"), answer.get("score")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (value, score)):
            errors.append(_("Answer %(n)s needs a whole-number value and score.") % {"n": n})
        elif value in values:
            errors.append(_("The answer value %(value)s is used twice.") % {"value": value})
        else:
            values.add(value)
        if not _wording_ok(answer.get("label")):
            errors.append(
                _('Answer %(n)s needs its label as {"da": "…"}, in Danish at least.') % {"n": n}
            )
    return errors


class Instrument(BaseModel):
    """A screening instrument as data: its items, answers and scores, worded per language.

    `definition` = {"items": [{"code": "...", "text": {"da": "...", "en": "..."}}, ...],
                    "answers": [{"value": 1, "score": 1, "label": {"da": "...", "en": "..."}}]}
    A municipality's own wording is a new version; screenings keep the version they used.
    """

    code = models.SlugField(_("code"), max_length=50)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField(_("items and answers"))
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("New screenings use the active version.")
    )

    class Meta:
        verbose_name = _("screening instrument")
        verbose_name_plural = _("screening instruments")
        ordering = ["code", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_active=True), name="instrument_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def clean(self):
        errors = definition_errors(self.definition)
        if errors:
            raise ValidationError({"definition": errors})

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

    def localised(self, language: str | None = None) -> dict:
        """Items and answers in one language (Danish when the wording lacks it)."""
        language = language or translation.get_language() or "da"

        def pick(texts):
            return texts.get(language) or texts.get("da") or next(iter(texts.values()))

        return {
            "items": [
                {"code": i["code"], "text": pick(i["text"])} for i in self.definition["items"]
            ],
            "answers": [
                {"value": a["value"], "label": pick(a["label"])} for a in self.definition["answers"]
            ],
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

    class Meta:
        verbose_name = _("team's screening settings")
        verbose_name_plural = _("teams' screening settings")

    def __str__(self) -> str:
        return str(self.team)


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
