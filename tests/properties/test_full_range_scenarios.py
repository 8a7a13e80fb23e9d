"""Generated scenario files over the whole catalogue range (issue 13).

Each example is a scenario YAML (``extends: baseline``) setting a random subset of parameters
to values anywhere in their catalogue bounds — bounds included — written in canonical units,
as a planner would write them. It must load and run, and give finite outputs only: no NaN, no
inf, and no target reported as met on a NaN. Just outside a bound it must be refused with one
line. ``HYPOTHESIS_PROFILE=long`` runs 2,000 examples of each.
"""

from __future__ import annotations

import math

import numpy as np
import yaml
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.catalogue import catalogue
from energysim.errors import BoundsError, ScenarioError
from energysim.execution.pipeline import run
from energysim.scenario import compile_scenario, loads_scenario

CATALOGUE = catalogue()
PATHS = sorted(CATALOGUE)
SWITCHES = {"water.cap_binding", "power.dispatch"}  # 0 or 1


def written(x: float, unit: str):
    """A value as a scenario writes it: a bare number for pure numbers, else ``"x unit"``."""
    return float(x) if unit == "" else f"{x!r} {unit}"


@st.composite
def values_in_range(draw, path: str) -> float:
    lo, hi = CATALOGUE[path].bounds
    if path in SWITCHES:
        return float(draw(st.sampled_from([0, 1])))
    return draw(st.one_of(st.sampled_from([lo, hi]),
                          st.floats(lo, hi, allow_nan=False, allow_infinity=False)))


@st.composite
def scenarios(draw, max_paths: int = 12) -> tuple[str, dict]:
    paths = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=max_paths, unique=True))
    chosen = {p: draw(values_in_range(p)) for p in paths}
    doc = {"name": "generated", "extends": "baseline",
           "parameters": {p: written(v, CATALOGUE[p].unit) for p, v in chosen.items()}}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), chosen


@given(scenarios(), st.sampled_from([2030, 2060]))
def test_any_scenario_in_bounds_runs_to_finite_results(case, end_year):
    text, _ = case
    scenario = loads_scenario(text, file="generated.yaml")
    try:
        ds = run(scenario, end_year=end_year)
    except ScenarioError as exc:
        # the model's one condition across parameters (docs/model.md "Economy"): refused in
        # one line only when the base year's coal value added can reach its GDP
        assert exc.key == "economy.coal_price" and "\n" not in exc.one_line(), exc.one_line()
        p = compile_scenario(scenario).params()
        most = np.minimum(p["coal.mine_capacity"][:, 0] * p["coal.max_utilization"][:, 0],
                          p["coal.output_cap"][:, 0])
        va = most * p["economy.coal_price"][:, 0] * p["economy.coal_value_added_share"][:, 0]
        assert np.any(va * 1e-3 >= p["economy.gdp_base"][:, 0]), text
        return
    bad = [k for k, v in ds.data_vars.items() if not np.isfinite(v.values).all()]
    assert not bad, f"non-finite outputs {bad} for\n{text}"


@given(st.sampled_from(PATHS), st.booleans(), st.floats(1e-6, 1e6))
def test_just_outside_a_bound_is_one_line(path, above, excess):
    lo, hi = CATALOGUE[path].bounds
    bound = hi if above else lo
    x = bound + (excess if above else -excess) * max(1.0, abs(bound)) * 1e-3
    if math.isclose(x, bound) or (lo <= x <= hi):
        return
    text = yaml.safe_dump({"name": "out", "extends": "baseline",
                           "parameters": {path: written(x, CATALOGUE[path].unit)}})
    try:
        loads_scenario(text, file="out.yaml")
    except BoundsError as exc:
        assert "\n" not in str(exc) and "out of bounds" in str(exc)
    else:
        raise AssertionError(f"{path} = {x} accepted outside {lo}…{hi}")
