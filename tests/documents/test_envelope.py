"""Archived PDFs encrypted at rest: an envelope opens only to its own document, under the data
key its header names, and a data key rotation re-wraps the key without touching the PDF."""

from __future__ import annotations

import hashlib
import json

import pytest

from formapp.documents.envelope import (
    MAGIC,
    EnvelopeError,
    is_envelope,
    open_envelope,
    parse,
    rewrap,
    seal,
)
from formapp.protection.keyring import new_key_entry, parse_keyring

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


def ring(*data_entries: str):
    return parse_keyring(",".join(data_entries), new_key_entry())


def test_an_envelope_opens_to_the_plain_pdf_and_names_its_key() -> None:
    keys = ring(new_key_entry())
    stored = seal(keys, PDF, DIGEST).to_bytes()
    assert is_envelope(stored) and not is_envelope(PDF)
    assert PDF[200:264] not in stored  # no run of the PDF in clear
    header = json.loads(stored[len(MAGIC):stored.index(b"\n", len(MAGIC))])
    assert header["key_id"] == keys.data_key_id and header["sha256"] == DIGEST
    assert open_envelope(keys, parse(stored), DIGEST) == PDF


def test_a_changed_byte_another_name_or_another_key_does_not_open() -> None:
    keys = ring(new_key_entry())
    envelope = seal(keys, PDF, DIGEST)
    stored = bytearray(envelope.to_bytes())
    stored[-100] ^= 1
    with pytest.raises(EnvelopeError, match="changed"):
        open_envelope(keys, parse(bytes(stored)), DIGEST)
    with pytest.raises(EnvelopeError, match="not"):
        open_envelope(keys, envelope, "0" * 64)  # filed under another document's name
    same_id_other_key = ring(f"{keys.data_key_id}:{new_key_entry().partition(':')[2]}")
    with pytest.raises(EnvelopeError, match=keys.data_key_id):
        open_envelope(same_id_other_key, envelope, DIGEST)
    with pytest.raises(EnvelopeError, match="does not list"):
        open_envelope(ring(new_key_entry()), envelope, DIGEST)
    with pytest.raises(EnvelopeError):
        parse(MAGIC + b"not json\n" + envelope.body)


def test_rotation_rewraps_the_document_key_and_keeps_the_body() -> None:
    old, new = new_key_entry(), new_key_entry()
    envelope = seal(ring(old), PDF, DIGEST)
    fresh = rewrap(ring(new, old), envelope, DIGEST)  # the new key first, the old kept
    assert fresh.body == envelope.body and fresh.key_id == new.partition(":")[0]
    assert open_envelope(ring(new), fresh, DIGEST) == PDF  # the old key is no longer needed
    with pytest.raises(EnvelopeError):
        open_envelope(ring(new), envelope, DIGEST)
