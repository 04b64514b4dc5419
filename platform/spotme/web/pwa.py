"""The installable app (PWA) of an agency's subdomain: its web app manifest, the service worker served
from the root (so its scope is the whole host), the favicon and the page shown offline.

The service worker (templates/pwa/sw.js) is Workbox, served from our own static files
(static/vendor/workbox, copied from npm by deploy/vendor.py). Its caches carry a version made from the
app's version and the content of the files it precaches, so a deploy that changes any of them makes
a new service worker (the browser compares the script's bytes) that drops the old caches."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b3d91"  # spotme.css --blue
BACKGROUND_COLOUR = "#f4f6fa"  # spotme.css --bg
ICONS = "spotme/icons/"
# Files the service worker stores at install: what the officer's pages need to open offline.
PRECACHED = (
    "spotme/spotme.css",
    "spotme/pwa.js",
    "spotme/clock.js",
    "spotme/clock-retry.js",
    f"{ICONS}icon-192.png",
    f"{ICONS}favicon.ico",
)
# Imported by the service worker when present (written by the push notifications' work).
PUSH_HANDLERS = "spotme/sw-push.js"
# Workbox's background-sync module is not used: punches wait in our own IndexedDB outbox (pwa.js),
# which the page lists and which stamps each sending with the phone's clock (Workbox's queue keeps
# the request as it was first made); the service worker replays it on the Background Sync event.
WORKBOX_MODULES = (
    "workbox-core",
    "workbox-routing",
    "workbox-strategies",
    "workbox-precaching",
    "workbox-expiration",
)
OFFLINE_URL = "/offline/"


def _static_path(name: str) -> Path | None:
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        return Path(staticfiles_storage.path(name)) if staticfiles_storage.exists(name) else None
    except NotImplementedError:  # a remote storage: nothing to read here
        return None


@cache
def cache_version() -> str:
    """The app's version and a digest of the precached files (read once per process)."""
    try:
        app = package_version("spotme-platform")
    except PackageNotFoundError:
        app = "0"
    digest = hashlib.sha256(app.encode())
    for name in (*PRECACHED, "spotme/sw-push.js", "vendor/workbox/workbox-sw.js"):
        path = _static_path(name)
        if path is not None:
            digest.update(name.encode() + path.read_bytes())
    return f"{app}-{digest.hexdigest()[:12]}"


def short_name(name: str) -> str:
    """The agency's name as a home screen shows it: its initials when it is long ("Jabatan Digital
    Negara" -> "JDN"), words in brackets or an existing acronym kept."""
    if bracket := re.search(r"\(([^)]{2,12})\)", name):
        return bracket.group(1)
    if len(name) <= 16:
        return name
    minor = {"dan", "and", "of", "the", "&", "-"}
    return "".join(w[0].upper() for w in name.split() if w.lower() not in minor)


def _agency(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        raise Http404
    return tenant


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    agency = _agency(request)
    root = request.build_absolute_uri("/")
    icons = [
        {
            "src": static(f"{ICONS}{name}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    body = {
        "id": "/",
        "name": f"SPOT-Me {short_name(agency.name)}",
        "short_name": "SPOT-Me",
        "description": _("Attendance and duty monitoring of %(agency)s") % {"agency": agency.name},
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": root,
        "scope": root,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
        "categories": ["business", "productivity"],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
@never_cache  # the browser checks for a new version on every navigation (and at most daily anyway)
def service_worker(request):
    _agency(request)
    version = cache_version()
    config = {
        "version": version,
        "workboxPrefix": static("vendor/workbox/"),
        "modules": WORKBOX_MODULES,
        "precache": [{"url": static(name), "revision": version} for name in PRECACHED]
        + [{"url": OFFLINE_URL, "revision": f"{version}-{get_language()}"}],
        "staticPrefix": settings.STATIC_URL,
        "offlineUrl": OFFLINE_URL,
    }
    imports = [static("vendor/workbox/workbox-sw.js"), static("spotme/pwa.js")]
    if _static_path(PUSH_HANDLERS):
        imports.append(static(PUSH_HANDLERS))
    context = {"config": json.dumps(config), "imports": json.dumps(imports)[1:-1]}
    response = render(request, "pwa/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=86400)
def favicon(request):
    path = _static_path(f"{ICONS}favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/x-icon")


@require_GET
def offline(request):
    """Shown by the service worker for a page it has not stored, while there is no connection."""
    return render(request, "pwa/offline.html")
