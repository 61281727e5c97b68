"""formapp's package-level import graph: arrows, cycles, lazy imports and lines per package.

A package is a first-level directory under formapp/; the top-level modules are grouped by what
they are (see GROUPS). Only imports that run are counted: those under ``if TYPE_CHECKING:``
are not (they cannot make an import cycle at run time). Imports inside a function body are
listed with file:line, since a lazy import is the usual way to hide a cycle.

    python scripts/import_graph.py                  # the report (lines per package included)
    python scripts/import_graph.py --before REV     # and lines per package at REV, and its cycles
    python scripts/import_graph.py --dot            # the graph for graphviz

tests/test_architecture.py asserts on ``build()``: no cycles, and each lazy import allowed with
its reason.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "formapp"

# Top-level modules, by role. A module not named here is its own package (and shows up as such
# in the report, so a new one is noticed).
GROUPS: dict[str, str] = {
    # The foundation every package may use: settings, the database handle, the clock.
    "__init__": "core", "config": "core", "extensions": "core", "clock": "core",
    "localtime": "core", "private_files": "core", "oidc_config": "core",
    # The sealed archive and its seal, wired to the app (an extension).
    "evidence": "evidence", "evidence_tools": "evidence",
    # The composition root: create_app imports the packages; none imports it.
    "app": "app",
    # The command line and what only it runs.
    "__main__": "cli", "cli": "cli", "launcher": "cli", "archive_cli": "cli",
    "archive_check": "cli", "archive_tools": "cli", "backup": "cli", "maintenance": "cli",
    "demo": "cli", "demo_participants": "cli",
    "webclient": "tooling",
}


@dataclass(frozen=True)
class Import:
    source: str       # formapp.x.y
    target: str       # formapp.a.b
    path: Path
    line: int
    lazy: bool        # inside a function body


@dataclass
class Graph:
    root: Path
    imports: list[Import]
    edges: dict[str, set[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def lazy(self) -> list[Import]:
        return [i for i in self.imports if i.lazy]

    def where(self, item: Import) -> str:
        return str(item.path.relative_to(self.root.parent))


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str, root: Path = ROOT) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    first = parts[1]
    if (root / first).is_dir():
        return first
    return GROUPS.get(first, first)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, root: Path) -> list[str]:
    if node.level:
        base = module.split(".")
        base = base if is_package else base[:-1]
        base = base[:len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    if not prefix.startswith("formapp"):
        return []
    # ``from formapp.x import y``: y may be a module (formapp.x.y) or a name in formapp.x.
    targets = []
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        as_path = root.parent / candidate.replace(".", "/")
        targets.append(candidate if as_path.with_suffix(".py").exists() or as_path.is_dir()
                       else prefix)
    return targets


def _imports(path: Path, root: Path) -> Iterator[Import]:
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def visit(node: ast.AST, lazy: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from visit(other, lazy)
                continue
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                       | ast.Lambda)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("formapp"):
                        yield Import(module, alias.name, path, child.lineno, lazy)
            elif isinstance(child, ast.ImportFrom):
                for target in _resolve(module, is_package, child, root):
                    yield Import(module, target, path, child.lineno, lazy)
            yield from visit(child, inner)

    yield from visit(tree, False)


def _count_lines(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8"))


def build(root: Path = ROOT) -> Graph:
    graph = Graph(root, [])
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts[:1]:
            continue  # Alembic's revisions: loaded by Alembic, not imported
        package = package_of(module_name(path, root), root)
        graph.lines[package] = graph.lines.get(package, 0) + _count_lines(path)
        graph.edges.setdefault(package, set())
        for found in _imports(path, root):
            graph.imports.append(found)
            target = package_of(found.target, root)
            if target != package:
                graph.edges[package].add(target)
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            strong(node)
    return sorted(found)


def cycle_edges(edges: dict[str, set[str]], component: list[str]) -> list[tuple[str, str]]:
    members = set(component)
    return sorted((a, b) for a in component for b in edges.get(a, ()) if b in members)


def report(graph: Graph) -> str:
    out = ["# Packages (lines) and the packages each imports at run time"]
    for package in sorted(graph.edges):
        arrows = ", ".join(sorted(graph.edges[package])) or "-"
        out.append(f"{package:12} {graph.lines[package]:6}  -> {arrows}")
    out.append(f"{'total':12} {sum(graph.lines.values()):6}")
    found = cycles(graph.edges)
    out.append(f"\n# Cycles: {len(found)}")
    for component in found:
        out.append("{" + ", ".join(component) + "}")
        for a, b in cycle_edges(graph.edges, component):
            via = sorted({f"{graph.where(i)}:{i.line}" for i in graph.imports
                          if package_of(i.source, graph.root) == a
                          and package_of(i.target, graph.root) == b})
            out.append(f"  {a} -> {b}: {', '.join(via[:6])}"
                       + (f" (+{len(via) - 6})" if len(via) > 6 else ""))
    lazy = graph.lazy()
    out.append(f"\n# Imports inside a function body: {len(lazy)}")
    for item in lazy:
        out.append(f"{graph.where(item)}:{item.line}  {item.target}")
    return "\n".join(out)


def line_table(before: Graph, after: Graph) -> str:
    """Lines per package at two versions (a package absent from one counts 0 there)."""
    out = [f"{'package':12} {'before':>7} {'after':>7} {'change':>7}"]
    for package in sorted(set(before.lines) | set(after.lines)):
        old, new = before.lines.get(package, 0), after.lines.get(package, 0)
        out.append(f"{package:12} {old:7} {new:7} {new - old:+7}")
    old, new = sum(before.lines.values()), sum(after.lines.values())
    out.append(f"{'total':12} {old:7} {new:7} {new - old:+7}")
    return "\n".join(out)


def at_revision(revision: str, scratch: Path) -> Graph:
    """The graph of formapp/ at a git revision (extracted into ``scratch``)."""
    archive = subprocess.run(["git", "archive", revision, "formapp"], cwd=ROOT.parent,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
    return build(scratch / "formapp")


def dot(graph: Graph) -> str:
    lines = ["digraph formapp {"]
    for package in sorted(graph.edges):
        for target in sorted(graph.edges[package]):
            lines.append(f'  "{package}" -> "{target}";')
    return "\n".join([*lines, "}"])


def main(args: list[str]) -> None:
    built = build()
    if "--dot" in args:
        print(dot(built))
        return
    print(report(built))
    if "--before" in args:
        revision = args[args.index("--before") + 1]
        with tempfile.TemporaryDirectory() as scratch:
            before = at_revision(revision, Path(scratch))
            print(f"\n# Lines per package: {revision} and the work tree")
            print(line_table(before, built))
            print(f"\n# Cycles at {revision}: {len(cycles(before.edges))}")
            for component in cycles(before.edges):
                print("{" + ", ".join(component) + "}")


if __name__ == "__main__":
    main(sys.argv[1:])
