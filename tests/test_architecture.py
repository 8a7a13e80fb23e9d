"""The package's layers, kept by contracts (docs/architecture.md).

* the import-linter contracts of pyproject.toml (``[tool.importlinter]``): layers, no cycles
  between siblings at any depth, the core free of file formats and presentation libraries —
  the same check as running ``lint-imports`` in the repository;
* the contracts do fail on a broken layer (a small package built for the purpose);
* the import paths documented before the move still work, with a DeprecationWarning.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

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
]


@pytest.mark.parametrize(("old", "new", "name"), MOVED)
def test_documented_old_import_paths_warn_and_give_the_same_objects(old, new, name, monkeypatch):
    import importlib

    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert getattr(module, name) is getattr(importlib.import_module(new), name)
