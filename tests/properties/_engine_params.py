"""Hypothesis strategies: random valid parameter sets for the whole model.

A drawn ensemble starts from the catalogue defaults and perturbs a random subset of parameters
per sample (multipliers 0.5–1.5, an additive draw for parameters whose default is 0), clipped
to the catalogue bounds, so every drawn set is valid. The years are 2022–2045 to keep the
property tests fast.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from energysim.core.catalogue import catalogue
from energysim.core.engine import default_params
from energysim.core.params import Params

YEARS = np.arange(2022, 2046)
CATALOGUE = catalogue()
BASE = default_params(YEARS)
PATHS = sorted(CATALOGUE)
#: Switches that only take 0 or 1.
SWITCHES = {"water.cap_binding"}
#: Switches of the model's structure: 0 or 1, the same for every sample of an ensemble.
MODES = {"power.dispatch"}


def perturb(path: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """A valid ``(n, n_years)`` array for ``path``: the default varied per sample."""
    base = BASE[path]
    lo, hi = CATALOGUE[path].bounds
    if path in MODES:  # one model structure for the whole ensemble
        return np.full((1, len(YEARS)), float(rng.integers(0, 2)))
    if path in SWITCHES:
        return np.repeat(rng.integers(0, 2, (n, 1)).astype(float), len(YEARS), axis=1)
    if np.all(base == 0.0):
        top = 1.0 if hi is None else min(1.0, 0.5 * (hi - (lo or 0.0)))
        value = base + rng.uniform(0.0, top, (n, 1)) * rng.uniform(0.5, 1.0, (1, len(YEARS)))
    else:
        factor = rng.uniform(0.5, 1.5, (n, 1)) * rng.uniform(0.9, 1.1, (n, len(YEARS)))
        value = base * factor
    return np.ascontiguousarray(
        np.clip(value, -np.inf if lo is None else lo, np.inf if hi is None else hi)
    )


def _drawn(draw, max_samples: int, max_paths: int, value_of) -> Params:
    """Params of 1…``max_samples`` samples with a random subset of parameters drawn by
    ``value_of(path, rng, n)``, the rest at the catalogue defaults."""
    n = draw(st.integers(1, max_samples))
    paths = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=max_paths, unique=True))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    values = dict(BASE.values)
    for path in paths:
        values[path] = value_of(path, rng, n)
    return Params(years=YEARS, n_samples=n, values=consistent_economy(values))


def consistent_economy(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's one condition across parameters (docs/model.md, "Economy"): coal value added
    of the base year below the base-year GDP. Where a draw breaks it for the largest output the
    mines allow (``min(mine capacity × utilisation, output cap)``, an upper bound of the
    base-year output), the coal price of that sample is lowered to 90% of what fits; the
    refusal of a set that breaks it is tested in tests/model/test_gdp_split.py."""
    price, share = values["economy.coal_price"], values["economy.coal_value_added_share"]
    most = np.minimum(values["coal.mine_capacity"][:, :1] * values["coal.max_utilization"][:, :1],
                      values["coal.output_cap"][:, :1])
    gdp = values["economy.gdp_base"][:, :1]
    va = most * price[:, :1] * share[:, :1] * 1e-3
    if np.all(va < 0.9 * gdp):
        return values
    fit = np.where(va < 0.9 * gdp, 1.0, 0.9 * gdp / np.maximum(va, 1e-300))
    out = dict(values)
    out["economy.coal_price"] = np.ascontiguousarray(price * fit)
    return out


@st.composite
def ensembles(draw, max_samples: int = 4, max_paths: int = 15) -> Params:
    """Params of 1…``max_samples`` samples with a random subset of parameters perturbed."""
    return _drawn(draw, max_samples, max_paths, perturb)


def with_values(params: Params, **changes: np.ndarray) -> Params:
    """A copy of ``params`` with some paths replaced (keys use ``__`` for ``.``)."""
    values = dict(params.values)
    for key, v in changes.items():
        values[key.replace("__", ".")] = np.ascontiguousarray(v, dtype=np.float64)
    return Params(years=params.years, n_samples=params.n_samples, values=values)


def full_range_value(path: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """A valid ``(n, n_years)`` array for ``path`` drawn over the *whole* catalogue range.

    Per sample: one of the two bounds exactly (a third of the draws each way is at a bound), or
    a uniform draw inside, constant or varying by year. Every parameter is bounded on both
    sides (tests/test_hardening.py checks it), so the whole range can be drawn.
    """
    lo, hi = CATALOGUE[path].bounds
    if path in MODES:  # one model structure for the whole ensemble
        return np.full((1, len(YEARS)), float(rng.integers(0, 2)))
    if path in SWITCHES:
        return np.repeat(rng.integers(0, 2, (n, 1)).astype(float), len(YEARS), axis=1)
    kind = rng.integers(0, 4, (n, 1))
    inside = rng.uniform(lo, hi, (n, 1))
    per_year = rng.uniform(lo, hi, (n, len(YEARS)))
    value = np.where(kind == 0, lo, np.where(kind == 1, hi, np.where(kind == 2, inside,
                                                                       per_year)))
    return np.ascontiguousarray(np.broadcast_to(value, (n, len(YEARS))), dtype=np.float64)


@st.composite
def full_range_ensembles(draw, max_samples: int = 4, max_paths: int = 40) -> Params:
    """Params with a random subset of parameters anywhere in their catalogue bounds."""
    return _drawn(draw, max_samples, max_paths, full_range_value)
