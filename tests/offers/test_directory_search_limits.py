"""What one search of the public directory may ask of the database.

Anyone may search, many times a minute. Words too common to search for ("og", "i", "på": the
Danish stemmer's stop words) find every offer, so they add no filter; at most five words are
searched; and the list finds its offers once for its count, its page and its map. The page says
which words were left out.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers import selectors
from offers.directory_search import DANISH_STOP_WORDS, MAX_WORDS
from tests.offers.factories import offer

pytestmark = pytest.mark.django_db

URL = "/tilbud/"

TWELVE_WORDS = "kaffe strik gåtur sang natur mad hygge motion bøger kort snak musik"


def _sql(**search) -> str:
    return str(selectors.directory_search(user=None, **search).query)


def _word_filters(sql: str) -> int:
    # Each word searched for looks its labels up once (offers.directory_search._TaggedWith).
    return sql.count("jsonb_each_text")


def _plan(**search) -> list[str]:
    sql, params = selectors.directory_search(user=None, **search).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (COSTS OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _titles(response) -> list[str]:
    return [o.title for o in response.context["page"]]


# --- Words too common to search for ----------------------------------------------------------


def test_words_too_common_to_search_for_add_no_filter():
    assert _word_filters(_sql(q="og i på at en den til er som de")) == 0
    assert _sql(q="og i på at en den til er som de") == _sql(q="")
    assert _sql(q="og i på at en den til er som de", sort="title") == _sql(q="", sort="title")


def test_common_words_among_others_are_left_out():
    assert _sql(q="kaffe og strik i") == _sql(q="kaffe strik")
    assert _word_filters(_sql(q="kaffe og strik i")) == 2


def test_the_shipped_stop_words_are_the_databases():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w "
            "WHERE pg_catalog.numnode(pg_catalog.plainto_tsquery('danish', w)) > 0",
            [sorted(DANISH_STOP_WORDS)],
        )
        assert cursor.fetchall() == []


def test_a_word_the_database_reads_as_no_word_costs_no_search():
    # "og²" is "og" to PostgreSQL's parser: it finds every offer and must not make the
    # database look at each of them.
    assert _plan(q="og²", sort="title") == _plan(q="", sort="title")


def test_a_search_of_only_common_words_lists_every_offer_and_says_so(client):
    offer(title="Strikkecafé")
    offer(title="Kortklubben")
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"q": "og i på"})

    assert _titles(response) == ["Kortklubben", "Strikkecafé"]
    assert response.context["sorted_by"] == "title"
    assert (
        "The words «og», «i», «på» are too common to search for and were left out."
        in response.content.decode()
    )


def test_one_common_word_is_named_too(client):
    offer(title="Strikkecafé", description="Vi strikker og snakker.")
    offer(title="Kortklubben")
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"q": "strik og"})

    assert _titles(response) == ["Strikkecafé"]
    assert (
        "The word «og» is too common to search for and was left out." in response.content.decode()
    )


def test_a_plain_search_says_nothing_was_left_out(client):
    offer(title="Strikkecafé")
    client.cookies["django_language"] = "en"

    body = client.get(URL, {"q": "strik"}).content.decode()

    assert "left out" not in body


# --- At most five words ----------------------------------------------------------------------


def test_at_most_five_words_are_searched():
    assert MAX_WORDS == 5
    assert _word_filters(_sql(q=TWELVE_WORDS)) == 5
    assert _sql(q=TWELVE_WORDS) == _sql(q="kaffe strik gåtur sang natur")
    # Common words and repeated words take no place among the five.
    assert _sql(q="og kaffe i kaffe strik på gåtur sang sange natur mad") == _sql(
        q="kaffe strik gåtur sang natur"
    )


def test_the_page_says_which_words_were_not_searched_for(client):
    offer(title="Strikkecafé med kaffe, gåtur, sang og natur")
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"q": TWELVE_WORDS})

    assert _titles(response) == ["Strikkecafé med kaffe, gåtur, sang og natur"]
    assert (
        "Only the first 5 words were searched for. Left out: «mad», «hygge», «motion», "
        "«bøger», «kort», «snak», «musik»." in response.content.decode()
    )


# --- One search for the count, the page and the map --------------------------------------------


def test_the_list_searches_once_for_its_count_page_and_map(client):
    for n in range(25):
        offer(title=f"Strikkecafé {n:02}", description="Vi strikker og drikker kaffe.")
    offer(title="Kortklubben", description="Whist og kaffe.")
    client.cookies["django_language"] = "en"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "strik kaffe", "page": "2"})

    searches = [query["sql"] for query in queries if "to_tsquery" in query["sql"]]
    assert len(searches) == 1
    page = response.context["page"]
    assert page.paginator.count == 25
    assert _titles(response) == [f"Strikkecafé {n:02}" for n in range(20, 25)]
    assert [point["title"] for point in response.context["map_points"]] == [
        f"Strikkecafé {n:02}" for n in range(25)
    ]


# --- The search form in the visitor's language ---------------------------------------------------


def test_the_distances_are_named_in_the_visitors_language(client):
    # Made when the page is shown, not when the code was loaded (in whichever language then).
    client.cookies["django_language"] = "en"
    assert "Within 5 km" in client.get(URL).content.decode()
    client.cookies["django_language"] = "da"
    assert "Inden for 5 km" in client.get(URL).content.decode()
