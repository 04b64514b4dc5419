"""API documentation pages."""


def test_api_docs_use_no_cdn(apex_client):
    """The Swagger UI page loads its assets from our own static files."""
    html = apex_client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_each_host_documents_its_own_api(apex_client, cast, client_for):
    """The apex documents the operators' API, an agency's subdomain the agency's."""
    apex = set(apex_client.get("/api/schema/?format=json").json()["paths"])
    agency = set(client_for(cast.agency).get("/api/schema/?format=json").json()["paths"])
    assert "/api/v1/platform-stats/" in apex and "/api/v1/attendance/clock/" not in apex
    assert "/api/v1/attendance/clock/" in agency and "/api/v1/platform-stats/" not in agency
