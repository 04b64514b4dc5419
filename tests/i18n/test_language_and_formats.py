"""Issue 18, item 9: the chosen language follows the user (saved on the account), notifications
are shown in the reader's language of the moment, the operator console and the audit trail speak
the user's language, and dates and times have one format in the agency's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.conf import settings
from django_tenants.utils import schema_context

from shared_apps.onboarding.models import AgencyApplication, ProvisioningEvent
from spotme.accounts.models import User
from tenant_apps.attendance import services
from tenant_apps.notifications.models import Notification
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import OUTSIDE, at

MON = date(2025, 11, 17)


def lang_of(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.content.decode())[1]


def test_switching_language_is_saved_on_the_account_and_follows_to_another_device(cast, client_for):
    phone = client_for(cast.agency)
    phone.login_as(cast.LOGINS["officer_1"], PASSWORD)
    assert lang_of(phone.get("/")) == "ms"
    phone.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with schema_context(cast.agency.schema_name):
        assert User.objects.get(pk=cast.officer_1.user.pk).preferred_language == "en"
    assert lang_of(phone.get("/")) == "en"

    laptop = client_for(cast.agency)  # no cookie: a browser that never saw the choice
    assert lang_of(laptop.get("/login/")) == "ms"
    response = laptop.post("/login/", {"username": cast.LOGINS["officer_1"], "password": PASSWORD})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert lang_of(laptop.get("/")) == "en"


def test_a_choice_made_on_the_sign_in_page_is_the_newest_and_is_saved(cast, client_for):
    with schema_context(cast.agency.schema_name):
        User.objects.filter(pk=cast.officer_1.user.pk).update(preferred_language="en")
    browser = client_for(cast.agency)
    browser.post("/i18n/setlang/", {"language": "ms", "next": "/login/"})
    browser.login_as(cast.LOGINS["officer_1"], PASSWORD)
    with schema_context(cast.agency.schema_name):
        assert User.objects.get(pk=cast.officer_1.user.pk).preferred_language == "ms"
    assert lang_of(browser.get("/")) == "ms"


def test_an_unsupported_language_is_not_saved(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    with schema_context(cast.agency.schema_name):
        before = User.objects.get(pk=cast.officer_1.user.pk).preferred_language
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    with schema_context(cast.agency.schema_name):
        assert User.objects.get(pk=cast.officer_1.user.pk).preferred_language == before


def test_notifications_are_shown_in_the_readers_language_after_switching(cast, office, client_for):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        note = Notification.objects.get(recipient=cast.supervisor_1.user)
    assert note.message == "Pegawai Satu telah mendaftar masuk dari luar kawasan pejabat"
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["supervisor_1"], PASSWORD)
    assert (
        "Pegawai Satu telah mendaftar masuk dari luar kawasan pejabat" in client.get("/notifications/").text
    )
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/notifications/").text
    assert "Pegawai Satu clocked in from outside the office area" in page
    assert "luar kawasan" not in page
    api = client.get("/api/v1/notifications/").json()
    assert api["results"][0]["message"] == "Pegawai Satu clocked in from outside the office area"


def test_a_translated_parameter_follows_the_reader_too(cast):
    from django.utils import translation

    from tenant_apps.attendance.labels import CODE_LABELS
    from tenant_apps.notifications.models import Kind
    from tenant_apps.notifications.services import notify

    code = next(iter(CODE_LABELS))
    with schema_context(cast.agency.schema_name):
        from django.utils.translation import gettext_lazy

        note = notify(
            cast.officer_1.user,
            Kind.ISSUE_DECIDED,
            gettext_lazy("Your reason for %(issue)s on %(date)s was accepted"),
            issue=CODE_LABELS[code],
            date="17/11/2025",
        )
        with translation.override("en"):
            english = note.text
        with translation.override("ms"):
            malay = note.text
    assert english.startswith("Your reason for ") and str(CODE_LABELS[code]) not in ("",)
    assert malay != english and "17/11/2025" in malay


def test_operator_console_speaks_the_language_and_the_agencies_time(operator_client):
    app = AgencyApplication.objects.create(
        agency_name="Jabatan Ujian",
        subdomain="ujian",
        state="10",
        admin_name="A",
        admin_mykad="850101105001",
        admin_email="a@ujian.gov.my",
        expected_officers=5,
        status="queued",
    )
    event = ProvisioningEvent.objects.create(application=app, kind="started", message="attempt 1")
    ProvisioningEvent.objects.filter(pk=event.pk).update(
        created_at=datetime(2026, 12, 7, 14, 9, 25, tzinfo=UTC)
    )
    ProvisioningEvent.objects.create(application=app, kind="queued", message="approved")
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ms"
    dashboard = operator_client.get("/console/").text
    assert "Dalam giliran: 1" in dashboard or "queued: 1" not in dashboard
    assert "queued: 1" not in dashboard and "submitted: 0" not in dashboard
    detail = operator_client.get(f"/console/applications/{app.pk}/").text
    assert "cubaan 1" in detail and "attempt 1" not in detail
    assert "diluluskan" in detail and ": approved" not in detail
    assert "07/12/2026 22:09" in detail, "14:09 UTC is 22:09 in Malaysia"
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = operator_client.get(f"/console/applications/{app.pk}/").text
    assert "attempt 1" in detail and "approved" in detail

    stats = operator_client.get("/console/stats/").text
    assert "07/12/2026 22:09" in stats and "2026-12-07T14:09" not in stats


def test_audit_trail_labels_and_times_in_the_readers_language(cast, client_for):
    from spotme.audit.display import field_changes, local_time
    from spotme.audit.models import LogEntry

    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["admin"], PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/audit/").text
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00", page)
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", page)
    assert local_time(datetime(2026, 12, 7, 14, 9, 25, tzinfo=UTC)) == "07/12/2026 22:09"

    from django.utils import translation

    with schema_context(cast.agency.schema_name), translation.override("ms"):
        entry = LogEntry.objects.filter(changes__has_key="created_at").first()
        if entry is not None:
            labels = {c.field for c in field_changes(entry)}
            assert "Created at" not in labels


def test_dates_have_one_format_in_both_languages():
    from django.utils import formats, translation

    moment = datetime(2026, 12, 7, 14, 9, tzinfo=UTC)
    for language in ("ms", "en"):
        with translation.override(language):
            assert formats.date_format(moment.date()) == "07/12/2026"
            assert formats.date_format(moment, "DATETIME_FORMAT") == "07/12/2026 14:09"
            assert formats.time_format(moment.time()) == "14:09"


def test_chart_axes_use_the_pages_date_format():
    from django.utils import translation

    from tenant_apps.insights.views import period_label

    assert period_label("2026-12-07", "day") == "07/12/2026"
    assert period_label("2026-12-07", "week") == "07/12/2026"
    with translation.override("ms"):
        assert period_label("2026-12-01", "month") == "Disember 2026"
    with translation.override("en"):
        assert period_label("2026-12-01", "month") == "December 2026"


def test_browser_form_checks_have_the_pages_words(cast, client_for):
    client = client_for(cast.agency)
    malay = client.get("/login/").text
    assert 'id="validation-messages"' in malay and "spotme/validation" in malay
    assert "Sila isi ruangan ini." in malay
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Please fill in this field." in client.get("/login/").text
