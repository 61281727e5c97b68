"""Timing of the consent PDF per locale: ``python -m formapp.documents.bench`` (or the
``bench_command`` click command, for ``formapp bench``). Warm process: fonts loaded once."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass

import click
import pikepdf

from formapp.definitions.consent_texts import builtin_locales
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.fonts import load_fonts
from formapp.documents.sample import sample_document


@dataclass(frozen=True)
class Timing:
    locale: str
    pages: int
    median_ms: float

    @property
    def per_page_ms(self) -> float:
        return self.median_ms / self.pages


def bench_consents(locales: Iterable[str], repeat: int = 7) -> list[Timing]:
    load_fonts()
    results = []
    for locale in locales:
        doc = sample_document(locale)
        data = render_consent_pdf(doc)  # warm the glyph caches of this script
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            render_consent_pdf(doc)
            times.append((time.perf_counter() - start) * 1000)
        results.append(Timing(locale, pages, statistics.median(times)))
    return results


@click.command("bench")
@click.option("--repeat", default=7, show_default=True)
@click.option("--lang", "locales", multiple=True, help="Locales (default: every text).")
def bench_command(repeat: int, locales: tuple[str, ...]) -> None:
    """Median milliseconds to render one FK 9443 consent PDF/A-3b (unsealed) per locale."""
    for t in bench_consents(locales or builtin_locales(), repeat):
        click.echo(f"{t.locale:6} {t.pages} page(s) {t.median_ms:6.1f} ms "
                   f"{t.per_page_ms:6.1f} ms/page")


if __name__ == "__main__":
    bench_command()
