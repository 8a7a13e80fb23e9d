"""GDP as coal value added plus the rest of the economy (issue 12, item 5; docs/model.md,
"Economy"): the split sums to GDP, reproduces the earlier GDP path where it should, and GDP
falls with coal output."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from energysim import cli
from energysim.core import engine
from energysim.core.model import economy
from energysim.core.params import Params
from energysim.errors import ScenarioError
from energysim.scenario import compile_scenario

END = 2035


@pytest.fixture(scope="module")
def base() -> Params:
    """The baseline's central values, 2022–2035."""
    return compile_scenario("baseline", end_year=END).params()


def changed(params: Params, **values) -> Params:
    """``params`` with some paths (``__`` for ``.``) set to a constant or a per-year array."""
    new = dict(params.values)
    for key, v in values.items():
        path = key.replace("__", ".")
        arr = np.broadcast_to(np.asarray(v, dtype=float), (1, len(params.years)))
        new[path] = np.ascontiguousarray(arr)
    return Params(years=params.years, n_samples=params.n_samples, values=new)


def old_gdp_path(params: Params) -> np.ndarray:
    """The GDP of the model before the split: base × Π(1 + growth), for every year."""
    return economy.gdp_path(params["economy.gdp_base"][:, 0], params["economy.gdp_growth"])


def test_the_split_sums_to_gdp_and_coal_value_added_is_output_price_share():
    params = compile_scenario("baseline", samples=24, seed=3, end_year=END).params()
    out = engine.simulate(params)
    gdp, coal_va, rest = (np.broadcast_to(out[k], (24, len(params.years)))
                          for k in ("gdp", "gdp_coal", "gdp_rest"))
    np.testing.assert_allclose(coal_va + rest, gdp, rtol=1e-13)
    np.testing.assert_array_equal(gdp[:, 0], np.broadcast_to(params["economy.gdp_base"][:, 0],
                                                             (24,)))  # the report's 1300亿元
    want = (out["coal_output"] * params["economy.coal_price"]
            * params["economy.coal_value_added_share"] * 1e-3)
    np.testing.assert_allclose(coal_va, np.broadcast_to(want, coal_va.shape), rtol=1e-13)
    assert np.ptp(coal_va[:, 0]) > 0  # price and value-added share are sampled
    assert np.all(rest > 0)


def test_without_coal_value_added_gdp_and_demand_are_the_earlier_model(base):
    params = changed(base, economy__coal_value_added_share=0.0)
    out = engine.simulate(params)
    np.testing.assert_allclose(out["gdp"], old_gdp_path(params), rtol=1e-13)
    np.testing.assert_array_equal(out["gdp_coal"], 0.0)
    # GDP-driven demand D = D₀ (GDP/GDP₀)^ε Π(1 − gain) on that same path
    ratio = out["gdp"] / out["gdp"][:, :1]
    keep = 1.0 - params["demand.other_industry.coal_gain"]
    keep[:, 0] = 1.0
    want = (params["demand.other_industry.coal_base"][:, :1]
            * ratio ** params["demand.other_industry.coal_elasticity"][:, :1]
            * np.cumprod(keep, axis=1))
    np.testing.assert_allclose(out["other_industry_coal"], want, rtol=1e-12)


def test_with_coal_output_fixed_gdp_is_the_earlier_path_less_the_coal_that_did_not_grow(base):
    params = changed(base, coal__output_cap=200.0)  # far below mines and demand: fixed output
    out = engine.simulate(params)
    np.testing.assert_allclose(out["coal_output"], 200.0, rtol=1e-15)
    coal_va0 = 200.0 * params["economy.coal_price"][:, :1] \
        * params["economy.coal_value_added_share"][:, :1] * 1e-3
    old = old_gdp_path(params)
    growth = old / old[:, :1]  # Π(1 + g)
    np.testing.assert_allclose(out["gdp"], old - coal_va0 * (growth - 1.0), rtol=1e-13)
    # and when coal value added grows at the non-coal rate, GDP is the earlier path exactly
    params = changed(base, coal__output_cap=200.0 * growth,
                     coal__mine_capacity=1000.0 * growth, coal__outbound_demand=1000.0 * growth)
    out = engine.simulate(params)
    np.testing.assert_allclose(out["coal_output"], 200.0 * growth, rtol=1e-13)
    np.testing.assert_allclose(out["gdp"], old, rtol=1e-13)


def test_gdp_falls_when_coal_output_falls_and_the_rest_does_not_move(base):
    ref = engine.simulate(base)
    years = np.asarray(base.years)
    cap = np.where(years >= 2030, 150.0, 1000.0)  # the mines capped at 1.5亿吨 from 2030
    low = engine.simulate(changed(base, coal__output_cap=cap))
    later = years >= 2030
    assert np.all(low["coal_output"][:, later] < ref["coal_output"][:, later])
    np.testing.assert_allclose(low["gdp_rest"], ref["gdp_rest"], rtol=1e-15)
    np.testing.assert_allclose(low["gdp"][:, ~later], ref["gdp"][:, ~later], rtol=1e-15)
    drop = ref["gdp"] - low["gdp"]
    np.testing.assert_allclose(drop, ref["gdp_coal"] - low["gdp_coal"], rtol=1e-12, atol=1e-12)
    assert np.all(drop[:, later] > 1.0)  # > 10亿元 a year
    # the intensities feel it in the same year: less coal mining energy, much less GDP
    assert np.all(low["co2_intensity"][:, later] != ref["co2_intensity"][:, later])


@settings(max_examples=25, deadline=None)
@given(price=st.floats(100.0, 700.0), share=st.floats(0.05, 0.6),
       growth=st.floats(0.5, 1.5), cut=st.floats(0.3, 1.0), year=st.integers(2023, END))
def test_split_properties(base, price, share, growth, cut, year):
    """For any price, share and non-coal growth: the split sums to GDP, 2022 is the report's
    GDP, and a lower output cap from any year on never raises GDP in any year."""
    params = changed(base, economy__coal_price=price, economy__coal_value_added_share=share,
                     economy__gdp_growth=base["economy.gdp_growth"] * growth)
    try:
        ref = engine.simulate(params)
    except ScenarioError as exc:  # price × share so high that coal value added reaches the
        # base-year GDP: the model's documented refusal (docs/model.md, "Economy"), not a case
        assert exc.key == "economy.coal_price", exc
        assume(False)
    np.testing.assert_allclose(ref["gdp_coal"] + ref["gdp_rest"], ref["gdp"], rtol=1e-13)
    assert ref["gdp"][0, 0] == params["economy.gdp_base"][0, 0]
    years = np.asarray(base.years)
    cap = np.where(years >= year, cut * ref["coal_output"][0], 1e4)
    low = engine.simulate(changed(params, coal__output_cap=cap))
    assert np.all(low["gdp"] <= ref["gdp"] * (1 + 1e-13))
    np.testing.assert_allclose(low["gdp_rest"], ref["gdp_rest"], rtol=1e-15)


def test_coal_value_added_reaching_the_base_year_gdp_is_one_line(tmp_path, capsys):
    f = tmp_path / "dear.yaml"
    f.write_text("extends: baseline\nparameters:\n  economy.coal_price: 2500元/吨\n",
                 encoding="utf-8")
    assert cli.main(["run", str(f), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "economy.coal_price: coal value added reaches the base-year GDP" in err
    assert "1300亿元" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(ScenarioError):
        economy.rest_of_economy_base(np.array([130.0]), np.array([10.0, 131.0]))
