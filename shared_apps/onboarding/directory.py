"""The apex home page's agency finder (issue 18, item 17): an officer who lands on the apex domain
finds their agency by name and goes to its sign-in page.

Only what the public may see: active agencies' names, subdomains (their short names, part of their
public address) and states. Suspended, archived and offboarded agencies are not found; nothing of an
agency's own schema (officers, units) is read."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q

from tenants.models import Agency, AgencyStatus

MIN_QUERY = 2
MAX_QUERY = 100
PER_PAGE = 10


@dataclass(frozen=True)
class Found:
    name: str
    subdomain: str
    state: str
    sign_in_url: str


def normalise(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY]


def matching(query: str):
    """Active agencies whose name or short name contains every word of the query."""
    words = normalise(query).split()
    agencies = (
        Agency.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
        .exclude(subdomain="")
        .filter(status=AgencyStatus.ACTIVE)
    )
    for word in words:
        agencies = agencies.filter(Q(name__icontains=word) | Q(subdomain__icontains=word))
    return agencies.only("name", "subdomain", "state").order_by("name", "pk")


def sign_in_url(agency: Agency) -> str:
    from provisioning.services import agency_url

    return agency_url(agency) + "login/"


def search(query: str | None, page: str | int | None) -> Page | None:
    """A page of matches (None when the query is too short to search)."""
    if len(normalise(query)) < MIN_QUERY:
        return None
    result = Paginator(matching(normalise(query)), PER_PAGE).get_page(page)
    result.object_list = [
        Found(a.name, a.subdomain, str(a.get_state_display() or ""), sign_in_url(a))
        for a in result.object_list
    ]
    return result
