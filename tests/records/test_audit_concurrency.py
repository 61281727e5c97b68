"""The audit trail with many writers (issue 22): two app nodes on one PostgreSQL, and the
workers of every node writing the head record in the data directory they share."""

from __future__ import annotations

import random
import threading
from pathlib import Path

from flask import Flask

from formapp.extensions import db
from formapp.records.audit import _head_path, _store_head, log_event, verify_chain
from tests.conftest import fresh_pg_schema, make_app

APPENDS = 40


def _append(app: Flask, barrier: threading.Barrier, node: str, failures: list[str]) -> None:
    try:
        with app.app_context():
            barrier.wait()
            for n in range(APPENDS):
                log_event(actor=None, action="test.node", subject=f"{node}:{n}")
                db.session.commit()
            db.session.remove()
    except Exception as exc:  # reported by the test, not lost in the thread
        failures.append(f"{node}: {type(exc).__name__}: {exc}")


def test_two_nodes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    """Each node has its own engine (its own connections): without the chain's lock both read
    the same last entry and their entries follow it twice, a fork verify_chain reports."""
    with fresh_pg_schema("formapp_test_nodes") as url:
        data_dir = tmp_path / "data"  # one machine: the nodes share it (README, two nodes)
        nodes = [make_app(url, data_dir) for _ in range(2)]
        with nodes[0].app_context():
            db.create_all()
        barrier = threading.Barrier(2)
        failures: list[str] = []
        threads = [threading.Thread(target=_append, args=(app, barrier, f"node{i}", failures))
                   for i, app in enumerate(nodes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with nodes[1].app_context():
            report = verify_chain()
            assert report.problems == ()
            assert report.entries == 2 * APPENDS
            head = _head_path().read_text().split()
            assert int(head[0]) == report.head.last_id  # the head names the chain's end
            db.session.remove()
        for app in nodes:
            with app.app_context():
                db.engine.dispose()


def test_a_late_head_write_does_not_move_the_head_back(app: Flask) -> None:
    """Commits end in any order: the worker that committed entry 9 may write the head after
    the one that committed entry 10."""
    _store_head(_head_path(), 10, "a" * 64, forward_only=True)
    _store_head(_head_path(), 9, "b" * 64, forward_only=True)
    assert _head_path().read_text().split()[:2] == ["10", "a" * 64]


def test_head_writers_at_once_never_fail_nor_mix(app: Flask) -> None:
    """Many writers at once (every worker of every node after its commit): each write
    succeeds, and the head ends at the last entry, a whole line."""
    ids = list(range(1, 301))
    random.Random(22).shuffle(ids)
    failures: list[str] = []
    path = _head_path()

    def write(chunk: list[int]) -> None:
        with app.app_context():
            for entry_id in chunk:
                try:
                    _store_head(path, entry_id, f"{entry_id:064x}", forward_only=True)
                except OSError as exc:
                    failures.append(f"{entry_id}: {exc}")

    threads = [threading.Thread(target=write, args=(ids[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    fields = path.read_text().split()
    assert len(fields) == 4 and fields[:2] == ["300", f"{300:064x}"]
    assert not list(path.parent.glob(".audit_head-*"))  # no temporary file left behind
