"""The words typed in the public directory's search box, matched as a Danish reader means them.

The approach: PostgreSQL's Danish full-text search (`to_tsvector('danish', …)`), over
- the offer's title and description: `offer_search_document(title, description)`, with a GIN
  index (offers/migrations/0012_directory_full_text_search.py);
- the Danish labels of its strategy, categories, interests and target groups: the words are
  matched against the labels as the code has them now (no migration when a label changes), and
  the offers are found by the codes of the labels found, in `offer_search_codes(...)`, also
  GIN-indexed;
- its organisation's name.
The stemmer joins the forms of a word ("sorgen" finds "Sorggruppe", "strikke" finds "Vi
strikker", "efterladt" finds the target group "Efterladte").

- Each word typed is stemmed and matched from the start of a word (`to_tsquery` with `:*` on
  the stemmed lexeme): "strik" finds "Strikkecafé". A word of three letters or fewer matches a
  whole word only: "kor" is a choir, not "Kortklubben".
- The organisation's name is matched unstemmed (`simple`): it is a name, and "Røde Kors" is not
  a choir ("kors" and "kor" are one word to the Danish stemmer).
- Every word must match somewhere: in the title, the description, a label or the organisation's
  name.
- Words such as "og" and "i" (the stemmer's stop words, DANISH_STOP_WORDS) would match every
  offer: they are left out before the query is made, and a search of only such words lists every
  offer. At most MAX_WORDS different words are searched; the page says which were left out. So
  one search costs the database at most MAX_WORDS index look-ups, whatever is typed.
- A few words people use are joined to words the stemmer cannot join, in SYNONYMS below ("enke"
  finds the bereavement group, which says "sorg" and "efterladte"; "gåtur" finds "Vi går").
- With words and no place, the offers whose title has the words come first (`ts_rank` over the
  title), then the others, each by title (see _TitleRank).

Only letters and digits of what is typed reach the query, so nothing typed is read as the
query syntax's own (&, |, !, :*, quotes).
"""

import json
import re
from dataclasses import dataclass

from django.db.models import BooleanField, F, FloatField, Func, Q, TextField, Value
from django.utils import translation

from accounts.models import Organisation
from offers.constants import ActivityKind, Interest, OfferStatus, Strategy, TargetGroup
from offers.models import Offer

# Words people type that the stemmer cannot join to the words offers use. Each row: the words
# typed (any of them, lower case) and what each of them finds. A word ending in * finds every
# word beginning with its stem ("sorg*": sorg, sorgen, sorggruppe); a word without finds that
# word in its every form, and no longer word ("enke": not "enkelt"). A word typed that is in a
# row finds only what the row says.
SYNONYMS: list[tuple[str, str]] = [
    # A widow or widower looks for company after a loss: the groups say "sorg", "efterladte".
    (
        "enke enken enker enkerne enkemand enkemanden enkemænd enkefrue enkefruen enkestand",
        "enke enker enkemand* enkemænd* enkefrue* enkestand* sorg* sørg* efterladte*",
    ),
    ("sorg sorgen sørge sørger sørgende", "sorg* sørg* efterladte* enkemand* enkefrue*"),
    # A walk: to the stemmer "gå", "går" and "gåtur" are three words.
    (
        "gå går gåtur gåture gåturen gåturene vandre vandrer vandring vandreture",
        "gå går gåtur* vandr* vandring*",
    ),
    ("strik strikke strikker strikning strikketøj hækle hækling", "strik* strikning* hækl*"),
    # Loneliness: the offers that say so, and the networks that are for it.
    ("ensom ensomhed ensomheden ensomme alene", "ensom* alene netværk*"),
    # A friend: "besøgsven" and "besøgsvenner" stem apart ("besøgsv", "besøgsven").
    (
        "ven venner veninde veninder venskab besøgsven besøgsvenner telefonven telefonvenner "
        "spiseven spisevenner",
        "ven venner venind* venskab* besøgsven* telefonven* spiseven*",
    ),
    ("syng synge synger sang sange sangen kor koret korsang", "syng* sang* kor korsang*"),
    # The accent people leave out.
    ("cafe cafeen café caféen", "café* cafe*"),
    ("mand mænd mændene herre herrer", "mand mænd* herre herrer"),
    ("kvinde kvinder kvinderne dame damer", "kvind* dame damer"),
]

_SYNONYMS = {typed: finds.split() for words, finds in SYNONYMS for typed in words.split()}

# Letters and digits: what is left of a word once the query syntax's characters are gone.
_TOKEN = re.compile(r"[^\W_]+")

# At most this many different words are searched for. Each word is a look-up in every index, and
# anyone may search: more words would cost the database more than they narrow the search.
MAX_WORDS = 5

# The Danish stemmer's stop words (PostgreSQL's tsearch_data/danish.stop, from Snowball). To the
# stemmer they are no word at all, so each would find every offer.
_DANISH_STOP = """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi
    min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her
    alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit
    også under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive
    mange ad bliver hendes været thi jer sådan
"""
DANISH_STOP_WORDS = frozenset(_DANISH_STOP.split())

# Shorter words match whole words only ("kor" is not the start of "Kortklubben").
MIN_PREFIX_LENGTH = 4

_DANISH = "'pg_catalog.danish'::regconfig"
_SIMPLE = "'pg_catalog.simple'::regconfig"


def _tsquery_term(word: str) -> str:
    """One word as to_tsquery reads it: quoted, and `:*` for "beginning with"."""
    if word.endswith("*"):
        return f"'{word[:-1]}':*"
    return f"'{word}'"


def _alternatives(token: str) -> str:
    """What one word typed finds, as to_tsquery text: 'a':* | 'b'."""
    if token in _SYNONYMS:
        words = _SYNONYMS[token]
    else:
        words = [f"{token}*" if len(token) >= MIN_PREFIX_LENGTH else token]
    return " | ".join(_tsquery_term(word) for word in words)


@dataclass(frozen=True)
class SearchWords:
    """What is searched for of the words typed, and what is left out."""

    # As to_tsquery text, one for each word that must match.
    words: list[str]
    # The words typed that are too common to search for ("og"), and those beyond MAX_WORDS.
    too_common: list[str]
    beyond_limit: list[str]


def search_words_read(q: str) -> SearchWords:
    """The words of a search: every different word typed but the stop words, up to MAX_WORDS.
    A word in SYNONYMS is searched for, stop word or not: the row says what it finds."""
    words: list[str] = []
    too_common: list[str] = []
    beyond_limit: list[str] = []
    for token in dict.fromkeys(_TOKEN.findall((q or "").lower())):
        if token in DANISH_STOP_WORDS and token not in _SYNONYMS:
            too_common.append(token)
            continue
        alternatives = _alternatives(token)
        if alternatives in words:
            # "sang synge": one word to search for.
            continue
        if len(words) < MAX_WORDS:
            words.append(alternatives)
        else:
            beyond_limit.append(token)
    return SearchWords(words=words, too_common=too_common, beyond_limit=beyond_limit)


def search_words(q: str) -> list[str]:
    """The words of a search as to_tsquery text, one for each word that must match."""
    return search_words_read(q).words


class _ToTsQuery(Func):
    output_field = TextField()

    def __init__(self, text: str, *, config: str):
        super().__init__(Value(text, output_field=TextField()))
        self.template = f"pg_catalog.to_tsquery({config}, %(expressions)s)"


class _Matches(Func):
    """document @@ query"""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _IsEmpty(Func):
    """A query of stop words only ("og"): it has no lexeme left."""

    template = "(pg_catalog.numnode(%(expressions)s) = 0)"
    output_field = BooleanField()


class _TitleRank(Func):
    """How well the title matches any of the words (ts_rank), 0 for a title without them.

    The title only: ranking over the whole document would make it again for every offer found
    (the index keeps no weights to rank from), which costs more than the search itself when a
    common word finds thousands. Offers found by their description, labels or organisation
    come after those that say it in their title."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        title, title_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        # Words of stop words only rank nothing; PostgreSQL sees so when it plans the query.
        sql = (
            f"CASE WHEN pg_catalog.numnode({query}) = 0 THEN 0 ELSE pg_catalog.ts_rank("
            f"pg_catalog.to_tsvector({_DANISH}, {title}), {query}) END"
        )
        return sql, (*query_params, *title_params, *query_params)


def offer_document() -> Func:
    """The offer's search document: the very expression of the index offer_search_document_idx,
    so that the database can use it."""
    return Func(
        F("title"), F("description"), function="offer_search_document", output_field=TextField()
    )


def offer_codes() -> Func:
    """Every code the offer is tagged with, as one JSON list: the expression of the index
    offer_search_codes_idx."""
    return Func(
        F("strategy"),
        F("activity_kinds"),
        F("interests"),
        F("target_groups"),
        function="offer_search_codes",
        output_field=TextField(),
    )


def search_labels() -> str:
    """{code: its Danish labels} as JSON, for the database to search. A code that is both an
    activity kind and an interest ("nature") has both labels: it is the same thing."""
    labels: dict[str, list[str]] = {}
    with translation.override("da"):
        for choices in (Strategy, ActivityKind, Interest, TargetGroup):
            for code, label in choices.choices:
                labels.setdefault(code, []).append(str(label))
    return json.dumps({code: " ".join(texts) for code, texts in labels.items()}, sort_keys=True)


class _TaggedWith(Func):
    """The offer has a code whose Danish label has the word: offer_search_codes(...) ?| the
    codes found (one look-up of the labels per search, then the index)."""

    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__(
            offer_codes(),
            Value(search_labels(), output_field=TextField()),
            Value(word, output_field=TextField()),
        )

    def as_sql(self, compiler, connection, **extra_context):
        codes, codes_params = compiler.compile(self.source_expressions[0])
        labels, labels_params = compiler.compile(self.source_expressions[1])
        word, word_params = compiler.compile(self.source_expressions[2])
        # Compiled expressions with their parameters, and this module's constants.
        sql = (
            f"({codes} ?| ARRAY(SELECT label.key FROM pg_catalog.jsonb_each_text("  # noqa: S608
            f"({labels})::jsonb) AS label WHERE pg_catalog.to_tsvector({_DANISH}, label.value) "
            f"@@ pg_catalog.to_tsquery({_DANISH}, {word})))"
        )
        return sql, (*codes_params, *labels_params, *word_params)


def _offers_matching(word: str):
    """The ids of the active offers one word typed finds: by their title and description, their
    labels or their organisation's name. A union rather than OR: each part uses its own index,
    where an OR of them would read every offer."""
    query = _ToTsQuery(word, config=_DANISH)
    # The indexes hold the active offers only.
    active = Offer.objects.filter(status=OfferStatus.ACTIVE).order_by()
    by_document = active.filter(_Matches(offer_document(), query))
    by_label = active.filter(_TaggedWith(word))
    organisations = Organisation.objects.filter(
        _Matches(
            Func(F("name"), template=f"pg_catalog.to_tsvector({_SIMPLE}, %(expressions)s)"),
            _ToTsQuery(word, config=_SIMPLE),
        )
    ).values("pk")
    by_organisation = Offer.objects.filter(organisation__in=organisations).order_by()
    return by_document.values("pk").union(by_label.values("pk"), by_organisation.values("pk"))


@dataclass(frozen=True)
class TextSearch:
    """A search's words: the filter that every word must pass, and the rank of a match."""

    filters: list[Q]
    rank: Func | None


def text_search(q: str) -> TextSearch:
    words = search_words(q)
    if not words:
        return TextSearch(filters=[], rank=None)
    filters = []
    for word in words:
        # A word the parser reads as a stop word only ("og²" is "og") has no lexeme left and
        # finds every offer. The query is a constant, so PostgreSQL drops the whole filter when
        # it plans the query, rather than listing every offer to find them all.
        empty = _IsEmpty(_ToTsQuery(word, config=_DANISH))
        filters.append(Q(empty) | Q(pk__in=_offers_matching(word)))
    any_word = _ToTsQuery(" | ".join(f"({word})" for word in words), config=_DANISH)
    return TextSearch(filters=filters, rank=_TitleRank(F("title"), any_word))
