"""The package's layers, kept by contracts (docs/architecture.md).

* the import-linter contracts of pyproject.toml (``[tool.importlinter]``): layers, no cycles
  between siblings at any depth, the core free of file formats and presentation libraries —
  the same check as running ``lint-imports`` in the repository;
* the contracts do fail on a broken layer (a small package built for the purpose).
"""

from __future__ import annotations

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
