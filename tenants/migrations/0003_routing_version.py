"""A version stamp of host routing: one row, bumped by a trigger on every write to agencies and
domains (INSERT, UPDATE, DELETE, TRUNCATE: ORM saves, queryset updates, raw SQL and psql alike).

Each web process keeps the agencies it has routed to and checks this stamp in the statement that
sets the request's search_path (tenants/routing.py): a suspended agency, a removed domain, is seen
by every process on its very next request. The stamp is a table row, not a sequence, so a new value
becomes visible only with the commit of the change it announces. It is not a Django model on
purpose: `flush` (transactional tests) must not empty it."""

from django.db import migrations

FORWARD = """
CREATE TABLE tenants_routing_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO tenants_routing_version (id, version) VALUES (1, 1);

CREATE FUNCTION tenants_bump_routing_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tenants_routing_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER tenants_agency_routing_version
    AFTER INSERT OR UPDATE OR DELETE ON tenants_agency
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_version();
CREATE TRIGGER tenants_agency_routing_version_truncate
    AFTER TRUNCATE ON tenants_agency
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_version();
CREATE TRIGGER tenants_domain_routing_version
    AFTER INSERT OR UPDATE OR DELETE ON tenants_domain
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_version();
CREATE TRIGGER tenants_domain_routing_version_truncate
    AFTER TRUNCATE ON tenants_domain
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_version();
"""

BACKWARD = """
DROP TRIGGER tenants_domain_routing_version_truncate ON tenants_domain;
DROP TRIGGER tenants_domain_routing_version ON tenants_domain;
DROP TRIGGER tenants_agency_routing_version_truncate ON tenants_agency;
DROP TRIGGER tenants_agency_routing_version ON tenants_agency;
DROP FUNCTION tenants_bump_routing_version();
DROP TABLE tenants_routing_version;
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0002_agency_offboarded_status")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
