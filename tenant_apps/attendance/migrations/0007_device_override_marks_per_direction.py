"""Data migration (issue 18 #6): device priority moved from the whole day to each direction.

Old representation (devices.ingest until commit c0f9dfa): once an officer-day had any device punch,
*every* app punch of that day was marked `overridden_by_device` and none of them counted, voided
device punches included; an app punch made after the import was not marked at all. So an app
clock-out the device never had was marked "not counted: the device recorded this day's clock-out" and
the day closed *tidak lengkap*.

New representation (attendance.punches.device_directions, the SQL in devices.ingest): an app punch is
marked exactly when the day's device punches that are not voided cover its direction — a device "in"
(or any undirected punch) covers the clock-in; a device "out" (or two undirected punches or more)
the clock-out — and only marked punches do not count.

This migration sets every app punch's mark by the new rule (in SQL, as devices.ingest does) and
recomputes the officer-days whose counted punches change with it: device days holding an app punch
the new rule counts. The recompute is the bulk one (attendance.batch.recompute_many) and keeps each
day's closed state; its issues are raised or withdrawn as after a device import. Not reversible in
meaning (the old marks were wrong): backwards does nothing."""

from django.db import migrations

COVER = """
    SELECT d.officer_id, d.attendance_date,
           bool_or(d.direction IN ('in', 'punch')) AS covers_in,
           bool_or(d.direction = 'out') OR (count(*) >= 2 AND bool_or(d.direction = 'punch')) AS covers_out
    FROM attendance_clockevent d
    WHERE d.source = 'biometric'
      AND NOT EXISTS (SELECT 1 FROM attendance_clockadjustment a WHERE a.event_id = d.id AND a.kind = 'void')
    GROUP BY d.officer_id, d.attendance_date
"""

# The clock-event trigger lets exactly this column change (migration 0002).
REMARK = f"""
WITH cover AS ({COVER}),
wanted AS (
    SELECT e.id,
           coalesce((e.direction = 'in' AND c.covers_in) OR (e.direction = 'out' AND c.covers_out), false)
               AS mark
    FROM attendance_clockevent e
    LEFT JOIN cover c ON c.officer_id = e.officer_id AND c.attendance_date = e.attendance_date
    WHERE e.source <> 'biometric' AND (e.overridden_by_device OR c.officer_id IS NOT NULL)
)
UPDATE attendance_clockevent e SET overridden_by_device = w.mark
FROM wanted w
WHERE e.id = w.id AND e.overridden_by_device <> w.mark
"""

# Days with a device punch (voided ones too: the old rule ignored every app punch of such a day) and
# an app punch that counts now.
CHANGED_DAYS = """
SELECT DISTINCT e.officer_id, e.attendance_date
FROM attendance_clockevent e
WHERE e.source <> 'biometric' AND NOT e.overridden_by_device
  AND NOT EXISTS (SELECT 1 FROM attendance_clockadjustment a WHERE a.event_id = e.id AND a.kind = 'void')
  AND EXISTS (SELECT 1 FROM attendance_clockevent b
              WHERE b.officer_id = e.officer_id AND b.attendance_date = e.attendance_date
                AND b.source = 'biometric')
ORDER BY 1, 2
"""


def remark_and_recompute(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(REMARK)
        cursor.execute(CHANGED_DAYS)
        keys = [(officer_id, day) for officer_id, day in cursor.fetchall()]
    if not keys:
        return  # the template schema and every agency without device data end here
    # The bulk recompute of today's code: the day records are derived data, and only the running
    # code knows the rules they follow.
    from tenant_apps.attendance.batch import recompute_many

    recompute_many(keys)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0006_offline_punches"),
        ("organisation", "0010_offline_punches"),
        ("movements", "0002_movement_idempotency_key"),
        ("people", "0003_help_texts"),
    ]
    operations = [migrations.RunPython(remark_and_recompute, migrations.RunPython.noop, elidable=True)]
