"""Web Push: what the centre notifies reaches the person's subscribed browsers — signed with the
platform's VAPID key, encrypted for the browser, in the person's language — by their preferences;
dead subscriptions go; each person reaches only their own subscriptions; bad input is a 4xx.

The browsers are real receivers on loopback (tests/fixtures/push_receiver.py) that check the VAPID
signature and decrypt the payload; Celery runs eagerly after commit, as for the notification emails."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django_tenants.utils import schema_context

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceIssue
from tenant_apps.notifications.models import Notification, Preference, PushSubscription
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import INSIDE, OUTSIDE, at
from tests.fixtures.push_receiver import b64url

MON = date(2025, 11, 17)
API = "/api/v1/notifications/push/"
SUBSCRIBE = API + "subscriptions/"


def signed_in(client_for, cast, who):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS[who], PASSWORD)
    return client


def subscribe(client, subscription, **extra):
    return client.post(SUBSCRIBE, subscription, content_type="application/json", **extra)


@pytest.fixture
def supervisor_phone(cast, client_for, push_receiver):
    """Penyelia Satu's phone, subscribed through the API as the settings page does."""
    phone = push_receiver()
    response = subscribe(
        signed_in(client_for, cast, "supervisor_1"), phone.subscription(), HTTP_USER_AGENT="Chrome Android"
    )
    assert response.status_code == 201, response.content
    return phone


def clock_outside(cast, capture, officer=None, hhmm="08:00"):
    with schema_context(cast.agency.schema_name), capture(execute=True):
        attendance.clock(officer or cast.officer_1, "in", position=OUTSIDE, now=at(MON, hhmm))


# --- delivery ---------------------------------------------------------------------------------------


def test_an_outside_clock_in_reaches_the_supervisors_phone_in_malay(
    cast, office, supervisor_phone, django_capture_on_commit_callbacks, vapid
):
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert supervisor_phone.errors == []
    [delivery] = supervisor_phone.received
    with schema_context(cast.agency.schema_name):
        note = Notification.objects.get(recipient=cast.supervisor_1.user)
        subscription = PushSubscription.objects.get(user=cast.supervisor_1.user)
    assert delivery.payload == {
        "title": "Di luar kawasan pejabat",
        "body": "Pegawai Satu telah mendaftar masuk dari luar kawasan pejabat",
        "url": f"/attendance/month/?officer={cast.officer_1.pk}",
        "tag": f"spotme-notification-{note.pk}",
        "lang": "ms",
    }
    assert delivery.claims["sub"] == vapid.subject and delivery.claims["aud"] == supervisor_phone.origin
    assert int(delivery.headers["ttl"]) > 0
    assert subscription.last_success_at is not None and subscription.failures == 0
    assert subscription.user_agent == "Chrome Android"


def test_in_english_for_those_who_chose_it(
    cast, office, supervisor_phone, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        cast.supervisor_1.user.preferred_language = "en"
        cast.supervisor_1.user.save()
    clock_outside(cast, django_capture_on_commit_callbacks)
    [delivery] = supervisor_phone.received
    assert delivery.payload["title"] == "Outside the office area"
    assert delivery.payload["body"] == "Pegawai Satu clocked in from outside the office area"
    assert delivery.payload["lang"] == "en"


def test_issue_decisions_task_assignments_and_movements_are_pushed(
    cast, office, client_for, push_receiver, django_capture_on_commit_callbacks
):
    from tenant_apps.movements import services as movements
    from tenant_apps.tasks import services as tasks
    from tests.movements.conftest import values
    from tests.tasks.conftest import access_of

    officer_phone, supervisor_phone = push_receiver(), push_receiver()
    assert (
        subscribe(signed_in(client_for, cast, "officer_1"), officer_phone.subscription()).status_code == 201
    )
    assert (
        subscribe(signed_in(client_for, cast, "supervisor_1"), supervisor_phone.subscription()).status_code
        == 201
    )
    with schema_context(cast.agency.schema_name), django_capture_on_commit_callbacks(execute=True):
        attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:30"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_1)
        attendance.answer_issue(issue, reason="Kesesakan lalu lintas teruk")
        attendance.decide_issue(issue, supervisor=cast.supervisor_1, accept=True)
        tasks.create_task(access_of(cast.supervisor_1), assignees=[cast.officer_1], title="Sediakan kertas")
        movements.create_movement(cast.officer_1, values(), now=at(MON, "07:00"))
    assert officer_phone.errors == supervisor_phone.errors == []
    officer_got = [(d.payload["title"], d.payload["body"]) for d in officer_phone.received]
    supervisor_got = [d.payload["title"] for d in supervisor_phone.received]
    assert officer_got[0][0] == "Isu kehadiran diputuskan" and "diterima" in officer_got[0][1]
    assert officer_got[1][0] == "Tugasan baharu" and "Sediakan kertas" in officer_got[1][1]
    assert len(officer_got) == 2
    assert supervisor_got == ["Isu kehadiran dijawab", "Pergerakan baharu"]


def test_the_push_preference_off_sends_nothing_and_leaves_the_rest(
    cast, office, supervisor_phone, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        Preference.objects.create(user=cast.supervisor_1.user, kind="clock_outside", push=False)
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert supervisor_phone.requests == 0
    assert len(mailoutbox) == 1, "email and the centre go on as chosen"
    with schema_context(cast.agency.schema_name):
        assert (
            Notification.objects.filter(recipient=cast.supervisor_1.user, read_at__isnull=True).count() == 1
        )


def test_only_push_on_still_pushes(
    cast, office, supervisor_phone, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        Preference.objects.create(
            user=cast.supervisor_1.user, kind="clock_outside", in_app=False, email=False, push=True
        )
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert len(supervisor_phone.received) == 1 and mailoutbox == []


def test_without_vapid_keys_push_is_off(
    cast, office, client_for, supervisor_phone, settings, django_capture_on_commit_callbacks
):
    settings.SPOTME_VAPID = None
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert supervisor_phone.requests == 0
    client = signed_in(client_for, cast, "supervisor_1")
    response = subscribe(client, supervisor_phone.subscription("another"))
    assert response.status_code == 409 and response.json()["code"] == "push_disabled"
    assert client.get(API).json()["enabled"] is False and client.get(API).json()["public_key"] is None
    page = client.get("/notifications/preferences/").content.decode()
    assert "Notifikasi push tidak tersedia pada pelayan ini." in page
    assert 'id="push-panel"' not in page and "-push" not in page


def test_a_gone_subscription_is_removed(cast, office, supervisor_phone, django_capture_on_commit_callbacks):
    supervisor_phone.answers = [410]
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert supervisor_phone.errors == [] and supervisor_phone.requests == 1
    with schema_context(cast.agency.schema_name):
        assert not PushSubscription.objects.exists()
    clock_outside(cast, django_capture_on_commit_callbacks, hhmm="17:00")
    assert supervisor_phone.requests == 1, "nothing sent to it any more"


def test_a_refusal_is_counted_and_kept(cast, office, supervisor_phone, django_capture_on_commit_callbacks):
    supervisor_phone.answers = [400]
    clock_outside(cast, django_capture_on_commit_callbacks)
    with schema_context(cast.agency.schema_name):
        subscription = PushSubscription.objects.get()
    assert subscription.failures == 1 and subscription.last_error == "HTTP 400"
    assert subscription.last_success_at is None and supervisor_phone.requests == 1, "a 400 is not retried"


def test_a_busy_push_service_is_retried_until_it_takes_it(
    cast, office, supervisor_phone, django_capture_on_commit_callbacks
):
    supervisor_phone.answers = [503, 429]
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert supervisor_phone.requests == 3 and len(supervisor_phone.received) == 1
    with schema_context(cast.agency.schema_name):
        subscription = PushSubscription.objects.get()
    assert subscription.failures == 0 and subscription.last_success_at is not None


def test_every_browser_of_the_person_gets_it(
    cast, office, client_for, push_receiver, django_capture_on_commit_callbacks
):
    client = signed_in(client_for, cast, "supervisor_1")
    phone, laptop = push_receiver(), push_receiver()
    assert subscribe(client, phone.subscription()).status_code == 201
    assert subscribe(client, laptop.subscription()).status_code == 201
    assert subscribe(client, laptop.subscription()).status_code == 201, "again: the same one, renewed"
    clock_outside(cast, django_capture_on_commit_callbacks)
    assert len(phone.received) == len(laptop.received) == 1
    assert len(client.get(API).json()["results"]) == 2


def test_a_shared_browser_follows_the_last_person_who_turned_push_on(
    cast, office, client_for, push_receiver, django_capture_on_commit_callbacks
):
    browser = push_receiver()
    assert subscribe(signed_in(client_for, cast, "supervisor_1"), browser.subscription()).status_code == 201
    assert subscribe(signed_in(client_for, cast, "supervisor_2"), browser.subscription()).status_code == 201
    clock_outside(cast, django_capture_on_commit_callbacks)  # officer_1: supervisor_1's
    assert browser.requests == 0
    clock_outside(cast, django_capture_on_commit_callbacks, officer=cast.officer_2)
    assert [d.payload["body"] for d in browser.received] == [
        "Pegawai Dua telah mendaftar masuk dari luar kawasan pejabat"
    ]


def test_the_settings_page_has_a_push_column_and_keeps_it_when_push_is_off(cast, client_for, vapid, settings):
    client = signed_in(client_for, cast, "supervisor_1")
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="clock_outside-push"' in page and f'data-public-key="{vapid.public_key}"' in page
    kinds, channels = ("clock_outside", "task_assigned"), ("in_app", "email")
    chosen = {f"{kind}-{channel}": "on" for kind in kinds for channel in channels}
    client.post("/notifications/preferences/", {**chosen, "task_assigned-push": "on"})
    with schema_context(cast.agency.schema_name):
        pushes = dict(Preference.objects.filter(user=cast.supervisor_1.user).values_list("kind", "push"))
    assert pushes["clock_outside"] is False and pushes["task_assigned"] is True
    settings.SPOTME_VAPID = None  # keys taken away: the column is gone, and saving keeps the choice
    client.post("/notifications/preferences/", chosen)
    with schema_context(cast.agency.schema_name):
        assert Preference.objects.get(user=cast.supervisor_1.user, kind="task_assigned").push is True


# --- each person's own subscriptions ----------------------------------------------------------------


def test_another_person_cannot_list_or_remove_your_subscriptions(cast, client_for, supervisor_phone):
    mine = signed_in(client_for, cast, "supervisor_1")
    [entry] = mine.get(API).json()["results"]
    assert entry["service"] == "127.0.0.1" and entry["user_agent"] == "Chrome Android"
    assert "endpoint" not in entry
    endpoint = supervisor_phone.subscription()["endpoint"]
    for who in ("supervisor_2", "officer_1", "admin"):
        other = signed_in(client_for, cast, who)
        assert other.get(API).json()["results"] == []
        assert other.delete(f"{SUBSCRIBE}{entry['id']}/").status_code == 404
        response = other.post(API + "unsubscribe/", {"endpoint": endpoint}, content_type="application/json")
        assert response.json() == {"removed": 0}
        assert other.post(f"/notifications/devices/{entry['id']}/remove/").status_code == 404
        assert f'data-endpoint="{endpoint}"' not in other.get("/notifications/preferences/").content.decode()
    assert f'data-endpoint="{endpoint}"' in mine.get("/notifications/preferences/").content.decode()
    with schema_context(cast.agency.schema_name):
        assert PushSubscription.objects.count() == 1
    assert mine.delete(f"{SUBSCRIBE}{entry['id']}/").status_code == 204
    with schema_context(cast.agency.schema_name):
        assert PushSubscription.objects.count() == 0


def test_another_agency_and_anonymous_reach_nothing(cast, client_as, supervisor_phone, push_receiver):
    with schema_context(cast.agency.schema_name):
        pk = PushSubscription.objects.get().pk
    for role in ("anonymous", "other_agency"):
        client = client_as(role)
        assert client.get(API).status_code == 403
        assert client.delete(f"{SUBSCRIBE}{pk}/").status_code == 403
        assert subscribe(client, push_receiver().subscription()).status_code == 403
        assert client.post(f"/notifications/devices/{pk}/remove/").status_code == 302  # to the login page
    with schema_context(cast.agency.schema_name):
        assert PushSubscription.objects.count() == 1


def test_unsubscribing_this_browser(cast, client_for, supervisor_phone):
    client = signed_in(client_for, cast, "supervisor_1")
    endpoint = supervisor_phone.subscription()["endpoint"]
    response = client.post(API + "unsubscribe/", {"endpoint": endpoint}, content_type="application/json")
    assert response.json() == {"removed": 1}
    assert client.get(API).json()["results"] == []


# --- bad input ---------------------------------------------------------------------------------------

# A fixed key (not a random one): its base64url text holds both "-" and "_", so the
# "base64, not base64url" case below always differs from the good key.
GOOD_KEY = b64url(
    ec.derive_private_key(7, ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
)
GOOD_AUTH = b64url(b"0123456789abcdef")
STANDARD_BASE64_KEY = GOOD_KEY.translate(str.maketrans("-_", "+/"))
assert STANDARD_BASE64_KEY != GOOD_KEY


def body(endpoint="http://127.0.0.1:9/push/abc", p256dh=GOOD_KEY, auth=GOOD_AUTH):
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "endpoint"),
        (body(endpoint="fcm.googleapis.com/fcm/send/abc"), "endpoint"),
        (body(endpoint="ftp://push.example.com/abc"), "endpoint"),
        (body(endpoint="http://push.example.com/abc"), "endpoint"),
        (body(endpoint="https://user:pw@fcm.googleapis.com/x"), "endpoint"),
        (body(endpoint="https://fcm.googleapis.com/" + "a" * 1100), "endpoint"),
        (body(endpoint="https://[::1/x"), "endpoint"),
        (body(endpoint=["https://fcm.googleapis.com/x"]), "endpoint"),
        ({"endpoint": "http://127.0.0.1:9/push/abc"}, "keys"),
        ({"endpoint": "http://127.0.0.1:9/push/abc", "keys": "abc"}, "keys"),
        (body(p256dh=GOOD_KEY[:-4]), "keys"),  # 62 bytes
        (body(p256dh="BA" + "A" * 85), "keys"),  # 65 bytes, not a point on the curve
        (body(p256dh=STANDARD_BASE64_KEY), "keys"),  # base64, not base64url
        (body(p256dh="x" * 500), "keys"),
        (body(auth=GOOD_AUTH[:-2]), "keys"),  # 15 bytes
        (body(auth="!!!!!!!!!!!!!!!!!!!!!!"), "keys"),
        (body(auth=None), "keys"),
        ({**body(), "expirationTime": "tomorrow"}, "expirationTime"),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_written(cast, client_for, vapid, payload, field):
    client = signed_in(client_for, cast, "officer_1")
    response = subscribe(client, payload)
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["code"] and error["detail"] and field in error["fields"]
    with schema_context(cast.agency.schema_name):
        assert not PushSubscription.objects.exists()


def test_bodies_that_are_not_json_objects_are_refused(cast, client_for, vapid):
    client = signed_in(client_for, cast, "officer_1")
    for raw in ("[]", "not json", '"text"', ""):
        response = client.post(SUBSCRIBE, raw, content_type="application/json")
        assert response.status_code == 400, (raw, response.content)
    assert client.delete(f"{SUBSCRIBE}{2**70}/").status_code == 404
    assert client.post(SUBSCRIBE, body(), content_type="text/plain").status_code == 415


def test_outside_development_an_endpoint_must_be_a_public_https_address(cast, client_for, vapid, settings):
    settings.SPOTME_PUSH_ALLOW_LOOPBACK = False
    client = signed_in(client_for, cast, "officer_1")
    private = "Alamat ini berada dalam rangkaian persendirian dan tidak boleh digunakan."
    for endpoint, message in [
        ("http://127.0.0.1:9/push/x", "Alamat mesti menggunakan https://."),
        ("https://127.0.0.1/push/x", private),
        ("https://10.1.2.3/push/x", private),
        ("https://[fe80::1]/push/x", private),
        ("https://no-such-host.invalid/push/x", "Nama hos ini tidak dapat ditemui."),
    ]:
        response = subscribe(client, body(endpoint=endpoint))
        assert response.status_code == 400 and response.json()["fields"]["endpoint"] == [message], endpoint
    with schema_context(cast.agency.schema_name):
        assert not PushSubscription.objects.exists()


def test_errors_speak_the_users_language(cast, client_for, vapid):
    client = signed_in(client_for, cast, "officer_1")
    [message] = subscribe(client, body(endpoint="http://push.example.com/x")).json()["fields"]["endpoint"]
    assert message == "Alamat mesti menggunakan https://."


def test_the_push_endpoints_are_in_the_agencys_openapi_schema(cast, client_for):
    schema = client_for(cast.agency).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths[SUBSCRIBE]) >= {"post"} and "delete" in paths[SUBSCRIBE + "{id}/"]
    assert "get" in paths[API] and "post" in paths[API + "unsubscribe/"]
    body = paths[SUBSCRIBE]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.rsplit("/", 1)[1] == "SubscribeRequest"
    assert {"400", "409"} <= set(paths[SUBSCRIBE]["post"]["responses"])
