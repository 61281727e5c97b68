"""The consent case: POST with a signature → sealed PDF/A archived → committed, against its
floor: a bare ReportLab page sealed the plain pyHanko way with the same cached key (formapp's
own sealer fills a CMS template instead, see formapp.documents.seal)."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator

from reportlab.pdfgen.canvas import Canvas

from formapp.bench.environment import BenchEnv
from formapp.bench.timing import CaseResult, interleaved
from formapp.documents.seal import Sealer
from formapp.evidence import evidence
from formapp.web.handover import HANDOVER_KEY
from formapp.webclient import Browser, shown_texts

SIGNATURE = json.dumps({"aspect": 3.0, "strokes": [
    [[0.1 + 0.8 * i / 39, 0.5 + 0.3 * math.sin(i / 2)] for i in range(40)]]})


def bare_page() -> bytes:
    """The least a one-page PDF costs: ReportLab, one built-in font, no layout."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, "Samtycke FK 9443")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def reset_tablet(browser: Browser) -> None:
    """Back to the officer without the password round (argon2 would dominate the timing)."""
    with browser.client.session_transaction() as session:
        session.pop(HANDOVER_KEY, None)


class ConsentDriver:
    """Takes consents through the real routes, one new person each time."""

    def __init__(self, env: BenchEnv, numbers: Iterator[str], locale: str) -> None:
        self.env = env
        self.numbers = numbers
        self.locale = locale
        self.sign_url = ""
        self.texts = ""

    def prepare(self) -> None:
        """Untimed: the officer starts a consent; the tablet is handed over."""
        browser = self.env.officer
        reset_tablet(browser)
        response = browser.post(f"/insatser/{self.env.insats.id}/samtycke", {
            "skyddad_identitet": "nej", "personnummer": next(self.numbers), "place": "Bench"})
        assert response.status_code == 302, response.get_data(as_text=True)[-500:]
        self.sign_url = response.headers["Location"].removesuffix("sprak") + self.locale
        # The participant reads the page; the signature carries the text versions it showed.
        self.texts = shown_texts(browser.get(self.sign_url).get_data(as_text=True))

    def sign(self) -> None:
        """Timed: the participant's POST, until the sealed consent is committed."""
        response = self.env.officer.post(self.sign_url, {
            "confirmed": "y", "name": "Bench Testperson", "signature": SIGNATURE,
            "texts": self.texts})
        assert response.status_code == 302, response.get_data(as_text=True)[-500:]


def consent_case(env: BenchEnv, numbers: Iterator[str], runs: int,
                 locale: str = "sv") -> CaseResult:
    driver = ConsentDriver(env, numbers, locale)
    sealer = Sealer(evidence().material, cms_template=False)
    consent_ms, floor_ms = interleaved(driver.sign, lambda: sealer.seal(bare_page()), runs,
                                       setup_first=driver.prepare)
    name = "consent" if locale == "sv" else f"consent_{locale}"
    return CaseResult(name, consent_ms, floor_ms)
