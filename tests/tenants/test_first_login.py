"""First login with a temporary password forces a change before anything else."""

from __future__ import annotations


def login(client, mykad, password):
    return client.post("/login/", {"username": mykad, "password": password})


def test_temporary_password_forces_a_change(provision, client_for):
    result = provision("pertama", admin_mykad="900101105555")
    client = client_for(result.agency)
    response = login(client, "900101-10-5555", result.temporary_password)  # dashes accepted
    assert response.status_code == 302
    # Everything redirects to the password change page, and the API refuses.
    for path in ("/", "/api/v1/me/"):
        r = client.get(path)
        assert r.status_code in (302, 403)
        if r.status_code == 302:
            assert r["Location"] == "/password/change/"
        else:
            assert r.json()["code"] == "password_change_required"
    page = client.get("/password/change/")
    assert page.status_code == 200 and "old_password" not in page.content.decode()
    # Django's validators apply.
    weak = client.post("/password/change/", {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and weak.context["form"].errors
    mismatch = client.post(
        "/password/change/", {"new_password1": "Sangat-Selamat-2026!", "new_password2": "Lain-Pula-2026!"}
    )
    assert mismatch.context["form"].errors
    done = client.post(
        "/password/change/",
        {"new_password1": "Sangat-Selamat-2026!", "new_password2": "Sangat-Selamat-2026!"},
    )
    assert done.status_code == 302 and done["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Pentadbir Ujian" in home.content.decode()
    # The temporary password no longer works; the new one does.
    fresh = client_for(result.agency)
    assert login(fresh, "900101105555", result.temporary_password).status_code == 200
    assert login(fresh, "900101105555", "Sangat-Selamat-2026!").status_code == 302


def test_voluntary_change_needs_the_old_password(agency_a, client_for):
    from tests.fixtures.agencies import ADMIN_A, PASSWORD

    client = client_for(agency_a)
    login(client, ADMIN_A, PASSWORD)
    response = client.post(
        "/password/change/",
        {
            "old_password": "salah",
            "new_password1": "Sangat-Selamat-2026!",
            "new_password2": "Sangat-Selamat-2026!",
        },
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
