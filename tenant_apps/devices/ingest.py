"""Writing parsed device punches: the one path every pull, upload and mapping goes through.

In the caller's transaction:
1. device user IDs → officers (an explicit enrolment number first; else the MyKad number when the
   agency maps by MyKad); punches of unknown IDs are kept aside (UnmatchedPunch) for the org admin;
2. each punch becomes a ClockEvent (source "biometric") on its attendance day, staged by COPY and
   inserted with ON CONFLICT DO NOTHING against the unique index (officer, time) of device punches:
   a punch seen before is a duplicate and changes nothing;
3. the app's own punches that the device now covers, direction by direction, are marked
   `overridden_by_device` (kept, for audit): an app clock-in once the device has the arrival, an app
   clock-out once it has the departure (`punches.device_directions`, the rule `day_punches`
   applies); an app clock-out the device has no counterpart for still counts;
4. those days are recomputed in bulk (`attendance.batch.recompute_many`), raising or withdrawing
   issues; a closed day is recomputed as closed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from tenant_apps.attendance import calendar, rules
from tenant_apps.attendance.batch import execute_binary, insert_rows, key_relation, recompute_many
from tenant_apps.attendance.models import ClockEvent, OfficerPattern, Policy, Source
from tenant_apps.organisation.models import AgencyProfile

from .models import DeviceEnrolment, DeviceIntegration, UnmatchedPunch, UserIdMapping
from .parsing import RawPunch, direction_of


@dataclass
class Outcome:
    received: int = 0
    new: int = 0
    duplicate: int = 0
    unmatched: int = 0
    unmatched_ids: list[str] = field(default_factory=list)
    overridden: int = 0
    days_recomputed: int = 0
    days_reopened: int = 0
    days: set = field(default_factory=set)  # (officer_id, date) that received new punches


def canonical_id(user_id: str, mapping: str) -> str:
    """Device user IDs as compared: MyKad numbers without dashes or spaces; numeric enrolment numbers
    without leading zeros (terminals pad them)."""
    value = user_id.strip()
    if mapping == UserIdMapping.MYKAD:
        value = value.replace("-", "").replace(" ", "")
    if value.isdigit() and mapping == UserIdMapping.ENROLMENT:
        value = value.lstrip("0") or "0"
    return value


def resolve(user_ids: Iterable[str], integration: DeviceIntegration) -> dict[str, int]:
    """{device user ID: officer id} for the IDs that match an officer."""
    from tenant_apps.people.models import Officer

    ids = set(user_ids)
    found: dict[str, int] = {}
    by_enrolment = {canonical_id(u, UserIdMapping.ENROLMENT): u for u in ids}
    for device_id, officer_id in DeviceEnrolment.objects.filter(
        device_user_id__in=list(by_enrolment)
    ).values_list("device_user_id", "officer_id"):
        found[by_enrolment[device_id]] = officer_id
    if integration.user_id_mapping == UserIdMapping.MYKAD:
        by_mykad = {canonical_id(u, UserIdMapping.MYKAD): u for u in ids if u not in found}
        for mykad, officer_id in Officer.objects.filter(user__username__in=list(by_mykad)).values_list(
            "user__username", "pk"
        ):
            found[by_mykad[mykad]] = officer_id
    return found


class _Patterns:
    """Each officer's pattern for a month (for a night shift's attendance day), read in one query."""

    def __init__(self, officer_ids, months):
        self.policies = list(Policy.objects.select_related("default_pattern").order_by("-effective_from"))
        self.own = {
            (p.officer_id, p.month): p.pattern.as_rule()
            for p in OfficerPattern.objects.select_related("pattern").filter(
                officer_id__in=list(officer_ids), month__in=list(months)
            )
        }
        self.default: dict[date, rules.Pattern] = {}

    def for_day(self, officer_id: int, day: date) -> rules.Pattern:
        own = self.own.get((officer_id, calendar.month_start(day)))
        if own is not None:
            return own
        if day not in self.default:
            policy = next((p for p in self.policies if p.effective_from <= day), None)
            self.default[day] = policy.default_pattern.as_rule() if policy is not None else rules.WBF
        return self.default[day]


def ingest(
    punches: list[RawPunch],
    integration: DeviceIntegration,
    *,
    batch=None,
    profile: AgencyProfile | None = None,
) -> Outcome:
    """Write `punches` (already validated) and recompute what they change. Call inside a transaction."""
    profile = profile or AgencyProfile.current()
    tz = ZoneInfo(profile.timezone)
    out = Outcome(received=len(punches))
    # One ingest at a time per agency (a pull and an upload at once): each recomputes its days from
    # what is committed, so the second must see the first's punches. Held until the transaction ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':device-ingest'))")
    officers = resolve({p.user_id for p in punches}, integration)

    unmatched = [p for p in punches if p.user_id not in officers]
    if unmatched:
        out.unmatched = len(unmatched)
        out.unmatched_ids = sorted({p.user_id for p in unmatched})
        UnmatchedPunch.objects.bulk_create(
            [
                UnmatchedPunch(device_user_id=p.user_id, at=p.at, status=p.status, batch=batch)
                for p in unmatched
            ],
            ignore_conflicts=True,
            batch_size=5000,
        )

    matched = [(officers[p.user_id], p) for p in punches if p.user_id in officers]
    local = [(officer_id, p, p.at.astimezone(tz)) for officer_id, p in matched]
    patterns = _Patterns({o for o, _ in matched}, {calendar.month_start(t.date()) for _, _, t in local})
    rows: dict[tuple[int, object], tuple] = {}
    for officer_id, p, at in local:
        key = (officer_id, at)
        if key not in rows:  # the same punch twice in one delivery
            day = rules.attendance_date(at, patterns.for_day(officer_id, at.date()))
            rows[key] = (officer_id, at, direction_of(p.status, integration.direction_mode), day)
    new_days = _insert(list(rows.values()), out)
    out.duplicate = len(matched) - out.new
    out.days = new_days
    if not new_days:
        return out

    keys_sql, keys_params = key_relation(sorted(new_days))
    # attendance.punches.device_directions in SQL: which directions each day's device punches (not voided)
    # cover.
    out.overridden = execute_binary(
        f"""
        WITH k AS (SELECT * FROM {keys_sql}),
        cover AS (
            SELECT d.officer_id, d.attendance_date,
                   bool_or(d.direction IN ('in', 'punch')) AS covers_in,
                   bool_or(d.direction = 'out') OR (count(*) >= 2 AND bool_or(d.direction = 'punch'))
                       AS covers_out
            FROM attendance_clockevent d
            JOIN k ON d.officer_id = k.officer_id AND d.attendance_date = k.day
            WHERE d.source = 'biometric'
              AND NOT EXISTS (SELECT 1 FROM attendance_clockadjustment a
                              WHERE a.event_id = d.id AND a.kind = 'void')
            GROUP BY d.officer_id, d.attendance_date
        )
        UPDATE attendance_clockevent e SET overridden_by_device = true
        FROM cover c
        WHERE e.officer_id = c.officer_id AND e.attendance_date = c.attendance_date
          AND e.source <> 'biometric' AND NOT e.overridden_by_device
          AND ((e.direction = 'in' AND c.covers_in) OR (e.direction = 'out' AND c.covers_out))
        """,
        keys_params,
    )
    out.days_reopened = execute_binary(
        f"""
        SELECT count(*) FROM attendance_attendanceday d
        JOIN {keys_sql} ON d.officer_id = k.officer_id AND d.date = k.day
        WHERE d.closed
        """,
        keys_params,
        fetch=True,
    )[0][0]

    today = timezone.now().astimezone(tz).date()
    out.days_recomputed = recompute_many(
        new_days,
        # The nightly close has passed days before yesterday: a new record there is final at once.
        close_before=today - timedelta(days=1),
        provisional=provisional_rule(integration),
        profile=profile,
    )
    return out


def provisional_rule(integration: DeviceIntegration):
    """A day stays provisional while scheduled pulls may still bring punches for it: until a pull
    after its end (the first pull of the next morning) has landed."""
    if not integration.scheduled:
        return lambda officer_id, day: False
    through = integration.complete_through
    return lambda officer_id, day: through is None or day > through


EVENT_COLUMNS = (
    ("officer_id", "bigint"),
    ("at", "timestamptz"),
    ("direction", "text"),
    ("attendance_date", "date"),
    ("source", "text"),
    ("inside", "boolean"),  # the terminal is in the office
)


def _insert(values: list[tuple], out: Outcome) -> set[tuple[int, date]]:
    """Insert device punches (one COPY and one INSERT … ON CONFLICT DO NOTHING for the whole batch);
    a punch already stored (same officer and second) is skipped by the database (the unique index
    of migration 0001). Returns the officer-days that received one."""
    rows = [
        (officer_id, at, direction, day, Source.BIOMETRIC.value, True)
        for officer_id, at, direction, day in values
    ]
    returned = insert_rows(
        ClockEvent,
        EVENT_COLUMNS,
        rows,
        conflict=("officer_id", "at"),
        returning=("officer_id", "attendance_date", "direction"),
    )
    out.new += len(returned)
    _count_metrics(Counter(direction for *_, direction in returned))
    return {(officer_id, day) for officer_id, day, _ in returned}


def _count_metrics(directions: Counter) -> None:
    """Clock events per agency (spotme.metrics counts the app's on save; these bypass the ORM)."""
    from django.db import transaction

    from spotme.metrics import CLOCK_EVENTS

    agency = getattr(connection, "schema_name", None) or "-"
    for direction, n in directions.items():
        labels = {"agency": agency, "source": Source.BIOMETRIC.value, "direction": direction}
        transaction.on_commit(lambda labels=labels, n=n: CLOCK_EVENTS.labels(**labels).inc(n))
