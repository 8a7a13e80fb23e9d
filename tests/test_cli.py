"""The ``energysim`` command: validate/show/params/list, and one bad input per error class."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from energysim import cli

ROOT = Path(__file__).resolve().parents[1]
BAD = Path("tests/bad_inputs")

# one fixture per error class of issue 2 item 7: (file, line, key path, what is wrong)
BAD_INPUTS = [
    ("yaml_syntax.yaml", "yaml_syntax.yaml", 5, "parameters.economy.gdp_base", "YAML syntax error"),
    (
        "unknown_key.yaml",
        "unknown_key.yaml",
        7,
        "parameters.power.solar.capacity_intial",
        "unknown parameter",
    ),
    (
        "wrong_dimension.yaml",
        "wrong_dimension.yaml",
        6,
        "parameters.power.solar.capacity_initial",
        "wrong dimension",
    ),
    (
        "negative_capacity.yaml",
        "negative_capacity.yaml",
        6,
        "parameters.power.wind.capacity_initial",
        "out of bounds",
    ),
    (
        "share_above_100.yaml",
        "share_above_100.yaml",
        6,
        "parameters.power.coal.ccus_share",
        "out of bounds",
    ),
    (
        "year_outside_horizon.yaml",
        "year_outside_horizon.yaml",
        10,
        "parameters.power.solar.add.2070",
        "year outside the horizon",
    ),
    (
        "dist_low_above_high.yaml",
        "dist_low_above_high.yaml",
        6,
        "parameters.power.solar.hours.high",
        "low ≥ high",
    ),
    (
        "negative_cost.yaml",
        "negative_cost.yaml",
        7,
        "parameters.costs.capex.wind.2030",
        "out of bounds",
    ),
    (
        "currency_year_mismatch.yaml",
        "currency_year_mismatch.yaml",
        6,
        "parameters.costs.capex.solar",
        "currency year mismatch",
    ),
    ("extends_cycle_a.yaml", "extends_cycle_b.yaml", 3, "extends", "extends cycle"),
    ("missing_parent.yaml", "missing_parent.yaml", 3, "extends", "parent scenario not found"),
    ("python_tag.yaml", "python_tag.yaml", 5, "parameters.economy.gdp_base", "YAML tag"),
    ("alias_bomb.yaml", "alias_bomb.yaml", 7, "e", "too many YAML nodes after alias expansion"),
    ("not_utf8.yaml", "not_utf8.yaml", 4, "title.zh", "file is not valid UTF-8"),
    ("unknown_project.yaml", "unknown_project.yaml", 7, "projects.include[1]", "unknown project"),
]


def run(argv, capsys):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(
    ("given", "where", "line", "key", "what"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input(given, where, line, key, what, capsys):
    status, out, err = run(["validate", str(BAD / given)], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1  # exactly one line
    shape = (
        rf"^{re.escape(str(BAD / where))}:{line}: {re.escape(key)}: {re.escape(what)}.* "
        rf"\(expected .+, got .+\)(; did you mean '.+'\?)?\n$"
    )
    assert re.match(shape, err), err


def test_bad_inputs_cover_every_fixture():
    named = {b[0] for b in BAD_INPUTS} | {"extends_cycle_b.yaml"}
    assert named == {p.name for p in (ROOT / BAD).glob("*.yaml")}


def test_console_script_exit_status_and_no_traceback():
    files = [str(BAD / b[0]) for b in BAD_INPUTS]
    proc = subprocess.run(
        [sys.executable, "-m", "energysim.cli", "validate", *files],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == len(files)


def test_validate_ok_and_error_together(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(
        "name: good\nparameters:\n  power:\n    solar:\n      capacity_initial: 60万千瓦\n"
        "      hours: {dist: triangular, low: 1400 h, mode: 1500 h, high: 1650 h}\n",
        encoding="utf-8",
    )
    status, out, err = run(["validate", str(good), str(BAD / "unknown_key.yaml")], capsys)
    assert status == 2
    assert out == f"{good}: ok (2 parameters set, 1 uncertain)\n"
    assert err.startswith(f"{BAD / 'unknown_key.yaml'}:7: ")
    status, out, _ = run(["validate", str(good)], capsys)
    assert status == 0


def test_show_prints_the_reports_units_and_sources(tmp_path, capsys):
    base = tmp_path / "base.yaml"
    base.write_text(
        "name: base\nparameters:\n  power.wind.capacity_initial: 10万千瓦\n", encoding="utf-8"
    )
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\ntitle: {zh: 测试, en: Test}\nextends: base.yaml\nparameters:\n"
        "  economy:\n    gdp_base: 1300亿元\n"
        "targets:\n  - {indicator: x_unknown, year: 2023, comparator: '>=', value: 3.2亿吨}\n",
        encoding="utf-8",
    )
    status, out, _ = run(["show", str(child)], capsys)
    assert status == 0
    assert "title (zh): 测试" in out
    assert re.search(rf"economy\.gdp_base\s+1300 亿元  \[{re.escape(str(child))}:6\]", out)
    assert re.search(rf"power\.wind\.capacity_initial\s+10 万千瓦  \[{re.escape(str(base))}:3\]",
                     out)
    assert "GW" not in out and "bnCNY" not in out
    _, out_en, _ = run(["show", "--lang", "en", str(child)], capsys)
    assert re.search(r"economy\.gdp_base\s+1300 10⁸ CNY  \[", out_en)
    assert "x_unknown 2023 >= 3.2亿吨 (unknown indicator)" in out
    status, out_all, _ = run(["show", "--all", str(child)], capsys)
    assert "(default)" in out_all and len(out_all.splitlines()) > len(out.splitlines())


def test_params_table(capsys):
    status, out, _ = run(["params"], capsys)
    assert status == 0
    assert out.splitlines()[0].split()[:4] == ["path", "unit", "default", "bounds"]
    status, out, _ = run(["params", "--sector", "power", "--zh"], capsys)
    assert status == 0 and "economy." not in out
    status, _, err = run(["params", "--sector", "powr"], capsys)
    assert status == 2 and "did you mean 'power'?" in err


def test_docs_parameters_md_is_generated_from_the_catalogue(capsys):
    """docs/parameters.md must equal `energysim params --markdown` (regenerate it if not)."""
    status, out, _ = run(["params", "--markdown"], capsys)
    assert status == 0
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == out, (
        "docs/parameters.md is stale: run `energysim params --markdown > docs/parameters.md`"
    )


def test_list(tmp_path, monkeypatch, capsys):
    from energysim.scenario import loader

    (tmp_path / "b.yaml").write_text("title: {zh: 基准, en: Baseline}\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("title: Accelerated\n", encoding="utf-8")
    (tmp_path / "z.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(loader, "BUNDLED_DIR", tmp_path)
    status, out, _ = run(["list"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["a", "Accelerated"]
    assert lines[1].split(None, 1) == ["b", "基准 / Baseline"]
    assert lines[2].startswith("z  (invalid: z.yaml:1: ")


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert re.match(r"^energysim \d+\.\d+", capsys.readouterr().out)


@pytest.mark.parametrize("command", [c[0] for c in cli.COMMANDS])
def test_help_on_each_command(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    assert f"usage: energysim {command}" in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    status, _, err = run([], capsys)
    assert status == 2 and "usage: energysim" in err


def test_keyboard_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "validate_command", cli.arguments(lambda p: None)(interrupted))
    status, out, err = run(["validate"], capsys)
    assert (status, out, err) == (130, "", "")


def test_commands_are_imported_only_when_run(monkeypatch, capsys):
    monkeypatch.setattr(
        cli, "COMMANDS", [*cli.COMMANDS, ("broken", "never imported", "no.such.module", "f")]
    )
    status, _, _ = run(["params", "--sector", "economy"], capsys)
    assert status == 0
    with pytest.raises(ModuleNotFoundError):
        cli.main(["broken"])


def test_validate_does_not_import_heavy_modules(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("parameters:\n  power.solar.hours: 1500 h/yr\n", encoding="utf-8")
    code = (
        "import sys\nfrom energysim.cli import main\n"
        f"status = main(['validate', {str(good)!r}])\n"
        "heavy = [m for m in ('scipy.stats', 'pandas', 'xarray', 'matplotlib', 'dask')"
        " if m in sys.modules]\n"
        "print(status, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.splitlines()[-1] == "0 []"


def test_validate_checks_target_indicators_and_units(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text(
        "name: t\ntargets:\n"
        "  - {indicator: coal_output, year: 2023, comparator: '>=', value: 3亿吨}\n"
        "  - {indicator: coal_outptu, year: 2024, comparator: '>=', value: 3亿吨}\n",
        encoding="utf-8",
    )
    status, _, err = run(["validate", str(path)], capsys)
    assert status == 2
    assert err == (
        f"{path}:4: targets.coal_outptu: unknown indicator (expected a result variable, got "
        "'coal_outptu'); did you mean 'coal_output'?\n"
    )
    path.write_text(
        "targets:\n  - {indicator: coal_output, year: 2023, comparator: '>=', value: 3 GW}\n",
        encoding="utf-8",
    )
    status, _, err = run(["validate", str(path)], capsys)
    assert status == 2
    assert err.startswith(f"{path}:2: targets.coal_output: wrong dimension for '3 GW' (expected ")


def test_bundled_scenarios_validate(capsys):
    from energysim.scenario.loader import bundled_names

    names = bundled_names()
    status, out, err = run(["validate", *names], capsys)
    assert (status, err) == (0, "")
    assert len(out.splitlines()) == len(names)


def _heat_rate_child(folder, name: str, parent: str, heat_rate: str):
    """A scenario file ``name.yaml`` extending ``parent`` that sets only the coal heat rate."""
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: {parent}\nparameters:\n  power:\n    coal:\n"
                    f"      heat_rate: {heat_rate}\n", encoding="utf-8")
    return path


def test_validate_names_what_a_child_makes_certain(tmp_path, capsys):
    """A child that writes a plain path for a parameter its parent samples drops the range (a
    leaf replaces the inherited one whole): the ok line says so, with the line; a multiplier
    keeps the range and the note away; a parent that already made it certain is the one named."""
    child = _heat_rate_child(tmp_path, "child", "baseline", "300 gce/kWh")
    status, out, _ = run(["validate", str(child)], capsys)
    assert status == 0
    assert out.startswith(f"{child}: ok (")
    assert "certain here, uncertain in baseline: power.coal.heat_rate (line 6)" in out
    assert out.count("\n") == 1
    kept = _heat_rate_child(tmp_path, "kept", "baseline",
                            "{values: {2022: 300 gce/kWh}, multiplier: {dist: triangular, "
                            "low: 0.95, mode: 1, high: 1.065}}")
    status, out, _ = run(["validate", str(kept)], capsys)
    assert status == 0 and "certain here" not in out
    grandchild = _heat_rate_child(tmp_path, "grandchild", "child.yaml", "290 gce/kWh")
    status, out, _ = run(["validate", str(grandchild)], capsys)
    assert status == 0 and "certain here" not in out  # its parent had made it certain already
