"""Draw the app's icons (committed PNGs and favicon.ico): `python3 deploy/icons.py` (needs Pillow).

A white clock face with the hands at 8:00 on SPOT-Me's blue. The "any" icons fill the square with
rounded corners; the maskable ones keep the clock inside the central 80 % safe zone on a full-bleed
background (Android crops them to a circle or squircle). Drawn 4x and scaled down for smooth edges."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "platform" / "spotme" / "web" / "static" / "spotme" / "icons"
BLUE = (11, 61, 145, 255)
WHITE = (255, 255, 255, 255)
GREEN = (30, 123, 52, 255)


def draw(size: int, *, maskable: bool, rounded: bool = True) -> Image.Image:
    s = size * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable or not rounded:
        d.rectangle([0, 0, s, s], fill=BLUE)
    else:
        d.rounded_rectangle([0, 0, s - 1, s - 1], radius=s // 5, fill=BLUE)
    face = 0.30 if maskable else 0.38  # radius as a share of the side
    c, r = s / 2, s * face
    d.ellipse([c - r, c - r, c + r, c + r], fill=WHITE)
    ring = r * 0.86
    for hour in range(12):  # hour marks
        a = math.radians(hour * 30)
        x1, y1 = c + math.sin(a) * ring, c - math.cos(a) * ring
        x2, y2 = c + math.sin(a) * ring * 0.86, c - math.cos(a) * ring * 0.86
        d.line([x1, y1, x2, y2], fill=BLUE, width=max(2, int(s * 0.012)))
    for angle, length, width in ((240, 0.5, 0.045), (0, 0.72, 0.03)):  # hour hand at 8, minute at 12
        a = math.radians(angle)
        d.line(
            [c, c, c + math.sin(a) * r * length, c - math.cos(a) * r * length],
            fill=BLUE,
            width=int(s * width),
        )
    dot = s * 0.035
    d.ellipse([c - dot, c - dot, c + dot, c + dot], fill=GREEN)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, maskable=False, rounded=False).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(48, maskable=False).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
