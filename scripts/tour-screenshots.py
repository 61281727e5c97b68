"""The README's "first five minutes" screenshots, taken from a running demo (`make run`).

Usage: .venv/bin/python scripts/tour-screenshots.py [http://127.0.0.1:5000]
Needs the test extras (Playwright) and Debian's chromium and poppler-utils, as `make test`
installs. Walks the tour as a deltagaransvarig on a tablet (820×1180) and writes small PNGs
to docs/tour/. Each run signs one more demo consent.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "tour"
USER, PASSWORD = "deltagare@demo.formapp.example", "demo-formapp-2026"
WIDTH = 560  # px of the saved images: readable on GitHub, small in the repository


def fresh_personnummer() -> str:
    """A well-formed, made-up number not yet used in this demo: 1985-01-01, a random
    födelsenummer, the Luhn check digit."""
    serial = f"{random.randint(1, 999):03d}"
    digits = "850101" + serial
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(digits))
    return f"19850101-{serial}{(10 - total % 10) % 10}"


def save(png: bytes, name: str) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(OUT / name, optimize=True)
    print(f"wrote {OUT / name}")


def draw_signature(page: Page) -> None:
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    points = [(box["x"] + box["width"] * (0.1 + 0.8 * i / 29),
               box["y"] + box["height"] * (0.5 + 0.25 * math.sin(i / 2.5))) for i in range(30)]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y)
    page.mouse.up()


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 820, "height": 1180})
        page.set_default_timeout(120_000)
        page.goto(base + "/login")
        page.fill("input[name=email]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.get_by_role("link", name="Steget vidare (demo)").first.click()
        save(page.screenshot(), "1-insats.png")

        page.get_by_role("link", name="Nytt samtycke (FK 9443)").click()
        page.get_by_label("Nej").check()
        page.get_by_label("Personnummer (12 siffror)").fill(fresh_personnummer())
        page.get_by_label("Ort").fill("Demostad")
        page.get_by_role("button", name="Ge surfplattan till deltagaren").click()
        page.wait_for_url("**/sprak")
        save(page.screenshot(), "2-language.png")

        page.get_by_role("link", name="العربية").click()
        page.wait_for_load_state()
        page.check("#confirmed")
        page.fill("#name", "Alva Exempelsson")
        draw_signature(page)
        save(page.locator("main form").filter(has=page.locator("#signature-canvas"))
             .screenshot(), "3-sign-ar.png")

        page.click("#sign-submit")
        page.locator("#certify").wait_for(state="visible")
        page.click("#certify-sign")
        page.wait_for_url("**/deltagare/klart")
        page.goto(base + "/deltagare/tillbaka")
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        pdf_link = page.locator("a[href$='/pdf']").first.get_attribute("href")
        pdf = page.request.get(base + pdf_link).body()
        browser.close()
    assert pdf.startswith(b"%PDF"), pdf[:200]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "consent.pdf").write_bytes(pdf)
        # The page with the signature: the end of the read text and the signed box.
        pdf_file = Path(tmp) / "consent.pdf"
        number = next(n for n in range(1, 20) if "Underskrift" in subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), pdf_file, "-"],
            capture_output=True, text=True, check=True).stdout)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number),
                        "-singlefile", pdf_file, Path(tmp) / "page"], check=True)
        save((Path(tmp) / "page.png").read_bytes(), "4-sealed-pdf.png")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5000")
