"""API documentation pages."""


def test_api_docs_use_no_cdn(apex_client):
    """The Swagger UI page loads its assets from our own static files."""
    html = apex_client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
