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

import pytest

from formapp.definitions import consent_texts as builtin
from formapp.documents.consent import FORMAPP_TEXT
from formapp.extensions import db
from formapp.records.consent_texts import ForbundTexts
from formapp.records.models import ConsentTextVersion, Forbund
from tests.conftest import make_app, tables_of

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


def _publish(forbund_name: str, raw: bytes, sha256: str) -> str:
    """One Swedish version of formapp's text in the current app's database (its id)."""
    forbund = Forbund(name=forbund_name, consent_text=FORMAPP_TEXT)
    db.session.add(forbund)
    db.session.flush()
    version = f"{FORMAPP_TEXT}-sv-f{forbund.id}-1"
    db.session.add(ConsentTextVersion(id=version, forbund_id=forbund.id, locale="sv",
                                      status="binding", text_id=FORMAPP_TEXT,
                                      content=raw.decode("utf-8"), sha256=sha256))
    db.session.commit()
    return version


def test_a_published_text_read_by_one_app_is_not_what_another_apps_database_holds(
        database_url: str, tmp_path: Path) -> None:
    """Two apps, two databases, the same version id and hash: the second app checks its own
    row (changed behind the app's back) instead of taking the first app's text."""
    (entry,) = [v for v in builtin.builtin_versions() if v.id == "9443-sv-2026-1"]
    raw = entry.file.read_bytes()
    sha256 = builtin.sha256_hex(raw)
    first = make_app(database_url, tmp_path / "a")
    second = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "b")
    with tables_of(first):
        version = _publish("Förbund A", raw, sha256)
        texts = ForbundTexts(((version, "sv", sha256, FORMAPP_TEXT),), FORMAPP_TEXT)
        assert texts.binding() is not None and texts.binding().sha256 == sha256
        with tables_of(second):
            assert _publish("Förbund A", raw.replace(b"samtycke", b"SAMTYCKE"), sha256) == \
                version
            with pytest.raises(builtin.ConsentTextError):
                texts.binding()


# What a page that makes no PDF must not load (issue 16): the PDF stack and the benchmark.
HEAVY = ("reportlab", "pyhanko", "formapp.bench", "formapp.evidence_tools")
PAGE_AND_LOADED = """
    import sys
    from formapp.app import create_app
    from formapp.extensions import db
    app = create_app({{"FORMAPP_DATA_DIR": {data_dir!r}, "TESTING": True}})
    with app.app_context():
        db.create_all()
    assert app.test_client().get("/login").status_code == 200
    print([name for name in {heavy!r} if name in sys.modules])
    """


def test_the_seal_and_its_stack_load_with_the_first_use_of_evidence(tmp_path: Path) -> None:
    out = run_python(PAGE_AND_LOADED.format(data_dir=str(tmp_path), heavy=HEAVY) + """
    from formapp.evidence import EXTENSION_KEY, evidence
    print(EXTENSION_KEY in app.extensions)
    with app.app_context():
        evidence()
    print([name for name in ("pyhanko", "formapp.evidence_tools") if name in sys.modules])
    """).splitlines()
    assert "formapp.evidence_tools" not in out[0]
    assert out[1:] == ["False", "['pyhanko', 'formapp.evidence_tools']"]


def test_the_login_page_loads_neither_the_pdf_stack_nor_the_benchmark(tmp_path: Path) -> None:
    out = run_python(PAGE_AND_LOADED.format(data_dir=str(tmp_path), heavy=HEAVY))
    assert out.splitlines() == ["[]"]
