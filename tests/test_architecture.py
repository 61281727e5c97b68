"""The package graph (scripts/import_graph.py): no package cycles, and every import inside a
function body allowed here by name, with its reason (issue 16; DESIGN.md §4)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]

# (file, imported module) -> why it is imported where it is used. Not one of them may be there
# to dodge a cycle: a cycle is fixed by moving code, not by hiding the import.
ALLOWED_LAZY: dict[tuple[str, str], str] = {
    ("formapp/launcher.py", "formapp.app"):
        "start-up: `formapp --help` must not import the app (issue 16's 0.5 s budget); "
        "launcher imports nothing of formapp at module level",
    ("formapp/evidence.py", "formapp.evidence_tools"):
        "start-up: `formapp run` serves its pages without the PDF stack (ReportLab, pyHanko) "
        "until the first seal or render asks evidence() for it",
    ("formapp/evidence.py", "formapp.documents.archive_s3"):
        "boto3 is the optional extra `s3`: imported only when FORMAPP_ARCHIVE_BACKEND=s3",
    ("formapp/evidence_tools.py", "formapp.documents.archive_s3"):
        "boto3 is the optional extra `s3`: imported only when FORMAPP_ARCHIVE_BACKEND=s3",
}


def _graph_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph",
                                                  ROOT / "scripts" / "import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


GRAPH = _graph_module()


def test_no_package_cycles() -> None:
    built = GRAPH.build()
    found = {", ".join(c): GRAPH.cycle_edges(built.edges, c) for c in GRAPH.cycles(built.edges)}
    assert found == {}, "\n" + GRAPH.report(built).split("# Imports")[0]


def test_every_lazy_import_is_allowed_with_its_reason() -> None:
    lazy = {(str(i.path.relative_to(ROOT)), i.target) for i in GRAPH.build().lazy()}
    assert lazy - set(ALLOWED_LAZY) == set(), "imported inside a function, not allowed here"
    assert set(ALLOWED_LAZY) - lazy == set(), "allowed here, no longer imported lazily"


def test_the_graph_sees_a_cycle_and_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "formapp"
    for name, text in {
        "__init__.py": "",
        "a/__init__.py": "from formapp.b import thing\n",
        "b/__init__.py": "def f():\n    from formapp.a import other\n    return other\n",
        "c/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                         "    from formapp.a import x\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    built = GRAPH.build(package)
    assert GRAPH.cycles(built.edges) == [["a", "b"]]  # a lazy import is an arrow all the same
    assert [(i.source, i.target) for i in built.lazy()] == [("formapp.b", "formapp.a")]
    assert built.edges["c"] == set()  # under TYPE_CHECKING: not imported at run time
    report = GRAPH.report(built)
    assert "{a, b}" in report and "formapp/b/__init__.py:2  formapp.a" in report
