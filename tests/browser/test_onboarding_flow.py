"""The foundation issue, end to end in a real browser: apply on the apex → operator approves →
the org admin logs in on the new subdomain with the temporary password → is forced to change it →
lands on the agency home page.

The UI is in Malay by default and its labels get translated, so elements are found by id or name;
visible text is checked only where the text is the point (data the user typed, the admin's name,
messages looked up through Django's own translation).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency, set_agency_status
from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus
from spotme.accounts.models import User
from spotme.malaysia import State
from tenants.models import AgencyStatus
from tenants.subdomains import schema_name_for
from tests.fixtures.agencies import make_request

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-ujian"
ADMIN_NAME = "Nurul Aina binti Kamarudin"
ADMIN_MYKAD = "900101-10-5555"
ADMIN_MYKAD_DIGITS = "900101105555"
ADMIN_EMAIL = "nurul.aina@ujian.example.gov.my"
NEW_PASSWORD = "Sangat-Selamat-2026!"
OPERATOR_USERNAME = "operator.jdn"
OPERATOR_PASSWORD = "Operator-JDN-2026!"

APPLICATION = {
    "agency_name": "Jabatan Ujian Negeri Selangor",
    "ministry": "Kementerian Digital",
    "state": State.SELANGOR,
    "expected_officers": "250",
    "subdomain": SUBDOMAIN,
    "admin_name": ADMIN_NAME,
    "admin_mykad": ADMIN_MYKAD,
    "admin_email": ADMIN_EMAIL,
    "admin_phone": "03-8000 8000",
}
# "<label>: <value>" with a value of one token; the label is translated, the structure is not.
_LABELLED_VALUE = re.compile(r":\s*(\S+)\s*$")


def field(page, name: str):
    """The form control named `name`, after checking it has a <label> (found by id, not by text)."""
    expect(page.locator(f"label[for='id_{name}']")).to_have_count(1)
    return page.locator(f"#id_{name}")


def fill_application(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        control = field(page, name)
        if name == "state":
            control.select_option(value)
        else:
            control.fill(value)


def submit(page):
    """Click the main form's submit button (not the language switcher's) and return the response."""
    with page.expect_navigation() as navigation:
        page.locator("#main form[method=post] button[type=submit]").click()
    return navigation.value


def log_in(page, username: str, password: str):
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    return submit(page)


def welcome_credentials(outbox, to: str, address: str) -> tuple[str, str]:
    """(login ID, temporary password) from the welcome email sent to `to`.

    Relies only on the email's structure, not its wording (it is rendered in the applicant's language
    and its labels get translated): the line ending with the agency's address is followed by two
    "<label>: <value>" lines, the login ID and then the temporary password, each value a single
    whitespace-free token."""
    for message in outbox:
        if to not in message.to:
            continue
        lines = [line.strip() for line in message.body.splitlines()]
        for i, line in enumerate(lines[:-2]):
            if line.endswith(address):
                login, password = (_LABELLED_VALUE.search(lines[i + 1]), _LABELLED_VALUE.search(lines[i + 2]))
                if login and password:
                    return login[1], password[1]
    bodies = "\n---\n".join(f"To {m.to}: {m.subject}\n{m.body}" for m in outbox)
    raise AssertionError(f"no welcome email to {to} with the address {address}; outbox:\n{bodies}")


def make_operator():
    """A JDN operator: a staff account in the public schema (committed: the live server must see it)."""
    user = User(username=OPERATOR_USERNAME, full_name="Operator JDN", email="operator@jdn.example.gov.my",
                is_staff=True)
    user.set_password(OPERATOR_PASSWORD)
    user.save()
    return user


def test_apply_approve_first_login_forced_password_change(live_url, new_page, mailoutbox, screenshot):
    apex, agency_url = live_url(), live_url(SUBDOMAIN)
    make_operator()

    # --- the applicant, on the apex -----------------------------------------------------------
    applicant = new_page()
    response = applicant.goto(f"{apex}/")
    assert response.status == 200
    screenshot(applicant, "01-landing")
    applicant.locator("#main a[href='/apply/']").first.click()
    expect(applicant).to_have_url(f"{apex}/apply/")

    # A first attempt with a malformed MyKad number and a reserved subdomain.
    fill_application(applicant, {**APPLICATION, "admin_mykad": "123", "subdomain": "www"})
    response = submit(applicant)
    assert response.status == 400
    screenshot(applicant, "02-apply-errors")
    expect(applicant).to_have_url(f"{apex}/apply/")
    expect(applicant.locator(".field.has-error")).to_have_count(2)
    for name in ("admin_mykad", "subdomain"):
        # The error sits in the same .field block as its control, and the control is marked invalid.
        block = applicant.locator(".field.has-error", has=applicant.locator(f"#id_{name}"))
        expect(block.locator(f"#id_{name}_error")).to_be_visible()
        expect(block.locator(f"#id_{name}_error li")).not_to_have_text("")
        expect(applicant.locator(f"#id_{name}")).to_have_attribute("aria-invalid", "true")
    expect(applicant.locator("#id_subdomain_error")).to_contain_text("www")
    for name, value in {**APPLICATION, "admin_mykad": "123", "subdomain": "www"}.items():
        expect(applicant.locator(f"#id_{name}")).to_have_value(value)
    assert not AgencyApplication.objects.exists()

    # Corrected and submitted.
    fill_application(applicant, {"admin_mykad": ADMIN_MYKAD, "subdomain": SUBDOMAIN})
    response = submit(applicant)
    assert response.status == 200
    expect(applicant).to_have_url(f"{apex}/apply/submitted/")
    expect(applicant.locator("#reference")).to_have_text(re.compile(r"^SPM-\d{4}-\d{5}$"))
    reference = applicant.locator("#reference").inner_text()
    screenshot(applicant, "03-submitted")
    app = AgencyApplication.objects.get()
    assert (app.reference, app.status) == (reference, ApplicationStatus.SUBMITTED)
    assert (app.subdomain, app.admin_mykad, app.admin_phone, app.state) == (
        SUBDOMAIN, ADMIN_MYKAD_DIGITS, "0380008000", State.SELANGOR)
    assert app.language == "ms"

    # --- the JDN operator, in the console -----------------------------------------------------
    operator = new_page()
    operator.goto(f"{apex}/console/")
    expect(operator).to_have_url(f"{apex}/login/?next=/console/")
    log_in(operator, OPERATOR_USERNAME, OPERATOR_PASSWORD)
    expect(operator).to_have_url(f"{apex}/console/")
    operator.locator("table a", has_text=reference).click()
    expect(operator).to_have_url(f"{apex}/console/applications/{app.pk}/")
    expect(operator.locator("#app-status")).to_have_class(re.compile(r"\bstatus-submitted\b"))
    screenshot(operator, "04-console-application")

    # Approving provisions the agency (Celery is eager in tests: inside the request, after the commit).
    operator.locator("#approve").click()
    expect(operator.locator("#confirm-question")).to_contain_text(app.agency_name)
    with operator.expect_navigation(timeout=25_000):
        operator.locator("#confirm-action").click()
    expect(operator).to_have_url(f"{apex}/console/applications/{app.pk}/")
    if operator.locator("#last-error").count():
        pytest.fail(f"provisioning failed: {operator.locator('#last-error').inner_text()}")
    expect(operator.locator("#app-status")).to_have_class(re.compile(r"\bstatus-provisioned\b"))
    expect(operator.locator("#agency-url")).to_be_visible()
    expect(operator.locator("#agency-url")).to_have_attribute("href", f"{agency_url}/")
    expect(operator.locator("#approve")).to_have_count(0)
    screenshot(operator, "05-console-provisioned")

    # --- the org admin, on the agency's own subdomain -----------------------------------------
    login_id, temporary_password = welcome_credentials(mailoutbox, ADMIN_EMAIL, f"{agency_url}/")
    assert login_id == ADMIN_MYKAD_DIGITS
    assert len(temporary_password) >= 10

    admin = new_page()
    admin.goto(f"{agency_url}/")
    expect(admin).to_have_url(f"{agency_url}/login/?next=/")
    screenshot(admin, "06-agency-login")
    log_in(admin, ADMIN_MYKAD, temporary_password)  # typed with dashes, as on the card
    expect(admin).to_have_url(f"{agency_url}/password/change/")
    # The forced change does not ask for the old (temporary) password again.
    expect(admin.locator("#id_old_password")).to_have_count(0)
    screenshot(admin, "07-forced-password-change")

    # Nothing else is reachable until the temporary password is replaced.
    admin.goto(f"{agency_url}/")
    expect(admin).to_have_url(f"{agency_url}/password/change/")

    admin.locator("#id_new_password1").fill(NEW_PASSWORD)
    admin.locator("#id_new_password2").fill(NEW_PASSWORD)
    submit(admin)
    expect(admin).to_have_url(f"{agency_url}/")
    expect(admin.locator("#main h1")).to_contain_text(ADMIN_NAME)
    expect(admin.locator("#main")).to_contain_text(APPLICATION["agency_name"])
    screenshot(admin, "08-agency-home")

    with schema_context(schema_name_for(SUBDOMAIN)):
        assert User.objects.get(username=ADMIN_MYKAD_DIGITS).must_change_password is False

    # The new password stuck, and the temporary one is dead.
    with admin.expect_navigation():
        admin.locator("form[action='/logout/'] button[type=submit]").click()
    expect(admin).to_have_url(re.compile(rf"^{re.escape(agency_url)}/login/"))
    log_in(admin, ADMIN_MYKAD_DIGITS, temporary_password)
    expect(admin).to_have_url(re.compile(rf"^{re.escape(agency_url)}/login/"))
    expect(admin.locator(".errorlist-box")).to_be_visible()
    log_in(admin, ADMIN_MYKAD_DIGITS, NEW_PASSWORD)
    expect(admin).to_have_url(f"{agency_url}/")
    expect(admin.locator("#main h1")).to_contain_text(ADMIN_NAME)


def test_unknown_and_suspended_agencies_get_friendly_pages(live_url, page, screenshot):
    # A subdomain nobody owns.
    response = page.goto(f"{live_url('tiada')}/")
    assert response.status == 404
    with translation.override("ms"):
        expect(page.locator("#main h1")).to_have_text(translation.gettext("Agency not found"))
    expect(page.locator("#main strong")).to_have_text(urlsplit(live_url("tiada")).hostname)
    screenshot(page, "01-unknown-agency")
    home_link = page.locator("#main a.button")
    expect(home_link).to_have_attribute("href", f"//{urlsplit(live_url()).netloc}/")
    home_link.click()
    expect(page).to_have_url(f"{live_url()}/")

    # A suspended agency: an explanation on every page, no login form.
    agency = provision_agency(make_request("tutup-ujian"), notify=False).agency
    set_agency_status(agency.pk, AgencyStatus.SUSPENDED, reason="Ujian penggantungan akses")
    with translation.override("ms"):
        message = translation.gettext("This agency's access to SPOT-Me has been suspended.")
    for path in ("/", "/login/"):
        response = page.goto(f"{live_url('tutup-ujian')}{path}")
        assert response.status == 403, path
        expect(page).to_have_url(f"{live_url('tutup-ujian')}{path}")
        expect(page.locator("#main")).to_contain_text(message)
        expect(page.locator(".brand-agency")).to_have_text(agency.name)
        expect(page.locator("#id_password")).to_have_count(0)
    screenshot(page, "02-suspended-agency")
