"""The ceiling of the clock-in benchmark: a bare Django view doing one INSERT, on the same stack.

Same gunicorn, same settings and middleware as the product (agency routing by host, sessions, CSRF,
authentication, idle timeout, two-factor hold, audit context, agency status, forced password
change...), the same session cookie and CSRF token per officer, the same JSON body. The view does
only what any authenticated write must: check the user is signed in, read the body, INSERT one row
(into `bench_ceiling`, a table bench/clockin_django.py creates with raw SQL in the agency's schema;
no model, no migration), answer 201 with JSON. No DRF, no ORM, no serializer, no business rules.

Served at POST /bench/insert/ on the agency's host, next to every agency URL of the product."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from bench.bare_urls import insert_one
from spotme.urls_tenant import handler404, handler500  # noqa: F401 (the product's error views)
from spotme.urls_tenant import urlpatterns as product_urlpatterns

INSERT = (
    "INSERT INTO bench_ceiling (user_id, direction, latitude, longitude, accuracy, idempotency_key)"
    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
)


@require_POST
def insert(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "not signed in", "code": "not_authenticated"}, status=403)
    return insert_one(request, INSERT, request.user.pk)


urlpatterns = [path("bench/insert/", insert, name="bench-insert"), *product_urlpatterns]
