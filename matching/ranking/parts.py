"""The parts an offer's score is made of, each once as SQL for the database's preselection and
once in Python for the ranking, side by side (tests/matching/test_matching.py checks that both give
the same total for every offer).

Each value lies between -1 and 1. A part that cannot fit takes points away: an offer for a group
the citizen is not in, an age far outside the offer's, a full offer, contact by phone for someone
hard of hearing. A barrier that a person can solve (a lift, someone to go along, an interpreter)
costs a little until it is solved, and nothing after: the offer stays, with what to arrange.
"""

from django.utils.translation import gettext as _

from core.slots import slot_label
from matching.ranking.scoring import (
    REMOTE_DISTANCE,
    Part,
    _Citizen,
    _distance_reason,
    _interests_reason,
    _join,
    _labels,
    distance_expression,
    distance_value,
    distance_value_sql,
    overlap_sql,
)
from matching.ranking.stems import any_of
from offers.constants import ActivityKind, TargetGroup
from places.geo import distance_km

# The text of an offer the citizen's words are looked for in: the same in SQL and Python.
_TEXT_SQL = "({t}.title || ' ' || {t}.description)"


def offer_text(row: dict) -> str:
    return f"{row['title']} {row['description']}"


class WishPart(Part):
    """The citizen's own words (their wishes and the referral's) found in the offer: its title,
    description, interests, kinds of activity or target groups. Two things named make a full
    fit, one of two half; broad words ("kaffe", "snak") count half."""

    key = "wish"

    def applies(self, ctx: _Citizen) -> bool:
        return bool(ctx.wish)

    def sql(self, ctx, t):
        text = _TEXT_SQL.format(t=t)
        tagged, tagged_params, said, said_params = [], [], [], []
        for term in ctx.wish.terms:
            tags, tag_params = [], []
            for column, codes in (
                ("interests", term.interests),
                ("activity_kinds", term.kinds),
                ("target_groups", term.groups),
            ):
                if codes:
                    tags.append(f"{t}.{column} ?| %s::text[]")
                    tag_params.append(list(codes))
            by_tags = f"CASE WHEN {' OR '.join(tags)} THEN {term.weight} ELSE 0 END"
            tagged.append(by_tags if tags else "0")
            tagged_params += tag_params
            if term.broad:  # by its tags only, as Term.said_in
                said.append(tagged[-1])
                said_params += tag_params
                continue
            condition = " OR ".join([*tags, f"{text} ~ %s"])
            said.append(f"CASE WHEN {condition} THEN {term.weight} ELSE 0 END")
            said_params += [*tag_params, term.pattern]
        cores = sorted({c for term in ctx.wish.terms if not term.broad for c in term.cores})
        if not cores:
            return f"least(1.0, ({' + '.join(tagged)}) / %s)", [*tagged_params, ctx.wish.enough]
        # Most offers say none of the wish's words: one plain scan for any of them spares the
        # patterns (the same result, only faster).
        return (
            f"least(1.0, (CASE WHEN {text} ~ %s "
            f"THEN {' + '.join(said)} ELSE {' + '.join(tagged)} END) / %s)",
            [any_of(cores), *said_params, *tagged_params, ctx.wish.enough],
        )

    def value(self, ctx, row):
        row["wish_terms"] = ctx.wish.matched(
            text=offer_text(row),
            interests=row["interests"],
            kinds=row["activity_kinds"],
            groups=row["target_groups"],
        )
        return ctx.wish.fit(row["wish_terms"])

    def explain(self, ctx, row, value, score):
        if row["wish_terms"]:
            score.reasons.append(
                _("matches the wish: «{words}»").format(words=ctx.wish.quote(row["wish_terms"]))
            )


class ActivityPart(Part):
    key = "activity"

    def applies(self, ctx):
        return bool(ctx.profile.activity_kinds)

    def sql(self, ctx, t):
        return overlap_sql(t, "activity_kinds", ctx.profile.activity_kinds)

    def value(self, ctx, row):
        wished = set(ctx.profile.activity_kinds)
        row["kinds_wished"] = [k for k in row["activity_kinds"] or [] if k in wished]
        return 1 if row["kinds_wished"] else 0

    def explain(self, ctx, row, value, score):
        if row["kinds_wished"]:
            score.reasons.append(
                _("what the citizen would like: {what}").format(
                    what=_join(_labels(row["kinds_wished"], ActivityKind)).lower()
                )
            )


class InterestsPart(Part):
    key = "interests"

    def applies(self, ctx):
        return bool(ctx.profile.interests)

    def sql(self, ctx, t):
        return (
            f"least(1.0, (SELECT count(*) FROM jsonb_array_elements_text({t}.interests) x "  # noqa: S608
            f"WHERE x = ANY(%s)) / 2.0)",
            [list(ctx.profile.interests)],
        )

    def value(self, ctx, row):
        wanted = set(ctx.profile.interests)
        return min(1.0, len([i for i in row["interests"] or [] if i in wanted]) / 2)

    def explain(self, ctx, row, value, score):
        reason = _interests_reason(ctx, row["interests"])
        if reason:
            score.reasons.append(reason)


class DistancePart(Part):
    """Near is better; by phone or online counts as near (only for a citizen who would take
    part that way: the candidates' filter), but not as next door."""

    key = "distance"

    def sql(self, ctx, t):
        if ctx.point is None:
            return f"CASE WHEN {t}.is_remote THEN %s ELSE 0.5 END", [REMOTE_DISTANCE]
        expression, params = distance_expression(t, ctx)
        return distance_value_sql(t, ctx, expression, params, f"{t}.is_remote")

    def value(self, ctx, row):
        row["km"] = None
        if row["is_remote"]:
            return REMOTE_DISTANCE
        if ctx.point is None or row["latitude"] is None:
            return 0.5
        row["km"] = distance_km(ctx.point[0], ctx.point[1], row["latitude"], row["longitude"])
        return distance_value(ctx, row["km"])

    def explain(self, ctx, row, value, score):
        if row["is_remote"]:
            score.reasons.append(_("By phone or online: no travelling"))
        elif row["km"] is None:
            score.cautions.append(_("Distance unknown: the postcode is missing"))
        else:
            same = bool(row["postcode"]) and row["postcode"] == ctx.citizen.postcode
            _distance_reason(score, ctx, row["km"], "offer", same_area=same)


class SchedulePart(Part):
    """The offer meets when the citizen is free; an offer without fixed times (a mentor, a
    visiting friend) is arranged with the citizen."""

    key = "schedule"

    def applies(self, ctx):
        return bool(ctx.profile.slots)

    def sql(self, ctx, t):
        overlap, params = overlap_sql(t, "slots", ctx.profile.slots, cast="int")
        return f"CASE WHEN jsonb_array_length({t}.slots) = 0 THEN 0.5 ELSE {overlap} END", params

    def value(self, ctx, row):
        row["fitting_slots"] = sorted(set(row["slots"] or []) & set(ctx.profile.slots))
        if not row["slots"]:
            return 0.5
        return 1 if row["fitting_slots"] else 0

    def explain(self, ctx, row, value, score):
        if row["slots"] and not row["fitting_slots"]:
            score.cautions.append(
                _("Meets {when}: the citizen is not free then").format(
                    when=_join([slot_label(s) for s in sorted(row["slots"])[:2]]).lower()
                )
            )
        elif row["fitting_slots"] and row.get("time_reason"):
            score.reasons.append(row["time_reason"])


class TargetGroupPart(Part):
    """Aimed at the citizen's situation (the bereaved, for a widower; carers, for a carer) and
    at no group they are surely not in: a fit. At a group the citizen is in by age or sex alone
    ("older people", for a 74-year-old): a little better than for everyone. For everyone, or
    nobody in particular: neutral. For groups nobody knows whether the citizen is in, or
    partly theirs (a chair gym for older people with a disability, for a wheelchair user of
    40): a little less. Only for groups the citizen is surely not in (older people, for a
    25-year-old; women new in Denmark, for a Danish widower): it speaks against."""

    key = "target_group"
    IN, BY_AGE, NEUTRAL, PARTLY, OUT = 1.0, 0.7, 0.6, 0.3, -1.0

    def sql(self, ctx, t):
        groups = f"{t}.target_groups"
        inside, outside = sorted(ctx.groups.inside), sorted(ctx.groups.outside)
        not_out = f"NOT {groups} ?| %s::text[]"
        return (
            f"CASE WHEN {groups} ?| %s::text[] AND {not_out} THEN {self.IN} "
            f"WHEN {groups} ?| %s::text[] AND {not_out} THEN {self.BY_AGE} "
            f"WHEN jsonb_array_length({groups}) = 0 OR {groups} ? %s THEN {self.NEUTRAL} "
            f"WHEN {groups} ?| %s::text[] THEN {self.PARTLY} "
            f"WHEN {groups} ?| %s::text[] THEN {self.OUT} "
            f"ELSE {self.PARTLY} END",
            [
                sorted(ctx.groups.situation),
                outside,
                inside,
                outside,
                TargetGroup.EVERYONE.value,
                inside,
                outside,
            ],
        )

    def value(self, ctx, row):
        groups = set(row["target_groups"] or [])
        row["groups_in"] = sorted(groups & ctx.groups.inside)
        out = groups & ctx.groups.outside
        if groups & ctx.groups.situation and not out:
            return self.IN
        if row["groups_in"] and not out:
            return self.BY_AGE
        if not groups or TargetGroup.EVERYONE in groups:
            return self.NEUTRAL
        if row["groups_in"]:
            return self.PARTLY
        if out:
            return self.OUT
        return self.PARTLY

    def explain(self, ctx, row, value, score):
        if row["groups_in"] and value >= self.NEUTRAL:
            score.reasons.append(
                _("for {who}").format(who=_join(_labels(row["groups_in"], TargetGroup)).lower())
            )
        elif value == self.OUT:
            score.cautions.append(
                _("meant for {who}").format(
                    who=_join(_labels(sorted(row["target_groups"]), TargetGroup)).lower()
                )
            )


class AgePart(Part):
    """Within the offer's ages: a fit; a year or two outside: nothing; further: against."""

    key = "age"
    SLACK = 2

    def sql(self, ctx, t):
        def within(slack):
            return (
                f"({t}.age_min IS NULL OR {t}.age_min <= %s) "
                f"AND ({t}.age_max IS NULL OR {t}.age_max >= %s)",
                [ctx.age + slack, ctx.age - slack],
            )

        exact, exact_params = within(0)
        near, near_params = within(self.SLACK)
        return (
            f"CASE WHEN {exact} THEN 1 WHEN {near} THEN 0 ELSE -1 END",
            [*exact_params, *near_params],
        )

    def value(self, ctx, row):
        def within(slack):
            return (row["age_min"] is None or row["age_min"] <= ctx.age + slack) and (
                row["age_max"] is None or row["age_max"] >= ctx.age - slack
            )

        return 1 if within(0) else 0 if within(self.SLACK) else -1

    def explain(self, ctx, row, value, score):
        if value < 1:
            score.cautions.append(
                _("meant for ages {low}–{high}").format(
                    low=row["age_min"] if row["age_min"] is not None else 0,
                    high=row["age_max"] if row["age_max"] is not None else "",
                )
            )


class PlacesPart(Part):
    """Room is better than a crowd; a full offer is shown with its waiting list, lower."""

    key = "places"

    def sql(self, ctx, t):
        return (
            f"CASE WHEN {t}.capacity IS NULL THEN 1 WHEN {t}.places_taken >= {t}.capacity "
            f"THEN -1 ELSE 0.5 + 0.5 * ({t}.capacity - {t}.places_taken)::float / {t}.capacity "
            "END",
            [],
        )

    def value(self, ctx, row):
        capacity, taken = row["capacity"], row["places_taken"]
        if capacity is None:
            return 1
        if taken >= capacity:
            return -1
        return 0.5 + 0.5 * (capacity - taken) / capacity

    def explain(self, ctx, row, value, score):
        capacity = row["capacity"]
        if capacity is not None and 0 < capacity - row["places_taken"] <= 3:
            left = capacity - row["places_taken"]
            score.cautions.append(
                _("only one place left") if left == 1 else _("{n} places left").format(n=left)
            )


class PracticalPart(Part):
    """Getting there: transport and someone to go along. Each barrier the offer does not solve
    costs until a person solves it (a neighbour drives, a daughter goes along)."""

    key = "practical"
    BARRIER = 0.5

    @staticmethod
    def _needs(ctx):
        profile = ctx.profile
        return (
            ctx.citizen.needs_transport and not profile.transport_arranged_by,
            profile.needs_companion and not profile.companion_arranged_by,
        )

    def applies(self, ctx):
        return ctx.citizen.needs_transport or ctx.profile.needs_companion

    def sql(self, ctx, t):
        transport, companion = self._needs(ctx)
        costs = []
        if transport:
            costs.append(
                f"CASE WHEN {t}.is_remote OR {t}.transport_offered THEN 0 ELSE {self.BARRIER} END"
            )
        if companion:
            costs.append(
                f"CASE WHEN {t}.is_remote OR {t}.accompaniment_possible THEN 0 "
                f"ELSE {self.BARRIER} END"
            )
        return f"1{''.join(f' - ({c})' for c in costs)}", []

    def value(self, ctx, row):
        transport, companion = self._needs(ctx)
        remote, cost = row["is_remote"], 0.0
        if transport and not (remote or row["transport_offered"]):
            cost += self.BARRIER
        if companion and not (remote or row["accompaniment_possible"]):
            cost += self.BARRIER
        return 1 - cost

    def explain(self, ctx, row, value, score):
        citizen, profile, remote = ctx.citizen, ctx.profile, row["is_remote"]
        if citizen.needs_transport and not remote:
            if row["transport_offered"]:
                score.reasons.append(_("transport is offered"))
            elif profile.transport_arranged_by:
                score.reasons.append(
                    _("lift arranged: {who}").format(who=profile.transport_arranged_by)
                )
            else:
                score.cautions.append(_("Needs transport: arrange a lift"))
        if profile.needs_companion and not remote and not row["accompaniment_possible"]:
            if profile.companion_arranged_by:
                score.reasons.append(
                    _("companion arranged: {who}").format(who=profile.companion_arranged_by)
                )
            else:
                score.cautions.append(_("Needs someone to go along: arrange a companion"))


class HearingPart(Part):
    """For someone hard of hearing: a hearing loop helps (its lack is a caution, not a limit),
    and contact by phone speaks against."""

    key = "hearing"
    LOOP, NO_LOOP, PHONE = 1.0, 0.0, -1.0

    def applies(self, ctx):
        return ctx.citizen.needs_hearing

    def sql(self, ctx, t):
        return (
            f"CASE WHEN {t}.is_remote THEN {self.PHONE} WHEN {t}.hearing_loop THEN {self.LOOP} "
            f"ELSE {self.NO_LOOP} END",
            [],
        )

    def value(self, ctx, row):
        if row["is_remote"]:
            return self.PHONE
        return self.LOOP if row["hearing_loop"] else self.NO_LOOP

    def explain(self, ctx, row, value, score):
        if value == self.PHONE:
            score.cautions.append(_("By phone or online: hard with hearing needs"))
        elif value == self.LOOP:
            score.reasons.append(_("hearing loop"))
        else:
            score.cautions.append(_("No hearing loop"))


class LanguagePart(Part):
    """For a citizen not at home in Danish: an offer in their language, or one made for people
    new in Denmark (a language café), fits; any other needs an interpreter, and fits a little
    once one is arranged."""

    key = "language"
    ARRANGED, MISSING = 0.5, -1.0

    def applies(self, ctx):
        return ctx.needs_language_help

    def _otherwise(self, ctx) -> float:
        return self.ARRANGED if ctx.profile.language_help_arranged_by else self.MISSING

    def sql(self, ctx, t):
        whens, params = [], []
        if ctx.own_languages:
            whens.append(f"WHEN {t}.languages ?| %s::text[] THEN 1")
            params.append(sorted(ctx.own_languages))
        whens.append(f"WHEN {t}.target_groups ? %s THEN 1")
        params.append(TargetGroup.NEW_IN_DENMARK.value)
        return f"CASE {' '.join(whens)} ELSE %s END", [*params, self._otherwise(ctx)]

    def value(self, ctx, row):
        if ctx.own_languages & set(row["languages"] or []):
            return 1
        if TargetGroup.NEW_IN_DENMARK in (row["target_groups"] or []):
            return 1
        return self._otherwise(ctx)

    def explain(self, ctx, row, value, score):
        if value == self.ARRANGED:
            score.reasons.append(
                _("interpreter arranged: {who}").format(who=ctx.profile.language_help_arranged_by)
            )
        elif value == self.MISSING:
            score.cautions.append(_("Not in the citizen's language: arrange an interpreter"))


# In the order their reasons are read: the citizen's own words first.
OFFER_PARTS: list[Part] = [
    WishPart(),
    ActivityPart(),
    InterestsPart(),
    DistancePart(),
    SchedulePart(),
    TargetGroupPart(),
    AgePart(),
    PlacesPart(),
    PracticalPart(),
    HearingPart(),
    LanguagePart(),
]
