"""SHA-256 of the sealed sample PDFs at a fixed clock: the byte-identity check of a refactoring.

Renders the consent sample of every locale (formapp's text and FK 9443's, as `formapp
sample-pdf` does) and the FK 9448/9449 samples, with fixed document ids, names and creation time,
seals each with a test seal made from fixed seeds (keys, serials and validity: the same on every
machine) at a fixed signing time, and prints one line per sample: its SHA-256 and its name.
Nothing is patched: the fixed values go through the code's own parameters (``created``,
``Sealer.seal(signing_time=)``, ``create_dev_seal(start=, keys=, serials=)``); ReportLab writes
in invariant mode, so the PDF /ID follows from the content.

    .venv/bin/python scripts/sample_hashes.py > after.txt && diff docs/sample-hashes.txt after.txt
    .venv/bin/python scripts/sample_hashes.py 9448 9449      # some samples only, by name

docs/sample-hashes.txt is the baseline; tests/documents/test_sample_hashes.py checks a few.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from formapp.definitions import check, load_form
from formapp.definitions.form_pdf import render_form_pdf
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.errors import UnknownLocaleError
from formapp.documents.seal import Sealer
from formapp.documents.signing_keys import create_dev_seal, load_seal
from formapp.i18n.registry import load_registry
from formapp.tooling.sample_consent import sample_document

FIXED = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)  # the documents' creation and the seal's time
REASON = "EXEMPEL – inte ett riktigt samtycke"
TEST_KEY_BITS = 2048  # not the seal's 3072: pure-Python prime search, 4× faster at 2048
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


def _consent(locale: str, text: str) -> Callable[[], bytes] | None:
    try:
        document = sample_document(locale, text=text, created=FIXED)
    except UnknownLocaleError:
        return None  # no such text in this language
    return lambda: render_consent_pdf(document, sealable=True)


def _form(form: str, answers: dict[str, Any]) -> Callable[[], bytes]:
    def render() -> bytes:
        definition = load_form(form)
        checked = check(definition, answers, today=date(2025, 7, 1), context=CONTEXTS[form])
        assert checked.ok, checked.errors
        return render_form_pdf(
            definition, checked.values, document_id=f"DOC-{form}", forbund=FORBUND,
            insats=INSATS, officer="Handläggare Exempel",
            record={"form": form, "document_id": f"DOC-{form}"}, context=CONTEXTS[form],
            created=FIXED)
    return render


def samples() -> dict[str, Callable[[], bytes]]:
    """Every sample by name, in a fixed order; each renders its PDF (unsealed) when called."""
    found: dict[str, Callable[[], bytes]] = {}
    for locale in load_registry().ids:
        for text in (FORMAPP_TEXT, FK_TEXT):
            render = _consent(locale, text)
            if render is not None:
                found[f"9443-{text}-{locale}"] = render
    found["9448"] = _form("9448", ANSWERS_9448)
    found["9449"] = _form("9449", ANSWERS_9449)
    return found


def _prime(seed: bytes, bits: int) -> int:
    """The first probable prime from ``seed``'s SHAKE-256 stream (Miller–Rabin, fixed bases)."""
    for counter in range(100_000):
        raw = hashlib.shake_256(seed + counter.to_bytes(4, "big")).digest(bits // 8)
        candidate = int.from_bytes(raw, "big") | (3 << (bits - 2)) | 1
        if candidate % 65537 != 1 and _probably_prime(candidate):
            return candidate
    raise RuntimeError("no prime found")  # not reached: primes are dense enough


def _probably_prime(n: int) -> bool:
    if any(n % p == 0 for p in SMALL_PRIMES):
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for base in SMALL_PRIMES[:20]:
        x = pow(base, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


SMALL_PRIMES = [p for p in range(2, 2000) if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def seeded_key(name: str) -> rsa.RSAPrivateKey:
    """An RSA key made from ``name`` alone: the same test key on every machine (never a real
    seal's: anyone can make it again)."""
    e = 65537
    p = _prime(f"formapp sample seal {name} p".encode(), TEST_KEY_BITS // 2)
    q = _prime(f"formapp sample seal {name} q".encode(), TEST_KEY_BITS // 2)
    d = pow(e, -1, (p - 1) * (q - 1))
    public = rsa.RSAPublicNumbers(e, p * q)
    return rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                 rsa.rsa_crt_iqmp(p, q), public).private_key()


def sample_sealer(directory: Path) -> Sealer:
    """The sample seal: fixed keys, serials and validity, written to ``directory``/keys."""
    create_dev_seal(directory / "keys", start=FIXED - timedelta(days=1),
                    keys=(seeded_key("ca"), seeded_key("seal")), serials=(9443, 9448))
    return Sealer(load_seal(data_dir=directory, pkcs12_path=None, pkcs12_password=None,
                            trust_roots_path=None, create_dev=False))


def sample_hashes(names: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(SHA-256, name) of the sealed samples ``names`` (default all), in a fixed order."""
    every = samples()
    unknown = set(names) - set(every)
    if unknown:
        raise SystemExit(f"no such sample: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as scratch:
        sealer = sample_sealer(Path(scratch))
        return [(hashlib.sha256(sealer.seal(render(), reason=REASON, signing_time=FIXED))
                 .hexdigest(), name)
                for name, render in every.items() if not names or name in names]


def main(names: Sequence[str]) -> None:
    for digest, name in sample_hashes(names):
        print(f"{digest}  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
