"""Sensitivity: SALib designs through the scenario's marginals, Sobol' and Morris indices."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from energysim import cli
from energysim.analysis import sensitivity
from energysim.errors import ScenarioError
from energysim.scenario import compile_scenario


def _ishigami(u: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990) with a = 7, b = 0.1 on [−π, π]³."""
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_sobol_indices_match_the_published_values():
    # analytic values (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, §4.3;
    # Sobol' & Levitan 1999): S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437
    table = sensitivity.indices(_ishigami, ["x1", "x2", "x3"], method="sobol", samples=2**13,
                                seed=1).set_index("parameter")
    np.testing.assert_allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=0.02)
    np.testing.assert_allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=0.02)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.05).all()


def test_morris_ranks_the_ishigami_inputs():
    table = sensitivity.indices(_ishigami, ["x1", "x2", "x3"], method="morris", samples=200,
                                seed=1).set_index("parameter")
    assert table["mu_star"].idxmax() in ("x1", "x2")
    assert (table["mu_star"] > 0).all() and (table["mu_star_conf"] >= 0).all()


def test_params_from_unit_uses_the_scenario_marginals():
    c = compile_scenario("baseline", samples=64, seed=4, method="lhs")
    a, b = c.params(0, 64), c.params_from_unit(c.design)
    assert all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)
    with pytest.raises(ValueError, match="one column per uncertain"):
        c.params_from_unit(np.zeros((3, 1)))


def test_scenario_sobol_for_co2_2030():
    r = sensitivity.analyse_scenario("baseline", "co2_total@2030,co2[power]@2035,co2_peak_year",
                                     samples=128, seed=0, progress=False)
    t = r.table
    d = len(r.parameters)
    assert r.runs == 128 * (d + 2) and len(t) == 3 * d
    co2 = t[t["output"] == "co2_total@2030"]
    assert set(co2["parameter"]) == set(compile_scenario("baseline").inputs)
    # project commissioning delays are inputs too (issue 12), labelled as such
    timing = co2[co2["parameter"].str.startswith("projects.")]
    assert len(timing) > 0 and set(timing["kind"]) == {"timing"}
    assert co2["ST"].max() > 0.2 and abs(co2["ST"].sum() - 1) < 0.3
    peak = t[t["output"] == "co2_peak_year"]
    if any("co2_peak_year does not vary" in n for n in r.notes):
        assert (peak[["S1", "ST"]] == 0).all().all()
    text = sensitivity.format_table(r)
    assert re.search(r"co2_total@2030 \[(万吨|亿吨)\]", text)  # the report's units
    assert "S1" in text and "ST" in text


def test_output_names_are_checked():
    shapes = {"co2_total": (39,), "co2": (39, 6), "co2_peak_year": ()}
    years = list(range(2022, 2061))
    ok = sensitivity.parse_outputs("co2_total@2030, co2[power]@2035,co2_peak_year", shapes,
                                   years)
    assert [r.name for r in ok] == ["co2_total@2030", "co2[power]@2035", "co2_peak_year"]
    for bad, msg in [("co2_totl@2030", "did you mean 'co2_total'"),
                     ("co2@2030", "sector dimension"),
                     ("co2[air]@2030", "unknown label"),
                     ("co2_total", "missing year"),
                     ("co2_total@2070", "outside the simulated years"),
                     ("co2_total@@2030", "invalid output")]:
        with pytest.raises(ScenarioError, match=msg):
            sensitivity.parse_outputs(bad, shapes, years)


def test_sobol_needs_a_power_of_two():
    with pytest.raises(ScenarioError, match="power of two"):
        sensitivity.unit_design("sobol", 3, 1000)
    with pytest.raises(ScenarioError, match="unknown sensitivity method"):
        sensitivity.unit_design("fast", 3, 1024)


def test_sensitivity_command_prints_and_writes(tmp_path, capsys):
    status = cli.main(["sensitivity", "--outputs", "co2_total@2030", "--samples", "64",
                       "--quiet", "-o", str(tmp_path), "--lang", "en"])
    out = capsys.readouterr().out
    assert status == 0 and "co2_total@2030" in out and "ST" in out
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert {"output", "parameter", "S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert (tmp_path / "tornado_co2_total_2030.png").stat().st_size > 1000


def test_sensitivity_command_bad_output(capsys):
    assert cli.main(["sensitivity", "--outputs", "co2@2030"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "sector dimension" in err


def test_top_drivers_labels_and_order():
    t = sensitivity.top_drivers("baseline", outputs=("co2_total@2030",), trajectories=4, top=3,
                                lang="en")
    assert list(t["rank"]) == [1, 2, 3]
    assert t["mu_star"].is_monotonic_decreasing
    timing = t[t["kind"] == "timing"]
    assert all(lbl.endswith(": commissioning year") for lbl in timing["label"])
    assert sensitivity.driver_label("power.coal.hours", "multiplier", "zh").endswith("(整体倍数)")
