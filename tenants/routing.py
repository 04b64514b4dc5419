"""Host → agency, from a per-process cache checked against the routing version on every request.

Routing used to cost three statements before anything else: `SET search_path` to public, the
`Domain` ⨝ `Agency` SELECT, `SET search_path` to the agency. Now each process keeps the agencies it
has routed to, each with the routing version it was read under, and a request to a known host
costs ONE statement, which it needs anyway:

    SELECT set_config('search_path', '<agency>,public', false),   -- the request's schema
           (SELECT version FROM public.tenants_routing_version),   -- has any agency/domain changed?
           <the session row and its user's row>                   -- spotme/sessions.py

The version is bumped by a trigger on every write to agencies and domains (migration
tenants/0003), in the writer's transaction, so every process sees a suspension, a new or removed
domain, on its very next request: when the version read differs from the entry's, the entry is
dropped and the agency read again (and the session with it). The stamp lives in PostgreSQL, not
Redis: it costs no extra round trip, and a Redis outage changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, quote_schema_name

from spotme.accounts.models import Session
from spotme.sessions import Prefetched

VERSION_SQL = "SELECT version FROM public.tenants_routing_version WHERE id = 1"


@dataclass(frozen=True)
class Entry:
    agency: object  # tenants.models.Agency, shared read-only by the requests of this process
    version: int


_agencies: dict[str, Entry] = {}


def forget(hostname: str | None = None) -> None:
    """Drop one host (or all) from this process's cache. Other processes see the version change;
    this is for the writer's own process (signals) and tests."""
    if hostname is None:
        _agencies.clear()
    else:
        _agencies.pop(hostname, None)


def cached(hostname: str):
    return _agencies.get(hostname)


def remember(hostname: str, agency, version: int | None) -> None:
    if version is not None:
        _agencies[hostname] = Entry(agency, version)


def current_version() -> int | None:
    """The routing version, read on the connection as it is (public schema-qualified)."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def _search_paths(schema_name: str) -> list[str]:
    public = get_public_schema_name()
    return [public] if schema_name == public else [schema_name, public]


_statements: dict[str, str] = {}


def _statement(schema_name: str) -> str:
    sql = _statements.get(schema_name)
    if sql is None:
        schema = quote_schema_name(schema_name)
        user_model = get_user_model()
        user_columns = ", ".join(f'u."{f.column}"' for f in user_model._meta.concrete_fields)
        sql = (
            "SELECT set_config('search_path', %s, false), "
            f"({VERSION_SQL}), s.session_data, s.user_id, {user_columns} "
            "FROM (VALUES (1)) AS one (x) "
            f'LEFT JOIN {schema}."{Session._meta.db_table}" s ON s.session_key = %s AND s.expire_date > %s '
            f'LEFT JOIN {schema}."{user_model._meta.db_table}" u ON u.id = s.user_id'
        )
        if len(_statements) > 10_000:
            _statements.clear()
        _statements[schema_name] = sql
    return sql


def enter(agency, session_key: str | None) -> tuple[int | None, Prefetched]:
    """Put the connection on `agency`'s schema with one statement, which also reads the routing
    version and the request's session and user. Returns (version, prefetched).

    django-tenants is told the search_path is set (TENANT_LIMIT_SET_CALLS), so it does not set it
    again for the request's next statement."""
    schema_name = agency.schema_name
    connection.set_tenant(agency)
    paths = _search_paths(schema_name)
    connection.search_path_set_schemas = paths  # this statement sets it
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                _statement(schema_name),
                [",".join(quote_schema_name(p) for p in paths), session_key, timezone.now()],
            )
            row = cursor.fetchone()
    except DatabaseError:
        connection.search_path_set_schemas = None
        raise
    user_values = tuple(row[4:]) if row[4] is not None else None
    return row[1], Prefetched(
        schema=schema_name,
        session_key=session_key,
        session_data=row[2],
        user_id=row[3],
        user_values=user_values,
    )
