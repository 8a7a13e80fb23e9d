"""Issue 14 items 6 and 8: the accessor on `import energysim`, friendly accessor errors, the
unit notations of Chinese planning documents, every problem of a file, one option spelling."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from energysim import cli
from energysim.errors import ScenarioError, UnitError
from energysim.units import parse_quantity

ROOT = Path(__file__).resolve().parents[2]


def test_accessor_registered_by_import_energysim(tmp_path):
    """A fresh process: `import energysim` does not import xarray, yet a Dataset opened later
    from a file has `.es`."""
    from energysim.execution.pipeline import run
    from energysim.results.dataset import write_netcdf

    write_netcdf(run("baseline", end_year=2035), tmp_path / "r.nc")
    code = (
        "import sys, energysim\n"
        "assert 'xarray' not in sys.modules\n"
        "import xarray as xr\n"
        f"ds = xr.open_dataset({str(tmp_path / 'r.nc')!r})\n"
        "print(ds.es.track('co2_peak_year')['status'].iloc[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() in {"met", "at_risk", "missed"}


def test_accessor_errors_are_one_line(tmp_path):
    import xarray as xr

    from energysim.execution.pipeline import run

    ds = run("baseline", end_year=2035)
    with pytest.raises(ScenarioError, match=r"no target of 'nope' in this run's scenario"):
        ds.es.track("nope")
    with pytest.raises(ScenarioError, match="not energysim results"):
        xr.Dataset().es.indicators()
    with pytest.raises(ScenarioError, match="not a target"):
        ds.es.track(42)
    t = ds.es.track({"indicator": "coal_output", "year": 2030, "comparator": "<=",
                     "value": "3亿吨"})
    assert list(t.index)[0] == 2022 and t["target"].iloc[0] == pytest.approx(3.0)


@pytest.mark.parametrize(("text", "unit", "want"), [
    ("470万kW", "GW", 4.7), ("40亿kWh", "TWh/yr", 4.0), ("500 kW", "GW", 0.0005),
    ("300MW", "GW", 0.3), ("20 t/a", "t/yr", 20.0), ("1.5万t/a", "Mt/yr", 0.015),
    ("2万kWh", "GWh", 0.02), ("470万千瓦", "GW", 4.7), ("3.2亿吨", "Mt/yr", 320.0),
])
def test_notations_of_chinese_planning_documents(text, unit, want):
    assert parse_quantity(text, expected_unit=unit) == pytest.approx(want)


def test_unit_messages_never_name_library_exceptions():
    with pytest.raises(UnitError) as info:
        parse_quantity("3 foo", expected_unit="GW")
    text = str(info.value)
    assert "Error" not in text and "pint" not in text and "万kW" in text


def test_validate_reports_every_problem_of_a_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: baseline\nparameters:\n  power:\n    wind:\n"
                   "      capacity_initial: 10 foo\n      add: -5万kW\n    solar:\n"
                   "      capacity_intial: 3 GW\n  storage.allocation_share: 15\n",
                   encoding="utf-8")
    assert cli.main(["validate", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [int(re.match(rf"{re.escape(str(bad))}:(\d+):", x).group(1)) for x in lines] == \
        [6, 7, 9, 10]
    assert "did you mean 'power.solar.capacity_initial'?" in lines[2]


def test_the_complete_example_of_the_scenario_language_validates(tmp_path, capsys):
    doc = (ROOT / "docs" / "scenario-language.md").read_text(encoding="utf-8")
    example = doc.split("## A complete example", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    assert cli.main(["validate", str(tmp_path / "example.yaml")]) == 0, capsys.readouterr().err


def test_lang_is_one_option_everywhere(capsys):
    """`--lang zh|en` on every command that writes for people; `--zh` kept as a hidden alias."""
    for command in ("params", "show", "compare", "report", "targets", "plot", "sensitivity",
                    "sweep"):
        parser = cli.build_parser(command)
        sub = next(a for a in parser._actions if a.dest == "command").choices[command]
        langs = [a for a in sub._actions if "--lang" in a.option_strings]
        assert langs and list(langs[0].choices) == ["zh", "en"], command
    assert cli.main(["params", "--zh", "--sector", "water"]) == 0
    zh = capsys.readouterr().out
    assert cli.main(["params", "--lang", "zh", "--sector", "water"]) == 0
    assert capsys.readouterr().out == zh and "说明" in zh


def test_params_fit_the_terminal_and_use_the_reports_units(monkeypatch, capsys):
    from energysim.text.tables import text_width

    monkeypatch.setenv("COLUMNS", "100")
    assert cli.main(["params", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert max(text_width(x) for x in out.splitlines()) <= 100
    line = next(x for x in out.splitlines() if x.startswith("storage.allocation_share"))
    assert "15%" in line and "0.15" not in line
    line = next(x for x in out.splitlines() if x.startswith("economy.gdp_base"))
    assert "亿元" in line and "1300" in line


def test_terminal_tables_fit_and_bands_only_where_samples_vary(monkeypatch, capsys, tmp_path):
    from energysim.text.tables import text_width

    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)
    commands = [["run", "--samples", "16", "--quiet"], ["compare", "baseline", "accelerated",
                "coal_lockin", "--no-charts"], ["targets", "baseline"]]
    for argv in commands:
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        widest = max(text_width(x) for x in out.splitlines() if not x.startswith("wrote "))
        assert widest <= 100, (argv, widest)
        if argv[0] == "run":
            bands = re.findall(r"\[([^\]–]+)–([^\]]+)\]", out)
            assert bands and all(lo != hi for lo, hi in bands)  # a band only where they vary
