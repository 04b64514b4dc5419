"""Copy the front-end libraries SPOT-Me serves into its static files, from the npm lock.

    python deploy/vendor.py          # npm ci (package-lock.json only), copy, write MANIFEST.json
    python deploy/vendor.py --check  # verify the committed files against MANIFEST.json (no npm)

The copied files are committed, so running or testing the platform never needs npm or the
network. To add or upgrade a library: change package.json, `npm install --package-lock-only`,
run this script, run the whole suite, commit package.json, package-lock.json and the copies.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_VENDOR = ROOT / "platform/spotme/web/static/vendor"
TEST_VENDOR = ROOT / "tests/browser/vendor"
MANIFEST = STATIC_VENDOR / "MANIFEST.json"

WORKBOX_MODULES = ["core", "routing", "strategies", "precaching", "expiration", "background-sync"]

# (npm package, file inside the package, destination)
FILES: list[tuple[str, str, Path]] = [
    ("workbox-sw", "build/workbox-sw.js", STATIC_VENDOR / "workbox/workbox-sw.js"),
    *[
        (f"workbox-{m}", f"build/workbox-{m}.prod.js", STATIC_VENDOR / f"workbox/workbox-{m}.prod.js")
        for m in WORKBOX_MODULES
    ],
    ("leaflet", "dist/leaflet.js", STATIC_VENDOR / "leaflet/leaflet.js"),
    ("leaflet", "dist/leaflet.css", STATIC_VENDOR / "leaflet/leaflet.css"),
    ("leaflet", "dist/images/marker-icon.png", STATIC_VENDOR / "leaflet/images/marker-icon.png"),
    ("leaflet", "dist/images/marker-icon-2x.png", STATIC_VENDOR / "leaflet/images/marker-icon-2x.png"),
    ("leaflet", "dist/images/marker-shadow.png", STATIC_VENDOR / "leaflet/images/marker-shadow.png"),
    ("leaflet", "dist/images/layers.png", STATIC_VENDOR / "leaflet/images/layers.png"),
    ("leaflet", "dist/images/layers-2x.png", STATIC_VENDOR / "leaflet/images/layers-2x.png"),
    ("leaflet", "LICENSE", STATIC_VENDOR / "leaflet/LICENSE"),
    ("axe-core", "axe.min.js", TEST_VENDOR / "axe.min.js"),
    ("axe-core", "LICENSE", TEST_VENDOR / "axe-core.LICENSE"),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locked_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return {
        name.removeprefix("node_modules/"): meta["version"]
        for name, meta in lock["packages"].items()
        if name.startswith("node_modules/")
    }


def vendor() -> None:
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    versions = locked_versions()
    entries = []
    for package, inner, dest in FILES:
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = ROOT / "node_modules" / package / inner
        if dest.suffix == ".js":
            # No source maps are shipped: the comment would point at a missing file (and whitenoise's
            # manifest storage refuses a reference it cannot resolve).
            lines = source.read_text().splitlines(keepends=True)
            dest.write_text("".join(ln for ln in lines if not ln.startswith("//# sourceMappingURL=")))
        else:
            shutil.copyfile(source, dest)
        entries.append({
            "package": package,
            "version": versions[package],
            "file": inner,
            "path": str(dest.relative_to(ROOT)),
            "sha256": _sha256(dest),
        })
    MANIFEST.write_text(json.dumps({"files": entries}, indent=2) + "\n")
    print(f"Copied {len(entries)} files; manifest at {MANIFEST.relative_to(ROOT)}")


def check() -> list[str]:
    """Problems with the committed copies: missing, changed, or not at the locked version."""
    problems = []
    versions = locked_versions()
    manifest = json.loads(MANIFEST.read_text())["files"]
    listed = {e["path"] for e in manifest}
    for _package, _inner, dest in FILES:
        if str(dest.relative_to(ROOT)) not in listed:
            problems.append(f"{dest.relative_to(ROOT)} is not in MANIFEST.json (run deploy/vendor.py)")
    for entry in manifest:
        path = ROOT / entry["path"]
        if not path.exists():
            problems.append(f"{entry['path']} is missing")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']} differs from what npm installed (less its source-map comment)")
        if versions.get(entry["package"]) != entry["version"]:
            problems.append(
                f"{entry['path']}: {entry['package']} {entry['version']} copied, "
                f"{versions.get(entry['package'])} locked"
            )
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv:
        found = check()
        print("\n".join(found) or "Vendored files match package-lock.json")
        sys.exit(1 if found else 0)
    vendor()
