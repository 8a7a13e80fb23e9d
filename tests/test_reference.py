"""The vectorised engine equals the plain-Python reference (benchmarks/reference.py).

The reference computes one sample at a time, one year at a time, with floats and lists; the
engine computes blocks of samples with numpy. On samples of the bundled baseline (deterministic
and sampled), of the water-constrained scenario and of ensembles where every parameter is
perturbed per sample, every output agrees to a relative 1e-9. The scale of the comparison is the
magnitude of the output over the sample's years and categories (for truck sales and retirements:
the fleet), so that quantities that should be zero but come out as a cancellation residue
(a fleet run down to 0.0 vs 1e-13 vehicles) do not count as relative errors of 100%.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from energysim import engine
from energysim.catalogue import catalogue
from energysim.params import Params
from energysim.scenario import compile_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import reference  # noqa: E402

RTOL = 1e-9
#: The outputs the brief names as key; every other output is compared as well.
KEY = (
    "coal_output",
    "power_cap",
    "storage_cap",
    "electrolyser_cap",
    "power_gen",
    "net_export",
    "h2_green_supply",
    "h2_grey_supply",
    "co2",
    "co2_total",
    "water_use",
)


def perturbed(n: int, seed: int) -> Params:
    """Every catalogue parameter varied per sample (×0.5–1.5, ±10% per year), within bounds."""
    base = engine.default_params()
    cat = catalogue()
    rng = np.random.default_rng(seed)
    n_years = len(base.years)
    values = dict(base.values)
    for path, v in base.values.items():
        lo, hi = cat[path].bounds
        if path == "water.cap_binding":
            x = np.repeat(rng.integers(0, 2, (n, 1)).astype(float), n_years, axis=1)
        elif np.all(v == 0.0):
            top = 1.0 if hi is None else min(1.0, 0.5 * (hi - (lo or 0.0)))
            x = v + rng.uniform(0.0, top, (n, 1)) * rng.uniform(0.5, 1.0, (1, n_years))
        else:
            x = v * rng.uniform(0.5, 1.5, (n, 1)) * rng.uniform(0.9, 1.1, (n, n_years))
        lo = -np.inf if lo is None else lo
        hi = np.inf if hi is None else hi
        values[path] = np.ascontiguousarray(np.clip(x, lo, hi))
    return Params(years=base.years, n_samples=n, values=values)


def assert_engine_equals_reference(params: Params, samples) -> dict[str, np.ndarray]:
    eng = engine.simulate(params)
    ref = reference.simulate_params(params, samples)
    assert set(ref) == set(eng)
    for name in (*KEY, *sorted(set(ref) - set(KEY))):
        r = ref[name]
        e = np.broadcast_to(eng[name], (params.n_samples,) + eng[name].shape[1:])[list(samples)]
        assert e.shape == r.shape, name
        fleet = name.replace("_sales", "_fleet").replace("_retire", "_fleet")
        base = ref[fleet] if "_truck_" in name else r
        axes = tuple(range(1, r.ndim))
        scale = np.abs(base).max(axis=axes, keepdims=True) if axes else np.abs(base)
        err = np.abs(e - r) / np.maximum(scale, 1e-300)
        assert np.isfinite(e).all(), name
        assert err.max() <= RTOL, f"{name}: engine differs from the reference by {err.max():.3g}"
    return ref


def test_baseline_deterministic_run_equals_reference():
    assert_engine_equals_reference(compile_scenario("baseline").params(), [0])


def test_baseline_ensemble_samples_equal_reference():
    params = compile_scenario("baseline", samples=64, seed=5).params()
    assert_engine_equals_reference(params, [0, 17, 63])


def test_water_constrained_ensemble_equals_reference():
    params = compile_scenario("water_constrained", samples=16, seed=1).params()
    ref = assert_engine_equals_reference(params, [0, 5, 11])
    assert (ref["chem_water_scale"] < 1.0).any()  # the cap binds: chemicals are cut


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perturbed_ensemble_equals_reference(seed):
    ref = assert_engine_equals_reference(perturbed(6, seed), range(6))
    # the draws reach the model's branches: grey hydrogen, substitution, coal imports, CCUS
    for name in ("h2_grey_supply", "h2_chem_substitution", "coal_imports", "co2_captured"):
        assert (ref[name] > 0.0).any(), name
