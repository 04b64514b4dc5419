"""The lowest ceiling of the clock-in benchmark: a bare Django view, no middleware at all.

The same INSERT as bench/ceiling_urls.py, into a table of its own (`bench_bare`, in the bench
agency's schema, named in full: no host routing sets a search_path here), answered 201 with JSON.
No tenant routing, no session, no user, no CSRF, no security headers: what Django itself costs
for one write behind gunicorn, the floor the product's middleware is compared with (issue 21).
Served with DJANGO_SETTINGS_MODULE=bench.bare_settings only; nothing of it reaches the product."""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

SUBDOMAIN = "benchclock"
_insert: list[str] = []


def _statement() -> str:
    if not _insert:
        with connection.cursor() as cursor:
            cursor.execute("SELECT schema_name FROM tenants_agency WHERE subdomain = %s", [SUBDOMAIN])
            (schema,) = cursor.fetchone()
        _insert.append(
            f'INSERT INTO "{schema}".bench_bare (user_id, direction, latitude, longitude, accuracy,'
            " idempotency_key) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
        )
    return _insert[0]


def insert_one(request, sql: str, user_id: int) -> JsonResponse:
    """The one write both ceilings do (this bare view and bench/ceiling_urls.py): the JSON body's
    punch INSERTed with `sql`, answered 201 with its id."""
    data = json.loads(request.body or b"{}")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                user_id,
                str(data.get("direction", ""))[:5],
                data.get("latitude"),
                data.get("longitude"),
                data.get("accuracy"),
                request.headers.get("Idempotency-Key", "")[:64],
            ],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


@require_POST
def insert(request):
    return insert_one(request, _statement(), 0)


def healthz(request):  # bench/clockin.py waits for this before loading the server
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", insert, name="bench-bare"), path("healthz", healthz)]
