from __future__ import annotations

from django_tenants.utils import schema_context

from spotme.celery import app

from . import services


@app.task(name="outbox.relay_everywhere", ignore_result=True)
def relay_everywhere() -> int:
    """Every RELAY_SECONDS (beat): publish what the after-commit publication could not (the broker
    was down), in the public schema and every active agency."""
    from tenants.models import Agency, AgencyStatus

    schemas = ["public"] + list(
        Agency.objects.filter(status=AgencyStatus.ACTIVE)
        .exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    )
    n = 0
    for schema in schemas:
        with schema_context(schema):
            n += services.relay(min_age=services.RELAY_MIN_AGE)
            services.purge_published()
    return n
