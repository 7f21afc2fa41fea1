"""Sessions in the database (never in Redis, docs/decisions/0009-when-redis-is-down.md), with a
cheaper write for the one made on every request.

Every request renews the session's expiry (the idle timeout counts from the last click), so
every request writes the session row, and Django's write commits and waits for PostgreSQL to
flush its log to disk: a few milliseconds on every page. A write that only moves the expiry need
not wait. Should the database server crash in the fraction of a second before the flush, the
expiry would be that of the request before, so the session would end a click earlier, never
later. The renewal writes the expiry alone, so it never writes back data another request changed
meanwhile. A session whose data changed (a sign-in, a confirmed second factor, anything a view
stored, also a value changed inside one without telling the session) is written exactly as
Django writes it.
"""

import json

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router, transaction


class SessionStore(DatabaseSessionStore):
    def load(self):
        session = super().load()
        # What was read, to tell at the end whether the data changed: a view may change a value
        # inside the session (a dict's key deleted) without the session noticing it was modified.
        self._as_read = _canonical(session)
        return session

    def save(self, must_create=False):
        if (
            must_create
            or self.session_key is None
            or self.modified
            or _canonical(self._get_session()) != getattr(self, "_as_read", None)
        ):
            return super().save(must_create=must_create)
        using = router.db_for_write(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # One statement, as Django's own save: set_config(…, true) holds for this
            # transaction only, whose commit then returns before the disk flush. Only the expiry:
            # the data this request read may have been changed meanwhile by another request.
            cursor.execute(
                f"UPDATE {table} SET expire_date = %s "  # noqa: S608
                "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS commit_mode "
                "WHERE session_key = %s",
                [self.get_expiry_date(), self.session_key],
            )
            if cursor.rowcount != 1:
                # The row is gone (signed out elsewhere, or expired and cleared): as Django does.
                raise UpdateError


def _canonical(session: dict) -> str | None:
    try:
        return json.dumps(session, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
