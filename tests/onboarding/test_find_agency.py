"""Issue 18, item 17: an officer landing on the apex finds their agency by name and goes to its
sign-in page. Only active agencies are found; nothing of any agency's people is shown."""

from __future__ import annotations

import re

from django.conf import settings
from django_tenants.utils import schema_context

from tenants.models import Agency, AgencyStatus
from tests.fixtures.agencies import ADMIN_A


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)" data-subdomain=', html)


def test_finds_an_active_agency_by_name_or_short_name_and_links_its_sign_in(apex_client, provision):
    agency = provision("jpn-selangor", name="Jabatan Pendaftaran Negara Selangor").agency
    provision("jkr-perak", name="Jabatan Kerja Raya Perak")
    by_name = apex_client.get("/", {"q": "pendaftaran selangor"}).text
    assert links(by_name) == [f"http://{agency.host}{_port()}/login/"]
    assert "Jabatan Pendaftaran Negara Selangor" in by_name and "Kerja Raya" not in by_name
    assert links(apex_client.get("/", {"q": "JPN-SEL"}).text) == [f"http://{agency.host}{_port()}/login/"]
    none = apex_client.get("/", {"q": "tiada-agensi-begini"})
    assert none.status_code == 200 and 'id="agency-none"' in none.text


def _port() -> str:
    port = getattr(settings, "SPOTME_PUBLIC_PORT", "")
    return f":{port}" if port else ""


def test_suspended_archived_and_offboarded_agencies_are_not_found(apex_client, provision):
    names = {
        AgencyStatus.ACTIVE: "Jabatan Ujian Aktif",
        AgencyStatus.SUSPENDED: "Jabatan Ujian Digantung",
        AgencyStatus.ARCHIVED: "Jabatan Ujian Diarkib",
        AgencyStatus.OFFBOARDED: "Jabatan Ujian Ditamatkan",
    }
    for n, (status, name) in enumerate(names.items()):
        agency = provision(f"ujian{n}", name=name).agency
        Agency.objects.filter(pk=agency.pk).update(status=status)
    page = apex_client.get("/", {"q": "jabatan ujian"}).text
    assert "Jabatan Ujian Aktif" in page
    for status in (AgencyStatus.SUSPENDED, AgencyStatus.ARCHIVED, AgencyStatus.OFFBOARDED):
        assert names[status] not in page
    assert len(links(page)) == 1


def test_nothing_of_the_agencies_people_is_searched_or_shown(apex_client, provision):
    agency = provision("jabatan-rahsia", name="Jabatan Rahsia", admin_name="Pentadbir Rahsia Sekali").agency
    with schema_context(agency.schema_name):
        from spotme.accounts.models import User

        assert User.objects.filter(username=ADMIN_A).exists()
    for query in ("Pentadbir Rahsia", ADMIN_A, "admin@jabatan-rahsia"):
        page = apex_client.get("/", {"q": query}).text
        assert links(page) == [] and 'id="agency-none"' in page, query
    page = apex_client.get("/", {"q": "rahsia"}).text
    assert "Pentadbir Rahsia Sekali" not in page and "admin@" not in page


def test_results_are_paginated_and_short_queries_are_explained(apex_client, provision):
    for n in range(12):
        provision(f"pejabat{n:02d}", name=f"Pejabat Daerah {n:02d}")
    first = apex_client.get("/", {"q": "pejabat daerah"}).text
    assert len(links(first)) == 10 and "1/2" in first
    second = apex_client.get("/", {"q": "pejabat daerah", "page": 2}).text
    assert len(links(second)) == 2
    assert set(links(first)).isdisjoint(links(second))
    short = apex_client.get("/", {"q": "p"})
    assert short.status_code == 200 and 'id="agency-q-short"' in short.text and links(short.text) == []
    assert apex_client.get("/", {"q": "pejabat", "page": "x"}).status_code == 200
    assert apex_client.get("/", {"q": "x" * 5000}).status_code == 200


def test_the_finder_is_not_on_an_agencys_host(agency_a, client_for):
    client = client_for(agency_a)
    response = client.get("/", {"q": "selangor"})
    assert 'id="find-agency"' not in response.text
