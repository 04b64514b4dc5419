"""The VAPID key pair from the environment (spotme/vapid.py): what is accepted, what stops the
platform at start, and the development pair `make run` makes once."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from spotme.vapid import b64url_encode, ensure_dev_keys, from_environment, generate
from tests.platform.test_settings import manage

ROOT = Path(__file__).resolve().parents[2]


def test_a_generated_pair_is_accepted_and_the_public_key_derived():
    private, public = generate()
    keys = from_environment(private, None, None, default_subject="mailto:no-reply@spotme.gov.my")
    assert keys.public_key == public and keys.subject == "mailto:no-reply@spotme.gov.my"
    assert (
        from_environment(private, public + "\n", "https://spotme.gov.my", default_subject="x").public_key
        == public
    )
    assert private not in repr(keys), "the private key never shows in a settings dump"


def test_a_pem_private_key_is_accepted():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    keys = from_environment(pem, None, None, default_subject="mailto:a@b.my")
    assert keys.private_key == b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


@pytest.mark.parametrize(
    "private, public, subject, complaint",
    [
        ("", generate()[1], None, "without SPOTME_VAPID_PRIVATE_KEY"),
        ("not a key!", None, None, "SPOTME_VAPID_PRIVATE_KEY"),
        (b64url_encode(b"x" * 31), None, None, "32 bytes"),
        (generate()[0], generate()[1], None, "does not belong"),
        (generate()[0], None, "jdn@example.gov.my", "SPOTME_VAPID_SUBJECT"),
        (generate()[0], None, "mailto:", "SPOTME_VAPID_SUBJECT"),
    ],
    ids=["public-only", "garbage", "31-bytes", "mismatched", "subject-without-mailto", "empty-mailto"],
)
def test_bad_keys_are_refused(private, public, subject, complaint):
    with pytest.raises(ValueError, match=complaint):
        from_environment(private, public, subject, default_subject="mailto:a@b.my")


def test_no_private_key_means_push_off():
    assert from_environment(None, None, "mailto:a@b.my", default_subject="mailto:a@b.my") is None


def test_production_refuses_to_start_with_a_mismatched_pair():
    result = manage(
        "check",
        SECRET_KEY=secrets.token_urlsafe(60),
        SPOTME_VAPID_PRIVATE_KEY=generate()[0],
        SPOTME_VAPID_PUBLIC_KEY=generate()[1],
    )
    assert result.returncode != 0 and "does not belong" in result.stderr


def test_development_makes_a_pair_once_and_keeps_it(tmp_path, monkeypatch):
    private_file, public_file = ensure_dev_keys(tmp_path / "vapid")
    first = (private_file.read_text(), public_file.read_text())
    assert ensure_dev_keys(tmp_path / "vapid") == (private_file, public_file)
    assert (private_file.read_text(), public_file.read_text()) == first
    assert private_file.stat().st_mode & 0o077 == 0, "the private key is readable by its owner only"
    keys = from_environment(first[0], first[1], None, default_subject="mailto:a@b.my")
    assert keys is not None

    monkeypatch.syspath_prepend(str(ROOT / "deploy"))
    sys.modules.pop("run", None)
    import run  # deploy/run.py: `make run`

    env: dict = {}
    run.dev_vapid_keys(env, tmp_path / "devdata")
    assert Path(env["SPOTME_VAPID_PRIVATE_KEY_FILE"]) == tmp_path / "devdata" / "private.key"
    assert (
        Path(env["SPOTME_VAPID_PUBLIC_KEY_FILE"]).read_text().strip()
        == from_environment(
            Path(env["SPOTME_VAPID_PRIVATE_KEY_FILE"]).read_text(),
            None,
            None,
            default_subject="mailto:a@b.my",
        ).public_key
    )
    configured = {"SPOTME_VAPID_PRIVATE_KEY": "set by the operator"}
    run.dev_vapid_keys(configured, tmp_path / "other")
    assert configured == {"SPOTME_VAPID_PRIVATE_KEY": "set by the operator"}, "configured keys win"
