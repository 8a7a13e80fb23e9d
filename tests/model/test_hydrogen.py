"""Hydrogen supply and allocation (energysim.core.model.hydrogen), and the four sector-helper
sectors chained in the engine's order."""

import numpy as np
import pytest
from _sector_params import check_declarations, make_params
from hypothesis import given
from hypothesis import strategies as st

from energysim.core.model import chemicals as ch
from energysim.core.model import hydrogen as hy
from energysim.core.model import stocks
from energysim.core.model import transport as tr
from energysim.core.model import water as wa

ALL = [tr.PARAMS, ch.PARAMS, wa.PARAMS, hy.PARAMS]


def test_declarations():
    check_declarations(hy, "hydrogen.")


def test_green_supply_units_narisong():
    supply, elec, water = hy.green_supply(
        np.array([10.0 * 59 / 2000]), np.array([2000.0]), np.array([59.0]), np.array([18.0])
    )
    assert supply[0] == pytest.approx(10.0)  # kt/yr
    assert elec[0] == pytest.approx(0.59)  # TWh/yr
    assert water[0] == pytest.approx(0.18)  # Mm3/yr


def test_allocation_order_one_sample():
    a = hy.allocate_hydrogen(np.array([10.0]), np.array([4.0]), np.array([5.0]), np.array([3.0]))
    assert a["green_to_trucks"][0] == 4.0
    assert a["substitution"][0] == 5.0
    assert a["green_to_other"][0] == 1.0
    assert a["export"][0] == 0.0
    assert a["grey"][0] == 2.0  # unmet other demand
    a = hy.allocate_hydrogen(np.array([2.0]), np.array([4.0]), np.array([5.0]), np.array([0.0]))
    assert a["substitution"][0] == 0.0 and a["grey"][0] == 2.0


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9))
def test_allocation_balance_and_signs(seed, n):
    rng = np.random.default_rng(seed)
    zero = rng.random((4, n)) < 0.25
    g, d, r, o = np.where(zero, 0.0, rng.uniform(0, 50, (4, n)))
    a = hy.allocate_hydrogen(g, d, r, o)
    lhs = g + a["grey"]
    rhs = d + a["substitution"] + o + a["export"]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-12)
    for k, v in a.items():
        assert np.all(v >= 0), k
    assert np.all(a["substitution"] <= r)
    # green hydrogen is exported only when every local use is served
    exported = a["export"] > 0
    np.testing.assert_allclose(a["grey"][exported], 0.0)
    np.testing.assert_allclose(a["substitution"][exported], r[exported])


def test_broadcast_deterministic_supply_against_sampled_demand():
    a = hy.allocate_hydrogen(np.array([10.0]), np.array([0.0, 5.0, 20.0]), 3.0, np.array([0.0]))
    np.testing.assert_allclose(a["grey"], [0.0, 0.0, 10.0])
    np.testing.assert_allclose(a["export"], [7.0, 2.0, 0.0])


def test_electrolyser_stock_equals_alive_vintages_and_retires():
    params = make_params(
        ALL,
        {
            "hydrogen.electrolyser.capacity_initial": np.array([0.0, 1.0]),
            "hydrogen.electrolyser.lifetime": np.array([20.0, 5.0]),
            "hydrogen.electrolyser.existing_age_span": 3.0,
        },
        n_samples=2,
    )
    s = hy.electrolyser_stock(params)
    for t in range(len(params.years)):
        alive = stocks.alive_vintages(s["history"], s["n_pre"] + t, s["lifetime"]).sum(axis=1)
        np.testing.assert_allclose(alive, s["cap"][:, t], atol=1e-12)
    years = list(params.years)
    # the 0.3 GW of 2023 retires after 20 years (sample 0) or 5 years (sample 1)
    assert s["cap"][0, years.index(2042)] == pytest.approx(0.3)
    assert s["cap"][0, years.index(2043)] == pytest.approx(0.0)
    assert s["cap"][1, years.index(2027)] == pytest.approx(0.3)
    assert s["cap"][1, years.index(2022)] == pytest.approx(1.0)  # 1 GW built 2019–2021
    assert s["cap"][1, years.index(2024)] == pytest.approx(2 / 3 + 0.3)  # 2019 vintage gone


def _chain(params, n, power_water=19.0, coal=320.0):
    """Transport → chemicals → water → hydrogen → chemicals, as the engine calls them."""
    tp = tr.precompute_transport(params)
    cp = ch.precompute_chemicals(params)
    wp = wa.precompute_water(params, cp)
    hp = hy.precompute_hydrogen(params, cp)
    state = tr.init_transport(tp, n, np.full(n, coal))
    rows = []
    for t in range(len(params.years)):
        f = tr.step_transport(state, tp, t, np.full(n, coal))
        g = ch.gross_chemicals(cp, t)
        # electrolysis at the set hours (the engine adds surplus operation from the dispatch)
        elec = hp["elec_dedicated"][t] + hp["elec_grid"][t]
        supply, h2_water = hy.electrolysis_supply(elec, hp["kwh_per_kg"][t], hp["water_per_kg"][t])
        w = wa.step_water(
            wp,
            t,
            g,
            np.full(n, power_water),
            np.full(n, coal * 0.1),
            h2_water,
        )
        out = ch.scaled_output(cp, t, w["chem_water_scale"])
        h = hy.step_hydrogen(hp, t, f["truck_h2_demand"], out, supply)
        c = ch.net_chemicals(cp, t, out, h["h2_chem_substitution"])
        # what the engine records from the dispatch: here every dedicated kWh is served
        green = hp["elec_dedicated"][t] * 1e3 / hp["kwh_per_kg"][t]
        electrolysis = {
            "h2_electrolytic_supply": supply,
            "h2_green_supply": green,
            "h2_grid_supply": supply - green,
            "h2_electrolytic_co2_intensity": np.zeros_like(supply),
            "electrolysis_elec_use": elec,
            "electrolysis_grid_elec_use": hp["elec_grid"][t],
            "electrolysis_water_use": h2_water,
        }
        row = {**f, **w, **h, **c, **electrolysis}
        rows.append(
            {k: np.array(np.broadcast_to(v, (n,) + np.shape(v)[1:])) for k, v in row.items()}
        )
    return {k: np.stack([r[k] for r in rows], axis=1) for k in rows[0]}, hp


def test_declared_outputs_are_produced():
    res, _ = _chain(make_params(ALL), 1)
    for mod in (tr, ch, wa, hy):
        for o in mod.OUTPUTS:
            assert o.name in res, o.name
            assert res[o.name].shape[2:] == tuple(
                len(
                    {
                        "powertrain": tr.POWERTRAINS,
                        "product": ch.PRODUCTS,
                        "sector": wa.WATER_SECTORS,
                    }[d]
                )
                for d in o.dims
            ), o.name


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6))
def test_chained_sectors_balances(seed, n):
    rng = np.random.default_rng(seed)
    over = {
        "hydrogen.electrolyser.add": rng.uniform(0, 1, n),
        "hydrogen.electrolyser.hours": rng.uniform(1000, 6000, n),
        "hydrogen.max_substitution_share": rng.uniform(0, 1, n),
        "hydrogen.other_demand": rng.uniform(0, 20, n),
        "transport.heavy_trucks.fcev.sales_ceiling": rng.uniform(0, 1, n),
        "water.cap": rng.uniform(50, 300, n),
        "water.cap_binding": (rng.random(n) > 0.5).astype(float),
        "chemicals.ethylene_glycol.water_per_t": rng.uniform(0, 40, n),
    }
    res, _ = _chain(make_params(ALL, over, n_samples=n), n)
    lhs = res["h2_electrolytic_supply"] + res["h2_grey_supply"]
    rhs = res["h2_truck_use"] + res["h2_chem_substitution"] + res["h2_other_use"] + res["h2_export"]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res["h2_truck_use"], res["truck_h2_demand"])
    cap = np.broadcast_to(over["water.cap"][:, None], lhs.shape)
    total = res["water_use"].sum(axis=-1)
    reserved = total - res["water_use"][..., -1]
    bind = (over["water.cap_binding"] > 0.5)[:, None] & (reserved <= cap)
    assert np.all(total[bind] <= cap[bind] * (1 + 1e-12))
    np.testing.assert_allclose(res["water_use"][..., -1], res["chem_water_use"], rtol=1e-9)
    for k, v in res.items():
        assert np.all(np.isfinite(v)), k
        if k not in ("chem_co2",):
            assert np.all(v >= -1e-9), k
    np.testing.assert_allclose(
        res["h2_grey_co2"], res["h2_grey_supply"] * 20e-3, rtol=1e-12, atol=1e-15
    )


def test_chained_sample_alone_equals_sample_in_ensemble():
    over = {
        "hydrogen.electrolyser.add": np.array([0.1, 2.0, 0.0]),
        "water.cap": np.array([120.0, 500.0, 160.0]),
        "water.cap_binding": 1.0,
    }
    ens, _ = _chain(make_params(ALL, over, n_samples=3), 3)
    for i in range(3):
        one = {k: (v[i : i + 1] if isinstance(v, np.ndarray) else v) for k, v in over.items()}
        alone, _ = _chain(make_params(ALL, one), 1)
        for k in alone:
            np.testing.assert_allclose(alone[k][0], ens[k][i], rtol=1e-12, atol=1e-12, err_msg=k)
