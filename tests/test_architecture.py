"""The package's layers, kept by contracts (docs/architecture.md).

* the import-linter contracts of pyproject.toml (``[tool.importlinter]``): layers, no cycles
  between siblings at any depth, the core free of file formats and presentation libraries —
  the same check as running ``lint-imports`` in the repository;
* no import cycle between any two modules (grimp's graph, the one import-linter reads);
* no module imports another module's private (``_name``) name;
* the contracts do fail on a broken layer (a small package built for the purpose);
* the import paths documented before the move still work, with a DeprecationWarning;
* every import inside a function says why it is lazy (``# lazy: …``).
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "energysim"

configuration.configure()


def _lint(config: Path) -> bool:
    return use_cases.lint_imports(config_filename=str(config), no_logo=True, cache_dir=None)


def test_import_contracts_hold(capsys):
    kept = _lint(ROOT / "pyproject.toml")
    assert kept, capsys.readouterr().out


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    adjacency = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in adjacency[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(adjacency)))
    try:
        for module in sorted(adjacency):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_cycle_between_modules():
    cycles = _cycles(grimp.build_graph("energysim"))
    assert cycles == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def _private_imports(path: Path) -> list[str]:
    """``from energysim.x import _name`` anywhere in ``path`` (dunders such as ``__version__``
    are public)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("energysim"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    out.append(f"{where}: {node.module}.{alias.name}")
    return out


def test_no_module_imports_another_modules_private_name():
    found = [hit for p in sorted(SRC.rglob("*.py")) for hit in _private_imports(p)]
    assert found == [], "\n".join(found)


@pytest.fixture()
def upside_down(tmp_path, monkeypatch):
    """A package whose lowest layer imports its highest (the contract must break)."""
    pkg = tmp_path / "upside_down"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "core").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text("from upside_down.core import engine\n")
    (pkg / "core" / "__init__.py").write_text("")
    (pkg / "core" / "engine.py").write_text("from upside_down import cli  # upward\n")
    config = tmp_path / ".importlinter"
    config.write_text(textwrap.dedent("""\
        [importlinter]
        root_package = upside_down

        [importlinter:contract:layers]
        name = layers
        type = layers
        containers = upside_down
        layers =
            cli
            core
        """))
    monkeypatch.syspath_prepend(str(tmp_path))
    return config


def test_a_broken_layer_fails_the_contract(upside_down, capsys):
    assert not _lint(upside_down)
    out = capsys.readouterr().out
    assert "upside_down.core is not allowed to import upside_down.cli" in out


#: Import paths documented before the layered tree (README.md, docs/): old module, new module,
#: a name read through the old path.
MOVED = [
    ("energysim.money", "energysim.analysis.money", "abatement_costs"),
    ("energysim.compare", "energysim.analysis.compare", "run_scenario"),
    ("energysim.calibration", "energysim.analysis.calibration", "calibrate"),
    ("energysim.engine", "energysim.execution.pipeline", "run"),
    ("energysim.engine", "energysim.core.engine", "simulate"),
]


@pytest.mark.parametrize(("old", "new", "name"), MOVED)
def test_documented_old_import_paths_warn_and_give_the_same_objects(old, new, name, monkeypatch):
    import importlib

    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to energysim\\."):
        module = importlib.import_module(old)
    assert getattr(module, name) is getattr(importlib.import_module(new), name)


def _unexplained_lazy_imports(path: Path) -> list[str]:
    """Imports inside functions without a ``# lazy: …`` reason (on the line or just above)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                here = lines[child.lineno - 1]
                above = lines[child.lineno - 2].strip() if child.lineno > 1 else ""
                if "# lazy:" not in here and not above.startswith("# lazy:"):
                    out.append(f"{path.relative_to(ROOT)}:{child.lineno}: {ast.unparse(child)}")
            visit(child, inside)

    visit(ast.parse(text), False)
    return out


def test_every_lazy_import_says_why():
    """Imports inside functions only where start-up time needs them, each with its reason."""
    found = [hit for p in sorted(SRC.rglob("*.py")) for hit in _unexplained_lazy_imports(p)]
    assert found == [], "\n".join(found)
