"""The engine: parameters from the catalogue, stocks, blocks, simulate and run."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.core import engine
from energysim.core.catalogue import catalogue
from energysim.core.model import stocks
from energysim.core.params import Params
from energysim.errors import ScenarioError
from energysim.execution import pipeline, threads
from energysim.execution.blocks import blocks as sample_blocks


@pytest.fixture(scope="module")
def defaults() -> Params:
    return engine.default_params()


def test_default_params_cover_the_catalogue(defaults):
    assert set(defaults) == set(catalogue())
    assert all(v.shape == (1, 39) for v in defaults.values.values())
    np.testing.assert_array_equal(defaults.years, np.arange(2022, 2061))


def test_simulate_returns_every_output_with_its_shape(defaults):
    out = engine.simulate(defaults)
    dims, coords = engine.output_layout()
    assert set(out) == set(engine.output_specs())
    for name, arr in out.items():
        if name == "co2_peak_year":
            assert arr.shape == (1,)
        else:
            assert arr.shape == (1, 39) + tuple(len(coords[d]) for d in dims[name]), name
        assert np.isfinite(arr).all(), name


def test_output_layout_gives_water_users_their_own_dimension():
    dims, coords = engine.output_layout()
    assert dims["co2"] == ("sector",) and coords["sector"][0] == "power"
    assert dims["water_use"] == ("water_sector",)
    assert dims["chem_water_scale"] == ("product",)
    assert dims["power_cap"] == ("tech",)


def test_keep_returns_only_what_is_asked(defaults):
    out = engine.simulate(defaults, keep=["coal_output", "power_cap"])
    assert set(out) == {"coal_output", "power_cap"}
    np.testing.assert_array_equal(out["coal_output"], engine.simulate(defaults)["coal_output"])


def test_stock_path_retires_the_initial_stock_evenly():
    stock, retire, hist, n_pre = engine.stock_path(
        np.array([10.0]), np.array([5.0]), np.zeros((8, 1)), np.array([5.0])
    )
    np.testing.assert_allclose(retire[:, 0], [2, 2, 2, 2, 2, 0, 0, 0])
    np.testing.assert_allclose(stock[:, 0], [8, 6, 4, 2, 0, 0, 0, 0], atol=1e-12)


def test_stock_path_additions_retire_after_their_lifetime():
    add = np.zeros((6, 1))
    add[1] = 3.0
    stock, retire, _, _ = engine.stock_path(np.array([0.0]), np.array([1.0]), add, np.array([2.0]))
    np.testing.assert_allclose(stock[:, 0], [0, 3, 3, 0, 0, 0])
    np.testing.assert_allclose(retire[:, 0], [0, 0, 0, 3, 0, 0])


def test_stock_path_per_sample_lifetime_equals_deterministic_one():
    rng = np.random.default_rng(0)
    add = rng.uniform(0, 1, (12, 3))
    one = engine.stock_path(np.array([4.0]), np.array([6.0]), add, np.array([7.0]))
    per = engine.stock_path(np.array([4.0]), np.array([6.0]), add, np.array([7.0, 7.0, 7.0]))
    np.testing.assert_array_equal(one[0], per[0])
    np.testing.assert_array_equal(one[1], per[1])
    for t in range(12):
        alive = stocks.alive_vintages(per[2].T, per[3] + t, np.array([7.0])).sum(-1)
        np.testing.assert_allclose(per[0][t], alive, atol=1e-12)


@pytest.mark.parametrize(
    "n,size,expected",
    [
        (1, 16, [(0, 1)]),
        (2, 1, [(0, 2)]),
        (7, 3, [(0, 3), (3, 7)]),
        (10, 4, [(0, 4), (4, 8), (8, 10)]),
    ],
)
def test_blocks_never_hold_a_lone_sample(n, size, expected):
    assert sample_blocks(n, size) == expected


def _water_ensemble(defaults) -> Params:
    """Four samples; only the last two enforce a tight water cap."""
    values = dict(defaults.values)
    values["water.cap_binding"] = np.array([[0.0], [0.0], [1.0], [1.0]]) * np.ones((1, 39))
    values["water.cap"] = np.full((1, 39), 120.0)
    return Params(years=defaults.years, n_samples=4, values=values)


def test_blocks_widen_an_output_that_differs_only_in_later_blocks(defaults):
    params = _water_ensemble(defaults)
    whole = engine.simulate(params)
    for workers in (1, 2):
        blocks = threads.simulate_blocks(
            lambda a, b: params.take(slice(a, b)), 4, chunk_size=2, workers=workers
        )
        assert blocks["chem_water_scale"].shape[0] == 4
        assert (blocks["chem_water_scale"][2:] < 1).any()  # the cap binds in block 2 only
        for name, arr in whole.items():  # bit identity is tested in tests/properties
            np.testing.assert_allclose(
                np.broadcast_to(blocks[name], (4,) + arr.shape[1:]),
                np.broadcast_to(arr, (4,) + arr.shape[1:]),
                rtol=1e-13,
                atol=1e-12,
                err_msg=name,
            )


def test_deterministic_outputs_stay_at_sample_size_one(defaults):
    values = dict(defaults.values)
    values["economy.gdp_growth"] = defaults["economy.gdp_growth"] * np.array([[0.5], [1.5]])
    params = Params(years=defaults.years, n_samples=2, values=values)
    out = threads.simulate_blocks(lambda a, b: params.take(slice(a, b)), 2)
    assert out["gdp"].shape[0] == 2
    assert out["power_cap"].shape[0] == 1  # capacities do not depend on GDP


def test_run_baseline_ensemble_is_reproducible_and_chunk_independent():
    a = pipeline.run(samples=9, seed=4, chunk_size=9)
    b = pipeline.run(samples=9, seed=4, chunk_size=3, workers=2)
    assert a.sizes["sample"] == 9 and a.attrs["seed"] == 4
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    assert float(a["coal_output"].sel(year=2022).std()) >= 0.0


def test_run_end_year_and_keep():
    ds = pipeline.run(end_year=2030, keep=["coal_output", "co2_total"])
    assert list(ds.data_vars) == ["coal_output", "co2_total"]
    assert int(ds["year"][-1]) == 2030


def test_run_rejects_unknown_outputs():
    with pytest.raises(ScenarioError, match=r"keep: unknown output variable\(s\) \['nope'\]"):
        pipeline.run(keep=["nope"])


def test_run_passes_scenario_errors_through():
    with pytest.raises(ScenarioError, match="samples"):
        pipeline.run(samples=0)
