"""The consent_peer case: the same FK 9443 consent through the route most Flask projects take.

An HTML template (Flask's Jinja environment) rendered to PDF/A-3b by WeasyPrint, with the
signature as the PNG a signature pad sends and the record as an attachment, then sealed by
pyHanko with its defaults: ``SimpleSigner.load_pkcs12`` reads the PKCS#12 for every consent, and
``sign_pdf`` runs with its default settings (a dry-run signature to size the reservation). The
sealed file is written under its SHA-256. No database work: that only flatters the peer.

It is timed interleaved with formapp's own consent POST, so the ratio comes from one run.
WeasyPrint is an optional dependency (the ``test`` extra); without it the case is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from formapp.bench.consent_cases import SIGNATURE, ConsentDriver
from formapp.bench.environment import BenchEnv
from formapp.bench.timing import CaseResult, interleaved
from formapp.definitions.consent_texts import latest_builtin
from formapp.documents.consent import ConsentDocument
from formapp.documents.signing_keys import SealMaterial
from formapp.evidence import evidence
from formapp.records.signatures import parse_signature

try:
    import weasyprint
except (ImportError, OSError) as _exc:  # OSError: the package is there, Pango is not
    weasyprint = None
    WEASYPRINT_MISSING = (f"WeasyPrint is not usable ({_exc}); install the test extra "
                          "(pip install -e '.[test]') and Pango (make system-deps-test)")
else:
    WEASYPRINT_MISSING = ""

P12_PASSWORD = b"bench-peer"

TEMPLATE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>FK 9443 Samtycke – {{ doc.document_id }}</title>
<style>
@page { size: A4; margin: 92pt 50pt 58pt;
  @top-left { content: "Försäkringskassan"; font: bold 14pt "Noto Sans"; }
  @top-right { content: counter(page) " (" counter(pages) ")"; font: 9pt "Noto Sans"; }
  @bottom-left { content: "FK9443 (002.F.001) Fastställt av Försäkringskassan";
                 font: 7pt "Noto Sans"; }
  @bottom-right { content: "Dokument-id {{ doc.document_id }}"; font: 7pt "Noto Sans"; } }
body { font: 9pt "Noto Sans", "Noto Naskh Arabic", "Noto Sans Thai", "Noto Sans Ethiopic"; }
.provenance { color: #595959; font-size: 7.5pt; font-weight: bold; margin-top: 14pt; }
.sha { color: #595959; font-size: 7pt; }
h1 { font-size: 13pt; margin: 6pt 0 0; } h2 { font-size: 10pt; margin: 7pt 0 0; }
p { margin: 4pt 0 0; }
table.boxes { width: 100%; border-collapse: collapse; margin-top: 14pt; }
table.boxes td { border: 0.6pt solid black; width: 50%; vertical-align: top; padding: 4pt; }
.label { color: #595959; font-size: 7.5pt; } .value { font-size: 11pt; }
.signature img { width: 180pt; }
table.details td { font-size: 8pt; padding: 0 6pt 2pt 0; }
</style></head><body>
{% for text, heading in texts %}
<div class="provenance">{{ heading }} · {{ text.locale }} · status: {{ text.status }} ·
  version: {{ text.version }}</div>
<div class="sha">SHA-256: {{ text.sha256 }}</div>
<section lang="{{ text.locale }}" dir="{{ 'rtl' if text.locale in rtl else 'ltr' }}">
<h1>{{ text.title }}</h1>
{% for section in text.sections %}
{% if section.heading %}<h2>{{ section.heading }}</h2>{% endif %}
{% for paragraph in section.paragraphs %}<p>{{ paragraph }}</p>{% endfor %}
{% endfor %}
<h2>{{ text.declaration_heading }}</h2><p>{{ text.declaration_text }}</p>
</section>
{% endfor %}
<table class="boxes">
<tr><td><div class="label">{{ labels.personnummer }}</div>
  <div class="value">{{ doc.personnummer }}</div></td>
  <td class="signature"><div class="label">{{ labels.underskrift }}</div>
  <img src="{{ signature_png }}" alt="Underskrift"></td></tr>
<tr><td><div class="label">{{ labels.ort_och_datum }}</div>
  <div class="value">{{ doc.place }} {{ doc.signed_on.isoformat() }}</div></td>
  <td><div class="label">{{ labels.namnfortydligande }}</div>
  <div class="value">{{ doc.name }}</div></td></tr>
</table>
<table class="details">
<tr><td>Insats</td><td>{{ doc.insats }}</td></tr>
<tr><td>Samordningsförbund</td><td>{{ doc.forbund }}</td></tr>
<tr><td>Deltagaransvarig</td><td>{{ doc.officer }}</td></tr>
<tr><td>Dokument-id</td><td>{{ doc.document_id }}</td></tr>
</table>
</body></html>
"""


def signature_png(signature_json: str = SIGNATURE, width: int = 600) -> str:
    """The signature as the data URL a signature pad (``toDataURL``) posts."""
    signature = parse_signature(signature_json)
    height = round(width / signature.aspect)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    for stroke in signature.strokes:
        points = [(x * width, y * height) for x, y in stroke.points]
        pen.line(points, fill=(13, 26, 115, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def write_pkcs12(material: SealMaterial, path: Path) -> None:
    """The seal as the PKCS#12 file a typical project keeps on disk."""
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"seal", material.private_key, material.certificate, list(material.chain),
        serialization.BestAvailableEncryption(P12_PASSWORD)))


@dataclass
class PeerConsent:
    """What a typical Flask project does on the consent POST, from template to stored file."""

    env: BenchEnv
    p12_path: Path
    out_dir: Path
    document: ConsentDocument
    signature_png: str

    def sign(self) -> None:
        app = self.env.app
        doc = self.document
        texts = [(doc.binding_text, "Bindande text")]
        html = app.jinja_env.from_string(TEMPLATE).render(
            doc=doc, texts=texts, labels=doc.binding_text.labels,
            signature_png=self.signature_png, rtl=("ar", "fa", "fa_AF", "ckb"))
        record = json.dumps(doc.record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        pdf = weasyprint.HTML(string=html).write_pdf(
            pdf_variant="pdf/a-3b",
            attachments=[weasyprint.Attachment(string=record, name="record.json")])
        signer = signers.SimpleSigner.load_pkcs12(str(self.p12_path), passphrase=P12_PASSWORD)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        sealed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Signature"),
                                  signer=signer).getvalue()
        digest = hashlib.sha256(sealed).hexdigest()
        (self.out_dir / f"{digest}.pdf").write_bytes(sealed)


def peer_document(name: str, place: str) -> ConsentDocument:
    binding = latest_builtin("sv")
    assert binding is not None
    now = datetime.now(UTC)
    document_id = "00000000-0000-4000-8000-000000000000"
    return ConsentDocument(
        document_id=document_id, binding_text=binding, read_text=None,
        personnummer="19000101-0107", name=name, place=place, signed_on=date.today(),
        signature=parse_signature(SIGNATURE), officer="Deltagaransvarig Demo",
        insats="Bench-insats", forbund="Samordningsförbundet Demo", created=now,
        record={"form": "FK 9443 (002.F.001)", "document_id": document_id,
                "namnfortydligande": name, "ort": place, "datum": now.date().isoformat()})


def peer_case(env: BenchEnv, numbers: Iterator[str], runs: int) -> CaseResult:
    """consent_peer against formapp's consent, interleaved; the ratio is consent/peer."""
    keys = env.data_dir / "peer"
    keys.mkdir(exist_ok=True)
    p12 = keys / "seal.p12"
    write_pkcs12(evidence().material, p12)
    peer = PeerConsent(env, p12, keys, peer_document("Bench Testperson", "Bench"),
                       signature_png())
    driver = ConsentDriver(env, numbers, "sv")
    consent_ms, peer_ms = interleaved(driver.sign, peer.sign, runs, setup_first=driver.prepare)
    result = CaseResult("consent_peer", peer_ms)
    consent = CaseResult("consent", consent_ms)
    result.extra = {"consent_median_ms": round(consent.median_ms, 2),
                    "consent_ratio": round(consent.median_ms / result.median_ms, 3),
                    "times_faster": round(result.median_ms / consent.median_ms, 1)}
    return result
