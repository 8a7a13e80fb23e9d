"""Scenario comparison: central values, the exact parameter diff, the key table, the CLI."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from energysim.analysis import compare
from energysim.cli import main
from energysim.results import dataset as results
from energysim.scenario import load_scenario, loads_scenario
from energysim.scenario.uncertainty import Distribution

CHILD = """
name: child
extends: baseline
parameters:
  storage:
    allocation_share: 25%                    # changed (baseline triangular 10–15–25 %)
  power.coal.ccus_share: 0%                  # the baseline's value again: not a difference
  hydrogen:
    max_substitution_share:                  # the same numbers as a flat series: no difference
      values: {2022: 30%, 2060: 30%}
  coal:
    tce_per_t: {dist: uniform, low: 0.70 tce/t, high: 0.73 tce/t}   # now uncertain: differs
  power:
    wind:
      hours: {dist: triangular, low: 2000 h, mode: 2400 h, high: 2800 h}  # as in the baseline
"""


@pytest.fixture()
def child(tmp_path):
    path = tmp_path / "child.yaml"
    path.write_text(textwrap.dedent(CHILD), encoding="utf-8")
    return load_scenario(path)


def test_diff_lists_exactly_the_changed_parameters(child):
    diff = compare.parameter_diff("baseline", child)
    assert list(diff["path"]) == ["storage.allocation_share", "coal.tce_per_t"]
    row = diff.set_index("path").loc["storage.allocation_share"]
    assert row["a"].startswith("triangular(low=10%, mode=15%") and row["b"] == "25%"  # report
    assert row["a_canonical"].startswith("triangular(low=0.1, mode=0.15")
    assert row["b_canonical"] == "0.25"
    assert row["lever"] == "storage"
    tce = diff.set_index("path").loc["coal.tce_per_t"]
    assert tce["a"].startswith("triangular(low=0.6, mode=0.7143")
    assert tce["b"].startswith("uniform(low=0.7, high=0.73)")
    gw = compare.parameter_diff("baseline", "accelerated").set_index("path").loc["power.wind.add"]
    assert gw["unit"] == "万千瓦/年" and "万千瓦/年" in gw["b"] and "GW" not in gw["b"]


def test_diff_is_symmetric_and_empty_for_equal_scenarios(child):
    assert compare.parameter_diff("baseline", "baseline").empty
    ab = set(compare.parameter_diff("baseline", child)["path"])
    ba = set(compare.parameter_diff(child, "baseline")["path"])
    assert ab == ba


def test_diff_of_the_bundled_alternative_matches_its_file():
    diff = compare.parameter_diff("baseline", "accelerated")
    paths = set(diff["path"])
    assert {"projects", "power.coal.ccus_share", "storage.allocation_share",
            "hydrogen.max_substitution_share"} <= paths  # no 汇能/蒙能 plants: the projects differ
    row = diff.set_index("path").loc["projects"]
    assert "coal-huineng-ct2, coal-zhunda-2" in row["a"]
    assert "water.cap" not in paths and "economy.gdp_growth" not in paths
    text = compare.format_diff(diff, "baseline", "accelerated", "en")
    assert f"{len(diff)} parameter(s) differ" in text


def test_diff_reports_different_horizons(tmp_path):
    p = tmp_path / "long.yaml"
    p.write_text("name: long\nextends: baseline\nend_year: 2070\n", encoding="utf-8")
    diff = compare.parameter_diff("baseline", p)
    assert diff["path"].iloc[0] == "years" and diff["b"].iloc[0] == "2022–2070"
    assert len(diff) == 1


def test_central_values():
    from energysim.scenario.uncertainty import central_value

    tri = Distribution("triangular", {"low": 1.0, "mode": 4.0, "high": 5.0})
    assert central_value(tri) == 4.0  # the mode, as written
    assert central_value(Distribution("normal", {"mean": 2.0, "sd": 1.0})) == pytest.approx(2.0)
    assert central_value(Distribution("uniform", {"low": 2.0, "high": 3.0})) == pytest.approx(2.5)
    p = compare.central_params("accelerated")
    assert p.n_samples == 1 and all(v.shape[0] == 1 for v in p.values.values())
    np.testing.assert_array_equal(p["power.wind.hours"][0], 2400.0)  # triangular mode


def test_run_scenario_uses_central_values():
    ds = compare.run_scenario("accelerated")
    assert ds.attrs["method"] == "central" and ds.sizes["sample"] == 1
    s = load_scenario("accelerated")
    assert s.parameters["power.wind.hours"].uncertain  # triangular: the central run takes its mode
    # 2022: the mode 2,400 h less the 5% network curtailment (no surplus to curtail yet)
    np.testing.assert_allclose(ds["power_hours"].sel(tech="wind").values[0, 0], 2400.0 * 0.95)
    ens = compare.run_scenario("accelerated", samples=4, seed=1)
    assert ens.sizes["sample"] == 4 and ens.attrs["method"] == "mc"


def test_key_table_side_by_side():
    a, b = compare.run_scenario("baseline"), compare.run_scenario("accelerated")
    comp = compare.compare(["baseline", "accelerated"], datasets=[a, b])
    table = comp.table
    ind = results.indicators(b, [2025, 2030, 2035, 2060])
    assert table.at["coal_output", (2030, "accelerated")] == pytest.approx(ind.at["coal_output",
                                                                                  2030])
    assert table.at["co2_peak_year", (2060, "baseline")] == float(a["co2_peak_year"].values[0])
    assert list(comp.diffs) == ["accelerated"] and comp.reference == "baseline"
    text = compare.format_comparison(table, "zh")
    assert "原煤产量" in text and "accelerated" in text


def test_compare_command(tmp_path, capsys):
    out = tmp_path / "charts"
    assert main(["compare", "baseline", "accelerated", "-o", str(out), "--years", "2030"]) == 0
    text = capsys.readouterr().out
    assert "2030" in text and "storage.allocation_share" in text
    assert "accelerated 相对 baseline 的参数差异" in text
    assert "累计投资2023–2030" in text and "平均减排成本" in text  # issue 16: money
    names = sorted(p.name for p in out.iterdir())
    assert names == ["accelerated-capacity.png", "accelerated-co2.png", "baseline-capacity.png",
                     "baseline-co2.png", "comparison.png", "investment-accelerated.png",
                     "investment-baseline.png", "levelised-costs.png", "mac-accelerated.png"]


def test_compare_command_bad_years(capsys):
    assert main(["compare", "baseline", "accelerated", "--years", "1990", "--no-charts"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "years outside the simulated years" in err


def test_loads_scenario_without_file_can_be_compared():
    s = loads_scenario("name: t\nextends: baseline\n"
                       "parameters: {storage: {allocation_share: 0.2}}\n")
    assert list(compare.parameter_diff("baseline", s)["path"]) == ["storage.allocation_share"]
