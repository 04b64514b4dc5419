"""Malay is the default language and every string has a Malay translation; English is available."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "platform" / "spotme" / "locale"


def test_every_string_is_translated_into_malay():
    po = polib.pofile(str(LOCALE / "ms" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert not untranslated, f"untranslated: {untranslated[:5]}"


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_compiled_catalogue_matches_its_source(lang):
    """`make messages` was run after the last edit of the .po file."""
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    source = {e.msgid: e.msgstr for e in po if e.translated() and not e.obsolete}
    compiled = {e.msgid: e.msgstr for e in mo if e.msgid}
    assert source == compiled


def test_pages_are_in_malay_by_default_and_english_on_request(apex_client):
    html = apex_client.get("/apply/").content.decode()
    assert 'lang="ms"' in html and "Hantar permohonan" in html
    apex_client.post("/i18n/setlang/", {"language": "en", "next": "/apply/"})
    html = apex_client.get("/apply/").content.decode()
    assert 'lang="en"' in html and "Submit application" in html


@pytest.mark.parametrize("lang", ["ms", "en"])
def test_catalogue_passes_msgfmt_check(lang):
    """msgfmt -c: format strings of msgid and msgstr agree, plural forms match the header."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(LOCALE / lang / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
