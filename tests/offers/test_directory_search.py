"""The directory's word search: Danish full-text search, as a citizen and a GP would use it.

Words find their other forms ("gåture" the walk, "sorgen" the grief group), match whole words
from their start ("kor" is a choir, not "Kortklubben" and not "Røde Kors"), find the labels an
offer is tagged with, and a few everyday words find what the stemmer cannot join ("enke" the
bereavement group). With words and no place the best match comes first.
"""

import json

import pytest
from django.db import connection

from offers import selectors
from offers.constants import ActivityKind, Interest, Strategy, TargetGroup
from tests.offers.factories import an_organisation, offer

pytestmark = pytest.mark.django_db

URL = "/tilbud/"


def _titles(response) -> list[str]:
    return [o.title for o in response.context["page"]]


@pytest.fixture
def demo_like():
    """Offers as the demo municipality writes them."""
    red_cross = an_organisation(name="Røde Kors Brobjerg")
    offer(
        title="Gå-klubben Solsikken – tirsdagsturen",
        description="Vi går en tur på 3–5 km i roligt tempo langs åen og slutter med kaffe.",
        activity_kinds=["nature", "exercise"],
    )
    offer(
        title="Sorggruppe for efterladte",
        description="En lille gruppe for dig, der har mistet en ægtefælle eller partner.",
        activity_kinds=["peer_group"],
        target_groups=["bereaved"],
    )
    offer(
        title="Telefonven",
        description="En fast telefonven ringer til dig en eller to gange om ugen.",
        organisation=red_cross,
        is_remote=True,
    )
    offer(
        title="Brobjerg Seniorkor",
        description="Et kor for alle, der kan lide at synge. Ingen optagelsesprøve.",
        activity_kinds=["culture"],
    )
    offer(title="Kortklubben", description="Whist, rummy og kaffe hver fredag eftermiddag.")
    offer(
        title="Strikkecafé",
        description="Vi strikker, hækler og snakker. Garn og pinde kan lånes.",
        organisation=red_cross,
    )


# --- Words find their other forms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # Another form of a word in the title ("tirsdagsturen", "går") or its interest.
        ("gåture", ["Gå-klubben Solsikken – tirsdagsturen"]),
        ("gåturen", ["Gå-klubben Solsikken – tirsdagsturen"]),
        ("gå", ["Gå-klubben Solsikken – tirsdagsturen"]),
        ("sorgen", ["Sorggruppe for efterladte"]),
        ("efterladt", ["Sorggruppe for efterladte"]),
        ("strikke", ["Strikkecafé"]),
        ("hækle", ["Strikkecafé"]),
        ("synger", ["Brobjerg Seniorkor"]),
    ],
)
def test_a_word_finds_its_other_forms(client, demo_like, words, expected):
    assert _titles(client.get(URL, {"q": words})) == expected


def test_a_word_matches_whole_words_from_their_start_not_inside_them(client, demo_like):
    # "kor" is a choir: not the card club ("Kortklubben"), not Red Cross ("Røde Kors").
    assert _titles(client.get(URL, {"q": "kor"})) == ["Brobjerg Seniorkor"]
    # The start of a word finds the whole word, the title's compound included.
    assert _titles(client.get(URL, {"q": "strik"})) == ["Strikkecafé"]
    assert _titles(client.get(URL, {"q": "kortklub"})) == ["Kortklubben"]
    # Inside a word is not a match: "ven" is not in "Telefonven" the way "ring" is not in
    # "eftermiddag".
    assert _titles(client.get(URL, {"q": "fonven"})) == []


def test_the_organisation_is_matched_by_its_name(client, demo_like):
    assert _titles(client.get(URL, {"q": "røde kors", "sort": "title"})) == [
        "Strikkecafé",
        "Telefonven",
    ]
    # Every word must match, each in the title, the description, the labels or the
    # organisation's name.
    assert _titles(client.get(URL, {"q": "strik røde"})) == ["Strikkecafé"]
    assert _titles(client.get(URL, {"q": "strik ringer"})) == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # A widow looking for company after a loss finds the bereavement group.
        ("enke", ["Sorggruppe for efterladte"]),
        ("enkemand", ["Sorggruppe for efterladte"]),
        ("enkefrue", ["Sorggruppe for efterladte"]),
        ("sorg", ["Sorggruppe for efterladte"]),
        ("gåtur", ["Gå-klubben Solsikken – tirsdagsturen"]),
        ("sang", ["Brobjerg Seniorkor"]),
        ("ven", ["Telefonven"]),
    ],
)
def test_words_people_use_find_what_the_stemmer_cannot_join(client, demo_like, words, expected):
    assert _titles(client.get(URL, {"q": words})) == expected


def test_a_synonym_does_not_open_the_door_to_every_word_that_starts_alike(client):
    offer(title="Madklub", description="Det er enkelt: kom og spis med.")

    # "enke" is a widow, not the start of "enkelt" (simple).
    assert _titles(client.get(URL, {"q": "enke"})) == []


def test_the_labels_an_offer_is_tagged_with_are_found_in_danish(client):
    offer(title="Onsdagsholdet", description="Vi ses.", target_groups=[TargetGroup.BEREAVED])
    offer(title="Tirsdagsholdet", description="Vi ses.", activity_kinds=[ActivityKind.EXERCISE])
    offer(title="Fredagsholdet", description="Vi ses.", interests=[Interest.GARDENING])
    offer(title="Torsdagsholdet", description="Vi ses.", strategy=Strategy.PSYCHOEDUCATION)

    assert _titles(client.get(URL, {"q": "efterladte"})) == ["Onsdagsholdet"]
    assert _titles(client.get(URL, {"q": "motion"})) == ["Tirsdagsholdet"]
    assert _titles(client.get(URL, {"q": "havearbejde"})) == ["Fredagsholdet"]
    assert _titles(client.get(URL, {"q": "psykoedukation"})) == ["Torsdagsholdet"]
    # The search is in Danish whatever language the page is read in.
    client.cookies["django_language"] = "en"
    assert _titles(client.get(URL, {"q": "efterladte"})) == ["Onsdagsholdet"]


def test_words_such_as_og_and_i_do_not_narrow_the_search(client, demo_like):
    assert _titles(client.get(URL, {"q": "strik og"})) == ["Strikkecafé"]
    assert _titles(client.get(URL, {"q": "og"})) == _titles(client.get(URL))


@pytest.mark.parametrize("words", ["'", "kaf'fe", "a & b | !c", "(kor", "kor:*", "\\", "<->", "**"])
def test_what_search_syntax_people_type_is_only_words(client, demo_like, words):
    response = client.get(URL, {"q": words})

    assert response.status_code == 200


# --- The best match first ----------------------------------------------------------------------


def test_with_words_and_no_place_the_best_match_comes_first(client):
    offer(title="Aftenkaffe", description="Vi spiller kort og drikker kaffe.")
    offer(title="Kortklubben", description="Whist og rummy hver fredag.")
    offer(title="Bankospil", description="Banko, kort og kaffe.")

    best_first = client.get(URL, {"q": "kort"})
    by_title = client.get(URL, {"q": "kort", "sort": "title"})

    # The title weighs more than the description.
    assert _titles(best_first)[0] == "Kortklubben"
    assert _titles(by_title) == ["Aftenkaffe", "Bankospil", "Kortklubben"]


# --- Underneath ----------------------------------------------------------------------------------


def _copies(model, original, n: int) -> None:
    """n copies of a row under new ids and titles, made in SQL: a table as big as a whole
    country's offers, in a moment."""
    columns = [f.column for f in model._meta.concrete_fields if f.column not in ("id", "title")]
    listed, table = ", ".join(columns), model._meta.db_table
    # The model's own table and column names; the values are parameters.
    copy = (
        f"INSERT INTO {table} (id, title, {listed}) "  # noqa: S608
        f"SELECT gen_random_uuid(), 'Tilbud ' || n, {listed} "
        f"FROM {table}, generate_series(1, %s) AS n WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(copy, [n, original.pk])
        cursor.execute(f"ANALYZE {table}")


def test_the_word_search_uses_its_index_on_a_big_table():
    hygge = offer(title="Hyggeklub", description="Vi mødes og hygger os.")
    offer(title="Strikkecafé", description="Vi strikker og drikker kaffe.")
    _copies(type(hygge), hygge, 20_000)
    offers = selectors.directory_search(user=None, q="strik kaffe")
    sql, params = offers.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # Each word is looked up in the indexes, not in every offer's text and labels.
    assert plan.count("Bitmap Index Scan on offer_search_document_idx") == 2, plan
    assert plan.count("Bitmap Index Scan on offer_search_codes_idx") == 2, plan
    assert [o.title for o in offers] == ["Strikkecafé"]


def test_a_search_by_place_is_not_costed_as_a_look_up_for_every_offer():
    """The postcode's centre of an offer in a private home is looked up in the query. Counted
    as a subquery for every offer, a big table's search would cost enough for PostgreSQL to
    compile it first (JIT, from a cost of 100,000 by default): hundreds of milliseconds."""
    hall = offer(title="Hyggeklub", postcode="5200", city="Odense V")
    offer(title="Spiseven", in_private_home=True, postcode="5200", city="Odense V")
    _copies(type(hall), hall, 20_000)
    offers = selectors.directory_search(
        user=None, q="hygge", area=selectors.directory_area(text="5000"), km=10
    )
    sql, params = offers.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()

    cost = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Total Cost"]
    assert cost < 100_000
