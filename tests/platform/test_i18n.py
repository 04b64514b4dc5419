"""Malay is the default language and every string has a Malay translation; English is available."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "platform" / "spotme" / "locale"
# Malay for libraries that ship none (Django REST framework's errors), beside the project's own.
LIBRARIES = LOCALE.parent / "locale_libraries"
CATALOGUES = [LOCALE / "ms", LOCALE / "en", LIBRARIES / "ms"]


def test_every_string_is_translated_into_malay():
    po = polib.pofile(str(LOCALE / "ms" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert not untranslated, f"untranslated: {untranslated[:5]}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiled_catalogue_matches_its_source(catalogue):
    """`make messages` was run after the last edit of the .po file."""
    po = polib.pofile(str(catalogue / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(catalogue / "LC_MESSAGES" / "django.mo"))
    source = {e.msgid: e.msgstr for e in po if e.translated() and not e.obsolete}
    compiled = {e.msgid: e.msgstr for e in mo if e.msgid}
    assert source == compiled


def test_pages_are_in_malay_by_default_and_english_on_request(apex_client):
    html = apex_client.get("/apply/").content.decode()
    assert 'lang="ms"' in html and "Hantar permohonan" in html
    apex_client.post("/i18n/setlang/", {"language": "en", "next": "/apply/"})
    html = apex_client.get("/apply/").content.decode()
    assert 'lang="en"' in html and "Submit application" in html


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_catalogue_passes_msgfmt_check(catalogue):
    """msgfmt -c: format strings of msgid and msgstr agree, plural forms match the header."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(catalogue / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_message_of_the_api_framework_speaks_malay():
    """The API answers in the user's language: DRF's own errors ("Not found.", "This field may not
    be blank.", "Ensure this field has no more than {max_length} characters.") ship no Malay, so
    locale_libraries/ holds it; a DRF upgrade that adds a message fails here until it is translated."""
    import gettext

    import rest_framework
    from django.utils import translation

    english = Path(rest_framework.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    with english.open("rb") as source:
        messages = [key for key in gettext.GNUTranslations(source)._catalog if isinstance(key, str) and key]
    assert len(messages) > 100
    with translation.override("ms"):
        english_only = [m for m in messages if translation.gettext(m) == m and m not in {"Token"}]
        assert translation.gettext("Not found.") == "Tidak dijumpai."
    assert english_only == []


def test_an_api_error_from_the_framework_is_in_malay(client_for, agency_a):
    """Signed out, the API says so in Malay by default (DRF's message, translated here)."""
    body = client_for(agency_a).get("/api/v1/officers/").json()
    assert body["detail"] == "Maklumat pengesahan tidak diberikan. Sila log masuk.", body
