"""Accounting identities, vectorization and direction properties of the whole model.

Over random valid parameter sets and sample counts (see ``_engine_params``):

* the electricity, coal and hydrogen balances close (relative 1e-9);
* stocks equal the sum of their alive vintages; stock changes equal additions − retirements;
* sector emissions sum to the total; nothing negative that cannot be; no NaN or inf;
* sample i alone equals sample i in the ensemble; permuting samples permutes results;
  chunked equals unchunked bit for bit;
* more solar never lowers solar generation; a higher coal emission factor never lowers CO2.
"""

from __future__ import annotations

import numpy as np
from _engine_params import BASE, ensembles, full_range_ensembles, with_values
from hypothesis import given
from hypothesis import strategies as st

from energysim.core import engine
from energysim.core.model import emissions, stocks
from energysim.execution import threads

RTOL = 1e-9

#: Outputs that may legitimately be negative: net export (import), chemicals' CO2 where a
#: product uses more CO2 than it emits, intensities and energy use derived from them.
MAY_BE_NEGATIVE = {
    "net_export",
    "chem_co2",
    "chem_co2_avoided",
    "co2",
    "co2_total",
    "co2_intensity",
    "energy_use_tce",
    "energy_intensity",
    "energy_use_total_control",
    "energy_intensity_control",
    "co2_consumption_total",
    # money: net electricity imports are bought (negative sales); sales may exceed the costs
    "export_revenue",
    "system_cost",
}


def full(out: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Outputs broadcast to ``n`` samples."""
    return {k: np.broadcast_to(v, (n,) + v.shape[1:]) for k, v in out.items()}


def close(a, b, scale=None):
    """``a == b`` to a relative 1e-9 of the larger magnitude involved (``scale``)."""
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    ref = np.maximum(np.abs(a), np.abs(b)) if scale is None else np.abs(scale)
    diff, bound = np.broadcast_arrays(np.abs(a - b), RTOL * ref + 1e-12)
    np.testing.assert_array_less(diff, bound)


def check_identities(o: dict[str, np.ndarray], dispatch: bool = True) -> None:
    # electricity
    consumption = (
        o["mining_electricity"]
        + o["chem_elec_use"]
        + o["electrolysis_elec_use"]
        + o["mining_truck_elec_use"]
        + o["heavy_truck_elec_use"]
        + o["other_industry_electricity"]
        + o["buildings_electricity"]
        + o["storage_losses"]
    )
    close(o["electricity_consumption"], consumption)
    close(o["electricity_demand"], o["electricity_consumption"] + o["own_use"])
    close(
        o["generation"],
        o["electricity_demand"] + o["grid_losses"] + o["net_export"],
        scale=o["generation"] + o["electricity_demand"] + o["grid_losses"],
    )
    close(o["generation"], o["power_gen"].sum(axis=-1))
    # coal
    close(
        o["coal_local_use"],
        o["coal_power_use"] + o["chem_coal_use"] + o["coal_other_use"] + o["h2_grey_coal_use"],
    )
    close(o["coal_output"] + o["coal_imports"], o["coal_local_use"] + o["coal_shipments"])
    # exports within their bound; imports and exports never at once above rounding
    if dispatch:  # the fixed-hours mode reports the bound without enforcing it
        assert (o["electricity_export"] <= o["export_bound"] * (1 + 1e-12) + 1e-12).all()
    close(o["net_export"], o["electricity_export"] - o["electricity_import"],
          scale=o["electricity_export"] + o["electricity_import"])
    # coal hours within [min, max] unless forced below the minimum (reported)
    # hydrogen
    close(
        o["h2_electrolytic_supply"] + o["h2_grey_supply"],
        o["h2_truck_use"] + o["h2_chem_substitution"] + o["h2_other_use"] + o["h2_export"],
    )
    close(o["h2_electrolytic_supply"], o["h2_green_supply"] + o["h2_grid_supply"])
    assert (o["h2_green_supply"] <= o["h2_electrolytic_supply"] * (1 + 1e-12) + 1e-12).all()
    # accounts reconcile: territorial − exported + imported = consumption-side
    close(
        o["co2_total"] - o["co2_exported_electricity"] + o["co2_imported_electricity"],
        o["co2_consumption_total"],
        scale=np.abs(o["co2_total"]) + o["co2_exported_electricity"]
        + o["co2_imported_electricity"],
    )
    # emissions
    co2 = o["co2"]
    close(o["co2_total"], co2.sum(axis=-1), scale=np.abs(co2).sum(axis=-1))
    close(co2[..., emissions.SECTORS.index("chemicals")], o["chem_co2"])
    close(co2[..., emissions.SECTORS.index("hydrogen")], o["h2_grey_co2"])
    # stocks: year-on-year change = additions − retirements
    for stock, add, ret in (
        ("power_cap", "power_add", "power_retire"),
        ("storage_cap", "storage_add", "storage_retire"),
        ("mining_truck_fleet", "mining_truck_sales", "mining_truck_retire"),
        ("heavy_truck_fleet", "heavy_truck_sales", "heavy_truck_retire"),
    ):
        s = o[stock]
        close(
            s[:, 1:] - s[:, :-1],
            o[add][:, 1:] - o[ret][:, 1:],
            scale=np.abs(s[:, 1:]) + np.abs(s[:, :-1]) + np.abs(o[add][:, 1:]),
        )
    # signs and finiteness
    for name, v in o.items():
        assert np.isfinite(v).all(), name
        if name not in MAY_BE_NEGATIVE:
            assert (v >= -1e-9 * (1.0 + np.abs(v).max())).all(), name
    others = [i for i, s in enumerate(emissions.SECTORS) if s != "chemicals"]
    assert (co2[..., others] >= -1e-12).all()


@given(ensembles())
def test_balances_close_and_nothing_impossible(params):
    out = full(engine.simulate(params), params.n_samples)
    check_identities(out, dispatch=bool(params["power.dispatch"].flat[0] > 0.5))
    assert out["co2_peak_year"].shape == (params.n_samples,)
    assert set(out) == set(engine.output_specs())


@given(st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans())
def test_stocks_equal_sum_of_alive_vintages(n, seed, per_sample_lifetime):
    rng = np.random.default_rng(seed)
    n_years = 30
    initial = rng.uniform(0, 10, n)
    span = rng.uniform(1, 30, n)
    life = rng.uniform(1, 40, n) if per_sample_lifetime else rng.uniform(1, 40, 1)
    add = rng.uniform(0, 2, (n_years, n)) * (rng.random((n_years, n)) < 0.5)
    stock, retire, hist, n_pre = engine.stock_path(initial, span, add, life)
    for t in range(n_years):
        alive = stocks.alive_vintages(hist.T, n_pre + t, life).sum(axis=-1)
        close(stock[t], alive, scale=initial + add.sum(axis=0) + 1.0)
    close(
        stock,
        np.maximum(initial + np.cumsum(add - retire, axis=0), 0.0),
        scale=initial + add.sum(axis=0) + 1.0,
    )
    assert (retire >= 0).all() and (stock >= 0).all()


@given(ensembles(max_samples=5), st.data())
def test_sample_alone_equals_sample_in_ensemble(params, data):
    """Alone, a sample's reductions over short category axes (products, water users) may run
    in another floating-point order than in a block of several samples: equal to 1e-12."""
    i = data.draw(st.integers(0, params.n_samples - 1))
    whole = full(engine.simulate(params), params.n_samples)
    alone = full(engine.simulate(params.take([i])), 1)
    for name in whole:
        scale = np.abs(whole[name]).max() + 1.0
        np.testing.assert_allclose(
            alone[name][0], whole[name][i], rtol=1e-12, atol=1e-12 * scale, err_msg=name
        )


@given(ensembles(max_samples=6), st.data())
def test_sample_in_any_ensemble_is_bit_identical(params, data):
    """In blocks of at least two samples a sample's result does not depend on the others."""
    if params.n_samples < 3:
        return
    i = data.draw(st.integers(0, params.n_samples - 1))
    j = data.draw(st.integers(0, params.n_samples - 1).filter(lambda k: k != i))
    whole = full(engine.simulate(params), params.n_samples)
    pair = full(engine.simulate(params.take([j, i])), 2)
    for name in whole:
        np.testing.assert_array_equal(pair[name][1], whole[name][i], err_msg=name)


@given(ensembles(max_samples=5), st.randoms(use_true_random=False))
def test_permuting_samples_permutes_results(params, rnd):
    perm = list(range(params.n_samples))
    rnd.shuffle(perm)
    whole = full(engine.simulate(params), params.n_samples)
    shuffled = full(engine.simulate(params.take(np.array(perm))), params.n_samples)
    for name in whole:
        np.testing.assert_array_equal(shuffled[name], whole[name][perm], err_msg=name)


@given(ensembles(max_samples=7), st.integers(1, 4))
def test_chunked_equals_unchunked(params, chunk):
    whole = full(engine.simulate(params), params.n_samples)
    chunked = threads.simulate_blocks(
        lambda a, b: params.take(slice(a, b)), params.n_samples, chunk_size=chunk, workers=2
    )
    chunked = full(chunked, params.n_samples)
    for name in whole:
        np.testing.assert_array_equal(chunked[name], whole[name], err_msg=name)


@given(ensembles(max_samples=3), st.floats(1.0, 3.0))
def test_more_solar_never_lowers_solar_generation(params, factor):
    more = with_values(
        params,
        power__solar__add=params["power.solar.add"] * factor,
        power__solar__capacity_initial=params["power.solar.capacity_initial"] * factor,
    )
    n = params.n_samples
    solar = full(engine.simulate(params, keep=["power_gen"]), n)["power_gen"][..., 2]
    solar_more = full(engine.simulate(more, keep=["power_gen"]), n)["power_gen"][..., 2]
    assert (solar_more >= solar * (1 - 1e-12) - 1e-12).all()


@given(ensembles(max_samples=3), st.floats(1.0, 1.5))
def test_higher_coal_emission_factor_never_lowers_co2(params, factor):
    higher = with_values(
        params,
        emissions__coal_co2_per_tce=np.minimum(params["emissions.coal_co2_per_tce"] * factor, 5.0),
    )
    n = params.n_samples
    co2 = full(engine.simulate(params, keep=["co2_total"]), n)["co2_total"]
    co2_higher = full(engine.simulate(higher, keep=["co2_total"]), n)["co2_total"]
    assert (co2_higher >= co2 - 1e-9 * np.abs(co2)).all()


def test_defaults_satisfy_identities():
    check_identities(full(engine.simulate(BASE), 1))


@given(full_range_ensembles())
def test_whole_catalogue_range_gives_no_nan_and_closed_balances(params):
    """Issue 13: any value the catalogue allows — bounds included — for any subset of
    parameters gives finite outputs (no NaN, no inf) whose balances close."""
    out = full(engine.simulate(params), params.n_samples)
    bad = [name for name, v in out.items() if not np.isfinite(v).all()]
    assert not bad, f"non-finite outputs: {bad}"
    check_identities(out, dispatch=bool(params["power.dispatch"].flat[0] > 0.5))
