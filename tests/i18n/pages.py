"""Helpers of the every-page language test: the project's own catalogue, the GET pages of a URLconf,
and the visible text of a rendered page."""

from __future__ import annotations

import gettext
import html
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.urls import get_resolver

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
MIN_WORDS = 3


def catalogue() -> dict[str, str]:
    """msgid → Malay msgstr of the project's own .mo (not Django's or the libraries')."""
    locale = Path(settings.LOCALE_PATHS[0])
    with open(locale / "ms" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        found = gettext.GNUTranslations(mo)
    return {k: v for k, v in found._catalog.items() if isinstance(k, str) and k}


def fragments(text: str) -> list[str]:
    """The literal parts of a message between its placeholders, normalised, of MIN_WORDS words or more."""
    parts = [" ".join(p.split()) for p in PLACEHOLDER.split(text)]
    return [p.strip(" .,:;—-“”\"'()") for p in parts if len(p.split()) >= MIN_WORDS]


def foreign_phrases(language: str) -> set[str]:
    """Phrases that must not appear on a page rendered in `language`: for English, the Malay
    translations that differ from their English source; for Malay, the English sources that have a
    different Malay translation. Only phrases of several words (single words such as "Status" are
    the same in both languages), and only those not also a phrase of the page's own language."""
    pairs = [(k, v) for k, v in catalogue().items() if v and v != k]
    english = {f for k, _ in pairs for f in fragments(k)}
    malay = {f for _, v in pairs for f in fragments(v)}
    if language == "en":
        return {p for p in malay - english if len(p) > 12}
    return {p for p in english - malay if len(p) > 12}


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}
    ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
            return
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(content: str) -> str:
    parser = _Text()
    parser.feed(content)
    return " ".join(" ".join(html.unescape(p).split()) for p in parser.parts if p.strip())


def get_routes(urlconf: str) -> list[tuple[str, str]]:
    """(path, URL name) of every route of a URLconf; parameters left as <name>."""
    routes = []
    for _view, regex, namespace, name in extract_views_from_urlpatterns(get_resolver(urlconf).url_patterns):
        path = simplify_regex(regex)
        full_name = f"{namespace}:{name}" if namespace and name else (name or "")
        routes.append((path, full_name))
    return sorted(set(routes))


SKIPPED_PREFIXES = (
    "/api/",
    "/static/",
    "/media/",
    "/i18n/",
    "/logout/",
    "/healthz",
    "/metrics",
    "/livez",
    "/readyz",
    "/sw.js",
    "/manifest",
)
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".json", "/export/", "/download/", "/logo/")


def is_page(path: str) -> bool:
    return not path.startswith(SKIPPED_PREFIXES) and not any(s in path for s in SKIPPED_SUFFIXES)


def found_foreign(text: str, phrases: set[str]) -> list[str]:
    return sorted(p for p in phrases if p in text)
