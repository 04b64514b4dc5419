"""Writes of Pergerakan (movements). Each public function is one transaction: the checked write, the
recomputed attendance days it touches, and the notifications (sent after commit). django-auditlog
records each row's before → after; a change made after the movement started carries its reason.

`check_movement` holds the rules, so the pages and the API refuse the same input with the same
message (a `ValidationError` keyed by the model's field names, with codes the tests assert on).

Rules:
- A movement is registered for today or a later day (a past day is an attendance correction), at
  most a year ahead (`latest_day`): a date further away is a typing mistake (2030 for 2026).
- Whole day, or a start and an end time on the same day, the end after the start.
- Time out of office (keluar pejabat): at most 4 hours, never a whole day, and it needs the
  approval of the officer's supervisor (or an org admin) before it excuses anything.
- Before it starts, the officer edits or cancels it freely. After that, a change needs a reason
  (at least 5 characters) unless an org admin makes it; either way the audit trail keeps it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotme.malaysia import check_in_malaysia
from tenant_apps.attendance import config as attendance_config
from tenant_apps.attendance.services import agency_tz
from tenant_apps.notifications.models import Kind
from tenant_apps.notifications.services import notify
from tenant_apps.organisation.models import AgencyProfile

from .models import TIME_OUT_MAX, CalendarFeed, Movement

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Extension → the file's first bytes: the name alone is not trusted.
ATTACHMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
MIN_REASON = 5
# Fields a caller may set; everything else (status, approval, decisions) changes only through the
# functions below.
EDITABLE_FIELDS = (
    "date",
    "whole_day",
    "start_time",
    "end_time",
    "kind",
    "place",
    "purpose",
    "latitude",
    "longitude",
    "attachment",
)
# Changing these on an approved time out of office asks for the approval again.
WINDOW_FIELDS = ("date", "whole_day", "start_time", "end_time", "kind")


@dataclass(frozen=True)
class Actor:
    """Who is changing a movement: the signed-in user and whether they are an org admin."""

    user: object
    is_org_admin: bool = False


def now_local(profile: AgencyProfile | None = None) -> datetime:
    profile = profile or AgencyProfile.current()
    return timezone.now().astimezone(agency_tz(profile))


def has_started(movement: Movement, *, now: datetime | None = None) -> bool:
    now = now or now_local()
    return now >= movement.starts_at(now.tzinfo)


# --- checks ---------------------------------------------------------------------------------------


def check_attachment(f) -> None:
    if not f:
        return
    if f.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {"attachment": ValidationError(_("The attachment may be at most 5 MB."), code="size")}
        )
    name = (f.name or "").lower()
    ext = next((e for e in ATTACHMENT_SIGNATURES if name.endswith(e)), None)
    head = b""
    if ext is not None:
        f.seek(0)
        head = f.read(16)
        f.seek(0)
    if ext is None or not head.startswith(ATTACHMENT_SIGNATURES[ext]):
        raise ValidationError(
            {"attachment": ValidationError(_("Attach a PDF, PNG or JPEG file."), code="type")}
        )


def latest_day(today: date) -> date:
    """The last day a movement may be registered for: the same day next year (28 Feb for 29 Feb)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def check_movement(m: Movement, *, today: date, date_may_be_past: bool = False) -> None:
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    m.place = (m.place or "").strip()
    m.purpose = (m.purpose or "").strip()
    if m.kind not in Movement.Kind.values:
        add("kind", _("Choose the type of movement."), "kind")
    if not m.place:
        add("place", _("Say where you will be."), "required")
    elif len(m.place) > 200:
        add("place", _("At most 200 characters."), "max_length")
    if not m.purpose:
        add("purpose", _("Say what the movement is for."), "required")
    elif len(m.purpose) > 2000:
        add("purpose", _("At most 2000 characters."), "max_length")
    if m.date is None:
        add("date", _("Give the date."), "required")
    elif m.date < today and not date_may_be_past:
        add("date", _("A movement is registered for today or a later day."), "past")
    elif m.date > latest_day(today):
        add(
            "date",
            _("A movement is registered at most a year ahead (until %(date)s): check the year.")
            % {"date": f"{latest_day(today):%d/%m/%Y}"},
            "too_far",
        )
    if m.whole_day:
        if m.start_time is not None or m.end_time is not None:
            add("whole_day", _("A whole-day movement has no start or end time."), "whole_day_times")
        if m.kind == Movement.Kind.TIME_OUT:
            add(
                "whole_day",
                _("Time out of office is at most 4 hours, not a whole day."),
                "time_out_whole_day",
            )
    elif m.start_time is None or m.end_time is None:
        add("start_time", _("Give the start and end time, or choose whole day."), "times_required")
    elif m.end_time <= m.start_time:
        add("end_time", _("The end time must be after the start time."), "end_before_start")
    elif m.kind == Movement.Kind.TIME_OUT:
        length = datetime.combine(date.min, m.end_time) - datetime.combine(date.min, m.start_time)
        if length > TIME_OUT_MAX:
            add("end_time", _("Time out of office is at most 4 hours."), "time_out_too_long")
    if (m.latitude is None) != (m.longitude is None):
        add("latitude", _("A location needs both latitude and longitude."), "half_location")
    elif m.latitude is not None:
        try:
            check_in_malaysia(m.latitude, m.longitude)
        except ValidationError as exc:
            errors.setdefault("latitude", []).extend(exc.error_dict["latitude"])
    if errors:
        raise ValidationError(errors)


def _check_reason(reason: str, *, movement: Movement, by: Actor, now: datetime) -> str:
    reason = (reason or "").strip()
    if has_started(movement, now=now) and not by.is_org_admin and len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "change_reason": ValidationError(
                    _("The movement has started: give a reason for the change (at least 5 characters)."),
                    code="reason_required",
                )
            }
        )
    return reason


# --- writes ---------------------------------------------------------------------------------------


def _recompute(officer, *days: date) -> None:
    for day in sorted(set(days)):
        attendance_config.recompute_existing(day, day, officer=officer)


def create_movement(
    officer, values: dict, *, now: datetime | None = None, idempotency_key: str = ""
) -> Movement:
    """Register a movement; tells the officer's supervisor, once. A registration sent again with
    the same `idempotency_key` (a double click, a retried request) answers the first movement."""
    now = now or now_local()
    idempotency_key = (idempotency_key or "").strip()[:64]
    if idempotency_key and (first := _registered(officer, idempotency_key)) is not None:
        return first
    movement = Movement(officer=officer, idempotency_key=idempotency_key)
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(movement, field, values[field])
    check_movement(movement, today=now.date())
    check_attachment(values.get("attachment"))
    if movement.kind == Movement.Kind.TIME_OUT:
        movement.approval = Movement.Approval.PENDING
    try:
        with transaction.atomic():
            movement.save()
            _recompute(officer, movement.date)
            _tell_supervisor(movement)
    except IntegrityError:
        # The same registration raced this one and won: its movement (and its notification) stand.
        first = _registered(officer, idempotency_key) if idempotency_key else None
        if first is None:
            raise
        return first
    return movement


def _registered(officer, idempotency_key: str) -> Movement | None:
    first = Movement.objects.filter(officer=officer, idempotency_key=idempotency_key).first()
    if first is not None:
        first.replayed = True  # told to the caller (the API answers 200, not 201)
    return first


def _tell_supervisor(movement: Movement) -> None:
    """ "X telah memasukkan pergerakan baru - …" — to the officer's supervisor."""
    officer = movement.officer
    if officer.supervisor_id is None:
        return
    notify(
        officer.supervisor.user,
        Kind.MOVEMENT_NEW,
        gettext_lazy("%(name)s has registered a new movement - %(place)s"),
        url=f"/movements/team/?date={movement.date.isoformat()}",
        name=officer.user.get_full_name(),
        place=movement.place,
    )


def update_movement(
    movement: Movement, values: dict, *, by: Actor, reason: str = "", now: datetime | None = None
) -> Movement:
    """Change a movement. After it started, only with a reason (org admins: reason optional)."""
    now = now or now_local()
    with transaction.atomic():
        current = Movement.objects.select_for_update().select_related("officer").get(pk=movement.pk)
        if current.status != Movement.Status.ACTIVE:
            raise ValidationError(_("A cancelled movement cannot be changed."), code="cancelled")
        reason = _check_reason(reason, movement=current, by=by, now=now)
        old_date = current.date
        before = {f: getattr(current, f) for f in WINDOW_FIELDS}
        for field in EDITABLE_FIELDS:
            if field in values:
                setattr(current, field, values[field])
        # An unchanged past date stays allowed (fixing the place of this morning's meeting).
        check_movement(current, today=now.date(), date_may_be_past=current.date == old_date)
        if "attachment" in values:
            check_attachment(values["attachment"])
        window_changed = any(getattr(current, f) != v for f, v in before.items())
        if current.kind == Movement.Kind.TIME_OUT:
            if current.approval in ("", Movement.Approval.REJECTED) or window_changed:
                _reset_approval(current)
        else:
            current.approval = Movement.Approval.NOT_NEEDED
            current.decided_by, current.decided_at, current.decision_comment = None, None, ""
        current.change_reason = reason
        current._audit_reason = reason
        current.save()
        _recompute(current.officer, old_date, current.date)
    return current


def _reset_approval(m: Movement) -> None:
    m.approval = Movement.Approval.PENDING
    m.decided_by, m.decided_at, m.decision_comment = None, None, ""


def cancel_movement(
    movement: Movement, *, by: Actor, reason: str = "", now: datetime | None = None
) -> Movement:
    now = now or now_local()
    with transaction.atomic():
        current = Movement.objects.select_for_update().select_related("officer").get(pk=movement.pk)
        if current.status == Movement.Status.CANCELLED:
            raise ValidationError(_("This movement is already cancelled."), code="cancelled")
        reason = _check_reason(reason, movement=current, by=by, now=now)
        current.status = Movement.Status.CANCELLED
        current.change_reason = reason
        current._audit_reason = reason
        current.save()
        _recompute(current.officer, current.date)
    return current


def decide_time_out(movement: Movement, *, by, approve: bool, comment: str = "") -> Movement:
    """The supervisor's (or an org admin's) decision on time out of office. `by` is an Officer;
    who may decide is the caller's queryset (see `decidable_movements`)."""
    with transaction.atomic():
        current = Movement.objects.select_for_update().select_related("officer").get(pk=movement.pk)
        if current.kind != Movement.Kind.TIME_OUT or current.approval != Movement.Approval.PENDING:
            raise ValidationError(_("Only a pending time out of office can be decided."), code="not_pending")
        if current.status != Movement.Status.ACTIVE:
            raise ValidationError(_("A cancelled movement cannot be changed."), code="cancelled")
        if by is not None and current.officer_id == by.pk:
            raise ValidationError(_("You cannot decide your own request."), code="own")
        comment = (comment or "").strip()
        if not approve and len(comment) < 3:
            raise ValidationError(
                {
                    "decision_comment": ValidationError(
                        _("Give the officer a reason for the rejection."), "comment"
                    )
                }
            )
        current.approval = Movement.Approval.APPROVED if approve else Movement.Approval.REJECTED
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_comment = comment
        current.save()
        _recompute(current.officer, current.date)
    return current


# --- who sees what (through the one access layer) ---------------------------------------------------


def visible_movements(access):
    """Movements of every officer this person may see: their own; a supervisor's supervisees';
    executives and org admins the agency's."""
    return Movement.objects.filter(officer__in=access.officers().values("pk")).select_related("officer__user")


def editable_movements(access):
    """Their own; org admins: anyone's."""
    qs = Movement.objects.select_related("officer__user")
    if access.is_org_admin:
        return qs
    if access.officer is None:
        return qs.none()
    return qs.filter(officer=access.officer)


def team_officers(access):
    """The officers on the supervisor's "movements of my team" page (not the person themselves)."""
    qs = access.officers()
    if access.officer is not None:
        qs = qs.exclude(pk=access.officer.pk)
    return qs


def decidable_movements(access):
    """Time out of office this person may decide: supervisees' (org admins: anyone's but their own)."""
    qs = Movement.objects.filter(kind=Movement.Kind.TIME_OUT).select_related("officer__user")
    if access.is_org_admin:
        return qs.exclude(officer=access.officer) if access.officer else qs
    if not access.is_supervisor or access.officer is None:
        return qs.none()
    return qs.filter(officer__in=access.supervisee_ids())


# --- the iCalendar feed -------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def regenerate_feed(officer) -> str:
    """A new secret URL token for the officer's calendar feed (the old one stops working). Returns
    the token; only its hash is kept."""
    token = secrets.token_urlsafe(32)  # 43 characters, 256 bits
    with transaction.atomic():
        CalendarFeed.objects.filter(officer=officer).delete()
        CalendarFeed.objects.create(officer=officer, token_hash=hash_token(token))
    return token


def revoke_feed(officer) -> bool:
    with transaction.atomic():
        feeds = list(CalendarFeed.objects.filter(officer=officer))
        for feed in feeds:
            feed.delete()  # one by one, so each removal is in the audit trail
    return bool(feeds)


def feed_officer(token: str):
    """The officer of a feed token, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("officer__user").filter(token_hash=hash_token(token)).first()
    return feed.officer if feed else None


FEED_PAST_DAYS = 180
FEED_MAX_EVENTS = 2000


def feed_movements(officer, *, today: date):
    return (
        Movement.objects.filter(
            officer=officer, status=Movement.Status.ACTIVE, date__gte=today - timedelta(days=FEED_PAST_DAYS)
        )
        .exclude(approval=Movement.Approval.REJECTED)
        .order_by("date", "start_time", "pk")[:FEED_MAX_EVENTS]
    )
