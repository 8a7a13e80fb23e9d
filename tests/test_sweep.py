"""Sweeps: a lever grid run as one ensemble equals separate runs of each point."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from energysim import cli
from energysim.analysis import sweep
from energysim.errors import ScenarioError
from energysim.execution import pipeline

GRID = """\
sweep:
  name: solar_x_h2
  base: baseline
  levers:
    power.solar.add: [100万千瓦, 300万千瓦]
    hydrogen.electrolyser.add:
      - 0万千瓦
      - {values: {2025: 10万千瓦, 2030: 30万千瓦}}
      - 0.2 GW
  outputs: [co2_total@2030, "power_gen[solar]@2030", co2_peak_year]
  samples_per_point: %d
  seed: 3
"""


def _write(tmp_path, text, name="grid.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("samples", [1, 3])
def test_grid_equals_separate_runs_of_each_point(tmp_path, samples):
    spec = sweep.load_sweep(_write(tmp_path, GRID % samples))
    res = sweep.run_sweep(spec, chunk_size=4, progress=False)
    assert len(spec.points) == 6 and res.table.shape[0] == 6
    for k, idx in enumerate(spec.points):
        scen = sweep._point_scenario(spec, dict(enumerate(idx)))
        ds = pipeline.run(scen, samples=samples, seed=3)
        assert np.array_equal(res.values["co2_total@2030"][k],
                              ds["co2_total"].sel(year=2030).values)
        assert np.array_equal(res.values["power_gen[solar]@2030"][k],
                              ds["power_gen"].sel(year=2030, tech="solar").values)
        assert np.array_equal(res.values["co2_peak_year"][k], ds["co2_peak_year"].values)
    # the levers act: more solar gives more solar generation
    gen = res.values["power_gen[solar]@2030"][:, 0]
    assert gen[3] > gen[0]


def test_table_and_command(tmp_path, capsys):
    path = _write(tmp_path, GRID % 2)
    status = cli.main(["sweep", str(path), "-o", str(tmp_path / "out"), "--quiet"])
    out = capsys.readouterr().out
    assert status == 0 and "6 lever combinations × 2 samples" in out
    table = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert list(table["power.solar.add"]) == ["100万千瓦"] * 3 + ["300万千瓦"] * 3
    cols = [c for c in table.columns if c.startswith("co2_total@2030 p50 [")]
    assert cols in (["co2_total@2030 p50 [万吨]"], ["co2_total@2030 p50 [亿吨]"])  # report's
    col = table[cols[0]]
    assert 1 <= col.median() < 10_000  # sized by the values: 3.2 亿吨 or 5800 万吨


@pytest.mark.parametrize("text, where, msg", [
    ("sweep:\n  base: baseline\n  levers: {power.solar.add: [1 GW, 3 Mt]}\n"
     "  outputs: [co2_total@2030]\n", ":3: sweep.levers.power.solar.add:", "wrong dimension"),
    ("sweep:\n  base: baseline\n  levers:\n    power.solar.ad: [1 GW]\n"
     "  outputs: [co2_total@2030]\n", ":4: sweep.levers.power.solar.ad:", "did you mean"),
    ("sweep:\n  base: nosuch\n  levers: {power.solar.add: [1 GW]}\n"
     "  outputs: [co2_total@2030]\n", ": sweep.base:", "not found"),
    ("sweep:\n  base: baseline\n  levers: {power.solar.add: []}\n"
     "  outputs: [co2_total@2030]\n", ":3: sweep.levers.power.solar.add:", "non-empty list"),
    ("sweep:\n  base: baseline\n  levers: {power.solar.add: [1 GW]}\n"
     "  outputs: [co2_total@2030]\n  seeds: 3\n", ":5: sweep.seeds:", "unknown key"),
    ("sweep:\n  base: baseline\n  levers: {power.solar.add: [1 GW]}\n", ": sweep.outputs:",
     "missing key"),
])
def test_bad_sweeps_are_one_line_errors(tmp_path, text, where, msg):
    path = _write(tmp_path, text, "bad.yaml")
    with pytest.raises(ScenarioError) as exc:
        sweep.run_sweep(path, progress=False)
    line = exc.value.one_line()
    assert where in line and msg in line and "\n" not in line


def test_bad_sweep_output_on_the_command_line(tmp_path, capsys):
    path = _write(tmp_path, "sweep:\n  base: baseline\n  levers: {power.solar.add: [1 GW]}\n"
                            "  outputs: [co2_totl@2030]\n", "bad.yaml")
    assert cli.main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:4: sweep.outputs" in err and "did you mean 'co2_total'" in err


def test_bundled_sweep_example_runs():
    """The example the docs show (sweeps/solar_x_electrolysers.yaml) runs as written."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "sweeps" / "solar_x_electrolysers.yaml"
    res = sweep.run_sweep(path, progress=False)
    assert res.table.shape[0] == 6
    gen = res.values["power_gen[solar]@2030"][:, 0]
    assert gen[0] < gen[2] < gen[4]  # 100, 200, 300万千瓦 of solar added
