"""Login lockout: django-axes, with each agency's own limits.

Axes counts failed logins per account (AXES_LOCKOUT_PARAMETERS = ["username"]) in the database of
the schema being served: each agency counts its own, the apex counts the JDN operators'. Beside it,
a per-address limit against password spraying (a few guesses at many accounts, which no account's
own count would notice): when failures for SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT different accounts
came from one address within SPOTME_LOGIN_ADDRESS_WINDOW_MINUTES, that address may not log in
until the window has passed (`AgencyAxesHandler`). Counting accounts rather than failures keeps
one officer mistyping at a shared office address from blocking the office; the address is the
client's as spotme.proxies resolves it. The
callables below are named in settings (AXES_*): the limit and the lock period come from the agency's
settings (spotme.accounts.policy), MyKad numbers count the same with or without dashes, and a locked
account gets the login page again with a clear explanation (element id `lock-message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import get_public_schema_name

from spotme.audit.events import client_ip

from .mykad import normalise_mykad
from .policy import security_policy

# Axes needs a period to count attempts in; "until an administrator unlocks" is one nobody waits out.
UNTIL_UNLOCKED = timedelta(days=36500)


def on_apex() -> bool:
    return connection.schema_name == get_public_schema_name()


def normalise_username(value) -> str | None:
    """The account name as the login form hands it to the backends: agency logins are MyKad numbers
    (typed with or without dashes), operators' are plain usernames."""
    if value is None:
        return None
    value = str(value).strip()
    return value if on_apex() else normalise_mykad(value)


# --- the per-address limit (password spraying) -----------------------------------------------------


@dataclass(frozen=True)
class AddressBlock:
    blocked: bool
    accounts: int  # different accounts that failed from the address within the window
    until: datetime | None = None


def address_block(request) -> AddressBlock:
    address = client_ip(request)
    limit = settings.SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT
    if not address or not limit:
        return AddressBlock(blocked=False, accounts=0)
    window = timedelta(minutes=settings.SPOTME_LOGIN_ADDRESS_WINDOW_MINUTES)
    latest = list(
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=timezone.now() - window)
        .values("username")
        .annotate(last=Max("attempt_time"))
        .order_by("-last")
        .values_list("last", flat=True)[:limit]
    )
    if len(latest) < limit:
        return AddressBlock(blocked=False, accounts=len(latest))
    # Open again once the limit-th most recent of those failures is older than the window.
    return AddressBlock(blocked=True, accounts=len(latest), until=latest[-1] + window)


class AgencyAxesHandler(AxesDatabaseHandler):
    """Axes' database handler; an address that sprayed is refused like a blacklisted one (before any
    password is checked, and without touching the accounts' own counts)."""

    def is_blacklisted(self, request, credentials=None) -> bool:
        return super().is_blacklisted(request, credentials) or address_block(request).blocked


def address_message(block: AddressBlock) -> str:
    when = formats.date_format(timezone.localtime(block.until), "d/m/Y H:i") if block.until else ""
    return _(
        "Too many failed logins to different accounts have come from your network address, so logins "
        "from it are paused until %(time)s. If you share this address with colleagues, ask your "
        "organisation administrator."
    ) % {"time": when}


# --- the AXES_* callables -------------------------------------------------------------------------


def failure_limit(request, credentials=None) -> int:
    return security_policy(request).failed_login_limit


def cool_off(request=None) -> timedelta:
    return security_policy(request).lockout_period or UNTIL_UNLOCKED


def lockout_username(request, credentials=None) -> str | None:
    if credentials:
        return normalise_username(credentials.get("username"))
    data = getattr(request, "POST", None) or {}
    return normalise_username(data.get("username"))


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying why and until when (JSON for API and script requests)."""
    if credentials is None and isinstance(original_response, dict):  # axes' older, 2-argument call
        credentials = original_response
    status = lock_status(lockout_username(request, credentials) or "", request)
    message, error, unlocks_at, title = lock_message(status), "account_locked", status.unlocks_at, ""
    if not status.locked and (block := address_block(request)).blocked:
        message, error, unlocks_at = address_message(block), "address_blocked", block.until
        title = _("Logins from your address paused")
    code = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/") or request.headers.get("x-requested-with") == "XMLHttpRequest":
        unlocks_at = unlocks_at.isoformat() if unlocks_at else None
        return JsonResponse({"detail": message, "code": error, "unlocks_at": unlocks_at}, status=code)
    from .forms import login_form_class

    form = login_form_class(request)(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form, "lock_message": message, "lock_title": title, "next": request.POST.get("next", "")
    }
    return render(request, "accounts/login.html", context, status=code)


# --- asking about an account ----------------------------------------------------------------------


@dataclass(frozen=True)
class LockStatus:
    locked: bool
    limit: int
    unlocks_at: datetime | None  # None while locked: until an administrator unlocks it


def _request_or_probe(request) -> HttpRequest:
    # Axes reads the time and client from a request; outside one (commands, tests), a blank one does.
    return request if request is not None else HttpRequest()


def is_locked(username: str, request=None) -> bool:
    """Axes' own answer: has this account reached its agency's limit within the lock period?"""
    return AxesProxyHandler.is_locked(_request_or_probe(request), get_credentials(username))


def lock_status(username: str, request=None) -> LockStatus:
    policy = security_policy(request)
    locked = is_locked(username, request)
    unlocks_at = None
    if policy.lockout_period is not None:
        last = AccessAttempt.objects.filter(username=normalise_username(username)).aggregate(
            last=Max("attempt_time")
        )["last"]
        unlocks_at = last + policy.lockout_period if last else None
    return LockStatus(locked=locked, limit=policy.failed_login_limit, unlocks_at=unlocks_at)


def lock_message(status: LockStatus) -> str:
    locked = ngettext(
        "This account is locked after %(limit)s failed login attempt.",
        "This account is locked after %(limit)s failed login attempts.",
        status.limit,
    ) % {"limit": status.limit}
    if status.unlocks_at is None:
        if on_apex():
            then = _("Ask another JDN operator to unlock it.")
        else:
            then = _("Ask your organisation administrator to unlock it.")
    else:
        when = formats.date_format(timezone.localtime(status.unlocks_at), "d/m/Y H:i")
        if on_apex():
            then = _("It unlocks by itself at %(time)s.") % {"time": when}
        else:
            then = _(
                "It unlocks by itself at %(time)s, or your organisation administrator can unlock it now."
            ) % {"time": when}
    return f"{locked} {then}"
