"""Screening's services: instrument versions (instruments.py), recording screenings
(screenings.py), home care's part (home_care.py), home-help hours and their import
(home_help.py), the ambassador's quality check (quality.py) and the citizen's triage colour per
team with its history (triage_state.py). Everything others import is here."""

from screening.services.home_care import (
    HomeCareAddResult,
    end_of_week,
    home_care_citizen_add,
    rescreen_assign,
    rescreen_assign_many,
    screening_refer,
)
from screening.services.home_help import (
    HomeHelpImportPlan,
    ImportRow,
    home_help_hours_set,
    home_help_import_apply,
    home_help_import_check,
    home_help_import_rows,
    home_help_import_token,
    hours_parse,
)
from screening.services.instruments import (
    DEFAULT_INSTRUMENT,
    NoActiveInstrument,
    instrument_activate,
    instrument_active,
    instrument_copy_as_draft,
    instrument_create,
    instrument_delete_draft,
    instrument_for_screening,
    instrument_update,
)
from screening.services.quality import quality_check_mark, quality_flag, quality_reasons
from screening.services.screenings import (
    OUTCOME_WINDOW_DAYS,
    NoTriageScheme,
    ScreeningResult,
    answers_check,
    referral_steps_done,
    scheme_for_citizen,
    screening_discard_draft,
    screening_record,
    screening_score,
    triage_by_rule,
    triage_resolve,
)
from screening.services.triage_state import (
    triage_state_from_screening,
    triage_state_move,
    triage_state_set_by_hand,
)

__all__ = [
    "DEFAULT_INSTRUMENT",
    "OUTCOME_WINDOW_DAYS",
    "HomeCareAddResult",
    "HomeHelpImportPlan",
    "ImportRow",
    "NoActiveInstrument",
    "NoTriageScheme",
    "ScreeningResult",
    "answers_check",
    "end_of_week",
    "home_care_citizen_add",
    "home_help_hours_set",
    "home_help_import_apply",
    "home_help_import_check",
    "home_help_import_rows",
    "home_help_import_token",
    "hours_parse",
    "instrument_activate",
    "instrument_active",
    "instrument_copy_as_draft",
    "instrument_create",
    "instrument_delete_draft",
    "instrument_for_screening",
    "instrument_update",
    "quality_check_mark",
    "quality_flag",
    "quality_reasons",
    "referral_steps_done",
    "rescreen_assign",
    "rescreen_assign_many",
    "scheme_for_citizen",
    "screening_discard_draft",
    "screening_record",
    "screening_refer",
    "screening_score",
    "triage_by_rule",
    "triage_resolve",
    "triage_state_from_screening",
    "triage_state_move",
    "triage_state_set_by_hand",
]
