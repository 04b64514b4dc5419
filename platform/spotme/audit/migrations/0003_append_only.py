"""The audit trail is append-only for whoever the application connects as.

A REVOKE would not bind the role the application (and the tests) connect as in development: the
table's owner. A trigger binds everyone short of disabling it, so it also protects against a bug or
an injected query. The one update allowed is the foreign key's ON DELETE SET NULL when an account
is removed: the entry keeps its username / actor string, only the link goes. TRUNCATE (the test
suite's flush, dropping an offboarded agency's schema) fires no row trigger."""

from django.db import migrations


def append_only(table: str, nullable_links: list[str]) -> tuple[str, str]:
    links = " - ".join(f"'{c}'" for c in nullable_links)
    unlinked = " AND ".join(f"(NEW.{c} IS NULL OR NEW.{c} IS NOT DISTINCT FROM OLD.{c})" for c in nullable_links)
    forward = f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit trail is append-only (%): no DELETE', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - {links}) IS DISTINCT FROM (to_jsonb(OLD) - {links}) OR NOT ({unlinked}) THEN
        RAISE EXCEPTION 'the audit trail is append-only (%): no UPDATE', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""
    return forward, backward


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_logentry")]
    operations = [
        migrations.RunSQL(*append_only("audit_authevent", ["user_id", "actor_id"])),
        migrations.RunSQL(*append_only("audit_logentry", ["actor_id"])),
    ]
