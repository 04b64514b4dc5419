"""The platform's VAPID key pair (RFC 8292): it signs every Web Push request, and its public half is
the `applicationServerKey` browsers subscribe with. Read from the environment by settings.py:

    SPOTME_VAPID_PRIVATE_KEY[_FILE]  the P-256 private key: base64url of the raw 32 bytes (what
                                     `vapid --gen` / web-push's generator print) or a PEM block
    SPOTME_VAPID_PUBLIC_KEY[_FILE]   optional; base64url of the uncompressed point (65 bytes). When
                                     given it must belong to the private key (a mismatched pair would
                                     make every push fail with 401/403 at the push service)
    SPOTME_VAPID_SUBJECT             `mailto:` or `https:` contact for the push services

No private key: push is off (settings.SPOTME_VAPID is None) and the settings page says so. In
development `deploy/run.py serve` makes a pair once under .devdata/vapid/ (`ensure_dev_keys`).
Changing the pair invalidates every browser's subscription (they were made for the old public key):
phones then subscribe again from the notification settings."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional): anything else raises ValueError."""
    text = text.strip()
    if not text or any(c not in _B64URL for c in text.rstrip("=")):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the raw 32-byte private value (pywebpush / py_vapid take this)
    public_key: str  # base64url of the uncompressed point: the browsers' applicationServerKey
    subject: str  # mailto: or https: contact

    def __repr__(self) -> str:  # never print the private key (settings dumps, error pages)
        return f"VapidKeys(public_key={self.public_key!r}, subject={self.subject!r})"


def _private_from_text(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("the PEM key is not a P-256 (prime256v1) EC key")
        return key
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("the private key must be base64url of 32 bytes (or a PEM block)")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def _public_text(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(point)


def _private_text(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


def from_environment(private: str | None, public: str | None, subject: str | None, *, default_subject: str):
    """The configured keys, or None when no private key is set. Raises ValueError on a bad value."""
    private, public = (private or "").strip(), (public or "").strip()
    if not private:
        if public:
            raise ValueError("SPOTME_VAPID_PUBLIC_KEY is set without SPOTME_VAPID_PRIVATE_KEY")
        return None
    try:
        key = _private_from_text(private)
    except ValueError as exc:
        raise ValueError(f"SPOTME_VAPID_PRIVATE_KEY: {exc}") from None
    derived = _public_text(key)
    if public:
        try:
            same = b64url_decode(public) == b64url_decode(derived)
        except ValueError:
            same = False
        if not same:
            raise ValueError("SPOTME_VAPID_PUBLIC_KEY does not belong to SPOTME_VAPID_PRIVATE_KEY")
    subject = (subject or "").strip() or default_subject
    if not (subject.startswith("mailto:") and "@" in subject) and not subject.startswith("https://"):
        raise ValueError("SPOTME_VAPID_SUBJECT must be a mailto: address or an https:// URL")
    return VapidKeys(private_key=_private_text(key), public_key=derived, subject=subject)


def generate() -> tuple[str, str]:
    """A new pair: (private, public), both base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _private_text(key), _public_text(key)


def ensure_dev_keys(directory: Path) -> tuple[Path, Path]:
    """Development only: a key pair made once under `directory` (private.key, public.key), kept
    across restarts so the browsers' subscriptions stay valid. Returns the two files."""
    directory.mkdir(parents=True, exist_ok=True)
    private_file, public_file = directory / "private.key", directory / "public.key"
    if not private_file.is_file() or not public_file.is_file():
        private, public = generate()
        private_file.touch(mode=0o600)
        private_file.write_text(private + "\n")
        public_file.write_text(public + "\n")
    return private_file, public_file
