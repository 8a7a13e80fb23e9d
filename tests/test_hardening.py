"""Hardening (issue 13): every bad input, argument and output folder is one line and exit 2,
checked before the simulation; names never write outside the output root; ``extends`` reads
only scenario files; the unit grammar evaluates nothing; values are finite and bounded after
conversion; resource estimates come before any design is drawn.

Bad scenario files live in tests/bad_inputs/hardening/ (one per class).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from energysim import cli

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "bad_inputs" / "hardening"


def one_line_error(argv, capsys) -> str:
    """Run the CLI; assert exit 2, nothing on stdout, exactly one line on stderr; return it."""
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


# -- bad scenario files: (file, line, key, what) ---------------------------------------------
BAD_FILES = [
    ("extends_passwd.yaml", 2, "extends", "parent must be a scenario file"),
    ("extends_directory.yaml", 2, "extends", "parent must be a scenario file"),
    ("control_nul.yaml", 4, "parameters.power.solar.hours", "control character U+0000"),
    ("control_esc.yaml", 3, None, "control character U+001B"),
    ("control_del.yaml", 1, "name", "control character U+007F"),
    ("control_fffe.yaml", 1, "name", "control character U+FFFE"),
    ("unit_power_tower.yaml", 6, "parameters.power.coal.capacity_initial", "invalid unit"),
    ("unit_overflow.yaml", 6, "parameters.power.coal.capacity_initial", "not a finite number"),
    ("gdp_zero.yaml", 5, "parameters.economy.gdp_base", "out of bounds"),
    ("capacity_typo.yaml", 6, "parameters.power.coal.capacity_initial", "out of bounds"),
    ("bad_target.yaml", 4, "targets.co2_totl", "unknown indicator"),
    ("empty.yaml", 1, None, "scenario sets nothing"),
    ("comments_only.yaml", 1, None, "scenario sets nothing"),
]


@pytest.mark.parametrize(("name", "line", "key", "what"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_line_in_validate_and_run(name, line, key, what, capsys, tmp_path):
    path = BAD / name
    for argv in (["validate", path], ["run", path, "-o", tmp_path / "out"]):
        err = one_line_error(argv, capsys)
        assert err.startswith(f"{path}:{line}: "), err
        if key is not None:
            assert f": {key}: " in err, err
        assert what in err and "(expected " in err, err
        assert not (tmp_path / "out").exists()  # refused before any folder is made


def test_bad_files_are_all_listed():
    listed = {b[0] for b in BAD_FILES} | {"name_escapes.yaml", "name_absolute.yaml"}
    assert listed == {p.name for p in BAD.glob("*.yaml")}


def test_extends_never_echoes_another_files_content(tmp_path, capsys):
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: [hunter2\n", encoding="utf-8")  # a YAML syntax error
    child = tmp_path / "child.yaml"
    child.write_text("name: c\nextends: secret.yaml\n", encoding="utf-8")
    err = one_line_error(["validate", child], capsys)
    assert "YAML syntax error" in err and "hunter2" not in err
    # a directory, a FIFO and a link to a non-.yaml file are refused without reading them
    (tmp_path / "dir.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "notes.txt")
    (tmp_path / "notes.txt").write_text("private notes\n", encoding="utf-8")
    for ref in ("dir.yaml", "pipe.yaml", "link.yaml", "notes.txt"):
        child.write_text(f"name: c\nextends: {ref}\n", encoding="utf-8")
        start = time.perf_counter()
        err = one_line_error(["validate", child], capsys)
        assert time.perf_counter() - start < 30  # a FIFO is never opened for reading
        expected = "parent scenario not found" if ref == "notes.txt" else "parent must be a"
        assert expected in err and "private" not in err, err
    err = one_line_error(["validate", tmp_path / "pipe.yaml"], capsys)
    assert "not a regular file" in err


def test_extends_resolves_bundled_names_and_relative_paths(tmp_path, capsys):
    (tmp_path / "parent.yaml").write_text("name: p\nextends: baseline\n", encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("name: c\nextends: [parent.yaml]\nparameters:\n  power.solar.hours: "
                     "1500 h/yr\n", encoding="utf-8")
    assert cli.main(["validate", str(child)]) == 0
    assert "ok" in capsys.readouterr().out


# -- output names ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["name_escapes.yaml", "name_absolute.yaml"])
def test_scenario_name_never_leaves_the_output_root(name, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert cli.main(["run", str(BAD / name), "--end-year", "2025"]) == 0
    capsys.readouterr()
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written and all(str(p).startswith("work/results/") for p in written), written
    assert not Path("/tmp/absolute-escape").exists()
    assert all(p.parent.name.startswith(("escaped", "tmp_absolute-escape"))
               for p in written), written


def test_safe_component_is_one_component():
    from energysim.results.resultset import safe_component

    for raw in ("../../x", "/etc", "a/../b", "..", "", ".hidden", "x\x00y", "C:\\w\\x",
                "a" * 500, "基准 情景"):
        got = safe_component(raw)
        assert got and "/" not in got and "\\" not in got and not got.startswith(".")
        assert len(got) <= 80 and ".." not in got
    assert safe_component("../../x") == "x" and safe_component("基准 情景") == "基准_情景"


def test_sweep_name_never_leaves_the_output_root(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sweep = tmp_path / "s.yaml"
    sweep.write_text("sweep:\n  name: ../../../sweep-escape\n  base: baseline\n  levers:\n"
                     "    power.solar.add: [100万千瓦, 200万千瓦]\n  outputs: [co2_total@2030]\n"
                     "  end_year: 2030\n", encoding="utf-8")
    assert cli.main(["sweep", str(sweep), "--quiet"]) == 0
    capsys.readouterr()
    assert (tmp_path / "results" / "sweep-escape" / "sweep.csv").is_file()
    assert not (tmp_path.parent / "sweep-escape").exists()


# -- units and values --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1 9**9**9 GW", "1 GW**9**9", "1 GW*2", "1 ((GW))", "1 GW/",
                                  "1 " + "G" * 60, "1 2 GW", "1 GW**-9", "1 sqrt(GW)**2"])
def test_unit_text_outside_the_grammar_is_refused_at_once(text):
    from energysim.errors import UnitError
    from energysim.units import parse_quantity

    start = time.perf_counter()
    with pytest.raises(UnitError) as info:
        parse_quantity(text, expected_unit="GW", key="k")
    assert time.perf_counter() - start < 5
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("470.5万千瓦", "GW", 4.705), ("3.2亿吨", "Mt/yr", 320.0), ("1300亿元", "bnCNY", 130.0),
    ("1.5万亿千瓦时", "TWh/yr", 1500.0), ("7%", "", 0.07), ("300 /yr", "1/yr", 300.0),
    ("12 vehicle*yr/Mt", "vehicle*yr/Mt", 12.0), ("5 m**3/t", "m3/t", 5.0),
    ("2 kg/(m**3)", "kg/m3", 2.0), ("320 gce/kWh", "gce/kWh", 320.0)])
def test_the_grammar_keeps_every_unit_planners_write(text, unit, value):
    from energysim.units import parse_quantity

    assert parse_quantity(text, expected_unit=unit) == pytest.approx(value)


def test_every_capacity_and_flow_has_an_upper_bound_and_gdp_is_positive():
    from energysim.core.catalogue import catalogue

    for path, p in catalogue().items():
        lo, hi = p.bounds
        assert hi is not None, f"{path} has no upper bound"
        assert lo is not None, f"{path} has no lower bound"
    assert catalogue()["economy.gdp_base"].bounds[0] > 0


# -- arguments ---------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["run", "--samples", "x"], ["bogus"], ["run", "--method", "foo"], ["run", "--nope"],
    ["validate"], ["run", "--seed", str(2**64)], ["run", "--seed", "-1"],
    ["run", "--samples", "0"], ["run", "--samples", "3", "--scheduler", "tcp//host"],
    ["run", "--samples", "3", "--scheduler", "tcp://host:99999"],
    ["sweep", "sweeps/solar_x_electrolysers.yaml", "--scheduler", "nonsense"],
    ["sensitivity", "--scheduler", "::"], ["run", "--years", "2099"],
])
def test_bad_arguments_are_one_line(argv, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    err = one_line_error([*argv, "-o", tmp_path / "o"] if argv[0] in ("run", "sweep") else argv,
                         capsys)
    assert "usage:" not in err
    assert not (tmp_path / "o").exists()


def test_validate_and_run_agree_on_targets(tmp_path, capsys):
    path = BAD / "bad_target.yaml"
    a = one_line_error(["validate", path], capsys)
    b = one_line_error(["run", path, "-o", tmp_path / "o"], capsys)
    assert a == b


# -- output folders ----------------------------------------------------------------------------
def test_output_that_is_a_file_or_under_a_file_is_refused_before_running(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("keep me", encoding="utf-8")
    for out in (f, f / "sub", f / "a" / "b"):
        start = time.perf_counter()
        err = one_line_error(["run", "--samples", "2", "-o", out], capsys)
        assert ("--output" in err or "-o:" in err) and "file" in err, err
        assert time.perf_counter() - start < 20
    assert f.read_text(encoding="utf-8") == "keep me"


def _unshare_ok() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


def _in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (tmpfs mounts vanish with it)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=300)


def test_read_only_output_is_one_line_before_the_simulation(tmp_path, capsys):
    exe = f"{sys.executable} -m energysim.cli"
    if _unshare_ok():  # a real read-only file system
        ro = tmp_path / "ro"
        ro.mkdir()
        proc = _in_namespace(f"mount -t tmpfs -o size=1m,ro tmpfs {ro} && "
                             f"{exe} run --samples 2 -o {ro}/out", tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
        assert "cannot create the output folder" in proc.stderr
    # and a place no one can create (a read-only virtual file system, wherever the tests run)
    err = one_line_error(["run", "--samples", "2", "-o", "/proc/energysim-out"], capsys)
    assert "cannot create the output folder" in err


# -- resources, before anything is drawn ---------------------------------------------------------
def test_huge_streamed_run_is_refused_at_once_unless_yes(tmp_path, capsys):
    start = time.perf_counter()
    err = one_line_error(["run", "--keep", "summary", "--samples", str(10**12), "-o",
                          tmp_path / "o"], capsys)
    assert time.perf_counter() - start < 20
    assert "would take about" in err and "--yes" in err
    # --yes does not lift the hard limit on the number of runs
    err = one_line_error(["run", "--keep", "summary", "--samples", str(2**41), "--yes", "-o",
                          tmp_path / "o"], capsys)
    assert "too many model runs" in err


def test_designs_are_checked_before_they_are_drawn(tmp_path, capsys, monkeypatch):
    import energysim.scenario
    from energysim.analysis import sensitivity

    def no_draw(*a, **k):  # the design must never be drawn for a refused run
        raise AssertionError("design drawn before the memory check")

    monkeypatch.setattr(energysim.scenario, "compile_scenario", no_draw)
    err = one_line_error(["run", "--samples", str(10**9), "--method", "lhs", "--max-memory",
                          "1GB", "--keep", "summary", "--yes", "-o", tmp_path / "o"], capsys)
    assert "design needs about" in err
    monkeypatch.undo()  # sensitivity compiles one central sample for the output shapes
    monkeypatch.setattr(sensitivity, "unit_design", no_draw)
    err = one_line_error(["sensitivity", "--samples", str(2**30), "-o", tmp_path / "o"], capsys)
    assert "would take about" in err
    err = one_line_error(["sensitivity", "--samples", str(2**26), "--yes", "-o",
                          tmp_path / "o", "--max-memory", "1GB"], capsys)
    assert "design needs about" in err


def test_sweep_with_too_many_points_is_refused_before_building_them(tmp_path, capsys):
    values = ", ".join(f"{i}万千瓦" for i in range(12))
    levers = "".join(f"    {p}: [{values}]\n" for p in (
        "power.solar.add", "power.wind.add", "storage.power_add", "hydrogen.electrolyser.add",
        "power.coal.add"))
    sweep = tmp_path / "big.yaml"
    sweep.write_text(f"sweep:\n  base: baseline\n  levers:\n{levers}  outputs: [co2_total@2030]\n",
                     encoding="utf-8")
    start = time.perf_counter()
    err = one_line_error(["sweep", sweep, "-o", tmp_path / "o"], capsys)
    assert "too many lever combinations" in err and "248832" in err
    assert time.perf_counter() - start < 60
    assert not (tmp_path / "o").exists()


def test_environment_errors_are_one_line():
    assert cli.environment_error_line(MemoryError()).count("\n") == 0
    line = cli.environment_error_line(OSError(28, "No space left on device", "/x/y"))
    assert line.startswith("energysim: /x/y: No space left on device") and "\n" not in line


def test_argparse_help_still_works(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "--help"])
    assert info.value.code == 0
    assert "--yes" in capsys.readouterr().out


def test_no_traceback_from_the_console_script_on_bad_arguments(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "energysim.cli", "run", "--samples", "x"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert re.match(r"^energysim run: invalid arguments \(", proc.stderr)


def test_constraints_pin_every_dependency_and_the_readme_commands_are_unchanged():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    for req in wanted:
        name = re.split(r"[<>=!~\[ ]", req, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, f"{name} missing in constraints.txt"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && energysim run" in readme
    assert "pip install -e '.[test]' && pytest" in readme


def test_a_nan_result_is_never_reported_as_a_met_target():
    from energysim.analysis.targets import classify

    assert classify(float("nan"), 1.0, 0.0) == "missed"
    assert classify(1.0, float("nan"), 0.0) == "missed"
    assert classify(1.0, 1.0, 0.0) == "met"
