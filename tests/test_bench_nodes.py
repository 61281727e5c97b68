"""``formapp bench load --nodes 2`` (issue 22): two app nodes on one PostgreSQL behind a
round-robin proxy, one killed with SIGKILL while officers sign; nothing lost, nothing twice,
no orphan, the audit chain intact, every client error accounted for."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from formapp.bench.nodes import run_two_nodes
from formapp.cli import cli
from tests.conftest import PG_URL


def test_a_node_killed_mid_run_loses_and_duplicates_nothing() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL: FORMAPP_TEST_DATABASE_URL is not set (two nodes share one "
                    "database)")
    result = run_two_nodes(PG_URL, seconds=8, users=3, workers=1, kill_after=3)
    data = result.as_json()
    assert data["consents"] > 0 and data["signatures_in_flight_at_kill"] >= 1
    assert (data["lost"], data["duplicated"], data["orphans"]) == (0, 0, 0), data["problems"]
    assert data["audit_chain_ok"] and data["consents_without_audit_entry"] == 0
    assert data["abandoned"] == 0 and data["accounted"]
    assert data["errors"] == data["errors_retried"] == sum(data["errors_by_kind"].values())
    assert result.ok


def test_the_bench_says_why_two_nodes_are_not_measured_without_postgresql() -> None:
    result = CliRunner().invoke(cli, ["bench", "load", "--nodes", "2"],
                                env={"FORMAPP_BENCH_DATABASE_URL": ""})
    assert result.exit_code == 2 and "needs PostgreSQL" in result.output
    from formapp.bench.cli import two_nodes_case
    from formapp.bench.run import QUICK
    skipped = two_nodes_case(None, QUICK)
    assert "FORMAPP_BENCH_DATABASE_URL" in json.dumps(skipped.as_json())
