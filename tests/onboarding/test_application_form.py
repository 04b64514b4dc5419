"""The public application form (Tatacara Permohonan): every field's validation, in Malay and English."""

from __future__ import annotations

import pytest

from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus

VALID = {
    "agency_name": "Jabatan Ujian Negeri",
    "ministry": "Kementerian Digital",
    "state": "10",
    "expected_officers": "350",
    "subdomain": "jabatan-ujian",
    "admin_name": "Siti Aminah binti Abu",
    "admin_mykad": "900101-10-5555",
    "admin_email": "siti@ujian.gov.my",
    "admin_phone": "03-8000 8000",
}


def post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/apply/", {k: v for k, v in data.items() if v is not None})


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_valid_application_is_saved_and_acknowledged(
    apex_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(apex_client)
    assert response.status_code == 302
    app = AgencyApplication.objects.get()
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.admin_mykad == "900101105555"  # dashes removed
    assert app.admin_phone == "0380008000"
    assert app.subdomain == "jabatan-ujian"
    page = apex_client.get(response["Location"])
    assert app.reference in page.content.decode()
    assert [m.to for m in mailoutbox] == [["siti@ujian.gov.my"]]
    assert app.reference in mailoutbox[0].subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agency_name", "", "Medan ini diperlukan."),
        ("ministry", "", "Medan ini diperlukan."),
        ("state", "99", None),
        ("state", "", "Medan ini diperlukan."),
        ("expected_officers", "0", None),
        ("expected_officers", "abc", None),
        ("expected_officers", "600000", None),
        ("subdomain", "ab", None),
        ("subdomain", "Bad_Name!", None),
        ("subdomain", "-ujian", None),
        ("subdomain", "www", None),
        ("subdomain", "admin", None),
        ("admin_name", "", "Medan ini diperlukan."),
        ("admin_mykad", "12345", None),
        ("admin_mykad", "901301105555", None),  # month 13
        ("admin_mykad", "900230105555", None),  # 30 February
        ("admin_mykad", "900101005555", None),  # place-of-birth code 00
        ("admin_mykad", "90010110555X", None),
        ("admin_email", "not-an-email", None),
        ("admin_phone", "12", None),
        ("admin_phone", "+1 555 0100", None),
    ],
)
def test_each_bad_field_is_refused_with_its_own_error(apex_client, field, value, message):
    response = post(apex_client, **{field: value})
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors, f"no error on {field}"
    assert set(response.context["form"].errors) == {field}, "only the bad field is in error"
    if message:
        assert message in errors
    assert not AgencyApplication.objects.exists()


def test_errors_are_in_english_when_the_user_chose_english(apex_client):
    apex_client.cookies["spotme_lang"] = "en"
    response = post(apex_client, admin_mykad="12345", subdomain="www")
    assert "A MyKad number has exactly 12 digits." in field_errors(response, "admin_mykad")
    assert "The subdomain “www” is reserved." in field_errors(response, "subdomain")


def test_errors_are_in_malay_by_default(apex_client):
    response = post(apex_client, admin_mykad="12345", subdomain="www")
    assert "Nombor MyKad mesti mempunyai tepat 12 digit." in field_errors(response, "admin_mykad")
    assert "Subdomain “www” dikhaskan." in field_errors(response, "subdomain")


def test_errors_are_tied_to_their_fields_for_screen_readers(apex_client):
    html = post(apex_client, admin_mykad="12345").content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_admin_mykad_error' in html or 'id="id_admin_mykad_error"' in html


def test_subdomain_of_a_pending_application_cannot_be_requested_again(apex_client):
    assert post(apex_client).status_code == 302
    response = post(apex_client, agency_name="Agensi Lain")
    assert response.status_code == 400
    assert field_errors(response, "subdomain")


def test_subdomain_of_a_rejected_application_is_free_again(apex_client):
    assert post(apex_client).status_code == 302
    AgencyApplication.objects.update(status=ApplicationStatus.REJECTED)
    assert post(apex_client).status_code == 302


def test_subdomain_of_an_existing_agency_is_taken(apex_client, provision):
    provision("jabatan-ujian")
    response = post(apex_client)
    assert response.status_code == 400
    assert field_errors(response, "subdomain")


def test_subdomain_is_case_insensitive(apex_client, provision):
    provision("jabatan-ujian")
    response = post(apex_client, subdomain="Jabatan-Ujian")
    assert field_errors(response, "subdomain")


def test_api_applies_with_the_same_rules(apex_client):
    response = apex_client.post(
        "/api/v1/applications/", {**VALID, "subdomain": "www"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["subdomain"][0]["code"] == "subdomain_reserved"
    response = apex_client.post("/api/v1/applications/", VALID, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"


def test_application_list_api_is_for_operators_only(apex_client, operator_client, client_for, settings):
    post(apex_client)
    anonymous = client_for(settings.APEX_DOMAIN)
    assert anonymous.get("/api/v1/applications/").status_code == 403
    data = operator_client.get("/api/v1/applications/").json()
    assert data["count"] == 1
