"""Volunteers ranked for a citizen: in a role the citizen wants, home visits only with a valid
certificate (volunteers/vetting.py), with room for one more. A phone friend only for a citizen
who asked for one or would take part by phone, and lower for someone hard of hearing."""

from datetime import date

from django.conf import settings
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.db import json_list_contains
from core.slots import slot_label
from matching.models import Match
from matching.ranking import scoring
from matching.ranking.offers import _LanguageChoices
from matching.ranking.scoring import (
    Suggestion,
    _Citizen,
    _condition,
    _join,
    _labels,
    _PreScore,
    _Score,
    _score_distance,
    _score_interests,
    _score_schedule,
    _speaks,
)
from offers.constants import OPEN_MATCH_STATUSES, SuggestionKind
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES, REMOTE_ROLES, VolunteerRole
from volunteers.models import Volunteer
from volunteers.vetting import vetting_valid_on, vetting_valid_q


def _wish_interests(ctx: _Citizen) -> list[str]:
    """The interests the citizen's own words name ("synge i kor": singing)."""
    return sorted({i for term in ctx.wish.terms for i in term.interests})


def _wish_sql(ctx: _Citizen, t: str) -> tuple[str, list]:
    """The citizen's words in a volunteer's interests, as Wish.fit counts them."""
    cases, params = [], []
    for term in ctx.wish.terms:
        if term.interests:
            cases.append(f"CASE WHEN {t}.interests ?| %s::text[] THEN {term.weight} ELSE 0 END")
            params.append(list(term.interests))
    return f"least(1.0, ({' + '.join(cases)}) / %s)", [*params, ctx.wish.enough]


def _prescored_volunteers(volunteers, ctx: _Citizen, wanted: list[str], today: date):
    score = _PreScore("volunteers_volunteer")
    t = score.t
    home = [r for r in wanted if r in HOME_VISIT_ROLES]
    other = [r for r in wanted if r not in HOME_VISIT_ROLES]
    volunteers = volunteers.filter(
        # Home visits only with a valid certificate: the rule of volunteers/vetting.py.
        Q(roles__has_any_keys=other) | (Q(roles__has_any_keys=home) & vetting_valid_q(today)),
        _condition(
            f"CASE WHEN jsonb_array_length({t}.languages) = 0 THEN %s "
            f"ELSE {t}.languages ?| %s::text[] END",
            ["da" in ctx.languages, sorted(ctx.languages)],
        ),
    )
    if ctx.point is not None:
        score.distance(ctx)
    score.shared_count("interests", "interests", ctx.profile.interests, 2.0)
    if _wish_interests(ctx):
        sql, params = _wish_sql(ctx, t)
        score.add("wish", sql, *params)
    if ctx.profile.slots:
        score.overlap("schedule", "slots", ctx.profile.slots, cast="int")
    score.add("load", f'({t}.capacity - {t}."load")::float / {t}.capacity')
    if ctx.citizen.needs_hearing:
        # Only by phone (no role the citizen wants that meets in person): hard to hear.
        in_person = [r for r in wanted if r not in REMOTE_ROLES]
        score.add(
            "hearing",
            f"CASE WHEN {t}.roles ?| %s::text[] THEN 1 ELSE -1 END" if in_person else "-1",
            *([in_person] if in_person else []),
        )
    return score.apply(volunteers, order_tiebreak="first_name")


def _rank_volunteers(ctx: _Citizen, nearby: list[str] | None) -> list[Suggestion]:
    citizen = ctx.citizen
    # Asked for, or any role but host; by phone only for a citizen who would take part so.
    wanted = ctx.wanted_roles or [
        r
        for r in VolunteerRole.values
        if r != VolunteerRole.HOST and (ctx.profile.accepts_remote or r not in REMOTE_ROLES)
    ]
    base = Volunteer.objects.filter(status__in=MATCHABLE_STATUSES, load__lt=F("capacity"))
    taken = Match.objects.filter(
        citizen=citizen, status__in=OPEN_MATCH_STATUSES, volunteer__isnull=False
    ).values("volunteer_id")
    base = base.exclude(pk__in=taken)
    columns = (
        "id",
        "first_name",
        "last_name",
        "roles",
        "interests",
        "languages",
        "slots",
        "latitude",
        "longitude",
        "postcode",
        "capacity",
        "load",
        "vetting_seen_on",
        "vetting_renewal_due",
    )
    today = timezone.localdate()
    near = base if nearby is None else base.filter(postcode__in=nearby)
    near = _prescored_volunteers(near, ctx, wanted, today)
    rows = list(near.values_list(*columns))
    if nearby is not None and any(role in REMOTE_ROLES for role in wanted):
        # Phone friends can be anywhere: the least busy of them, wherever they live.
        seen = {row[0] for row in rows}
        remote = (
            base.exclude(postcode__in=nearby)
            .filter(json_list_contains("roles", VolunteerRole.PHONE_FRIEND))
            .order_by("load", "created_at")
            .values_list(*columns)[: scoring.PRESELECT]
        )
        rows += [row for row in remote if row[0] not in seen]
    role_labels = dict(VolunteerRole.choices)
    suggestions = []
    for (
        pk,
        first_name,
        last_name,
        roles,
        interests,
        languages,
        slots,
        lat,
        lon,
        postcode,
        capacity,
        load,
        seen,
        renewal,
    ) in rows:
        vetted = vetting_valid_on(seen=seen, renewal_due=renewal, on=today)
        # The first wanted role the volunteer can take: home visits only with valid vetting.
        role = next(
            (r for r in wanted if r in (roles or []) and (vetted or r not in HOME_VISIT_ROLES)),
            None,
        )
        if role is None:
            continue
        can_talk, other_languages = _speaks(ctx, languages)
        if not can_talk:
            continue
        score = _Score()
        remote = role in REMOTE_ROLES
        km = _score_distance(score, ctx, (lat, lon), remote, "volunteer", postcode)
        if km is not None and km > ctx.profile.max_distance_km:
            continue
        score.reasons.insert(0, _("can be a {role}").format(role=role_labels[role].lower()))
        _score_interests(score, ctx, interests)
        if _wish_interests(ctx):
            shared = [t for t in ctx.wish.terms if t.tagged(interests=interests)]
            score.add("wish", ctx.wish.fit(shared))
            if shared:
                score.reasons.append(
                    _("matches the wish: «{words}»").format(words=ctx.wish.quote(shared))
                )
        fitting = _score_schedule(score, ctx, slots)
        if fitting:
            score.reasons.append(
                _("free {when}").format(when=_join([slot_label(s) for s in fitting[:2]]).lower())
            )
        score.add("load", (capacity - load) / capacity)
        left = capacity - load
        score.reasons.append(
            _("room for one more citizen")
            if left == 1
            else _("room for {n} more citizens").format(n=left)
        )
        if role in HOME_VISIT_ROLES:
            score.reasons.append(
                _("certificate in order until {date}").format(
                    date=formats.date_format(renewal, "SHORT_DATE_FORMAT")
                )
            )
        if other_languages:
            score.reasons.append(
                _("speaks {languages}").format(
                    languages=_join(_labels(other_languages, _LanguageChoices)).lower()
                )
            )
        if citizen.needs_hearing:
            score.add("hearing", -1 if remote else 1)
            if remote:
                score.cautions.append(_("By phone or online: hard with hearing needs"))
        suggestions.append(
            Suggestion(
                kind=SuggestionKind.VOLUNTEER,
                id=pk,
                title=f"{first_name} {last_name}",
                subtitle=str(role_labels[role]),
                score=score.value,
                reasons=score.reasons,
                cautions=score.cautions,
                distance_km=km,
                role=role,
                breakdown=score.breakdown,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0, s.title))
    return suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]
