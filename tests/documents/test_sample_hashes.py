"""scripts/sample_hashes.py: the sealed samples are the same bytes on every run and match the
committed baseline (docs/sample-hashes.txt), the byte-identity check of issue 16."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from formapp.documents.verification import check_seal

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "sample_hashes.py"
BASELINE = ROOT / "docs" / "sample-hashes.txt"
# A left-to-right consent, a right-to-left one with FK 9443's text, and a form.
NAMES = ("9443-formapp-samtycke-sv", "9443-fk-9443-ar", "9449")


def _run(*names: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(SCRIPT), *names], check=True, cwd=ROOT,
                          env=env, capture_output=True, text=True).stdout


def test_two_runs_give_the_same_bytes_and_the_baseline() -> None:
    first, second = _run(*NAMES), _run(*NAMES)
    assert first == second
    baseline = [line for line in BASELINE.read_text(encoding="utf-8").splitlines()
                if line.split("  ")[1] in NAMES]
    assert first.splitlines() == baseline


def test_the_baseline_names_every_locale_and_both_forms() -> None:
    names = [line.split("  ")[1] for line in BASELINE.read_text(encoding="utf-8").splitlines()]
    consents = [n for n in names if n.startswith("9443-formapp-samtycke-")]
    assert len(consents) == 19  # sv and the 18 locales
    assert "9443-fk-9443-sv" in names and {"9448", "9449"} <= set(names)


def test_a_sample_seal_is_a_real_one_at_the_fixed_time(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("sample_hashes", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    sealer = script.sample_sealer(tmp_path)
    sealed = sealer.seal(script.samples()["9449"](), reason=script.REASON,
                         signing_time=script.FIXED)
    check = check_seal(sealed, sealer.material, at=script.FIXED)
    assert check.ok and check.signed_at == script.FIXED.isoformat()
    assert f"{hashlib.sha256(sealed).hexdigest()}  9449" in BASELINE.read_text(encoding="utf-8")
