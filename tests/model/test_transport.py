"""Truck fleets (energysim.core.model.transport)."""

import numpy as np
import pytest
from _sector_params import check_declarations, make_params
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.model import transport as tr


def test_declarations():
    check_declarations(tr, "transport.")
    assert {o.name for o in tr.OUTPUTS} == set(_run(make_params([tr.PARAMS]), 1)[0])


# --------------------------------------------------------------------------- sales shares


@given(
    mids=st.tuples(st.floats(2000, 2100), st.floats(2000, 2100)),
    ks=st.tuples(st.floats(0, 3), st.floats(0, 3)),
    ceils=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_sales_shares_sum_to_one_and_lie_in_unit_interval(mids, ks, ceils):
    years = np.arange(2022, 2061)
    s = tr.sales_shares(years, mids[0], ks[0], ceils[0], mids[1], ks[1], ceils[1])
    assert s.shape == (1, years.size, 3)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(s >= 0.0) and np.all(s <= 1.0)


def test_sales_shares_per_sample_midpoints():
    years = np.arange(2022, 2061)
    mid = np.array([[2025.0], [2045.0]])
    s = tr.sales_shares(years, mid, 0.5, 0.9, 2040.0, 0.3, 0.1)
    assert s.shape == (2, years.size, 3)
    assert np.all(s[0, :, 1] >= s[1, :, 1])  # earlier midpoint ⇒ more battery trucks


# ------------------------------------------------------------------------- fleet turnover


def test_fleet_turnover_one_sample_growth():
    stock = np.array([[90.0], [10.0], [0.0]])
    due = np.array([[9.0], [1.0], [0.0]])
    shares = np.array([[0.5], [0.4], [0.1]])
    new, sales, retire, keep = tr.fleet_turnover(stock, due, np.array([110.0]), shares)
    np.testing.assert_allclose(sales[:, 0], [10.0, 8.0, 2.0])  # 110 − 90 survivors = 20 sold
    np.testing.assert_allclose(new[:, 0], [91.0, 17.0, 2.0])
    np.testing.assert_allclose(retire, due)
    assert keep is None


def test_fleet_turnover_shrinking_fleet_retires_diesel_first():
    stock = np.array([[50.0, 5.0], [30.0, 30.0], [20.0, 10.0]])
    due = np.zeros((3, 2))
    shares = np.array([[0.2], [0.6], [0.2]])
    new, sales, retire, keep = tr.fleet_turnover(stock, due, np.array([60.0, 25.0]), shares)
    np.testing.assert_allclose(sales, 0.0)
    # sample 0: 40 excess, all diesel; sample 1: 20 excess, 5 diesel then 15 of 40 others
    np.testing.assert_allclose(new[:, 0], [10.0, 30.0, 20.0])
    np.testing.assert_allclose(new[:, 1], [0.0, 30.0 * 25 / 40, 10.0 * 25 / 40])
    np.testing.assert_allclose(retire, stock - new)
    np.testing.assert_allclose(keep[:, 1], [0.0, 25 / 40, 25 / 40])


@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 8),
)
def test_fleet_turnover_identities(seed, n):
    rng = np.random.default_rng(seed)
    stock = rng.uniform(0, 100, (3, n)) * (rng.random((3, n)) > 0.2)
    due = stock * rng.random((3, n))
    target = rng.uniform(-10, 300, n)
    shares = rng.dirichlet(np.ones(3), n).T
    new, sales, retire, _ = tr.fleet_turnover(stock, due, target, shares)
    np.testing.assert_allclose(new.sum(axis=0), np.maximum(target, 0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(new, stock + sales - retire, rtol=1e-12, atol=1e-9)
    assert np.all(sales >= 0) and np.all(retire >= -1e-12) and np.all(new >= -1e-12)


# -------------------------------------------------------------------------- energy, stations


def test_vehicle_energy_units():
    fleet = np.array([[1.0], [2.0], [4.0]])
    d, e, h = tr.vehicle_energy(fleet, np.array([150.0]), np.array([700.0]), np.array([37.0]))
    assert d[0] == pytest.approx(0.150)  # kt/yr
    assert e[0] == pytest.approx(2 * 700e-6)  # TWh/yr
    assert h[0] == pytest.approx(4 * 0.037)  # kt/yr
    d2, _, _ = tr.vehicle_energy(fleet, 150.0, 700.0, 37.0, diesel_factor=1 - 0.5 * 0.25)
    assert d2[0] == pytest.approx(0.150 * 0.875)


def test_stations_needed():
    np.testing.assert_allclose(tr.stations_needed(np.array([285 * 30.0, 0.0]), 30.0), [285, 0])


# ------------------------------------------------------------------------ whole-fleet runs


def _run(params, n, coal=None):
    """Run the transport sector alone with a coal-output path (n, n_years) [Mt/yr]."""
    n_years = len(params.years)
    if coal is None:
        coal = np.full((n, n_years), 320.0)
    pre = tr.precompute_transport(params)
    state = tr.init_transport(pre, n, coal[:, 0])
    flows = []
    for t in range(n_years):
        prev = coal[:, t - 1] if t > 0 else coal[:, 0]
        f = tr.step_transport(state, pre, t, prev)
        flows.append({k: np.array(np.broadcast_to(v, (n,) + v.shape[1:])) for k, v in f.items()})
        life = pre["mining_lifetime"]
        alive = tr.fleet_alive(state["mining"], pre["n_pre"] + t, life).sum(axis=-1)
        np.testing.assert_allclose(alive, f["mining_truck_fleet"], rtol=1e-9, atol=1e-6)
    return {k: np.stack([f[k] for f in flows], axis=1) for k in flows[0]}, pre


def test_default_run_one_sample():
    params = make_params([tr.PARAMS])
    out, _ = _run(params, 1)
    fleet = out["mining_truck_fleet"]  # (1, n_years, 3)
    np.testing.assert_allclose(fleet.sum(axis=-1), 12.0 * 320.0, rtol=1e-12)
    # battery share rises along the S-curve, diesel falls
    assert fleet[0, -1, 1] > fleet[0, 0, 1] and fleet[0, -1, 0] < fleet[0, 0, 0]
    heavy = out["heavy_truck_fleet"]
    np.testing.assert_allclose(heavy.sum(axis=-1), 10_000.0, rtol=1e-12)  # growth 0
    assert np.all(out["mining_truck_diesel_use"] >= 0)
    np.testing.assert_allclose(
        out["charging_stations_needed"],
        (out["mining_truck_fleet"][..., 1] + heavy[..., 1]) / 30.0,
    )


def test_stock_flow_identity_and_early_retirement_with_falling_coal():
    params = make_params([tr.PARAMS], n_samples=3)
    years = params.years
    coal = np.stack(
        [
            np.full(years.size, 320.0),
            np.linspace(320, 0, years.size),  # shrinks to nothing
            np.where(years < 2035, 320.0, 50.0),  # sudden drop, then flat
        ]
    )
    out, _ = _run(params, 3, coal)
    for name in ("mining_truck", "heavy_truck"):
        f, s, r = (out[f"{name}_{k}"] for k in ("fleet", "sales", "retire"))
        np.testing.assert_allclose(f[:, 1:], f[:, :-1] + s[:, 1:] - r[:, 1:], atol=1e-6)
        assert np.all(s >= 0) and np.all(r >= -1e-9) and np.all(f >= -1e-9)
    total = out["mining_truck_fleet"].sum(axis=-1)
    expect = 12.0 * np.concatenate([coal[:, :1], coal[:, :-1]], axis=1)
    np.testing.assert_allclose(total, expect, rtol=1e-9, atol=1e-6)
    assert out["mining_truck_fleet"][1, -1].sum() == pytest.approx(12.0 * coal[1, -2])


def test_sample_alone_equals_sample_in_ensemble_and_broadcast_parameter():
    n = 4
    life = np.array([5.0, 8.0, 11.0, 8.0])
    ceil = np.array([0.2, 0.9, 0.5, 0.9])
    params = make_params(
        [tr.PARAMS],
        overrides={
            "transport.mining_trucks.lifetime": life,
            "transport.heavy_trucks.bev.sales_ceiling": ceil,
        },
        n_samples=n,
    )
    coal = np.linspace(np.full(n, 320.0), np.array([100.0, 200.0, 400.0, 0.0]), 39).T
    ens, _ = _run(params, n, coal)
    for i in range(n):
        one = make_params(
            [tr.PARAMS],
            overrides={
                "transport.mining_trucks.lifetime": life[i : i + 1],
                "transport.heavy_trucks.bev.sales_ceiling": ceil[i : i + 1],
            },
        )
        alone, _ = _run(one, 1, coal[i : i + 1])
        for k in ens:
            np.testing.assert_allclose(alone[k][0], ens[k][i], rtol=1e-12, atol=1e-9, err_msg=k)


def test_initial_fleet_consistent_with_sizing_rule():
    params = make_params([tr.PARAMS])
    out, _ = _run(params, 1)
    # constant coal output: base-year sales exactly replace retirements
    np.testing.assert_allclose(
        out["mining_truck_sales"][0, 0].sum(), out["mining_truck_retire"][0, 0].sum()
    )


def test_heavy_fleet_growth_series():
    params = make_params([tr.PARAMS], overrides={"transport.heavy_trucks.fleet_growth": 0.05})
    pre = tr.precompute_transport(params)
    total = pre["heavy_truck_fleet"].sum(axis=1)[:, 0]
    np.testing.assert_allclose(total, 10_000 * 1.05 ** np.arange(1, 40), rtol=1e-9)


def test_autonomous_trucks_burn_less_diesel():
    base = make_params([tr.PARAMS], overrides={"transport.mining_trucks.autonomous_share": 0.0})
    auto = make_params([tr.PARAMS], overrides={"transport.mining_trucks.autonomous_share": 1.0})
    d0 = _run(base, 1)[0]["mining_truck_diesel_use"]
    d1 = _run(auto, 1)[0]["mining_truck_diesel_use"]
    np.testing.assert_allclose(d1, d0 * 0.75, rtol=1e-12)


def test_fleet_regrows_after_being_retired_completely():
    params = make_params([tr.PARAMS], overrides={"transport.mining_trucks.lifetime": 6.0})
    years = params.years
    coal = np.where((years >= 2030) & (years < 2034), 0.0, 320.0)[None, :]
    out, _ = _run(params, 1, coal)  # _run checks fleet == Σ alive vintages every year
    total = out["mining_truck_fleet"].sum(axis=-1)[0]
    np.testing.assert_allclose(total[(years >= 2031) & (years <= 2034)], 0.0, atol=1e-9)
    np.testing.assert_allclose(total[years >= 2035], 12.0 * 320.0, rtol=1e-12)
    # trucks bought after the gap retire on schedule, not the ghosts of the retired fleet
    sales = out["mining_truck_sales"].sum(axis=-1)[0]
    retire = out["mining_truck_retire"].sum(axis=-1)[0]
    i = list(years).index(2035)
    np.testing.assert_allclose(retire[i + 6], sales[i], rtol=1e-9)
