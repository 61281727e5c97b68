"""``formapp bench --quick`` runs every case end to end (timings are never asserted)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from formapp.cli import cli


def test_bench_quick_runs_every_case() -> None:
    result = CliRunner().invoke(cli, ["bench", "--quick", "--json"],
                                env={"FORMAPP_BENCH_DATABASE_URL": ""})
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for case in ("consent", "consent_ar", "register_9448", "deregister_9449", "page_9443_start",
                 "page_9443_read_ar", "page_9448", "page_9449", "verify"):
        assert data[case]["median_ms"] > 0 and data[case]["p95_ms"] >= data[case]["median_ms"]
    assert data["consent"]["floor_median_ms"] > 0 and data["consent"]["ratio"] > 0
    assert data["page_9443_read_ar"]["bytes"] > data["page_9443_read_sv"]["bytes"]
    pages = {name: case["bytes"] for name, case in data.items()
             if name.startswith("page_") and not case.get("skipped")}
    assert "page_9443_read_ti" in pages  # the largest script subset (Ethiopic)
    # Issue 10's goal, a byte count (deterministic, unlike the timings): ≤ 200 KB a page.
    assert all(size <= 200_000 for size in pages.values()), pages
    for case in ("render_sv", "render_ar", "render_th"):
        assert data[case]["median_ms"] > 0 and data[case]["pages"] >= 1
    peer = data["consent_peer"]  # WeasyPrint is optional: measured, or skipped with the reason
    assert peer.get("skipped") or (peer["median_ms"] > 0 and peer["consent_ratio"] > 0)
    imported = data["import_10k"]  # issue 21: 10,000 rows in the full run, a few here
    assert imported["median_ms"] > 0 and imported["rows"] == 300
    assert imported["with_consent"] > 0 and imported["with_paper"] > 0
    assert imported["anonymous"] > 0
    assert data["machine"]["cores"] >= 1
    for case in ("load_two_nodes", "reports_national", "reports_forbund",
                 "page_9448_national"):  # issue 22
        assert "FORMAPP_BENCH_DATABASE_URL" in data[case]["skipped"]
