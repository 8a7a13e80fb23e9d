"""Costs and investment (issue 16): identities, units, directions, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from energysim.core import engine
from energysim.core.catalogue import catalogue
from energysim.core.model import costs
from energysim.core.params import Params
from energysim.errors import UnitError
from energysim.units import CURRENCY_YEAR, conversion_factor, parse_quantity

YEARS = np.arange(2022, 2061)


def with_values(params: Params, **changes) -> Params:
    values = dict(params.values)
    for key, v in changes.items():
        values[key.replace("__", ".")] = np.ascontiguousarray(
            np.broadcast_to(np.asarray(v, float), (1, len(params.years)))
        )
    return Params(years=params.years, n_samples=params.n_samples, values=values)


@pytest.fixture(scope="module")
def base():
    return engine.default_params(YEARS)


@pytest.fixture(scope="module")
def base_out(base):
    return engine.simulate(base)


# ------------------------------------------------------------------------ pure functions


def test_crf_is_the_annuity_that_repays_the_capital():
    r, life = 0.065, 25.0
    crf = costs.capital_recovery_factor(r, life)
    # present value of the annual payments equals the capital
    pv = sum(crf / (1 + r) ** k for k in range(1, 26))
    assert pv == pytest.approx(1.0, rel=1e-12)
    assert costs.capital_recovery_factor(0.0, 20.0) == pytest.approx(1 / 20)
    near_zero = costs.capital_recovery_factor(1e-9, 20.0)
    assert near_zero == pytest.approx(1 / 20, rel=1e-6)


def test_annualised_capital_of_a_constant_stock_equals_the_annuity():
    n = 30
    stock = np.full((n, 1), 10.0)  # GW, constant, no additions
    add = np.zeros((n, 1))
    capex = np.full((n, 1), 4000.0)  # CNY/kW
    value = costs.capital_value(stock, add, add * capex * 1e-3, 10.0 * 4000.0 * 1e-3)
    annual = value * costs.capital_recovery_factor(0.07, 30.0)
    annuity = 10e6 * 4000.0 * 0.07 / (1 - 1.07**-30) / 1e9  # bnCNY/yr
    np.testing.assert_allclose(annual, annuity, rtol=1e-12)


def test_steady_replacement_keeps_the_capital_value():
    # stock 10 replaced at 1/yr (lifetime 10): the value stays K · capex
    n = 40
    stock = np.full((n, 1), 10.0)
    add = np.full((n, 1), 1.0)
    value = costs.capital_value(stock, add, add * 3.0, 30.0, before=10.0)
    np.testing.assert_allclose(value, 30.0, rtol=1e-12)


def test_retirements_leave_at_the_average_value_and_a_retired_stock_is_worth_nothing():
    stock = np.array([[10.0], [5.0], [0.0], [2.0]])
    add = np.array([[0.0], [0.0], [0.0], [2.0]])
    value = costs.capital_value(stock, add, add * 7.0, 100.0)
    np.testing.assert_allclose(value[:, 0], [100.0, 50.0, 0.0, 14.0])


def test_lcoe_falls_when_hours_rise():
    hours = np.array([1000.0, 2000.0, 4000.0, 8000.0])
    lc = costs.lcoe(4000.0, costs.capital_recovery_factor(0.065, 25.0), 90.0, hours, 0.01, 0.2)
    assert np.all(np.diff(lc) < 0)
    assert np.isnan(costs.lcoe(4000.0, 0.08, 90.0, np.array([0.0])))[0]


def test_lcoe_units_by_hand():
    # 5000 CNY/kW × 0.1 /yr + 100 CNY/kW/yr = 600 CNY/kW/yr over 2000 h = 0.3 CNY/kWh
    assert costs.lcoe(5000.0, 0.1, 100.0, np.array([2000.0]))[0] == pytest.approx(0.3)


def test_lcoh_routes_by_hand():
    # (1500 · 0.1 + 30) / 4000 h · 50 kWh/kg + 0.2 · 50 = 2.25 + 10 CNY/kg
    green = costs.lcoh_electrolytic(1500.0, 0.1, 30.0, np.array([4000.0]), 50.0, 0.2)
    assert green[0] == pytest.approx(12.25)
    assert costs.lcoh_coal(3.0, 10.0, 600.0) == pytest.approx(9.0)  # 3 + 10 t/t · 0.6 CNY/kg


# ------------------------------------------------------------------------ in the engine


def test_totals_equal_the_sum_over_assets_and_the_parts(base_out):
    o = base_out
    np.testing.assert_allclose(o["investment_total"], o["investment"].sum(axis=-1), rtol=1e-12)
    parts = (
        o["capital_cost"] + o["fixed_om_cost"] + o["variable_om_cost"] + o["fuel_cost"]
        + o["ccus_cost"] - o["export_revenue"]
    )
    np.testing.assert_allclose(o["system_cost"], parts, rtol=1e-12, atol=1e-12)


def test_power_investment_is_additions_times_capex(base, base_out):
    inv = base_out["investment"][0]
    add = base_out["power_add"][0]
    for j, tech in enumerate(("coal", "wind", "solar")):
        capex = base[f"costs.capex.{tech}"][0]
        np.testing.assert_allclose(inv[:, costs.ASSETS.index(("coal_power", "wind", "solar")[j])],
                                   add[:, j] * capex * 1e-3, rtol=1e-12)


def test_zero_additions_cost_zero_investment(base):
    zero = {f"power__{t}__add": 0.0 for t in ("coal", "wind", "solar")}
    p = with_values(base, storage__power_add=0.0, hydrogen__electrolyser__add=0.0, **zero)
    out = engine.simulate(p)
    inv = out["investment"][0]
    for asset in ("coal_power", "wind", "solar", "storage", "electrolyser"):
        assert np.all(inv[:, costs.ASSETS.index(asset)] == 0.0), asset


def test_doubling_a_capex_doubles_its_investment_and_nothing_else(base, base_out):
    p = with_values(base, costs__capex__wind=2 * base["costs.capex.wind"][0])
    out = engine.simulate(p)
    j = costs.ASSETS.index("wind")
    np.testing.assert_allclose(out["investment"][0, :, j], 2 * base_out["investment"][0, :, j],
                               rtol=1e-12)
    others = [k for k in range(len(costs.ASSETS)) if k != j]
    np.testing.assert_array_equal(out["investment"][0][:, others],
                                  base_out["investment"][0][:, others])


def test_higher_hours_lower_the_lcoe_in_the_engine(base, base_out):
    p = with_values(base, power__solar__hours=base["power.solar.hours"][0] * 1.3)
    out = engine.simulate(p)
    j = 2
    assert np.all(out["lcoe"][0, :, j] < base_out["lcoe"][0, :, j])


def test_a_fleet_dispatched_to_almost_nothing_gets_the_planned_hours_lcoe(base, base_out):
    """Coal pushed down to ~1e-313 h/yr (a minimum of 2.2e-313 h/yr and 100 GW of wind, found
    by the long hypothesis profile): its LCOE uses the planned hours, a finite cost, instead
    of a cost per kWh that overflows to infinity."""
    p = with_values(base, power__coal__min_hours=2.2250738585e-313,
                    power__wind__capacity_initial=100.0)
    out = engine.simulate(p)
    idle = out["power_hours"][0, :, 0] < costs.MIN_RUN_HOURS
    assert idle[:10].all()  # coal barely runs while the 100 GW of wind last
    lcoe = out["lcoe"][0, :, 0]
    assert np.isfinite(out["lcoe"]).all() and np.all(lcoe > 0.0)
    # those years use the planned hours: more planned hours, a lower LCOE (the others: the same)
    planned = base["power.coal.hours"][0] * 2.0
    more = engine.simulate(with_values(p, power__coal__hours=planned))["lcoe"][0, :, 0]
    assert np.all(more[idle] < lcoe[idle]) and np.array_equal(more[~idle], lcoe[~idle])
    # … while a fleet that runs keeps its realised hours (the planned ones change nothing)
    assert np.array_equal(
        engine.simulate(with_values(base, power__coal__hours=planned))["lcoe"][0, :, 0],
        base_out["lcoe"][0, :, 0])


def test_a_higher_coal_price_raises_fuel_cost_and_coal_lcoe(base, base_out):
    p = with_values(base, costs__price__coal=base["costs.price.coal"][0] * 1.5)
    out = engine.simulate(p)
    assert np.all(out["fuel_cost"] > base_out["fuel_cost"])
    assert np.all(out["lcoe"][0, :, 0] > base_out["lcoe"][0, :, 0])
    assert np.all(out["lcoh"][0, :, 1] > base_out["lcoh"][0, :, 1])
    np.testing.assert_array_equal(out["lcoe"][0, :, 1:], base_out["lcoe"][0, :, 1:])


def test_physical_outputs_do_not_depend_on_cost_parameters(base, base_out):
    changed = {p.replace(".", "__"): base[p][0] * 1.7 for p in catalogue() if
               p.startswith("costs.") and p != "costs.discount_rate"}
    out = engine.simulate(with_values(base, costs__discount_rate=0.1, **changed))
    names = set(engine.output_specs()) - set(costs.OUTPUT_NAMES)
    for name in names:
        np.testing.assert_array_equal(out[name], base_out[name], err_msg=name)


def test_keeping_only_a_cost_output_gives_the_same_values(base, base_out):
    out = engine.simulate(base, keep=["system_cost", "lcoe"])
    assert set(out) == {"system_cost", "lcoe"}
    np.testing.assert_array_equal(out["system_cost"], base_out["system_cost"])
    np.testing.assert_array_equal(out["lcoe"], base_out["lcoe"])


def test_cost_outputs_are_declared_with_units_and_chinese_names():
    specs = engine.output_specs()
    for name in costs.OUTPUT_NAMES:
        o = specs[name]
        assert o.zh and o.en and o.unit
        conversion_factor(o.unit, o.unit)  # a unit pint reads
    assert conversion_factor("bnCNY/yr", "亿元/yr") == pytest.approx(10.0)


def test_cost_parameters_have_units_bounds_and_sources():
    for path, p in catalogue().items():
        if not path.startswith("costs."):
            continue
        assert p.source and p.en and p.zh, path
        assert p.bounds[0] is not None and p.bounds[0] >= 0.0, path
        if path != "costs.discount_rate" and "lifetime" not in path and "share" not in path:
            assert "CNY" in p.unit, path


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("4500 元/kW", "CNY/kW", 4500.0),
        ("0.45万元/kW", "CNY/kW", 4500.0),
        ("3.3 元/W", "CNY/kW", 3300.0),
        (f"3.3 元{CURRENCY_YEAR}/W", "CNY/kW", 3300.0),
        ("0.544 元/Wh", "CNY/kWh", 544.0),
        ("660 元/吨", "CNY/t", 660.0),
        ("20 元/kg", "CNY/kg", 20.0),
        ("6.5%/yr", "1/yr", 0.065),
        ("6.5%", "1/yr", 0.065),
        ("95 元/kW", "CNY/kW/yr", 95.0),
        ("47万元", "CNY/vehicle", 470_000.0),
        ("2.736万元/吨", "CNY/t", 27_360.0),
    ],
)
def test_cost_units_are_parsed(text, unit, value):
    assert parse_quantity(text, expected_unit=unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "unit", "what"),
    [
        ("4150 元2020/kW", "CNY/kW", "currency year mismatch"),
        ("4150 CNY2019/kW", "CNY/kW", "currency year mismatch"),
        ("4150 kW", "CNY/kW", "wrong dimension"),
        ("4150", "CNY/kW", "number without a unit"),
    ],
)
def test_bad_cost_units_are_one_line_errors(text, unit, what):
    with pytest.raises(UnitError) as exc:
        parse_quantity(text, expected_unit=unit, key="parameters.costs.x", file="f.yaml", line=3)
    assert what in str(exc.value)
    assert "\n" not in str(exc.value)


# ------------------------------------------------------------------------ properties


@st.composite
def cost_scenarios(draw):
    """Random valid parameter sets: physical and cost parameters varied per sample."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "properties"))
    from _engine_params import PATHS, perturb

    base = engine.default_params(np.arange(2022, 2046))
    n = draw(st.integers(1, 4))
    cost_paths = [p for p in PATHS if p.startswith("costs.")]
    other = [p for p in PATHS if not p.startswith("costs.")]
    paths = draw(st.lists(st.sampled_from(cost_paths), min_size=1, max_size=10, unique=True))
    paths += draw(st.lists(st.sampled_from(other), min_size=0, max_size=10, unique=True))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = dict(base.values)
    for path in paths:
        values[path] = perturb(path, rng, n)
    return Params(years=base.years, n_samples=n, values=values)


@settings(max_examples=25, deadline=None)
@given(cost_scenarios())
def test_costs_are_finite_and_consistent_over_generated_scenarios(params):
    out = engine.simulate(params)
    for name in costs.OUTPUT_NAMES:
        v = out[name]
        assert not np.isnan(v).any(), name
        assert np.isfinite(v).all(), name
    for name in ("investment", "capital_cost", "fixed_om_cost", "variable_om_cost", "fuel_cost",
                 "ccus_cost", "lcoh"):
        assert (out[name] >= 0.0).all(), name
    np.testing.assert_allclose(out["investment_total"], out["investment"].sum(axis=-1),
                               rtol=1e-12, atol=1e-12)
    # sample i alone equals sample i in the ensemble
    i = params.n_samples - 1
    one = Params(years=params.years, n_samples=1,
                 values={k: v[-1:] if v.shape[0] > 1 else v for k, v in params.values.items()})
    alone = engine.simulate(one)
    for name in costs.OUTPUT_NAMES:
        full = np.broadcast_to(out[name], (params.n_samples,) + out[name].shape[1:])
        np.testing.assert_allclose(alone[name][0], full[i], rtol=1e-12, atol=1e-12,
                                   err_msg=name)
