"""The bundled baseline reproduces the report's 2022 figures; every bundled scenario runs.

Expected numbers are read from ``calibration/report-2022.csv`` (the report's figures with their
sentences), never retyped here. Checks are made on every member of a small ensemble: the
calibrated base year must hold whatever the uncertain parameters draw.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import energysim
from energysim.scenario.loader import BUNDLED_DIR
from energysim.units import convert

ROOT = Path(__file__).resolve().parents[1]
REPORT_CSV = ROOT / "calibration" / "report-2022.csv"
TARGETS = BUNDLED_DIR / "targets" / "report-2023.yaml"
REL = 0.01  # the report's figures are reproduced within 1%
SAMPLES = 32
BASE = 2022


def _report() -> dict[tuple[str, int], dict[str, str]]:
    with REPORT_CSV.open(encoding="utf-8", newline="") as f:
        return {(r["indicator"], int(r["year"])): r for r in csv.DictReader(f)}


def expected(indicator: str, year: int, unit: str) -> float:
    """A figure of the report converted to ``unit`` (``""`` for a fraction)."""
    row = _report()[(indicator, year)]
    return convert(float(row["value"]), row["unit"], unit)


@pytest.fixture(scope="module")
def base():
    return energysim.run("baseline", samples=SAMPLES, seed=7)


def _at(ds, name, year, **sel):
    return ds[name].sel(year=year, **sel).values


def _within(actual, target, rel=REL):
    actual = np.asarray(actual, dtype=float)
    assert np.all(np.isfinite(actual))
    assert np.all(np.abs(actual / target - 1.0) <= rel), (actual.min(), actual.max(), target)


def _generation_growth(ds, year=BASE):
    """Base-year generation over "previous-year" generation, minus 1.

    Previous-year generation is defined (docs/model.md) as the initial stocks (end of the
    year before) at base-year full-load hours, uncurtailed. All of it is read from the run:
    initial stock = capacity − added + retired; uncurtailed hours = hours / (1 − curtailment).
    """
    cap = ds["power_cap"].sel(year=year)
    initial = cap - ds["power_add"].sel(year=year) + ds["power_retire"].sel(year=year)
    keep = 1.0 - ds["curtailment_share"].sel(year=year)
    hours = ds["power_hours"].sel(year=year)
    uncurtailed = _uncurtail(hours, keep)
    prev_twh = (initial * uncurtailed).sum("tech") / 1000.0  # GW·h → TWh
    return (ds["generation"].sel(year=year) / prev_twh - 1.0).values


def _uncurtail(hours, keep):
    """Undo curtailment on wind and solar hours (coal is never curtailed)."""
    vre = hours["tech"].isin(["wind", "solar"])
    return hours.where(~vre, hours / keep)


# --- the base year reproduces the report ----------------------------------------------------


def test_gdp_2022(base):
    _within(_at(base, "gdp", BASE), expected("gdp", BASE, "bnCNY"))


def test_coal_output_2022(base):
    _within(_at(base, "coal_output", BASE), expected("coal_output", BASE, "Mt"))


def test_power_capacity_added_2022(base):
    target = expected("power_capacity_added", BASE, "GW")
    _within(_at(base, "power_add", BASE).sum(axis=-1), target)  # all techs: 新增电力装机
    _within(_at(base, "power_add", BASE, tech="coal"), target)  # 汇能长滩 (coal)


def test_generation_growth_2022(base, central):
    """The central run (the calibrated fleet) reproduces +14.1%; the ensemble samples the
    fleet over its bottom-up range (tests/test_coal_fleet.py), so its growth brackets it."""
    _within(_generation_growth(central), expected("generation_growth", BASE, ""))
    growth = _generation_growth(base)
    reported = expected("generation_growth", BASE, "")
    assert growth.min() < reported < growth.max()


def test_calibrated_capacity_follows_the_derivation(central):
    """end-2021 capacity ≈ capacity added / generation growth (report-2022.csv, derived row)."""
    base = central
    coal = _at(base, "power_cap", BASE, tech="coal") - _at(base, "power_add", BASE, tech="coal")
    derived = expected("power_capacity_total_end_2021", 2021, "GW")
    # the derivation assumes all generation is coal; the baseline's small initial wind and
    # solar stocks take 0.585 TWh of it, so its coal stock is 1.25% lower
    _within(coal, derived, rel=0.02)


# --- the report's 2023 plan is in the baseline -----------------------------------------------


@pytest.fixture(scope="module")
def central():
    return energysim.run("baseline")  # one run at the central values: the plan as written


def test_2023_plan(base, central):
    coal = expected("coal_output", 2023, "Mt")
    _within(_at(base, "coal_output", 2023), coal, rel=0.05)  # 左右: ±5%
    # the central run follows the plan; in the ensemble the named projects may be late
    # (their verbs' priors: tests/scenario/test_projects.py), so only the central run is checked
    assert np.all(_at(central, "power_add", 2023, tech="coal") >= 2.64 - 1e-9)  # 2×66 + 2×66万千瓦
    vre = (_at(central, "power_add", 2023, tech="wind")
           + _at(central, "power_add", 2023, tech="solar"))
    assert np.all(vre >= expected("new_energy_connected", 2023, "GW") - 1e-9)
    late = _at(base, "power_add", 2023, tech="coal") < 2.64 - 1e-9
    assert 0 < late.mean() < 0.8  # 确保: P(both on time) = 0.7² ≈ 0.49
    # the growth path before its uncertain multiplier: the report's 2023 target
    leaf = energysim.load_scenario("baseline").parameters["economy.gdp_growth"]
    g2023 = leaf.base.evaluate(np.array([2023]), BASE)[0]
    assert g2023 == pytest.approx(expected("gdp_growth", 2023, ""), rel=1e-9)
    # …read as the growth of the economy other than coal mining (docs/model.md, "Economy")
    growth = _at(base, "gdp_rest", 2023) / _at(base, "gdp_rest", BASE) - 1.0
    assert np.all((growth > 0.6 * g2023 - 1e-9) & (growth < 1.2 * g2023 + 1e-9))
    assert np.all(_at(central, "electrolyser_cap", 2023) > 0)  # 纳日松光伏制氢 投产


def test_baseline_targets_are_the_report_targets():
    def key(t):
        return (t.indicator, t.year, t.comparator, str(t.value), str(t.tolerance), t.strength)

    base_targets = sorted(key(t) for t in energysim.load_scenario("baseline").targets)
    data = sorted(key(t) for t in energysim.load_scenario(TARGETS).targets)
    assert base_targets == data


# --- every bundled scenario runs and keeps the calibrated base year --------------------------

SCENARIOS = sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def test_bundled_scenarios_found():
    assert {
        "baseline",
        "accelerated",
        "coal_lockin",
        "hydrogen_storage",
        "water_constrained",
    } <= set(SCENARIOS)


@pytest.fixture(scope="module")
def baseline_base_year():
    """The baseline's base-year outputs, 64 samples, seed 5 (block-major engine outputs)."""
    from energysim.execution import threads
    from energysim.scenario import compile_scenario

    out = threads.simulate_blocks(compile_scenario("baseline", samples=64, seed=5).params, 64)
    return {k: v[:, 0] for k, v in out.items() if v.ndim == 2}


@pytest.mark.parametrize("name", [s for s in SCENARIOS if s != "baseline"])
def test_scenarios_share_the_baselines_base_year_sample_by_sample(name, baseline_base_year):
    """The base year is the recorded 2022 in every scenario, with the same uncertainty: with the
    same seed each sample's 2022 equals the baseline's, every physical output (a scenario's
    levers and policies act from 2023, trucks' sales from their recorded base-year shares;
    calibration/fixed-by-scenario.yaml). Costs may differ: the annualised capital of the
    existing stock depends on the lives and prices a story sets."""
    from energysim.core.model import costs
    from energysim.execution import threads
    from energysim.scenario import compile_scenario

    got = threads.simulate_blocks(compile_scenario(name, samples=64, seed=5).params, 64)
    for var, values in baseline_base_year.items():
        if var in costs.OUTPUT_NAMES:
            continue
        np.testing.assert_allclose(got[var][:, 0], values, rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}: {var} in {BASE}")


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_runs_and_keeps_2022(name):
    ds = energysim.run(name, samples=8, seed=3)
    for var in ds.data_vars:
        values = ds[var].values
        if np.issubdtype(values.dtype, np.number):
            assert np.all(np.isfinite(values)), f"{name}: {var} has NaN or inf"
    _within(_at(ds, "gdp", BASE), expected("gdp", BASE, "bnCNY"))
    _within(_at(ds, "coal_output", BASE), expected("coal_output", BASE, "Mt"))
    # the fleet is sampled (5–11 GW): the +14.1% holds at the central values only
    _within(_generation_growth(energysim.run(name)), expected("generation_growth", BASE, ""))
