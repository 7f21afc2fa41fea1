"""Demo citizens in every status, with a referral from every source. Idempotent."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.constants import TeamKind
from accounts.models import Team, User
from referrals import services
from referrals.constants import (
    CaseStatus,
    CloseReason,
    ConsentMethod,
    ContactKind,
    ExitCriterionKind,
    NetworkKind,
    ReferralSource,
)
from referrals.identity import name_key, team_access_request
from referrals.models import (
    Case,
    CaseEvent,
    Citizen,
    PossibleDuplicate,
    Referral,
    TeamAccessRequest,
)

# (first, last, birth date, postcode, town, source, status, days ago, home care, assigned)
CITIZENS = [
    (
        "Inger",
        "Madsen",
        date(1941, 3, 14),
        "5000",
        "Odense C",
        ReferralSource.GP,
        CaseStatus.RECEIVED,
        1,
        False,
        False,
    ),
    (
        "Poul",
        "Jensen",
        date(1948, 11, 2),
        "5200",
        "Odense V",
        ReferralSource.HOME_CARE,
        CaseStatus.RECEIVED,
        3,
        True,
        True,
    ),
    (
        "Karen",
        "Nielsen",
        date(1937, 6, 30),
        "5210",
        "Odense NV",
        ReferralSource.PREVENTIVE_VISIT,
        CaseStatus.CONTACTED,
        9,
        True,
        True,
    ),
    (
        "Ahmad",
        "Rahimi",
        date(1979, 1, 21),
        "5220",
        "Odense SØ",
        ReferralSource.JOBCENTRE,
        CaseStatus.SCREENING,
        16,
        False,
        True,
    ),
    (
        "Birthe",
        "Larsen",
        date(1952, 9, 8),
        "5230",
        "Odense M",
        ReferralSource.HOSPITAL,
        CaseStatus.MATCHING,
        24,
        True,
        True,
    ),
    (
        "Jens",
        "Pedersen",
        date(1958, 2, 17),
        "5250",
        "Odense SV",
        ReferralSource.HOUSING,
        CaseStatus.FOLLOWING_UP,
        61,
        False,
        True,
    ),
    (
        "Lise",
        "Kristensen",
        date(2001, 5, 5),
        "5000",
        "Odense C",
        ReferralSource.SELF,
        CaseStatus.RECEIVED,
        0,
        False,
        False,
    ),
    (
        "Erik",
        "Andersen",
        date(1944, 12, 24),
        "5260",
        "Odense S",
        ReferralSource.RELATIVE,
        CaseStatus.CONTACTED,
        6,
        False,
        True,
    ),
    (
        "Hanne",
        "Christensen",
        date(1950, 4, 11),
        "5270",
        "Odense N",
        ReferralSource.OTHER,
        CaseStatus.CLOSED,
        120,
        False,
        True,
    ),
    (
        "Mogens",
        "Sørensen",
        date(1939, 8, 19),
        "5200",
        "Odense V",
        ReferralSource.GP,
        CaseStatus.CLOSED,
        95,
        True,
        True,
    ),
    (
        "Fatima",
        "Yusuf",
        date(1966, 10, 3),
        "5220",
        "Odense SØ",
        ReferralSource.GP,
        CaseStatus.SCREENING,
        12,
        False,
        True,
    ),
    (
        "Anna",
        "Holm",
        date(1931, 7, 1),
        "5210",
        "Odense NV",
        ReferralSource.HOME_CARE,
        CaseStatus.MATCHING,
        33,
        True,
        True,
    ),
]

REASONS = {
    ReferralSource.GP: "Kommer ofte til konsultation uden klart medicinsk formål. Fortæller, at "
    "dagene er lange siden konens død.",
    ReferralSource.HOME_CARE: "Siger 'jeg sidder bare her'. Mange kald på nødkaldet om aftenen.",
    ReferralSource.PREVENTIVE_VISIT: "Har mistet sin veninde og kommer ikke længere ud.",
    ReferralSource.HOSPITAL: "Udskrevet efter hofteoperation, bor alene, ingen pårørende tæt på.",
    ReferralSource.JOBCENTRE: "Ny i byen, savner nogen at tale med. Ønsker at lære flere at kende.",
    ReferralSource.HOUSING: "Naboerne har ikke set ham i flere uger. Han virker trist.",
    ReferralSource.SELF: "Jeg er flyttet hertil for at studere og kender ingen.",
    ReferralSource.RELATIVE: "Min far har været meget alene, siden han gik på pension.",
    ReferralSource.OTHER: "Henvist fra sundhedscentret efter et forløb om kronisk smerte.",
}

TRANSITIONS = {
    ReferralSource.GP: ["bereavement"],
    ReferralSource.HOSPITAL: ["discharge", "illness"],
    ReferralSource.JOBCENTRE: ["moving", "job_loss"],
    ReferralSource.SELF: ["moving"],
    ReferralSource.RELATIVE: ["retirement"],
}

PATH = [
    CaseStatus.CONTACTED,
    CaseStatus.SCREENING,
    CaseStatus.MATCHING,
    CaseStatus.FOLLOWING_UP,
]


def seed_referrals() -> None:
    bridge_team = Team.objects.filter(kind=TeamKind.BRIDGE_BUILDERS).order_by("created_at").first()
    home_team = Team.objects.filter(kind=TeamKind.HOME_CARE).order_by("created_at").first()
    builder = User.objects.get(username="brobygger")
    referrers = {
        ReferralSource.GP: User.objects.get(username="laege"),
        ReferralSource.HOME_CARE: User.objects.get(username="hjemmepleje"),
    }
    now = timezone.now()
    for index, row in enumerate(CITIZENS):
        first, last, birth, postcode, town, source, status, days, home_care, assigned = row
        if Citizen.objects.filter(name_key=name_key(first, last), birth_date=birth).exists():
            continue
        referrer = referrers.get(source)
        result = services.referral_create(
            citizen={
                "first_name": first,
                "last_name": last,
                "birth_date": birth,
                "phone": f"+45 20 {10 + index:02d} {30 + index:02d} {40 + index:02d}",
                "address": f"Brovej {index + 1}",
                "postcode": postcode,
                "city": town,
                "needs_mobility": index % 4 == 1,
                "needs_transport": index % 3 == 0,
                "preferred_language": "ar" if first in ("Ahmad", "Fatima") else "da",
            },
            source=source,
            reason=REASONS[source],
            life_transitions=TRANSITIONS.get(source, []),
            citizen_wishes="Vil gerne ud blandt andre, måske noget med havearbejde eller kortspil.",
            consent_given=True,
            consent_method=ConsentMethod.DIGITAL
            if source in (ReferralSource.SELF, ReferralSource.RELATIVE)
            else ConsentMethod.VERBAL,
            feedback_consent=referrer is not None,
            referrer=referrer,
            referrer_name={
                ReferralSource.RELATIVE: "Søren Andersen (søn)",
                ReferralSource.OTHER: "Sygeplejerske, Sundhedscenter Brobjerg",
                ReferralSource.HOUSING: "Boligsocial medarbejder, Brobjerg Boligselskab",
                ReferralSource.JOBCENTRE: "Sagsbehandler, Jobcenter Brobjerg",
                ReferralSource.HOSPITAL: "Udskrivningskoordinator, OUH",
                ReferralSource.PREVENTIVE_VISIT: "Forebyggende medarbejder, Brobjerg Kommune",
            }.get(source, ""),
            referrer_phone="+45 70 10 20 30" if referrer is None else "",
            team=bridge_team,
        )
        referral = result.referral
        case = referral.case
        citizen = referral.citizen
        if home_care and home_team:
            services.citizen_set_home_care_team(citizen=citizen, team=home_team, actor=None)
        if assigned:
            services.case_assign(case=case, assignee=builder, actor=builder)
        if status != CaseStatus.RECEIVED:
            services.contact_record(
                case=case,
                kind=ContactKind.PHONE,
                actor=builder,
                note="Første samtale. Borgeren var glad for opkaldet.",
            )
            services.network_person_add(
                case=case,
                kind=NetworkKind.FAMILY,
                name="Datter i Aarhus",
                closeness=2,
                actor=builder,
                note="Ringer om søndagen.",
            )
        reached = (
            len(PATH) - 1
            if status == CaseStatus.CLOSED
            else PATH.index(status)
            if (status in PATH)
            else -1
        )
        for step in PATH[1 : reached + 1]:
            services.case_change_status(case=case, status=step, actor=builder)
        if status in (CaseStatus.MATCHING, CaseStatus.FOLLOWING_UP):
            services.plan_step_add(
                case=case,
                description="Følges til første gang i Gå-klubben Solsikken",
                responsible="Bente (brobygger)",
                due_date=timezone.localdate() + timedelta(days=index % 5 + 1),
                actor=builder,
            )
            services.note_add(case=case, text="Vil helst gå med en fast person.", actor=builder)
        if status == CaseStatus.CLOSED:
            lasting = index % 2 == 0
            # In a lasting community: the citizen carries on without the bridge-builder.
            for criterion in ExitCriterionKind.values if lasting else []:
                services.exit_criterion_tick(case=case, criterion=criterion, actor=builder)
            services.case_close(
                case=case,
                reason=CloseReason.LASTING_COMMUNITY if lasting else CloseReason.DECLINED,
                actor=builder,
            )
        # Spread the demo over the past weeks, so "days since referral" looks like a real week.
        shifted = now - timedelta(days=days)
        Case.objects.filter(pk=case.pk).update(created_at=shifted)
        Referral.objects.filter(pk=referral.pk).update(created_at=shifted)
        CaseEvent.objects.filter(case=case, kind="referral").update(occurred_at=shifted)
        if case.first_contact_at:
            Case.objects.filter(pk=case.pk).update(
                first_contact_at=shifted + timedelta(days=min(days, 2))
            )


def seed_identity() -> None:
    """What the teams have to settle on a Monday: a relative's referral through the public form
    of a citizen already known by name (a possible duplicate for Brobyggerne), and the southern
    home-care team asking for a citizen the northern team visits."""
    bridge_team = Team.objects.filter(kind=TeamKind.BRIDGE_BUILDERS).order_by("created_at").first()
    # The hand-made citizens only (the statistics' generated history is older than them).
    first, last, birth, *_rest = CITIZENS[0]
    known = Citizen.objects.filter(
        cases__team=bridge_team,
        anonymised_at__isnull=True,
        name_key=name_key(first, last),
        birth_date=birth,
    ).first()
    if known is not None and not PossibleDuplicate.objects.exists():
        services.referral_create(
            citizen={
                "first_name": known.first_name.upper(),
                "last_name": known.last_name,
                "birth_date": known.birth_date,
                "phone": "+45 40 50 60 70",
                "postcode": known.postcode,
            },
            source=ReferralSource.RELATIVE,
            reason="Min mor sidder meget alene, efter at hun holdt op med at køre bil.",
            consent_given=True,
            consent_method=ConsentMethod.DIGITAL,
            referrer_name="Datter",
            team=bridge_team,
        )
    south = Team.objects.filter(kind=TeamKind.HOME_CARE, name="Hjemmeplejen Syd").first()
    asking = User.objects.filter(username="hjemmepleje2").first()
    first, last, birth, *_rest = next(row for row in CITIZENS if row[8])  # on home care
    visited = (
        Citizen.objects.filter(
            home_care_team__kind=TeamKind.HOME_CARE,
            name_key=name_key(first, last),
            birth_date=birth,
        )
        .exclude(home_care_team=south)
        .first()
    )
    asked = TeamAccessRequest.objects.filter(citizen=visited, team=south).exists()
    if south and asking and visited and not asked:
        team_access_request(
            citizen=visited,
            team=south,
            actor=asking,
            reason="Vi kommer hos borgeren i weekenderne fra december.",
        )
