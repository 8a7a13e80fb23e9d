"""Properties of the scenario language: interpolation, sampling, designs, chunking, units."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.catalogue import Param
from energysim.scenario import compile_scenario, loads_scenario
from energysim.scenario.series import grow, interpolate
from energysim.scenario.uncertainty import Distribution, lhs_design, mc_column
from energysim.units import format_quantity, parse_quantity

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def series_points(draw, min_size=1, max_size=8):
    years = draw(
        st.lists(st.integers(1980, 2100), min_size=min_size, max_size=max_size, unique=True)
    )
    years.sort()
    values = draw(st.lists(finite, min_size=len(years), max_size=len(years)))
    return years, values


@given(series_points(), st.sampled_from(["linear", "step"]))
def test_interpolation_passes_through_given_points(pts, kind):
    years, values = pts
    out = interpolate(years, values, np.array(years), kind)
    np.testing.assert_array_equal(out, values)


@given(series_points(), st.sampled_from(["linear", "step"]))
def test_interpolation_held_flat_outside(pts, kind):
    years, values = pts
    out = interpolate(years, values, np.array([1900, years[0] - 1, years[-1] + 1, 2200]), kind)
    np.testing.assert_array_equal(out, [values[0], values[0], values[-1], values[-1]])


@given(series_points(min_size=2), st.sampled_from(["linear", "step"]), st.booleans())
def test_interpolation_monotone_between_monotone_points(pts, kind, increasing):
    years, values = pts
    values = sorted(values, reverse=not increasing)
    grid = np.arange(years[0] - 3, years[-1] + 4)
    out = interpolate(years, values, grid, kind)
    steps = np.diff(out)
    assert (steps >= 0).all() if increasing else (steps <= 0).all()
    assert out.min() >= min(values) and out.max() <= max(values)  # no overshoot


@given(
    st.floats(1, 1e4),
    st.lists(st.floats(-0.5, 0.5), min_size=1, max_size=4),
    st.integers(2000, 2030),
)
def test_growth_compounds_the_rate_of_each_year(start, rates, base):
    rate_years = [base + 1 + 3 * i for i in range(len(rates))]
    years = np.arange(base - 2, base + 15)
    path = grow(start, rate_years, rates, years, base)
    assert (path[years <= base] == start).all()
    r = interpolate(rate_years, rates, years, "step")
    np.testing.assert_allclose(
        path[1:][years[1:] > base] / path[:-1][years[1:] > base],
        1 + r[1:][years[1:] > base],
        rtol=1e-12,
    )


# -- sampling --------------------------------------------------------------------------------
@st.composite
def distributions(draw):
    kind = draw(st.sampled_from(["normal", "lognormal", "uniform", "triangular", "pert", "choice"]))
    lo = draw(st.floats(-100, 100))
    width = draw(st.floats(0.5, 100))
    if kind == "normal":
        args = {"mean": lo, "sd": width / 10}
    elif kind == "lognormal":
        args = {"median": width, "gsd": draw(st.floats(1.01, 1.5))}
    elif kind == "uniform":
        args = {"low": lo, "high": lo + width}
    elif kind in ("triangular", "pert"):
        args = {"low": lo, "mode": lo + draw(st.floats(0, 1)) * width, "high": lo + width}
    else:
        values = tuple(draw(st.lists(st.floats(-100, 100), min_size=1, max_size=5)))
        weights = tuple(
            draw(st.lists(st.floats(0.1, 10), min_size=len(values), max_size=len(values)))
        )
        args = {"values": values, "weights": weights}
    return Distribution(kind, args)


@given(distributions())
def test_sample_mean_and_support_match_the_distribution(dist):
    n = 20000
    x = dist.ppf(mc_column(1, "p", 0, n))
    if dist.kind == "choice":
        assert set(np.unique(x)) <= set(dist.args["values"])
    else:
        lo, hi = dist.scipy().support()
        assert (x >= lo).all() and (x <= hi).all()
    sd = np.sqrt(dist.scipy().var()) if dist.kind != "choice" else np.ptp(dist.args["values"])
    # 6 standard errors: a false alarm has probability ~1e-9 per example
    assert abs(x.mean() - dist.mean()) <= 6 * sd / np.sqrt(n) + 1e-9 * (1 + abs(dist.mean()))


@given(
    st.floats(0, 1),
    st.floats(1, 200),
    st.floats(0, 50),
    st.floats(1, 100),
    st.sampled_from(["normal", "lognormal"]),
)
def test_truncated_samples_stay_in_bounds(frac, sd, lo, width, kind):
    centre = lo + frac * width  # a mean (median) within bounds, as the loader requires
    args = (
        {"mean": centre, "sd": sd}
        if kind == "normal"
        else {"median": centre + 0.1, "gsd": 1 + sd / 100}
    )
    dist = Distribution(kind, args, bounds=(lo, lo + width))
    x = dist.ppf(mc_column(3, "p", 0, 2000))
    assert (x >= lo).all() and (x <= lo + width).all()


@given(st.integers(1, 300), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_lhs_stratifies_each_margin(n, d, seed):
    u = lhs_design(seed, n, d)
    assert u.shape == (n, d)
    for j in range(d):
        strata = np.floor(u[:, j] * n).astype(int)
        assert sorted(strata) == list(range(n))  # exactly one point per 1/n stratum


CAT = {
    p.path: p
    for p in [
        Param("a.x", "GW", 1.0, (0.0, None)),
        Param("a.y", "h/yr", 1500.0, (0.0, 8760.0)),
        Param("a.z", "", 0.1, (0.0, 1.0)),
        Param("b.w", "Mt/yr", {2022: 300.0, 2030: 280.0}, (0.0, None)),
    ]
}
SCENARIO = loads_scenario(
    """
parameters:
  a.x: {dist: lognormal, median: 1 GW, gsd: 1.3}
  a.y: {values: {2022: 1500 h, 2035: 1700 h}, multiplier: {dist: normal, mean: 1, sd: 0.1}}
  a.z: {dist: pert, low: 0%, mode: 5%, high: 30%}
  b.w: {dist: triangular, low: 250 Mt/yr, mode: 300 Mt/yr, high: 320 Mt/yr}
correlations:
  - {params: [a.x, a.y], rho: -0.4}
  - {params: [a.z, b.w], rho: 0.7}
""",
    catalogue=CAT,
)


@given(st.integers(0, 2**31), st.sampled_from(["mc", "lhs", "sobol"]))
def test_sampling_is_seed_reproducible(seed, method):
    a = compile_scenario(SCENARIO, samples=40, seed=seed, method=method).params()
    b = compile_scenario(SCENARIO, samples=40, seed=seed, method=method).params()
    for path in a:
        np.testing.assert_array_equal(a[path], b[path])


@given(st.integers(1, 400), st.data(), st.sampled_from(["mc", "lhs", "sobol"]))
def test_params_are_chunk_invariant(n, data, method):
    c = compile_scenario(
        SCENARIO, samples=n, seed=data.draw(st.integers(0, 1000)), method=method, end_year=2040
    )
    cuts = sorted(set(data.draw(st.lists(st.integers(0, n), max_size=6)) + [0, n]))
    whole = c.params()
    parts = [c.params(a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
    for path in c.uncertain:
        np.testing.assert_array_equal(np.concatenate([p[path] for p in parts]), whole[path])


@given(
    st.floats(-1e12, 1e12, allow_nan=False),
    st.sampled_from(["GW", "Mt/yr", "bnCNY", "h/yr", "gce/kWh", "kWh/kg", ""]),
)
def test_format_then_parse_is_exact(x, unit):
    assert parse_quantity(format_quantity(x, unit, digits=0), expected_unit=unit) == x


@given(st.floats(1e-6, 1e9))
def test_chinese_magnitudes(x):
    assert parse_quantity(f"{x!r}万千瓦", expected_unit="MW") == pytest.approx(10 * x, rel=1e-12)
    assert parse_quantity(f"{x!r}亿吨", expected_unit="Mt") == pytest.approx(100 * x, rel=1e-12)
