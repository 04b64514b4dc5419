"""Who may see and change what, in one place. Every page and API endpoint of the agency asks here.

Choice: scoped querysets rather than django-guardian object permissions. Visibility follows
relationships that change every day (supervisor, org unit, roles); deriving it from them at query
time keeps it exact without maintaining millions of permission rows, and guessing another officer's
id simply finds nothing (404). django-guardian stays available for genuinely per-object grants.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tenant_apps.organisation.models import AgencyProfile, Role

from .models import Officer

SUBORDINATES_SQL = """
    WITH RECURSIVE chain(id) AS (
        SELECT id FROM people_officer WHERE supervisor_id = %s
        UNION
        SELECT o.id FROM people_officer o JOIN chain c ON o.supervisor_id = c.id
    )
    SELECT id FROM chain
"""


class Access:
    """The signed-in person's reach inside their agency."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def roles(self) -> set[str]:
        return Role.of(self.user)

    @cached_property
    def officer(self) -> Officer | None:
        if not self.user.is_authenticated:
            return None
        # One row, no join or sort (the model orders by name); the user is the request's own.
        officer = Officer.objects.select_related("org_unit").filter(user=self.user).order_by().first()
        if officer is not None:
            officer.user = self.user
        return officer

    @property
    def is_org_admin(self) -> bool:
        return Role.ORG_ADMIN in self.roles

    @property
    def is_executive(self) -> bool:
        return Role.EXECUTIVE in self.roles

    @property
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR in self.roles

    @property
    def sees_whole_agency(self) -> bool:
        return self.is_org_admin or self.is_executive

    @property
    def can_manage_people(self) -> bool:
        return self.is_org_admin

    @property
    def can_see_people(self) -> bool:
        return self.sees_whole_agency or self.is_supervisor

    def supervisee_ids(self) -> QuerySet | list:
        """Ids below this supervisor: direct supervisees, or the whole chain if the agency says so."""
        if self.officer is None:
            return []
        profile = AgencyProfile.current()
        if profile is not None and profile.supervisor_sees_chain:
            chain = RawSQL(SUBORDINATES_SQL, [self.officer.pk])  # noqa: S611 (constant SQL, bound parameter)
            return Officer.objects.filter(pk__in=chain).values("pk")
        return Officer.objects.filter(supervisor=self.officer).values("pk")

    def officers(self) -> QuerySet[Officer]:
        """Every officer this person may see (read)."""
        qs = Officer.objects.select_related("user", "org_unit", "supervisor__user")
        if not self.user.is_authenticated:
            return qs.none()
        if self.sees_whole_agency:
            return qs
        if self.officer is None:
            return qs.none()
        if self.is_supervisor:
            return qs.filter(pk__in=self.supervisee_ids()) | qs.filter(pk=self.officer.pk)
        return qs.filter(pk=self.officer.pk)

    def managed_officers(self) -> QuerySet[Officer]:
        """Every officer this person may change (org admins only)."""
        qs = Officer.objects.select_related("user", "org_unit", "supervisor__user")
        return qs if self.can_manage_people else qs.none()


def get_access(request) -> Access:
    access = getattr(request, "_spotme_access", None)
    if access is None or access.user is not request.user:
        access = Access(request.user)
        request._spotme_access = access
    return access


def require(predicate):
    """View decorator: signed in, and `predicate(access)` true; otherwise 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(get_access(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


can_see_people = require(lambda access: access.can_see_people)
can_manage_people = require(lambda access: access.can_manage_people)
