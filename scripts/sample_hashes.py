"""SHA-256 of the sealed sample PDFs at a fixed clock: the byte-identity check of a refactoring.

Renders the consent sample of every locale (formapp's text and FK 9443's, as `formapp
sample-pdf` does) and the FK 9448/9449 samples, seals each with the seal in KEYS_DIR (made there
on the first run, then reused: the hashes compare only under the same key) at a fixed time, and
prints one line per sample: its SHA-256 and its name. Run it before and after, then diff.

    PYTHONPATH=. python scripts/sample_hashes.py /tmp/formapp-sample-keys > before.txt
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from formapp.definitions import check, load_form
from formapp.documents import seal as seal_module
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.errors import UnknownLocaleError
from formapp.documents.form_pdf import render_form_pdf
from formapp.documents.sample import sample_document
from formapp.documents.seal import Sealer
from formapp.documents.signing_keys import load_seal
from formapp.i18n.registry import load_registry

FIXED = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
FORBUND = "Samordningsförbundet Exempelstad"
INSATS = "Steget vidare"
ANSWERS_9448: dict[str, Any] = {
    "personnummer": "19121212-1212", "namn": "Testperson Exempelsson",
    "startdatum": "2025-01-10", "kommun": "0180", "stadsdel": "Kungsholmen",
    "utbildning": "gymnasium", "forsorjning_tid": "upp_till_2",
    "forsorjning_fore": ["sjukpenning", "studiestod"], "aktivt_arbetssokande_fore": "nej",
    "arbetar_fore": "ja", "arbete_procent_fore": 50, "arbete_typ_fore": "subventionerat",
    "studerar_fore": "ja", "studie_procent_fore": 25,
}
ANSWERS_9449: dict[str, Any] = {
    "personnummer": "19121212-1212", "namn": "Testperson Exempelsson",
    "avslutningsdatum": "2025-06-10", "avslutningsanledning": "1",
    "forsorjning_efter": ["ingen"], "aktivt_arbetssokande_efter": "ja", "arbetar_efter": "ja",
    "arbete_procent_efter": 100, "arbete_typ_efter": "inte_subventionerat",
    "studerar_efter": "nej",
}
CONTEXTS: dict[str, dict[str, Any]] = {
    "9448": {"samverkansorganisation": FORBUND, "insats": INSATS,
             "insats_start": date(2024, 1, 1)},
    "9449": {"samverkansorganisation": FORBUND, "insats": INSATS,
             "startdatum": date(2025, 1, 10)},
}


class _FixedClock(datetime):
    """The seal's signing time, fixed."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return FIXED if tz is None else FIXED.astimezone(tz)


def _samples() -> dict[str, bytes]:
    pdfs: dict[str, bytes] = {}
    for locale in load_registry().ids:
        for text in (FORMAPP_TEXT, FK_TEXT):
            try:
                document = sample_document(locale, text=text, created=FIXED)
            except UnknownLocaleError:
                continue
            pdfs[f"9443-{text}-{locale}"] = render_consent_pdf(document, sealable=True)
    for form, answers in (("9448", ANSWERS_9448), ("9449", ANSWERS_9449)):
        definition = load_form(form)
        checked = check(definition, answers, today=date(2025, 7, 1), context=CONTEXTS[form])
        assert checked.ok, checked.errors
        pdfs[form] = render_form_pdf(
            definition, checked.values, document_id=f"DOC-{form}", forbund=FORBUND,
            insats=INSATS, officer="Handläggare Exempel",
            record={"form": form, "document_id": f"DOC-{form}"}, context=CONTEXTS[form],
            created=FIXED)
    return pdfs


def main(keys_parent: Path) -> None:
    seal_module.datetime = _FixedClock  # type: ignore[misc]
    sealer = Sealer(load_seal(data_dir=keys_parent, pkcs12_path=None, pkcs12_password=None,
                              trust_roots_path=None, create_dev=True))
    for name, pdf in _samples().items():
        sealed = sealer.seal(pdf, reason="EXEMPEL – inte ett riktigt samtycke")
        print(hashlib.sha256(sealed).hexdigest(), name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/formapp-sample-keys"))
