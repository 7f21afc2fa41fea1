"""The public directory's word search: PostgreSQL's Danish full-text search over an offer's
title and description, and the codes of its strategy, categories, interests and target groups
(the search finds the codes whose Danish labels have the words: offers.directory_search), each
with a GIN index; pg_trgm, for suggesting towns whose name is close to a place nobody knows;
and the postcode's centre, where the public sees an offer held in a private home.

The functions are IMMUTABLE, as an index needs, and call only PostgreSQL's own functions
(pg_catalog), because index maintenance and a restore from pg_dump run with an empty
search_path.
"""

import contextlib

from django.db import DatabaseError, migrations, transaction

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION offer_search_document(title text, description text)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $body$
SELECT pg_catalog.setweight(
           pg_catalog.to_tsvector('pg_catalog.danish'::regconfig, coalesce(title, '')), 'A')
    || pg_catalog.setweight(
           pg_catalog.to_tsvector('pg_catalog.danish'::regconfig, coalesce(description, '')), 'C')
$body$;

CREATE OR REPLACE FUNCTION offer_search_codes(
    strategy text, activity_kinds jsonb, interests jsonb, target_groups jsonb
) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $body$
SELECT CASE WHEN pg_catalog.jsonb_typeof(activity_kinds) = 'array'
            THEN activity_kinds ELSE '[]'::jsonb END
    || CASE WHEN pg_catalog.jsonb_typeof(interests) = 'array'
            THEN interests ELSE '[]'::jsonb END
    || CASE WHEN pg_catalog.jsonb_typeof(target_groups) = 'array'
            THEN target_groups ELSE '[]'::jsonb END
    -- A code is letters and underscores; only immutable functions, so that PostgreSQL may
    -- inline the function.
    || CASE WHEN strategy ~ '^[a-z_]+$'
            THEN ('["' || strategy || '"]')::jsonb ELSE '[]'::jsonb END
$body$;

-- Declared cheap (COST), so that the planner does not count a look-up of the postcode for every
-- offer that is not in a private home, and compile the query (JIT) for nothing.
CREATE OR REPLACE FUNCTION directory_postcode_latitude(code text) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE COST 10
AS $body$ SELECT latitude FROM places_postcode WHERE places_postcode.code = $1 $body$;

CREATE OR REPLACE FUNCTION directory_postcode_longitude(code text) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE COST 10
AS $body$ SELECT longitude FROM places_postcode WHERE places_postcode.code = $1 $body$;

CREATE INDEX offer_search_document_idx ON offers_offer
    USING gin (offer_search_document(title, description))
    WHERE status = 'active';

CREATE INDEX offer_search_codes_idx ON offers_offer
    USING gin (offer_search_codes(strategy, activity_kinds, interests, target_groups))
    WHERE status = 'active';
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS offer_search_codes_idx;
DROP INDEX IF EXISTS offer_search_document_idx;
DROP FUNCTION IF EXISTS offer_search_codes(text, jsonb, jsonb, jsonb);
DROP FUNCTION IF EXISTS offer_search_document(text, text);
DROP FUNCTION IF EXISTS directory_postcode_latitude(text);
DROP FUNCTION IF EXISTS directory_postcode_longitude(text);
"""


def create_trigram_extension(apps, schema_editor):
    """pg_trgm if the database allows it (it is a trusted extension from PostgreSQL 13: the
    database's owner may create it). Without it the directory suggests towns by their first
    letters instead."""
    if schema_editor.connection.vendor != "postgresql":
        return
    # A refusal (no right to create extensions, pg_trgm not installed) undoes only this.
    with (
        contextlib.suppress(DatabaseError),
        transaction.atomic(using=schema_editor.connection.alias),
    ):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0011_offer_held_for_review"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_extension, migrations.RunPython.noop),
        migrations.RunSQL(FUNCTIONS_SQL, REVERSE_SQL),
    ]
