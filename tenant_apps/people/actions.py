"""Writes about people and org units. Each function validates, writes and notifies in one
transaction; model changes are recorded by django-auditlog, security events by spotme.audit."""

from __future__ import annotations

from dataclasses import dataclass

from axes.utils import reset as reset_lockout
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from provisioning.services import generate_temporary_password
from spotme.accounts.lockout import is_locked
from spotme.accounts.models import User
from spotme.audit.events import record_auth_event
from spotme.audit.models import AuthEventKind
from tenant_apps.organisation.models import OrgUnit, Role

from .models import Officer
from .signals import officers_changed

PROFILE_FIELDS = ("grade", "position", "org_unit", "supervisor", "join_date", "leave_date")
USER_FIELDS = ("full_name", "email", "phone")


def _email_password(officer, template: str, password: str) -> None:
    """The password e-mail through the transactional outbox, in the caller's transaction: sent
    after the commit, or by the relay when the broker was away (people.tasks.send_password_email;
    the row holds the password encrypted)."""
    from spotme.crypto import encrypt
    from spotme.outbox import services as outbox

    outbox.enqueue("people.send_password_email", officer.pk, template, encrypt(password))


@dataclass(frozen=True)
class NewOfficer:
    officer: Officer
    temporary_password: str


def check_supervisor(officer: Officer | None, supervisor: Officer | None) -> None:
    """A supervisor must be active and may not be the officer or anyone below them."""
    if supervisor is None:
        return
    if not supervisor.user.is_active:
        raise ValidationError({"supervisor": _("The supervisor's account is not active.")})
    if officer is None or officer.pk is None:
        return
    node, seen = supervisor, set()
    while node is not None and node.pk not in seen:
        if node.pk == officer.pk:
            raise ValidationError(
                {
                    "supervisor": _(
                        "An officer cannot be supervised by themselves or by someone they supervise."
                    )
                }
            )
        seen.add(node.pk)
        node = node.supervisor
    return


def set_roles(user: User, roles: list[str], *, request=None) -> None:
    before = sorted(user.groups.values_list("name", flat=True))
    wanted = sorted(set(roles) | {Role.OFFICER.value})
    if before == wanted:
        return
    user.groups.set(Group.objects.filter(name__in=wanted))
    user._spotme_roles = set(wanted)
    record_auth_event(AuthEventKind.ROLE_CHANGED, request=request, user=user, before=before, after=wanted)


def create_officer(
    *,
    mykad: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    roles=(),
    request=None,
    notify: bool = True,
    language: str = "ms",
    **profile,
) -> NewOfficer:
    password = generate_temporary_password()
    with transaction.atomic():
        if User.objects.filter(username=mykad).exists():
            raise ValidationError({"mykad": _("An officer with this MyKad number already exists.")})
        check_supervisor(None, profile.get("supervisor"))
        user = User(
            username=mykad,
            full_name=full_name,
            email=email,
            phone=phone,
            must_change_password=True,
            preferred_language=language,
        )
        user.set_password(password)
        user.save()
        officer = Officer.objects.create(
            user=user, **{k: v for k, v in profile.items() if k in PROFILE_FIELDS}
        )
        set_roles(user, list(roles), request=request)
        record_auth_event(AuthEventKind.TEMPORARY_PASSWORD, request=request, user=user)
        officers_changed.send(sender=Officer, officer_ids=[officer.pk], change="created")
        if notify and email:
            _email_password(officer, "account_created", password)
    return NewOfficer(officer=officer, temporary_password=password)


def update_officer(officer: Officer, *, roles=None, request=None, **changes) -> Officer:
    with transaction.atomic():
        officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
        if "supervisor" in changes:
            check_supervisor(officer, changes["supervisor"])
        user_changed = [f for f in USER_FIELDS if f in changes and getattr(officer.user, f) != changes[f]]
        for field in user_changed:
            setattr(officer.user, field, changes[field])
        if user_changed:
            officer.user.save(update_fields=user_changed)
        profile_changed = [f for f in PROFILE_FIELDS if f in changes and getattr(officer, f) != changes[f]]
        for field in profile_changed:
            setattr(officer, field, changes[field])
        if profile_changed:
            officer.save(update_fields=[*profile_changed, "updated_at"])
        roles_before = set(officer.user.groups.values_list("name", flat=True)) if roles is not None else None
        if roles is not None:
            set_roles(officer.user, list(roles), request=request)
        fields = [*user_changed, *profile_changed]
        if roles is not None and roles_before != set(roles) | {Role.OFFICER.value}:
            fields.append("roles")
        if fields:
            officers_changed.send(sender=Officer, officer_ids=[officer.pk], change="updated", fields=fields)
    return officer


def set_officer_active(officer: Officer, active: bool, *, request=None) -> Officer:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=officer.user_id)
        if request is not None and user.pk == request.user.pk and not active:
            raise ValidationError(_("You cannot deactivate your own account."))
        if user.is_active != active:
            # An inactive user's sessions stop working at their next request (ModelBackend refuses
            # inactive users), so nothing else needs revoking.
            user.is_active = active
            user.save(update_fields=["is_active"])
            officers_changed.send(
                sender=Officer, officer_ids=[officer.pk], change="activated" if active else "deactivated"
            )
    officer.user.is_active = active
    return officer


def issue_temporary_password(officer: Officer, *, request=None, notify: bool = True) -> str:
    password = generate_temporary_password()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=officer.user_id)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record_auth_event(AuthEventKind.TEMPORARY_PASSWORD, request=request, user=user)
        if notify and user.email:
            _email_password(officer, "temporary_password", password)
    return password


def unlock_officer(officer: Officer, *, request) -> bool:
    """Lift a login lockout (django-axes) before its period ends. Returns whether it was locked;
    only an actual unlock is recorded."""
    username = officer.user.get_username()
    with transaction.atomic():
        was_locked = is_locked(username, request)
        reset_lockout(username=username)
        if was_locked:
            record_auth_event(AuthEventKind.UNLOCKED, request=request, user=officer.user)
    return was_locked


def save_org_unit(unit: OrgUnit) -> OrgUnit:
    """Create or move/rename a unit, keeping the materialised paths of it and its subtree right."""
    with transaction.atomic():
        old_path = unit.path if unit.pk else None
        if unit.parent_id is not None and unit.pk is not None:
            parent = OrgUnit.objects.get(pk=unit.parent_id)
            if parent.path.startswith(old_path or "\0"):
                raise ValidationError(
                    {"parent": _("A unit cannot be placed under itself or its own sub-unit.")}
                )
        unit.save()
        parent = unit.parent
        new_path = f"{parent.path if parent else '/'}{unit.pk}/"
        if new_path != unit.path:
            depth = new_path.count("/") - 2
            OrgUnit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
            if old_path:
                from django.db.models import F, Func, Value

                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
                    path=Func(F("path"), Value(old_path), Value(new_path), function="replace"),
                    depth=F("depth") + (depth - unit.depth),
                )
            unit.path, unit.depth = new_path, depth
    return unit
