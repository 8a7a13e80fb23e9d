"""The end-2021 coal fleet bottom-up, and the report's +14.1% as a check on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from energysim.analysis.calibration.fleet import (
    capacity_end_of,
    implied_generation_growth,
    read_units,
)
from energysim.scenario import compile_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
UNITS = read_units(ROOT / "calibration" / "coal-fleet-units.csv")
REPORTED_GROWTH = 0.141  # "发电量增长14.1%" (calibration/report-2022.csv)
CHANGTAN = 1.32  # 汇能长滩, 2022 (GW)


def test_verified_and_listed_fleet():
    assert capacity_end_of(UNITS, 2021, verified_only=True) == pytest.approx(3.48)
    assert capacity_end_of(UNITS, 2021) == pytest.approx(6.72)
    assert capacity_end_of(UNITS, 2020) == pytest.approx(6.72 - 1.32)  # 朱家坪 came in 2021


def test_reported_growth_checks_the_list():
    """The list reproduces +14.1% when 长滩 generated little in 2022 (its export line was
    energised on 2022-12-26); the identity with a mid-year 长滩 overshoots: the list and the
    report agree only for a late 长滩, which the check makes explicit."""
    late = implied_generation_growth(UNITS, CHANGTAN, 0.0)
    december = implied_generation_growth(UNITS, CHANGTAN, 0.5 / 12)
    mid_year = implied_generation_growth(UNITS, CHANGTAN, 0.5)
    assert late <= REPORTED_GROWTH <= december + 0.005
    assert mid_year > REPORTED_GROWTH + 0.05
    verified_only = [u for u in UNITS if u.verified]
    assert implied_generation_growth(verified_only, CHANGTAN, 0.0) > 0.3  # the list is needed


def test_baseline_samples_the_range_around_the_calibrated_value():
    s = load_scenario("baseline")
    leaf = s.parameters["power.coal.capacity_initial"]
    central = leaf.base.value
    assert Path(leaf.source.file).name == "calibrated.yaml"  # the number stays calibrated
    lo, hi = leaf.multiplier.args["low"] * central, leaf.multiplier.args["high"] * central
    assert lo == pytest.approx(5.0, abs=0.05) and hi == pytest.approx(11.0, abs=0.05)
    assert lo < capacity_end_of(UNITS, 2021) < central < hi
    x = np.asarray(compile_scenario(s, samples=2000, seed=5).params()[
        "power.coal.capacity_initial"])[:, 0]
    assert lo - 1e-9 <= x.min() and x.max() <= hi + 1e-9
    assert np.mean(x < capacity_end_of(UNITS, 2021)) > 0.1
