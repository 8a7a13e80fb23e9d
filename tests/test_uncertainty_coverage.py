"""Every catalogue parameter is either sampled in the bundled baseline or held fixed for a
written reason (calibration/certain-parameters.yaml). A new parameter fails here until one of
the two is done; a reason for a parameter that is sampled (or gone) fails as stale."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
import yaml

from energysim.core.catalogue import catalogue
from energysim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
REASONS = ROOT / "calibration" / "certain-parameters.yaml"
FIXED_BY_SCENARIO = ROOT / "calibration" / "fixed-by-scenario.yaml"
BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml") if p.stem != "baseline")


def _reasons() -> dict[str, str]:
    data = yaml.safe_load(REASONS.read_text(encoding="utf-8"))
    assert all(isinstance(v, str) and len(v) > 10 for v in data.values())
    return data


def _covered(path: str, reasons: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in reasons)


def test_every_parameter_is_sampled_or_certain_for_a_reason():
    reasons = _reasons()
    uncertain = set(load_scenario("baseline").uncertain)
    missing = [p for p in catalogue() if p not in uncertain and not _covered(p, reasons)]
    assert not missing, ("neither sampled in the baseline nor marked certain in "
                         f"{REASONS.name}: {missing}")


def test_reasons_are_not_stale():
    reasons = _reasons()
    cat = list(catalogue())
    uncertain = set(load_scenario("baseline").uncertain)
    for pattern in reasons:
        hits = fnmatch.filter(cat, pattern)
        assert hits, f"{pattern}: matches no catalogue parameter"
        sampled = [h for h in hits if h in uncertain]
        assert not sampled, f"{pattern}: marked certain but sampled: {sampled}"


def test_the_uncertainty_is_where_the_issue_puts_it():
    """Issue 12 item 4: at least these are sampled in the baseline."""
    uncertain = set(load_scenario("baseline").uncertain)
    must = {
        "power.coal.heat_rate", "emissions.coal_co2_per_tce", "coal.tce_per_t",
        "power.coal.capacity_initial", "coal.outbound_demand", "water.cap",
        "transport.heavy_trucks.fleet_initial", "transport.mining_trucks.trucks_per_coal_output",
        "transport.heavy_trucks.diesel_per_vehicle", "power.curtailment.base",
        "storage.round_trip_efficiency", "demand.other_industry.electricity_base",
        *(f"chemicals.{p}.{k}" for p in ("olefins", "coal_to_liquids", "coal_to_gas",
                                           "ethylene_glycol", "aromatics")
          for k in ("coal_per_t", "water_per_t", "co2_per_t")),
    }
    assert must <= uncertain, sorted(must - uncertain)


@pytest.mark.parametrize("name", BUNDLED)
def test_scenarios_keep_the_baselines_uncertainty_unless_their_story_decides(name):
    """A bundled scenario that overrides a parameter the baseline samples keeps it uncertain
    (the same relative range as a multiplier) unless its story decides the value, with the
    reason in calibration/fixed-by-scenario.yaml; reasons for parameters still sampled fail."""
    declared = yaml.safe_load(FIXED_BY_SCENARIO.read_text(encoding="utf-8")).get(name) or {}
    assert all(isinstance(v, str) and len(v) > 10 for v in declared.values())
    baseline = set(load_scenario("baseline").uncertain)
    made_certain = baseline - set(load_scenario(name).uncertain)
    assert made_certain <= set(declared), (
        f"{name} makes these baseline-uncertain parameters certain without a reason in "
        f"{FIXED_BY_SCENARIO.name}: {sorted(made_certain - set(declared))}")
    assert set(declared) <= made_certain, (
        f"{FIXED_BY_SCENARIO.name}: {name}: stale (still sampled): "
        f"{sorted(set(declared) - made_certain)}")
