def test_platform_module_is_the_standard_library_one():
    """platform/ holds the project package but must never shadow the stdlib module."""
    import platform

    assert platform.system()  # e.g. "Linux"
    assert hasattr(platform, "python_version")
    import spotme

    assert spotme.__file__.endswith("platform/spotme/__init__.py")


def test_agency_home_needs_login(agency_a, client_for):
    response = client_for(agency_a).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
