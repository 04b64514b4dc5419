"""Issue 18, item 11: the agency's default working pattern is a choice among its patterns, set in
one place (the attendance policy); the settings page no longer takes free text such as "XYZ"."""

from __future__ import annotations

from django_tenants.utils import schema_context

from tenant_apps.attendance.models import Policy
from tenant_apps.organisation.models import AgencyProfile
from tests.fixtures.agencies import PASSWORD


def test_settings_page_has_no_free_text_pattern_and_points_to_the_policy(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["admin"], PASSWORD)
    page = client.get("/settings/")
    assert page.status_code == 200
    assert 'name="default_working_policy"' not in page.text
    assert 'id="link-default-pattern"' in page.text
    assert not hasattr(AgencyProfile, "default_working_policy")


def test_the_policy_takes_only_one_of_the_agencys_patterns(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["admin"], PASSWORD)
    with schema_context(cast.agency.schema_name):
        before = list(Policy.objects.values_list("effective_from", "default_pattern_id"))
    response = client.post(
        "/attendance/admin/policies/new/",
        {"effective_from": "2031-01-01", "default_pattern": "XYZ", "issue_cutoff_day": 2},
    )
    assert response.status_code == 400
    with schema_context(cast.agency.schema_name):
        assert list(Policy.objects.values_list("effective_from", "default_pattern_id")) == before
    api = client.post(
        "/api/v1/attendance/policy-versions/",
        {"effective_from": "2031-01-01", "default_pattern": "XYZ"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "default_pattern" in api.json()["fields"]
