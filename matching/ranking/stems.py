"""The citizen's own words matched against offers: "vil gerne synge i kor" finds the choir.

A small table of word families, Danish first and the English a referrer might write. Each family
lists stems and the interests, kinds of activity and target groups an offer is tagged with when
it is about the same thing, so "synge i kor" finds "Et kor for alle" and an offer tagged
"singing". A word of the wish that belongs to no family counts on its own, trimmed to a stem
("bridge" finds "Bridgeklubben"), unless it is one of the everyday words every wish and every
offer is full of.

A stem is a whole word ("kor": not "kort", not "korte"), the start of a word ("strik*": strikke,
strikkecafé), the end of one ("*kor": seniorkor) or a few words ("gøre nytte"). Each family
becomes one regular expression that reads the same in Python and in PostgreSQL: explicit letter
classes in both cases ([kK][oO][rR]) and look-arounds, never \\b, \\w, lower() or a
case-insensitive match, whose meanings differ between the two and with the database's locale.
The database's preselection and the ranking therefore find the same offers.
"""

import re
from dataclasses import dataclass

# What counts as a letter of a word, in either case.
_LETTERS = "a-zA-Z0-9æøåäöüéèáóúÆØÅÄÖÜÉÈÁÓÚ"
_LETTER = f"[{_LETTERS}]"
_NOT_AFTER_LETTER = f"(?<!{_LETTER})"
_NO_LETTER_NEXT = f"(?!{_LETTER})"
_STEM_SHAPE = re.compile(r"^\*?[a-zæøåäöüé'_-]+\*?$")


@dataclass(frozen=True)
class Family:
    key: str
    stems: tuple[str, ...]
    interests: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    # Said of almost any offer ("kaffe", "snak"): it counts for half of what the wish names, and
    # only where the offer is tagged with it (its words would find every offer).
    broad: bool = False


def _family(key, stems, *, interests=(), kinds=(), groups=(), broad=False) -> Family:
    return Family(key, tuple(stems.split()), tuple(interests), tuple(kinds), tuple(groups), broad)


# Stems are separated by spaces; "_" joins the words of one stem ("gøre_nytte"). The order
# matters where families share words: the first to claim a word of the wish keeps it ("gå ture"
# is a walk, not an outing).
FAMILIES = [
    _family(
        "choir",
        "kor koret korene korets *kor korsang* kormusik* syng* sang* fællessang* choir* sing "
        "sings singing song*",
        interests=["singing"],
    ),
    _family(
        "music",
        "musik* *musik music* instrument* guitar* klaver* orkester* koncert* concert*",
        interests=["music"],
    ),
    # Not the "crafts" interest: that is woodwork and repairs as much as yarn.
    _family("knitting", "strik* *strik hækl* håndarbejd* garn syklub* knit* crochet*"),
    _family(
        "woodwork",
        "værksted* *værksted snedker* træarbejd* håndværk* reparer* fuglekasse* med_hænderne "
        "med_mine_hænder workshop* woodwork* repair*",
        interests=["woodwork"],
    ),
    _family(
        "art",
        "male maler maleri* tegne tegner tegning* keramik* akvarel* kunst* paint* drawing art",
        interests=["art"],
    ),
    _family("chess", "skak* chess*", interests=["cards"]),
    _family(
        "cards",
        "kortspil* kortklub* spille_kort whist* bridge* rummy canasta brætspil* spil cards "
        "card_games board_game*",
        interests=["cards"],
    ),
    _family(
        "walking",
        "gåtur* gå-tur* gå_tur* gå_ture går_tur* gå_en_tur* går_en_tur* gå-klub* vandr* "
        "walk* hike* hiking",
        interests=["walking"],
    ),
    _family(
        "nature",
        "natur naturen naturens naturvandring* naturvejled* naturoplevels* *skov skoven "
        "skovtur* fugle* friluft* udeliv* nature forest* outdoor*",
        interests=["nature"],
    ),
    _family(
        "gardening",
        "havearbejd* haven haver fælleshave* køkkenhave* kolonihave* nyttehave* "
        "havefællesskab* haveklub* dyrk* grøntsag* blomster* jord jorden grave garden*",
        interests=["gardening"],
    ),
    _family(
        "meals",
        "spis* fællesspis* mad maden madlavning* lave_mad laver_mad måltid* middag* frokost* "
        "eat eating meal* dinner* cook*",
        interests=["meals", "cooking"],
    ),
    _family(
        "dancing",
        "dans danse danser dansen dansehold* danseaften* linedance* *dans dance* dancing",
        interests=["dancing"],
    ),
    _family(
        "exercise",
        "motion* gymnastik* *gymnastik træning* træne* bevæg* fitness* yoga* exercise* gym",
        interests=["exercise"],
    ),
    _family("swimming", "svøm* vinterbad* havbad* swim*", interests=["swimming"]),
    _family(
        "life_stories",
        "livshistorie* livsfortælling* fortæl fortælle fortælling* erindring* erindre minder "
        "sit_liv mit_liv dit_liv* life_stor* memoir* memories",
    ),
    _family(
        "local_history",
        "lokalhistori* historie historien historisk* museum museer museet history",
        interests=["history"],
    ),
    _family(
        "reading",
        "læse* læsning* læsekreds* bog bøger bogklub* litteratur* oplæsning* read reading book*",
        interests=["reading"],
    ),
    _family("film", "film* biograf* cinema* movie*", interests=["film"]),
    _family(
        "digital",
        "computer* tablet* ipad* mobil mobilen mobiltelefon* smartphone* mitid e-boks digital*",
        interests=["digital"],
    ),
    _family(
        "phone",
        "telefon* *telefon ringe ringer ringes opkald* phone* call calls",
    ),
    _family(
        "animals",
        "hund hunde hunden hundene hundeluft* dyr dyrene kat katte* hest heste* dog dogs animal*",
        interests=["animals"],
    ),
    _family("fishing", "fisk* lystfisk* fishing angling", interests=["fishing"]),
    _family(
        "faith",
        "kirke* *kirke gudstjeneste* præst* menighed* tro troen church* faith",
        interests=["faith"],
    ),
    _family(
        "volunteering",
        "gøre_nytte gøre_noget_for_andre hjælpe_andre være_frivillig blive_frivillig "
        "som_frivillig volunteer*",
        interests=["volunteering"],
        kinds=["volunteering"],
    ),
    _family(
        "danish",
        "dansk lære_dansk øve_dansk øv_dansk snakke_dansk snak_dansk tale_dansk "
        "danskundervisning* sprog sproget sprogcafé* sprogcafe* danish",
        groups=["new_in_denmark"],
    ),
    _family("mentor", "mentor* *mentor støtteperson* mentoring", kinds=["mentor"]),
    _family("young", "unge ungdom* young youth", groups=["young"]),
    _family(
        "peers",
        "samme_situation ligesindede ligestillede som_mig same_situation",
        kinds=["peer_group", "self_help"],
    ),
    _family(
        "grief",
        "sorg* *sorg mistet miste efterladt* enke enker enkemand enkemænd dødsfald* grief "
        "bereave* widow*",
        groups=["bereaved"],
    ),
    _family(
        "carers",
        "pårørende* demens* *demens pusterum passer_min passer_sin carer* caregiv*",
        groups=["carers"],
    ),
    _family(
        "mental_health",
        "har_det_svært angst* depression* nedtrykt* psykisk* anxiety anxious depress*",
        groups=["mental_health"],
    ),
    _family("women", "kvinde* *kvinder women woman", groups=["women"]),
    # Not the English "men": in Danish it is "but".
    _family("men", "mænd mænds mandefællesskab* mandegruppe*", groups=["men"]),
    _family(
        "trips",
        "udflugt* tur ture turen bustur* ud_af_huset trip trips excursion* outing*",
        interests=["trips"],
    ),
    _family(
        "company",
        "snak* hygge* hyggelig* tale taler tale_med samtale* dele_tanker* fortrolig* kaffe* "
        "selskab* samvær* talk* chat* company coffee",
        interests=["coffee"],
        broad=True,
    ),
]

# Words a wish is full of that say nothing about what the citizen would like to do. Only words
# of five letters or more count on their own at all.
_EVERYDAY_WORDS = """
    gerne rigtig nogen noget nogle andre anden andet meget mange måske sammen komme kommer
    kunne skulle ville hende hendes deres efter siden også altid aldrig stadig gode
    bedre bedst mere mest blive bliver været savner savne ønsker ønske ønsket synes tænker
    tanker gange dagen dagene ugen uger hverdag hverdagen hjemme hjemmet huset ensom ensomme
    ensomhed alene mennesker menneske personer finde prøve starte begynde lære lærer
    interesse interesseret tilbud aktivitet aktiviteter fællesskab fællesskaber gruppe
    grupper klubben forening mødes møde møder selv borgeren borger helst spille eller
    allerede første gang dele igennem omkring kender kende familie børnene børn datter
    datteren sønnen svært hjælp hjælpe støtte trænger brug about again being would really
    someone somebody something people others other there their where which maybe together
"""
_EVERYDAY = set(_EVERYDAY_WORDS.split())
_SUFFIXES = ("erne", "ende", "ene", "ers", "er", "en", "et", "e", "s")
# A wish of many words is read for the first few things it names.
MAX_TERMS = 8


def _letters(stem: str) -> str:
    # Each letter in both cases: the same in every database locale, and no lower() to pay for.
    out = []
    for char in stem:
        if char.isalpha():
            out.append(f"[{char}{char.upper()}]")
        elif char == " ":
            out.append(r"\s+")
        else:
            out.append(char)
    return "".join(out)


def _stem_regex(stem: str) -> str:
    assert _STEM_SHAPE.match(stem), stem
    prefix, suffix = stem.endswith("*"), stem.startswith("*")
    core = _letters(stem.strip("*").replace("_", " "))
    if suffix:
        core = f"{_LETTER}*{core}"
    return core if prefix else core + _NO_LETTER_NEXT


def stems_regex(stems) -> str:
    """One regular expression for words beginning where no letter stands before them."""
    return f"{_NOT_AFTER_LETTER}(?:{'|'.join(_stem_regex(s) for s in stems)})"


def stems_cores(stems) -> tuple[str, ...]:
    """Letters every match of the stems begins with, in lower case, Capitalised or in CAPITALS
    ("MitID" aside): most offers have none of them, and a database finds that with one plain
    scan far faster than by trying each pattern."""
    words = {stem.strip("*").replace("_", " ").split()[0] for stem in stems}
    # "kor" is in every text "korsang" is in: the shortest do.
    words = {w for w in words if not any(o != w and o in w for o in words)}
    return tuple(sorted({c for w in words for c in (w, w.capitalize(), w.upper())}))


def any_of(cores) -> str:
    """A regular expression for a text with any of the cores in it (as LIKE '%core%' would)."""
    for core in cores:
        assert re.fullmatch(r"[\w' -]+", core), core
    return "|".join(sorted(cores))


@dataclass(frozen=True)
class Term:
    """Something the wish names: a word family, or a word of its own."""

    key: str
    pattern: str  # the same in Python and PostgreSQL
    cores: tuple[str, ...]  # one of them is in any text the pattern matches
    interests: tuple[str, ...]
    kinds: tuple[str, ...]
    groups: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # where the wish says it
    broad: bool = False

    @property
    def weight(self) -> float:
        return 0.5 if self.broad else 1.0

    def tagged(self, *, interests=(), kinds=(), groups=()) -> bool:
        return bool(
            set(interests or ()) & set(self.interests)
            or set(kinds or ()) & set(self.kinds)
            or set(groups or ()) & set(self.groups)
        )

    def said_in(self, text: str) -> bool:
        """Whether the text says it. Broad words are in nearly every offer's text: for them
        only the tags count."""
        return not self.broad and bool(_compiled(self.pattern).search(text))

    def found_in(self, text: str, *, interests=(), kinds=(), groups=()) -> bool:
        """Whether an offer is about this: its tags, or its words."""
        return self.tagged(interests=interests, kinds=kinds, groups=groups) or self.said_in(text)


_COMPILED: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        if len(_COMPILED) > 2000:
            _COMPILED.clear()
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled


_FAMILY_PATTERNS = [
    (family, stems_regex(family.stems), stems_cores(family.stems)) for family in FAMILIES
]
_WORD = re.compile(f"{_LETTER}+")


def _own_stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _word_end(text: str, end: int) -> int:
    """A stem's match ends where its word does: "strik*" in "strikker" quotes "strikker"."""
    match = _WORD.match(text, end)
    return match.end() if match else end


def _overlaps(span, spans) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


@dataclass(frozen=True)
class Wish:
    """The citizen's wishes in their own words, read for what they name."""

    text: str
    terms: tuple[Term, ...]

    @classmethod
    def read(cls, text: str) -> "Wish":
        text = text or ""
        lower = text.lower()
        terms: list[Term] = []
        claimed: list[tuple[int, int]] = []
        for family, pattern, cores in _FAMILY_PATTERNS:
            spans = tuple(
                (m.start(), _word_end(text, m.end()))
                for m in _compiled(pattern).finditer(text)
                if not _overlaps(m.span(), claimed)
            )
            if spans:
                claimed += spans
                terms.append(
                    Term(
                        family.key,
                        pattern,
                        cores,
                        family.interests,
                        family.kinds,
                        family.groups,
                        spans,
                        family.broad,
                    )
                )
        seen = {t.key for t in terms}
        for match in _WORD.finditer(lower):
            word = match.group()
            if len(word) < 5 or word in _EVERYDAY or word.isdigit():
                continue
            if _overlaps(match.span(), claimed):
                continue
            stem = _own_stem(word)
            if stem in seen:
                continue
            seen.add(stem)
            own = [stem + "*"]
            terms.append(
                Term(stem, stems_regex(own), stems_cores(own), (), (), (), (match.span(),))
            )
        return cls(text, tuple(terms[:MAX_TERMS]))

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def enough(self) -> int:
        """How many things the wish names that make a full fit when an offer has them all: two
        at most, and broad words ("kaffe") do not count."""
        return min(2, sum(1 for t in self.terms if not t.broad)) or 1

    def fit(self, terms: list["Term"]) -> float:
        """How much of the wish an offer with `terms` meets, from 0 to 1."""
        return min(1.0, sum(t.weight for t in terms) / self.enough)

    def matched(self, *, text: str = "", interests=(), kinds=(), groups=()) -> list[Term]:
        """The terms of the wish an offer (its words, as written, and its tags) is about."""
        return [
            t
            for t in self.terms
            if t.found_in(text, interests=interests, kinds=kinds, groups=groups)
        ]

    def quote(self, terms: list[Term], *, longest: int = 40) -> str:
        """The citizen's own words for `terms`: from the first word the wish says them with to
        the last in the same sentence ("synge i kor"), as written."""
        spans = sorted(span for t in terms for span in t.spans)
        if not spans:
            return ""
        start, end = spans[0]
        stop = re.search(r"[.;:!?\n]|,\s", self.text[start:])
        sentence_end = start + stop.start() if stop else len(self.text)
        for _start, e in spans[1:]:
            if e <= sentence_end and e - start <= longest:
                end = max(end, e)
        return self.text[start:end]
