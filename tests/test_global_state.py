"""Hidden global state (issue 16): importing a module changes nothing; ``create_app`` does.

Listeners on every Engine, Session and model are registered by the extensions in
``create_app``, once however many apps a process makes; caches that depend on an app's
configuration or database belong to that app.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# (module, listener, target expression, event) of every process-wide listener.
LISTENERS = [
    ("formapp.extensions", "_sqlite_pragmas", "sqlalchemy.engine.Engine", "connect"),
    ("formapp.evidence", "_keep_files", "sqlalchemy.orm.Session", "after_commit"),
    ("formapp.evidence", "_drop_files", "sqlalchemy.orm.Session", "after_rollback"),
    ("formapp.records.audit", "_write_head", "sqlalchemy.orm.Session", "after_commit"),
    ("formapp.records.audit", "_forget_head", "sqlalchemy.orm.Session", "after_rollback"),
    ("formapp.protection.row_binding", "_before_insert", "formapp.extensions.Model",
     "before_insert"),
    ("formapp.protection.row_binding", "_before_update", "formapp.extensions.Model",
     "before_update"),
    ("formapp.protection.row_binding", "_after_write", "formapp.extensions.Model",
     "after_insert"),
    ("formapp.protection.row_binding", "_after_write", "formapp.extensions.Model",
     "after_update"),
]


def run_python(code: str) -> str:
    """``code`` in a fresh interpreter (a test process has imported everything already)."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, check=False, cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_the_models_registers_no_listener_and_create_app_registers_each_once(
        tmp_path: Path) -> None:
    out = run_python(f"""
        import importlib
        import sqlalchemy
        import formapp.records.models, formapp.records.audit, formapp.evidence
        LISTENERS = {LISTENERS!r}

        def resolve(dotted):
            module, _, name = dotted.rpartition(".")
            return getattr(importlib.import_module(module), name)

        def registered():
            return [sqlalchemy.event.contains(resolve(target), event,
                                              getattr(importlib.import_module(module), name))
                    for module, name, target, event in LISTENERS]

        def dispatch(target):
            # An instance's listeners: a class's are copied to each, once per registration.
            if target.endswith("Engine"):
                return sqlalchemy.create_engine("sqlite://").pool.dispatch
            if target.endswith("Session"):
                return sqlalchemy.orm.Session().dispatch
            return sqlalchemy.inspect(formapp.records.models.Consent).dispatch

        def counts():
            # A model's listeners are wrapped: there, formapp's is the only one.
            return [sum(fn is getattr(importlib.import_module(module), name) or
                        target.endswith("Model")
                        for fn in getattr(dispatch(target), event))
                    for module, name, target, event in LISTENERS]

        print(registered())
        from formapp.app import create_app
        for name in ("a", "b"):
            create_app({{"FORMAPP_DATA_DIR": {str(tmp_path)!r} + "/" + name, "TESTING": True}})
        print(registered())
        print(counts())
        """).splitlines()
    assert out[0] == str([False] * len(LISTENERS))
    assert out[1] == str([True] * len(LISTENERS))
    assert out[2] == str([1] * len(LISTENERS))
