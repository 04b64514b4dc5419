"""The people issue in a real browser: the org admin adds an org unit and an officer; the officer logs
in with the temporary password, is made to change it and sees their profile; three wrong passwords
lock the account until the admin unlocks it.

Elements are found by id (the Malay catalogue is being translated); visible text is checked where it
is data someone typed, or a message looked up through Django's own translation.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from spotme.accounts.models import User
from tenant_apps.organisation.models import OrgUnit, Role
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.browser import log_in, submit

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-orang"
UNIT_NAME = "Bahagian Khidmat Pengurusan"
UNIT_CODE = "BKP"
OFFICER_NAME = "Siti Hajar binti Abdullah"
OFFICER_MYKAD = "910707-14-5021"
OFFICER_MYKAD_DIGITS = "910707145021"
OFFICER_EMAIL = "siti.hajar@orang.example.gov.my"
NEW_PASSWORD = "Kata-Laluan-Baharu-2026!"
WRONG_PASSWORD = "Bukan-Kata-Laluan-99"
PHONE_TYPED, PHONE_STORED = "012-345 6789", "0123456789"
# generate_temporary_password(): 6 letters/digits, a dash, 6 letters/digits and a symbol.
TEMPORARY_PASSWORD = re.compile(r"(?<![\w-])([A-Za-z0-9]{6}-[A-Za-z0-9]{6}[!@#%])(?!\S)")


def success_message(page):
    messages = page.locator("#main .messages .msg-success")
    expect(messages).to_have_count(1)
    return messages


def test_admin_adds_unit_and_officer_who_changes_password_and_gets_locked_out(
    live_url, new_page, mailoutbox, screenshot
):
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    activate_admin(agency, ADMIN_A)
    url = live_url(SUBDOMAIN)

    # --- the org admin: an org unit ---------------------------------------------------------------
    admin = new_page()
    admin.goto(f"{url}/login/")
    log_in(admin, ADMIN_A, PASSWORD)
    expect(admin).to_have_url(f"{url}/")
    admin.locator("nav.nav a[href='/org-units/']").click()
    expect(admin).to_have_url(f"{url}/org-units/")
    admin.locator("#add-unit").click()
    expect(admin).to_have_url(f"{url}/org-units/new/")
    admin.locator("#id_name").fill(UNIT_NAME)
    admin.locator("#id_code").fill(UNIT_CODE)
    submit(admin, "#save-unit")
    expect(admin).to_have_url(f"{url}/org-units/")
    success_message(admin)
    expect(admin.locator("#main table tbody tr", has_text=UNIT_NAME)).to_contain_text(UNIT_CODE)
    screenshot(admin, "01-org-units")
    with schema_context(agency.schema_name):
        unit = OrgUnit.objects.get(name=UNIT_NAME)
    assert (unit.code, unit.parent_id, unit.is_active) == (UNIT_CODE, None, True)

    # --- the org admin: an officer in that unit, who also supervises ---------------------------------
    admin.locator("nav.nav a[href='/people/']").click()
    expect(admin).to_have_url(f"{url}/people/")
    admin.locator("#add-officer").click()
    expect(admin).to_have_url(f"{url}/people/new/")
    admin.locator("#id_mykad").fill(OFFICER_MYKAD)
    admin.locator("#id_full_name").fill(OFFICER_NAME)
    admin.locator("#id_email").fill(OFFICER_EMAIL)
    admin.locator("#id_grade").fill("N41")
    admin.locator("#id_position").fill("Penolong Pegawai Tadbir")
    admin.locator("#id_org_unit").select_option(str(unit.pk))
    admin.locator(f"input[name=roles][value={Role.SUPERVISOR.value}]").check()
    screenshot(admin, "02-add-officer")
    submit(admin, "#save")
    with schema_context(agency.schema_name):
        officer = Officer.objects.select_related("user", "org_unit").get(user__username=OFFICER_MYKAD_DIGITS)
        assert officer.org_unit == unit and officer.user.must_change_password
        assert set(officer.user.groups.values_list("name", flat=True)) == {Role.OFFICER, Role.SUPERVISOR}
    detail_url = f"{url}/people/{officer.pk}/"
    expect(admin).to_have_url(detail_url)
    expect(admin.locator("#main h1")).to_have_text(OFFICER_NAME)
    expect(admin.locator("#main .details")).to_contain_text(UNIT_NAME)
    with translation.override("ms"):
        expect(admin.locator("#main .details .tags")).to_contain_text(str(Role.SUPERVISOR.label))
    found = TEMPORARY_PASSWORD.search(success_message(admin).inner_text())
    assert found, f"no temporary password in {success_message(admin).inner_text()!r}"
    temporary_password = found[1]
    screenshot(admin, "03-officer-created")
    # The same password went out by email (after the commit).
    [email] = [m for m in mailoutbox if OFFICER_EMAIL in m.to]
    assert temporary_password in email.body and f"{url}/" in email.body

    # --- the officer, first login: forced to change the temporary password ---------------------------
    officer_page = new_page()
    officer_page.goto(f"{url}/")
    expect(officer_page).to_have_url(f"{url}/login/?next=/")
    log_in(officer_page, OFFICER_MYKAD, temporary_password)
    expect(officer_page).to_have_url(f"{url}/password/change/")
    expect(officer_page.locator("#id_old_password")).to_have_count(0)
    officer_page.goto(f"{url}/profile/")  # nothing else until the password is changed
    expect(officer_page).to_have_url(f"{url}/password/change/")
    screenshot(officer_page, "04-forced-password-change")
    officer_page.locator("#id_new_password1").fill(NEW_PASSWORD)
    officer_page.locator("#id_new_password2").fill(NEW_PASSWORD)
    submit(officer_page)
    expect(officer_page).to_have_url(f"{url}/")
    expect(officer_page.locator("#main h1")).to_contain_text(OFFICER_NAME)

    # The profile: name, unit, and the contact details form saves a phone number.
    officer_page.locator("nav.nav a[href='/profile/']").click()
    expect(officer_page).to_have_url(f"{url}/profile/")
    expect(officer_page.locator("#profile-name")).to_have_text(OFFICER_NAME)
    details = officer_page.locator("#main .details")
    expect(details).to_contain_text(OFFICER_MYKAD_DIGITS)
    expect(details).to_contain_text(UNIT_NAME)
    expect(officer_page.locator("#id_email")).to_have_value(OFFICER_EMAIL)
    officer_page.locator("#id_phone").fill(PHONE_TYPED)
    submit(officer_page, "#save-profile")
    expect(officer_page).to_have_url(f"{url}/profile/")
    with translation.override("ms"):
        saved = translation.gettext("Your profile has been updated.")
    expect(success_message(officer_page)).to_have_text(saved)
    expect(officer_page.locator("#id_phone")).to_have_value(PHONE_STORED)
    screenshot(officer_page, "05-profile-saved")
    with schema_context(agency.schema_name):
        user = User.objects.get(username=OFFICER_MYKAD_DIGITS)
        assert (user.phone, user.email, user.must_change_password) == (PHONE_STORED, OFFICER_EMAIL, False)

    # --- someone at another browser: three wrong passwords lock the account ---------------------------
    other = new_page()
    other.goto(f"{url}/login/")
    for attempt in (1, 2):
        response = log_in(other, OFFICER_MYKAD_DIGITS, WRONG_PASSWORD)
        assert response.status == 200, attempt
        expect(other.locator(".errorlist-box")).to_be_visible()
        expect(other.locator("#lock-message")).to_have_count(0)
    response = log_in(other, OFFICER_MYKAD_DIGITS, WRONG_PASSWORD)
    assert response.status == 429
    expect(other.locator("#lock-message")).to_be_visible()
    screenshot(other, "06-locked")
    # The right password is refused while locked.
    response = log_in(other, OFFICER_MYKAD_DIGITS, NEW_PASSWORD)
    assert response.status == 429
    expect(other.locator("#lock-message")).to_be_visible()
    other.goto(f"{url}/")
    expect(other).to_have_url(f"{url}/login/?next=/")

    # The admin sees the lock on the officer's page and lifts it.
    admin.goto(detail_url)
    expect(admin.locator("#account-status .error-text")).to_be_visible()
    expect(admin.locator("#unlock")).to_be_visible()
    screenshot(admin, "07-admin-sees-lock")
    submit(admin, "#unlock")
    expect(admin).to_have_url(detail_url)
    with translation.override("ms"):
        expect(success_message(admin)).to_have_text(
            translation.gettext("Account unlocked. The officer can log in again.")
        )
    expect(admin.locator("#unlock")).to_have_count(0)
    expect(admin.locator("#account-status .error-text")).to_have_count(0)

    # And the officer gets in.
    other.goto(f"{url}/login/")
    response = log_in(other, OFFICER_MYKAD_DIGITS, NEW_PASSWORD)
    assert response.status == 200
    expect(other).to_have_url(f"{url}/")
    expect(other.locator("#main h1")).to_contain_text(OFFICER_NAME)
    expect(other.locator("#lock-message")).to_have_count(0)
