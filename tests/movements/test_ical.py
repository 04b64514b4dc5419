"""The secret iCalendar feed: parses with `icalendar`, holds only its officer's movements, and a
revoked or unknown address is a 404."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import icalendar
from django_tenants.utils import schema_context

from tenant_apps.movements import services
from tenant_apps.movements.models import CalendarFeed
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import KL

from .conftest import values


def soon() -> date:
    return date.today() + timedelta(days=3)


def feed_of(client, token):
    return client.get(f"/movements/ical/{token}.ics")


def test_feed_parses_and_holds_the_officers_movements(cast, client_for):
    day = soon()
    with schema_context(cast.agency.schema_name):
        user = cast.officer_1.user
        user.preferred_language = "en"  # the feed speaks the officer's language
        user.save()
        timed = services.create_movement(cast.officer_1, values(date=day))
        whole = services.create_movement(
            cast.officer_1,
            values(
                date=day + timedelta(days=1), whole_day=True, start_time=None, end_time=None, kind="course"
            ),
        )
        cancelled = services.create_movement(cast.officer_1, values(date=day, place="Dibatalkan"))
        services.cancel_movement(cancelled, by=services.Actor(cast.officer_1.user))
        services.create_movement(cast.officer_2, values(date=day, place="Tempat Pegawai Dua"))
        token = services.regenerate_feed(cast.officer_1)
        other_token = services.regenerate_feed(cast.officer_2)
        assert len(token) >= 32 and not CalendarFeed.objects.filter(token_hash=token).exists()

    client = client_for(cast.agency)  # no session: the address is the credential
    response = feed_of(client, token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 2, "the cancelled movement and the other officer's are not in it"
    first = next(e for e in events.values() if str(e["UID"]).startswith(f"movement-{timed.pk}@"))
    assert first.decoded("DTSTART") == datetime.combine(day, time(8, 0), tzinfo=KL)
    assert first["DTSTART"].params["TZID"] == "Asia/Kuala_Lumpur"
    assert first.decoded("DTEND") == datetime.combine(day, time(12, 0), tzinfo=KL)
    assert str(first["SUMMARY"]) == "Meeting: Kompleks JPA Putrajaya"
    assert str(first["DESCRIPTION"]) == "Mesyuarat Jawatankuasa Pendigitalan"
    all_day = next(e for e in events.values() if str(e["UID"]).startswith(f"movement-{whole.pk}@"))
    assert all_day.decoded("DTSTART") == day + timedelta(days=1)
    assert all_day.decoded("DTEND") == day + timedelta(days=2)
    assert cal.walk("VTIMEZONE"), "the time zone travels with the feed"

    # The UID stays when the movement changes, so calendars update the event in place.
    with schema_context(cast.agency.schema_name):
        services.update_movement(timed, {"place": "Menara MKN"}, by=services.Actor(cast.officer_1.user))
    again = icalendar.Calendar.from_ical(feed_of(client, token).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)

    other = icalendar.Calendar.from_ical(feed_of(client, other_token).content)
    assert [str(e["LOCATION"]) for e in other.walk("VEVENT")] == ["Tempat Pegawai Dua"]


def test_regenerated_revoked_and_unknown_addresses_are_404(cast, client_for):
    with schema_context(cast.agency.schema_name):
        old = services.regenerate_feed(cast.officer_1)
        new = services.regenerate_feed(cast.officer_1)
    client = client_for(cast.agency)
    assert feed_of(client, old).status_code == 404
    assert feed_of(client, new).status_code == 200
    assert feed_of(client, "x" * 43).status_code == 404
    with schema_context(cast.agency.schema_name):
        assert services.revoke_feed(cast.officer_1)
    assert feed_of(client, new).status_code == 404


def test_a_token_works_only_on_its_own_agency(cast, agency_b, client_for):
    with schema_context(cast.agency.schema_name):
        token = services.regenerate_feed(cast.officer_1)
    assert feed_of(client_for(agency_b), token).status_code == 404


def test_the_movements_page_makes_shows_once_and_revokes_the_address(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    assert client.post("/movements/ical/regenerate/").status_code == 302
    page = client.get("/movements/").content.decode()
    assert 'id="feed-url"' in page
    url = page.split('id="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    anonymous = client_for(cast.agency)
    assert feed_of(anonymous, token).status_code == 200
    assert 'id="feed-url"' not in client.get("/movements/").content.decode(), "shown once"
    client.post("/movements/ical/revoke/")
    assert feed_of(anonymous, token).status_code == 404
