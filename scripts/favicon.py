"""Renders formapp/static/icons/formapp.svg into favicon.ico (16, 32 and 48 px) with Chromium.

Run after changing the SVG: .venv/bin/python scripts/favicon.py (needs the test extras and
Debian's chromium, as `make test` installs).
"""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "formapp" / "static" / "icons"
SIZES = (16, 32, 48)


def render(svg: bytes, size: int, page) -> Image.Image:
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(f'<body style="margin:0"><img src="{source}" width="{size}" '
                     f'height="{size}" style="display:block"></body>')
    page.wait_for_function("document.images[0].complete")
    png = page.screenshot(omit_background=True)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def main() -> None:
    svg = (ICONS / "formapp.svg").read_bytes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        page = browser.new_page(device_scale_factor=1)
        images = [render(svg, size, page) for size in SIZES]
        browser.close()
    # Each size drawn by the browser at that size (sharper than Pillow's downscaling).
    images[-1].save(ICONS / "favicon.ico", format="ICO", sizes=[(s, s) for s in SIZES],
                    append_images=images[:-1])
    print(f"wrote {ICONS / 'favicon.ico'}")


if __name__ == "__main__":
    main()
