"""Server-side prepared statements for the few raw statements of the busiest path (the clock-in's
one read and one write of the officer-day, tenant_apps/attendance/snapshot.py and clock_write.py).

PostgreSQL spends longer parsing and planning those statements (a `UNION ALL` of nine parts, three
data-modifying CTEs) than running them. Prepared once per connection, they are only executed after
that. Django turns psycopg's prepared statements off because they break behind transaction-mode
poolers; this platform never runs behind one (`search_path` is per session, ARCHITECTURE.md), and
the ORM's own queries stay as they are: only cursors from `prepared_cursor()` prepare. A prepared
statement stays right across agencies: PostgreSQL plans it again when `search_path` changes."""

from __future__ import annotations

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor


class _Statement:
    """What Django's query log reads of a cursor (`cursor._query.query`), which psycopg leaves
    unset for a prepared statement: the text with its values, composed only when the log asks."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params) -> None:
        self.sql, self.params = sql, params

    @property
    def query(self) -> bytes:
        return connection.ops.compose_sql(self.sql, self.params).encode()


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        super().execute(query, params, **kwargs)
        self._query = _Statement(query, params)
        return self


def prepared_cursor():
    """A Django cursor (query log, execute wrappers and query counts as usual; the agency's
    search_path set as for any cursor) whose statements are prepared on their first run on this
    connection. Parameters are bound on the server, so `%s` values reach PostgreSQL typed."""
    wrapper = connection.cursor()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # 0: this connection's server-binding cursors prepare each statement at once; only this
        # function makes such cursors (the ORM's are client-binding and never prepare).
        raw.prepare_threshold = 0
    wrapper.cursor.close()
    wrapper.cursor = _PreparingCursor(raw)
    return wrapper
