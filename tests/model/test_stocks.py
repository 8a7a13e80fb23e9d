"""Vintage stocks and S-curves (energysim.core.model.stocks)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from energysim.core.model import stocks

# ------------------------------------------------------------------------ initial_vintages


def test_initial_vintages_one_sample_spreads_evenly():
    v = stocks.initial_vintages(np.array([10.0]), np.array([4.0]), 6)
    np.testing.assert_allclose(v, [[0, 0, 2.5, 2.5, 2.5, 2.5]])


def test_initial_vintages_many_samples_and_broadcast_span():
    init = np.array([10.0, 20.0, 0.0])
    v = stocks.initial_vintages(init, np.array([2.0]), 5)
    assert v.shape == (3, 5)
    np.testing.assert_allclose(v.sum(axis=1), init)
    np.testing.assert_allclose(v[:, :3], 0.0)


def test_initial_vintages_span_clipped_to_history_and_lifetime():
    v = stocks.initial_vintages(np.array([12.0]), np.array([50.0]), 6)
    np.testing.assert_allclose(v, [[2.0] * 6])  # span clipped to n_pre
    v = stocks.initial_vintages(np.array([12.0]), np.array([6.0]), 6, lifetime=np.array([3.0]))
    np.testing.assert_allclose(v, [[0, 0, 0, 4, 4, 4]])


def test_initial_vintages_rejects_empty_history():
    with pytest.raises(ValueError, match="n_pre"):
        stocks.initial_vintages(np.array([1.0]), np.array([1.0]), 0)


# ----------------------------------------------------------------------------- retirements


def test_retirements_deterministic_lifetime_reads_one_column():
    hist = np.arange(20.0).reshape(2, 10)
    np.testing.assert_allclose(stocks.retirements(hist, 7, np.array([3.0])), [4.0, 14.0])
    np.testing.assert_allclose(stocks.retirements(hist, 2, np.array([3.0])), [0.0, 0.0])


def test_retirements_per_sample_lifetime_broadcasts_history():
    hist = np.arange(10.0)[None, :]  # deterministic history, shape (1, n_hist)
    got = stocks.retirements(hist, 6, np.array([1.0, 2.0, 7.0, 2.4]))
    np.testing.assert_allclose(got, [5.0, 4.0, 0.0, 4.0])  # 2.4 rounds to 2


def test_retirements_with_substock_axis():
    hist = np.arange(2 * 3 * 8.0).reshape(2, 3, 8)
    got = stocks.retirements(hist, 5, np.array([2.0, 4.0]))
    np.testing.assert_allclose(got, [hist[0, :, 3], hist[1, :, 1]])


@pytest.mark.parametrize("life", [np.array([3.0]), np.array([1.0, 3.0, 9.0])])
def test_retirements_time_major_equals_sample_major(life):
    rng = np.random.default_rng(1)
    hist = rng.random((3, 12))
    for h in range(12):
        expect = stocks.retirements(hist, h, life)
        got = stocks.retirements_time_major(np.ascontiguousarray(hist.T), h, life)
        np.testing.assert_allclose(got, expect)
    hist3 = rng.random((3, 2, 12))  # (n, k, n_hist) vs time-major (n_hist, k, n)
    for h in range(12):
        expect = stocks.retirements(hist3, h, life)  # (n, k)
        got = stocks.retirements_time_major(np.ascontiguousarray(hist3.transpose(2, 1, 0)), h, life)
        np.testing.assert_allclose(got, expect.T)


def _simulate(add, init, span, life, n_pre):
    """stock[t] = stock[t-1] + add[t] − retire[t]; returns the stocks and the history."""
    n_years = add.shape[1]
    pre = stocks.initial_vintages(init, span, n_pre, life)
    n = max(pre.shape[0], add.shape[0])
    hist = stocks.history_with_pre(np.broadcast_to(pre, (n, n_pre)), n_years)
    hist[:, n_pre:] = add
    stock = pre.sum(axis=1) * np.ones(n)
    out = []
    for t in range(n_years):
        stock = stock + hist[:, n_pre + t] - stocks.retirements(hist, n_pre + t, life)
        out.append(stock)
    return np.array(out).T, hist


@given(
    n=st.integers(1, 5),
    n_years=st.integers(1, 25),
    seed=st.integers(0, 2**32 - 1),
    per_sample_life=st.booleans(),
)
def test_stock_equals_sum_of_alive_vintages(n, n_years, seed, per_sample_life):
    rng = np.random.default_rng(seed)
    life = rng.integers(1, 15, n if per_sample_life else 1).astype(float)
    n_pre = int(life.max())
    init = rng.uniform(0, 10, n)
    span = rng.uniform(1, 20, n)
    add = rng.uniform(0, 3, (n, n_years))
    stock, hist = _simulate(add, init, span, life, n_pre)
    for t in range(n_years):
        alive = stocks.alive_vintages(hist, n_pre + t, life)
        np.testing.assert_allclose(alive.sum(axis=1), stock[:, t], rtol=1e-12, atol=1e-12)
    assert np.all(stock >= -1e-12)


def test_sample_alone_equals_sample_in_ensemble():
    rng = np.random.default_rng(3)
    life = np.array([4.0, 7.0, 2.0])
    add = rng.uniform(0, 2, (3, 10))
    init = np.array([5.0, 1.0, 8.0])
    span = np.array([3.0, 9.0, 1.0])
    ens, _ = _simulate(add, init, span, life, 7)
    for i in range(3):
        one, _ = _simulate(add[i : i + 1], init[i : i + 1], span[i : i + 1], life[i : i + 1], 7)
        np.testing.assert_array_equal(one[0], ens[i])


# --------------------------------------------------------------------------------- s_curve


def test_s_curve_midpoint_and_limits():
    years = np.arange(1900, 2201)
    s = stocks.s_curve(years, 2030.0, 0.5, 0.1, 0.9)
    assert s.shape == (1, years.size)
    assert s[0, years == 2030][0] == pytest.approx(0.5)
    assert s[0, 0] == pytest.approx(0.1)
    assert s[0, -1] == pytest.approx(0.9)
    assert np.all(np.diff(s[0]) >= 0)


def test_s_curve_extreme_steepness_does_not_overflow():
    with np.errstate(all="raise"):
        s = stocks.s_curve(np.array([1000, 2030, 3000]), 2030.0, 1e4, 0.0, 1.0)
    np.testing.assert_allclose(s, [[0.0, 0.5, 1.0]])


def test_s_curve_broadcasts_per_sample_parameters():
    years = np.arange(2022, 2061)
    mid = np.array([[2030.0], [2040.0], [2050.0]])
    s = stocks.s_curve(years, mid, 0.3, 0.0, 1.0)
    assert s.shape == (3, years.size)
    assert np.all(s[0] >= s[1]) and np.all(s[1] >= s[2])


@given(
    mid=st.floats(1950, 2100),
    k=st.floats(0, 5),
    floor=st.floats(0, 1),
    ceil=st.floats(0, 1),
)
def test_s_curve_stays_between_floor_and_ceiling(mid, k, floor, ceil):
    s = stocks.s_curve(np.arange(2022, 2061), mid, k, floor, ceil)
    lo, hi = min(floor, ceil), max(floor, ceil)
    assert np.all(s >= lo - 1e-12) and np.all(s <= hi + 1e-12)


# ------------------------------------------------------------------ scale_stock, renormalise


def test_scale_stock_shrinks_only_down():
    stock = np.array([10.0, 10.0, 0.0])
    new, early, scale = stocks.scale_stock(stock, np.array([4.0, 12.0, 3.0]), np.ones(3))
    np.testing.assert_allclose(new, [4.0, 10.0, 0.0])
    np.testing.assert_allclose(early, [6.0, 0.0, 0.0])
    np.testing.assert_allclose(scale, [0.4, 1.0, 1.0])


@given(hnp.arrays(np.float64, (6,), elements=st.floats(0, 1)), st.integers(1, 6))
def test_normalised_history_tracks_uniform_early_retirement(factors, life):
    """Scaled history: stock == Σ alive vintages · scale through shrinks, adds, retirements."""
    n_pre, n_years = 6, 6
    hist = stocks.history_with_pre(
        stocks.initial_vintages(np.array([12.0]), np.array([6.0]), n_pre, np.array([life])),
        n_years,
    )
    scale = np.ones(1)
    stock = hist.sum(axis=1)
    lt = np.array([float(life)])
    for t in range(n_years):
        h = n_pre + t
        stock = stock - stocks.retirements(hist, h, lt) * scale
        stock, _, scale = stocks.scale_stock(stock, stock * factors[t], scale)
        hist[:, h] = 1.0 / scale  # add 1 unit
        stock = stock + 1.0
        stocks.renormalise(hist, scale)
        alive = stocks.alive_vintages(hist, h, lt).sum(axis=1) * scale
        np.testing.assert_allclose(alive, stock, rtol=1e-9, atol=1e-9)


def test_renormalise_keeps_real_sizes():
    hist = np.array([[1e200, 2e200, 0.0], [1.0, 2.0, 3.0]])
    scale = np.array([1e-200, 0.5])
    real = hist * scale[:, None]
    stocks.renormalise(hist, scale)
    np.testing.assert_allclose(hist * scale[:, None], real)
    np.testing.assert_allclose(scale, [1.0, 0.5])
