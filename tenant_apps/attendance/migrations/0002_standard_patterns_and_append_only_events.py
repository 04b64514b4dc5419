from datetime import date, time

from django.db import migrations

PATTERNS = [
    # code, name, kind, start, latest_start, minutes, Thursday minutes (Friday–Saturday states)
    ("WBF", "Waktu Bekerja Fleksi", "flexi", time(7, 30), time(9, 0), 540, 450),
    ("WP1", "Waktu Berperingkat 1 (07:30–16:30)", "fixed", time(7, 30), None, 540, 450),
    ("WP2", "Waktu Berperingkat 2 (08:00–17:00)", "fixed", time(8, 0), None, 540, 450),
    ("WP3", "Waktu Berperingkat 3 (08:30–17:30)", "fixed", time(8, 30), None, 540, 450),
    ("WP4", "Waktu Berperingkat 4 (09:00–18:00)", "fixed", time(9, 0), None, 540, 450),
]


def seed(apps, schema_editor):
    WorkingPattern = apps.get_model("attendance", "WorkingPattern")
    Policy = apps.get_model("attendance", "Policy")
    for code, name, kind, start, latest, minutes, short in PATTERNS:
        WorkingPattern.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "start": start, "latest_start": latest, "duration_minutes": minutes,
            "short_day_minutes": short})
    if not Policy.objects.exists():
        Policy.objects.create(effective_from=date(2000, 1, 1),
                              default_pattern=WorkingPattern.objects.get(code="WBF"))


# Clock events are append-only: no DELETE, and no UPDATE except setting the device-override mark.
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION attendance_clockevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'clock events are append-only (use a clock adjustment)';
    END IF;
    IF (to_jsonb(NEW) - 'overridden_by_device') IS DISTINCT FROM (to_jsonb(OLD) - 'overridden_by_device') THEN
        RAISE EXCEPTION 'clock events are append-only (use a clock adjustment)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER attendance_clockevent_append_only
    BEFORE UPDATE OR DELETE ON attendance_clockevent
    FOR EACH ROW EXECUTE FUNCTION attendance_clockevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS attendance_clockevent_append_only ON attendance_clockevent;
DROP FUNCTION IF EXISTS attendance_clockevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
