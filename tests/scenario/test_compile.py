"""Compilation: shapes, defaults, seeds, designs, chunk invariance, correlation, truncation."""

from __future__ import annotations

# ruff: noqa: E501 - scenario YAML examples keep their one-line flow mappings
import subprocess
import sys
import warnings

import numpy as np
import pytest

from energysim.errors import ScenarioError
from energysim.scenario import compile_scenario
from energysim.scenario.uncertainty import MC_BLOCK

UNCERTAIN = """
parameters:
  power.solar.hours: {values: {2022: 1500 h/yr, 2030: 1600 h/yr}, multiplier: {dist: normal, mean: 1, sd: 0.05}}
  power.wind.hours: {dist: pert, low: 2200 h, mode: 2500 h, high: 2800 h}
  hydrogen.kwh_per_kg: {dist: triangular, low: 50 kWh/kg, mode: 55 kWh/kg, high: 60 kWh/kg}
  power.curtailment: {dist: choice, values: [2%, 5%, 10%], weights: [1, 2, 1]}
  power.solar.cap: {dist: lognormal, median: 1 GW, gsd: 1.5}
  power.coal.heat_rate: {dist: uniform, low: 290 gce/kWh, high: 320 gce/kWh}
correlations:
  - {params: [power.solar.hours, power.wind.hours], rho: 0.6}
"""


def test_deterministic_shapes_and_defaults(load, cat):
    s = load("end_year: 2030\nparameters:\n  coal.output_cap: {2022: 3亿吨, 2026: 3.4亿吨}\n")
    c = compile_scenario(s)
    p = c.params()
    assert list(c.years) == list(range(2022, 2031))
    assert set(p) == set(cat)  # every catalogue path, defaults filled
    for _path, arr in p.items():
        assert arr.shape == (1, 9) and arr.dtype == np.float64 and arr.flags.c_contiguous
        assert not arr.flags.writeable
    np.testing.assert_allclose(p["coal.output_cap"][0, :5], [300, 310, 320, 330, 340])
    assert p["coal.output_cap"][0, -1] == pytest.approx(340.0)  # flat after the last year
    np.testing.assert_allclose(p["coal.outbound_demand"][0, [0, 4, 8]], [300, 290, 280])
    assert (p["power.solar.hours"] == 1500.0).all()
    assert c.uncertain == () and c.design.shape == (1, 0)


def test_growth_and_step(load):
    s = load("""
        parameters:
          economy.gdp: {start: 1000亿元, growth: {2023: 10%, 2025: 0%}}
          power.coal.add: {values: {2023: 264万千瓦, 2025: 0 GW}, interpolation: step}
    """)
    p = compile_scenario(s, end_year=2026).params()
    np.testing.assert_allclose(p["economy.gdp"][0], [100, 110, 121, 121, 121])
    np.testing.assert_allclose(p["power.coal.add"][0], [2.64, 2.64, 2.64, 0, 0])


def test_uncertain_shapes(load):
    c = compile_scenario(load(UNCERTAIN), samples=100, seed=1)
    p = c.params()
    assert c.uncertain == (
        "power.coal.heat_rate",
        "power.solar.cap",
        "power.solar.hours",
        "power.wind.hours",
        "power.curtailment",
        "hydrogen.kwh_per_kg",
    )  # catalogue order
    for path in c.uncertain:
        assert p[path].shape == (100, 39)
    assert p["coal.output_cap"].shape == (1, 39)
    # a distribution on a value is constant in time; a multiplier scales the whole series
    assert (p["power.wind.hours"] == p["power.wind.hours"][:, :1]).all()
    ratio = p["power.solar.hours"] / np.interp(c.years, [2022, 2030], [1500, 1600])
    np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones((1, 39)), rtol=1e-12)
    assert set(np.unique(p["power.curtailment"])) <= {0.02, 0.05, 0.10}


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_same_seed_same_arrays(load, method):
    s = load(UNCERTAIN)
    a = compile_scenario(s, samples=50, seed=7, method=method).params()
    b = compile_scenario(s, samples=50, seed=7, method=method).params()
    c = compile_scenario(s, samples=50, seed=8, method=method).params()
    for path in a:
        np.testing.assert_array_equal(a[path], b[path])
    assert not np.array_equal(a["power.wind.hours"], c["power.wind.hours"])


def test_seed_none_is_the_documented_default(load):
    s = load(UNCERTAIN)
    a = compile_scenario(s, samples=10).params()
    b = compile_scenario(s, samples=10, seed=0).params()
    np.testing.assert_array_equal(a["power.wind.hours"], b["power.wind.hours"])
    assert compile_scenario(s).seed == 0


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_chunk_invariance(load, method):
    c = compile_scenario(load(UNCERTAIN), samples=300, seed=3, method=method)
    whole = c.params()
    cuts = [0, 1, 64, 65, 200, 300]
    parts = [c.params(a, b) for a, b in zip(cuts, cuts[1:], strict=False)]
    for path in whole:
        if whole[path].shape[0] == 1:
            assert all(part[path] is whole[path] for part in parts)  # shared, not copied
        else:
            np.testing.assert_array_equal(np.concatenate([q[path] for q in parts]), whole[path])


def test_mc_blocks_cross_boundaries(load):
    c = compile_scenario(load(UNCERTAIN), samples=MC_BLOCK + 10, seed=2)
    whole = c.params(MC_BLOCK - 5, MC_BLOCK + 10)
    a, b = c.params(MC_BLOCK - 5, MC_BLOCK), c.params(MC_BLOCK, MC_BLOCK + 10)
    for path in c.uncertain:
        np.testing.assert_array_equal(np.concatenate([a[path], b[path]]), whole[path])


def test_mc_draws_do_not_depend_on_the_ensemble_size_or_other_parameters(load):
    s1 = load(UNCERTAIN)
    s2 = load(
        "parameters:\n  hydrogen.kwh_per_kg: {dist: triangular, low: 50 kWh/kg, "
        "mode: 55 kWh/kg, high: 60 kWh/kg}\n"
    )
    small = compile_scenario(s1, samples=5, seed=4).params()
    large = compile_scenario(s1, samples=500, seed=4).params(0, 5)
    alone = compile_scenario(s2, samples=5, seed=4).params()
    np.testing.assert_array_equal(small["hydrogen.kwh_per_kg"], large["hydrogen.kwh_per_kg"])
    np.testing.assert_array_equal(small["hydrogen.kwh_per_kg"], alone["hydrogen.kwh_per_kg"])


def test_lhs_design_is_stratified(load):
    s = load(UNCERTAIN.split("correlations")[0])
    c = compile_scenario(s, samples=97, seed=5, method="lhs")
    u = c.design
    assert u.shape == (97, 6)
    for j in range(6):
        assert sorted(np.floor(u[:, j] * 97).astype(int)) == list(range(97))


def test_sobol_without_warnings_for_any_n(load):
    s = load(UNCERTAIN)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in (64, 100):
            c = compile_scenario(s, samples=n, seed=1, method="sobol")
            assert c.design.shape == (n, 6)
            c.params()


def test_correlation_is_induced(load):
    c = compile_scenario(load(UNCERTAIN), samples=20000, seed=11)
    p = c.params()
    from scipy.stats import spearmanr

    rho_s = spearmanr(p["power.solar.hours"][:, 0], p["power.wind.hours"][:, 0]).statistic
    # Spearman of a Gaussian copula with rho = 0.6: 6/pi * asin(0.3) = 0.583
    assert rho_s == pytest.approx(6 / np.pi * np.arcsin(0.3), abs=0.02)
    rho_free = spearmanr(p["power.solar.hours"][:, 0], p["hydrogen.kwh_per_kg"][:, 0]).statistic
    assert abs(rho_free) < 0.03


def test_truncation_and_clipping_to_bounds(load):
    s = load("""
        parameters:
          power.curtailment: {dist: normal, mean: 1%, sd: 5%}
          power.solar.hours: {value: 8000 h/yr, multiplier: {dist: normal, mean: 1, sd: 0.5}}
    """)
    p = compile_scenario(s, samples=4000, seed=1).params()
    x = p["power.curtailment"][:, 0]
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert x.min() < 0.001  # truncated normal: mass piles near the bound, not clipped to it
    assert np.mean(x == 0.0) < 0.001
    h = p["power.solar.hours"]
    assert h.min() >= 0 and h.max() == 8760.0  # multiplied series clipped at the bound


def test_samples_one_deterministic_does_not_import_scipy_stats(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("parameters:\n  power.solar.hours: 1500 h/yr\n")
    code = (
        "import sys\n"
        "from tests.scenario.conftest import PARAMS\n"
        "from energysim.scenario import compile_scenario, load_scenario\n"
        f"s = load_scenario({str(path)!r}, catalogue={{p.path: p for p in PARAMS}})\n"
        "p = compile_scenario(s).params()\n"
        "print('scipy.stats' in sys.modules, p.n_samples)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(__import__("pathlib").Path(__file__).parents[2]),
    )
    assert out.stdout.split() == ["False", "1"]


def test_params_range_checked(load):
    c = compile_scenario(load(UNCERTAIN), samples=10)
    assert c.params(3, 3).n_samples == 0
    for bad in [(-1, 2), (5, 4), (0, 11)]:
        with pytest.raises(ValueError, match="sample range"):
            c.params(*bad)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"samples": 0}, r"samples: invalid sample count \(expected an integer ≥ 1, got 0\)"),
        ({"samples": 2.5}, r"invalid sample count"),
        ({"seed": -1}, r"seed: invalid seed"),
        ({"method": "halton"}, r"method: unknown sampling method \(expected one of mc, lhs, sobol"),
        ({"end_year": 2000}, r"end_year: invalid end year"),
    ],
)
def test_argument_errors(load, kwargs, pattern):
    with pytest.raises(ScenarioError, match=pattern):
        compile_scenario(load("name: x\nextends: []\n"), **kwargs)


def test_end_year_override(load):
    c = compile_scenario(load("end_year: 2060\nextends: []\n"), end_year=2040)
    assert c.years[-1] == 2040 and c.params()["coal.output_cap"].shape == (1, 19)


def test_compile_accepts_a_path(write, cat):
    path = write("x.yaml", "parameters:\n  power.solar.hours: 1500 h/yr\n")
    assert compile_scenario(path, catalogue=cat).scenario.name == "x"


def test_compiled_scenario_pickles(load):
    import pickle

    c = compile_scenario(load(UNCERTAIN), samples=20, seed=2, method="lhs")
    again = pickle.loads(pickle.dumps(c))
    a, b = c.params(5, 15), again.params(5, 15)
    for path in a:
        np.testing.assert_array_equal(a[path], b[path])


def test_mc_column_is_its_streams_draws_from_the_block_start():
    """A block of samples takes draws ``lo − b0 … hi − b0`` of its parameter's stream (the
    stream jumps there with ``PCG64.advance``): the numbers every earlier version drew."""
    import zlib

    from energysim.scenario.uncertainty import mc_column

    key = zlib.crc32(b"power.wind.hours")
    for lo, hi in ((0, 10), (7, 300), (MC_BLOCK - 3, MC_BLOCK + 4), (2 * MC_BLOCK + 5, 2 * MC_BLOCK + 9)):
        want = []
        for block in range(lo // MC_BLOCK, (hi - 1) // MC_BLOCK + 1):
            b0 = block * MC_BLOCK
            a, b = max(lo, b0), min(hi, b0 + MC_BLOCK)
            rng = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(9, spawn_key=(block, key))))
            want.append(rng.random(b - b0)[a - b0:])
        np.testing.assert_array_equal(mc_column(9, "power.wind.hours", lo, hi), np.concatenate(want))
