"""A small, real Web Push receiver on loopback: a push service and a subscribed browser in one.

It holds what a browser holds for one subscription — a P-256 key pair and a 16-byte auth secret
(`subscription()` gives the PushSubscription.toJSON() a browser would post) — and answers POSTs the
way a push service does. Every request is checked as a push service and a browser would:

* the VAPID `Authorization: vapid t=<JWT>, k=<public key>` header (RFC 8292): `k` is the platform's
  public key, the JWT is ES256 and its signature verifies against `k`, `aud` is this receiver's
  origin, `exp` is in the future and at most 24 h away, `sub` is a mailto: or https: contact;
* `Content-Encoding: aes128gcm` and a TTL; the body decrypts (RFC 8291, with `http_ece`) with the
  subscription's private key and auth secret, to the JSON the service worker would get.

A request that fails a check is answered 401/400 (as a push service would) and recorded in
`errors`; `answers` lists the statuses to give the next requests (e.g. [410] for a subscription
that is gone, [503, 503] for a service that recovers), 201 afterwards."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    payload: dict
    claims: dict
    headers: dict


@dataclass
class PushReceiver:
    vapid_public_key: str  # the platform's key, as the browser subscribed with it
    answers: list[int] = field(default_factory=list)
    received: list[Delivery] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.handle(self.path, dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def subscription(self, name: str = "browser-1") -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{self.origin}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what a push service and the browser check ------------------------------------------------

    def handle(self, path: str, headers: dict, body: bytes) -> int:
        headers = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.requests += 1
            try:
                claims = self._check_vapid(headers.get("authorization", ""))
            except (ValueError, KeyError, InvalidSignature) as exc:
                self.errors.append(f"VAPID: {exc!r}")
                return 401
            try:
                if headers.get("content-encoding") != "aes128gcm":
                    raise ValueError(f"content-encoding {headers.get('content-encoding')!r}")
                if "ttl" not in headers:
                    raise ValueError("no TTL header")
                plain = http_ece.decrypt(
                    body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
                )
                payload = json.loads(plain.decode("utf-8"))
            except Exception as exc:  # noqa: BLE001 - whatever fails, the browser could not read it
                self.errors.append(f"payload: {exc!r}")
                return 400
            if self.answers:
                return self.answers.pop(0)
            self.received.append(Delivery(payload, claims, headers))
            return 201

    def _check_vapid(self, authorization: str) -> dict:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"scheme {scheme!r}")
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        if parts["k"] != self.vapid_public_key:
            raise ValueError("k is not the platform's public key")
        header_b64, claims_b64, signature_b64 = parts["t"].split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError(f"alg {header.get('alg')!r}")
        signature = unb64url(signature_b64)
        if len(signature) != 64:
            raise ValueError("an ES256 signature is 64 bytes (r || s)")
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        der = encode_dss_signature(r, s)
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        now = time.time()
        if not now < int(claims["exp"]) <= now + 24 * 3600:
            raise ValueError(f"exp {claims['exp']} not within the next 24 h")
        sub = claims.get("sub", "")
        if not (sub.startswith("mailto:") or sub.startswith("https:")):
            raise ValueError(f"sub {sub!r}")
        return claims
