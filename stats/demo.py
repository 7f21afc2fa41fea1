"""Two years of demo history, so the statistics have something to show.

The hand-made demo citizens show every stage of the path; a municipality's statistics need many
more. This step adds several hundred generated citizens whose cases were referred, screened,
matched and closed over the last two years, in the demo's own teams and with its own offers and
volunteers. It is deterministic (a fixed seed and fixed ids), so every demo shows the same
numbers, and idempotent. Every case is closed, so no generated citizen is on anyone's board.
"""

import random
import uuid
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from accounts.constants import TeamKind
from accounts.models import Team, User
from matching.constants import ProviderResponse
from matching.models import Match
from offers.constants import MatchEndReason, MatchStatus, OfferStatus
from offers.models import Offer
from referrals.constants import (
    CaseEventKind,
    CaseStatus,
    CloseReason,
    ConsentMethod,
    ConsentPurpose,
    LifeTransition,
    ReferralSource,
)
from referrals.identity import name_key
from referrals.models import Case, CaseEvent, Citizen, ConsentRecord, Referral
from screening.models import Screening, TriageScheme
from screening.services import instrument_active, triage_resolve
from volunteers.models import Volunteer

HISTORY_CITIZENS = 900
HISTORY_DAYS = 730
SEED = 2040
NAMESPACE = uuid.UUID("6f1d3c52-93b4-4c1e-9a57-0b7d2b6e4a10")

FIRST = [
    "Inger", "Poul", "Karen", "Jens", "Anna", "Erik", "Birthe", "Hans", "Lise", "Ole",
    "Kirsten", "Niels", "Hanne", "Jørgen", "Grethe", "Mogens", "Ahmad", "Fatima", "Åse", "Bent",
    "Ulla", "Preben", "Lone", "Finn", "Susanne", "Leif", "Mette", "Torben", "Aisha", "Mads",
]  # fmt: skip
LAST = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
    "Johansen", "Møller", "Mortensen", "Karimi",
]  # fmt: skip
# Odense's districts and two villages outside the city, weighted by how many are referred.
DISTRICTS = [
    ("5000", "Odense C", 14),
    ("5200", "Odense V", 12),
    ("5210", "Odense NV", 11),
    ("5220", "Odense SØ", 11),
    ("5230", "Odense M", 10),
    ("5240", "Odense NØ", 9),
    ("5250", "Odense SV", 9),
    ("5260", "Odense S", 10),
    ("5270", "Odense N", 8),
    ("5320", "Agedrup", 3),
    ("5350", "Rynkeby", 3),
]
SOURCES = [
    (ReferralSource.GP, 30),
    (ReferralSource.HOME_CARE, 24),
    (ReferralSource.PREVENTIVE_VISIT, 15),
    (ReferralSource.HOSPITAL, 8),
    (ReferralSource.RELATIVE, 7),
    (ReferralSource.SELF, 7),
    (ReferralSource.JOBCENTRE, 4),
    (ReferralSource.HOUSING, 3),
    (ReferralSource.OTHER, 2),
]
TRANSITIONS = [
    (LifeTransition.BEREAVEMENT, 30),
    (LifeTransition.ILLNESS, 22),
    (LifeTransition.RETIREMENT, 12),
    (LifeTransition.MOVING, 10),
    (LifeTransition.DISCHARGE, 10),
    (LifeTransition.DIVORCE, 6),
    (LifeTransition.CAREGIVING, 5),
    (LifeTransition.JOB_LOSS, 5),
]
# (youngest, oldest, weight): most who are referred are old, but not all.
AGES = [(18, 29, 9), (30, 49, 12), (50, 64, 16), (65, 79, 35), (80, 95, 28)]
CLOSE_REASONS = [
    (CloseReason.LASTING_COMMUNITY, 46),
    (CloseReason.DECLINED, 18),
    (CloseReason.NO_CONTACT, 11),
    (CloseReason.OTHER_HELP, 9),
    (CloseReason.MOVED, 8),
    (CloseReason.DIED, 8),
]
REASON = "Har været meget alene, siden livet ændrede sig. Vil gerne mødes med andre."


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _answers(rng: random.Random, *, severe: bool, better_by: int = 0) -> dict[str, int]:
    """Three UCLA-3 answers (1–3); `better_by` lowers the sum by that much (not below 3)."""
    weights = (1, 3, 4) if severe else (4, 4, 1)
    values = [rng.choices((1, 2, 3), weights=weights)[0] for _ in range(3)]
    for _step in range(better_by):
        highest = max(range(3), key=lambda i: values[i])
        if values[highest] > 1:
            values[highest] -= 1
    return dict(zip(("lack_companionship", "left_out", "isolated"), values, strict=True))


def _demo_context():
    bridge_team = Team.objects.filter(kind=TeamKind.BRIDGE_BUILDERS).order_by("created_at").first()
    home_team = Team.objects.filter(kind=TeamKind.HOME_CARE).order_by("created_at").first()
    if bridge_team is None or home_team is None:
        return None
    return {
        "bridge_team": bridge_team,
        "home_team": home_team,
        "builder": User.objects.get(username="brobygger"),
        "worker": User.objects.get(username="hjemmepleje"),
        "instrument": instrument_active(),
        "scheme": TriageScheme.objects.get(is_default=True),
        "offers": list(Offer.objects.filter(status=OfferStatus.ACTIVE).order_by("title")),
        "volunteers": list(Volunteer.objects.order_by("created_at")[:20]),
    }


def seed_history() -> None:
    """Add the generated history once (the first generated citizen marks it as done)."""
    first_id = uuid.uuid5(NAMESPACE, "citizen-0")
    if Citizen.objects.filter(pk=first_id).exists():
        return
    context = _demo_context()
    if context is None:
        return
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    scheme = context["scheme"]
    colours = {}

    def triage(score: int):
        if score not in colours:
            colours[score] = triage_resolve(scheme=scheme, score=score)[0]
        return colours[score]

    citizens, cases, consents, referrals, events, screenings, matches = [], [], [], [], [], [], []
    for index in range(HISTORY_CITIZENS):

        def make_id(kind: str, i: int = index) -> uuid.UUID:
            return uuid.uuid5(NAMESPACE, f"{kind}-{i}")

        # Referred on a day in the last two years, a little more often lately.
        days_ago = int(HISTORY_DAYS * (1 - rng.random() ** 0.85))
        days_ago = max(days_ago, 50)  # old enough to be closed
        referred = now - timedelta(days=days_ago, minutes=rng.randrange(8 * 60, 16 * 60))
        youngest, oldest = _pick(rng, [((a, b), w) for a, b, w in AGES])
        age = rng.randint(youngest, oldest)
        born = today - timedelta(days=age * 365 + days_ago + rng.randrange(0, 365))
        postcode, city = _pick(rng, [((p, c), w) for p, c, w in DISTRICTS])
        first, last = rng.choice(FIRST), rng.choice(LAST)
        citizen = Citizen(
            id=make_id("citizen"),
            created_at=referred,
            first_name=first,
            last_name=last,
            name_key=name_key(first, last),
            birth_date=born,
            address=f"Historievej {index + 1}",
            postcode=postcode,
            city=city,
        )
        # Half of the old were screened by home care on a visit; the generated citizens are not
        # put on the home-care team's list, which shows the hand-made ones.
        home_visit = age >= 65 and rng.random() < 0.5
        citizens.append(citizen)
        source = _pick(rng, SOURCES)
        contacted = rng.random() > 0.08
        first_contact = referred + timedelta(days=rng.lognormvariate(1.3, 0.7))
        screened = contacted and rng.random() > 0.1
        severe = rng.random() < 0.45
        matched = screened and rng.random() < 0.7
        lasting = matched and rng.random() < 0.65
        reason = CloseReason.LASTING_COMMUNITY if lasting else _pick(rng, CLOSE_REASONS[1:])
        if not contacted:
            reason = CloseReason.NO_CONTACT
        closed = referred + timedelta(days=rng.randint(40, 200))
        closed = min(closed, now - timedelta(days=3))
        case = Case(
            id=make_id("case"),
            created_at=referred,
            citizen=citizen,
            team=context["bridge_team"],
            status=CaseStatus.CLOSED,
            status_changed_at=closed,
            first_contact_at=first_contact if contacted else None,
            closed_at=closed,
            close_reason=reason,
        )
        cases.append(case)
        consent = ConsentRecord(
            id=make_id("consent"),
            created_at=referred,
            citizen=citizen,
            purpose=ConsentPurpose.REFERRAL,
            given_at=referred,
            method=ConsentMethod.VERBAL,
        )
        consents.append(consent)
        transitions = sorted({_pick(rng, TRANSITIONS) for _ in range(rng.choice((1, 1, 2)))})
        referral = Referral(
            id=make_id("referral"),
            created_at=referred,
            citizen=citizen,
            case=case,
            source=source,
            reason=REASON,
            life_transitions=transitions,
            consent=consent,
        )
        referrals.append(referral)
        events.append(
            CaseEvent(
                id=make_id("event"),
                created_at=referred,
                case=case,
                kind=CaseEventKind.REFERRAL,
                occurred_at=referred,
                referral=referral,
            )
        )
        if not screened:
            continue
        first_screened = first_contact + timedelta(days=rng.randint(2, 20))
        rounds = [(first_screened, _answers(rng, severe=severe))]
        if matched and rng.random() < 0.75:
            # Screened again some months later: most who found a community are less lonely.
            again = first_screened + timedelta(days=rng.randint(60, 150))
            if again < now:
                better = rng.choice((0, 1, 2, 2, 3)) if lasting else rng.choice((0, 0, 1, -1))
                answers = _answers(rng, severe=severe, better_by=max(better, 0))
                rounds.append((again, answers))
        for number, (when, answers) in enumerate(rounds):
            score = sum(answers.values())
            colour = triage(score)
            screenings.append(
                Screening(
                    id=make_id(f"screening{number}"),
                    created_at=when,
                    citizen=citizen,
                    instrument=context["instrument"],
                    answers=answers,
                    score=score,
                    setting="home_visit" if home_visit else "phone",
                    screened_by=context["worker"] if home_visit else context["builder"],
                    screened_at=when,
                    team=context["home_team"] if home_visit else context["bridge_team"],
                    triage_scheme=scheme,
                    triage_code=colour.code if colour else "",
                    triage_label=colour.label if colour else "",
                    triage_hex=colour.hex if colour else "",
                    triage_rank=colour.rank if colour else 0,
                )
            )
        if not matched:
            continue
        proposed = first_screened + timedelta(days=rng.randint(3, 20))
        use_volunteer = context["volunteers"] and rng.random() < 0.3
        provider = rng.choice(context["volunteers"] if use_volunteer else context["offers"])
        came_far = rng.random()
        accepted = proposed + timedelta(days=rng.randint(1, 7)) if came_far > 0.15 else None
        met = accepted + timedelta(days=rng.randint(3, 14)) if accepted and came_far > 0.3 else None
        active = met + timedelta(days=7) if met and came_far > 0.4 else None
        ended = max(closed - timedelta(days=1), proposed + timedelta(days=1))
        end_reason = (
            MatchEndReason.LASTING
            if lasting and active
            else MatchEndReason.CITIZEN_DECLINED
            if accepted is None
            else MatchEndReason.NO_SHOW
            if met is None
            else MatchEndReason.NOT_A_FIT
        )
        matches.append(
            Match(
                id=make_id("match"),
                created_at=proposed,
                citizen=citizen,
                case=case,
                offer=None if use_volunteer else provider,
                volunteer=provider if use_volunteer else None,
                status=MatchStatus.ENDED,
                provider_response=ProviderResponse.CONFIRMED
                if accepted
                else ProviderResponse.PENDING,
                proposed_by=context["builder"],
                accepted_at=accepted,
                first_meeting_at=met,
                activated_at=active,
                ended_at=ended,
                end_reason=end_reason,
            )
        )

    for model, rows in (
        (Citizen, citizens),
        (Case, cases),
        (ConsentRecord, consents),
        (Referral, referrals),
        (CaseEvent, events),
        (Screening, screenings),
        (Match, matches),
    ):
        if not rows:
            continue
        # bulk_create stamps today on created_at (auto_now_add); put the history's dates back.
        dates = [row.created_at for row in rows]
        model.objects.bulk_create(rows, batch_size=1000)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {model._meta.db_table} AS t "  # noqa: S608 - a model's own table name
                "SET created_at = d.at, updated_at = d.at "
                "FROM unnest(%s::uuid[], %s::timestamptz[]) AS d(id, at) WHERE t.id = d.id",
                [[row.pk for row in rows], dates],
            )


def history_is_loaded() -> bool:
    return Citizen.objects.filter(pk=uuid.uuid5(NAMESPACE, "citizen-0")).exists()


def history_period() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=HISTORY_DAYS), today
