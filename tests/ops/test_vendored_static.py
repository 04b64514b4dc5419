"""The front-end libraries served from our static files (Workbox, Leaflet) and injected by the browser
tests (axe-core) are exactly what package-lock.json pins: every copy is listed in
vendor/MANIFEST.json with its package, locked version and SHA-256 (deploy/vendor.py writes it from
`npm ci`; this test needs neither npm nor the network)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _vendor_module():
    spec = importlib.util.spec_from_file_location("spotme_vendor", ROOT / "deploy/vendor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_package_json_pins_exact_versions_and_lock_agrees():
    package = json.loads((ROOT / "package.json").read_text())
    lock = _vendor_module().locked_versions()
    for section in ("dependencies", "devDependencies"):
        for name, wanted in package[section].items():
            assert wanted[0].isdigit(), f"{name} must be pinned exactly, not {wanted!r}"
            assert lock[name] == wanted, f"{name}: package.json {wanted}, package-lock.json {lock.get(name)}"


def test_committed_copies_match_manifest_and_lock():
    assert _vendor_module().check() == []


def test_check_reports_a_tampered_copy(tmp_path, monkeypatch):
    vendor = _vendor_module()
    manifest = json.loads(vendor.MANIFEST.read_text())
    manifest["files"][0]["sha256"] = "0" * 64
    manifest["files"][1]["version"] = "0.0.1"
    fake = tmp_path / "MANIFEST.json"
    fake.write_text(json.dumps(manifest))
    monkeypatch.setattr(vendor, "MANIFEST", fake)
    problems = vendor.check()
    assert any("differs from what npm installed" in p for p in problems)
    assert any("0.0.1 copied" in p for p in problems)
