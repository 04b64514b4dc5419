"""Static files put inside the page, for the first paint on a slow connection.

On a phone over "Slow 3G" each request costs a round trip of about two seconds (Chrome DevTools'
preset), so a page that needs its stylesheet, menu script and clock scripts from separate files paints
after two round trips at least (BENCHMARKS.md, "The officer's phone"). The page carries them itself:

    {% inline_style "spotme/spotme.css" %}   → <style nonce="…">…</style>
    {% inline_script "spotme/phone.js" %}    → <script nonce="…">…</script>

The Content-Security-Policy still forbids inline code: only elements carrying this response's nonce
(django-csp, `request.csp_nonce`, added to the header only when a page uses it) run, and what they
carry is one of our static files, never anything from a request or the database. The files stay
where they are (the service worker precaches them; other pages keep loading them by URL)."""

from __future__ import annotations

from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"inline static file not found: {path}")
    with open(found, encoding="utf-8") as handle:
        text = handle.read()
    closing = "</style" if path.endswith(".css") else "</script"
    # The file ends where its element would: an end tag (or an HTML comment opener) inside it would
    # cut it short. None of ours has one; refuse rather than escape, so the file stays byte-identical.
    if closing in text.lower() or "<!--" in text:
        raise template.TemplateSyntaxError(f"{path} contains {closing!r} or '<!--': cannot be inlined")
    return text


_read_cached = cache(_read)


def static_text(path: str) -> str:
    """The file's text (read once per process; on each use while DEBUG, so edits show at once)."""
    return _read(path) if settings.DEBUG else _read_cached(path)


def _nonce(context) -> str | None:
    """This response's CSP nonce; None where a page is rendered without its request (Django's
    default 500 handler), which then loads the file by URL as before."""
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", None)
    return None if nonce is None else str(nonce)


@register.simple_tag(takes_context=True)
def inline_style(context, path: str) -> str:
    nonce = _nonce(context)
    if nonce is None:
        return format_html('<link rel="stylesheet" href="{}">', static(path))
    return format_html('<style nonce="{}">{}</style>', nonce, mark_safe(static_text(path)))  # noqa: S308 (our own static file)


@register.simple_tag(takes_context=True)
def inline_script(context, path: str) -> str:
    nonce = _nonce(context)
    if nonce is None:
        return format_html('<script src="{}" defer></script>', static(path))
    return format_html('<script nonce="{}">{}</script>', nonce, mark_safe(static_text(path)))  # noqa: S308 (our own static file)
