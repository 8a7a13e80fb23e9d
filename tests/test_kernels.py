"""The compiled kernels (core/model/kernels) equal the numpy functions bit for bit.

Ensembles run the kernels (numba); single runs and ``ENERGYSIM_COMPILED=0`` run numpy. Every
output of every bundled scenario and of fully perturbed ensembles must be the same array either
way, and a single run must not import numba. (The dispatch kernel on hypothesis-drawn inputs:
tests/properties/test_dispatch.py.)
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from energysim.core import engine
from energysim.core.model import kernels
from energysim.scenario import compile_scenario
from test_reference import SEEDS, perturbed

SCENARIOS = ("baseline", "accelerated", "coal_lockin", "hydrogen_storage", "water_constrained")


#: The kernels' entry points: (module under energysim.core.model.kernels, function).
ENTRY_POINTS = (("dispatch", "dispatch"), ("stocks", "retire_and_rebuild"),
                ("stocks", "capital_value"))


def both_ways(monkeypatch, run, calls=None):
    """``run()`` with numpy only, then with the kernels (at least one of which must run);
    ``calls`` collects the names of the kernels that ran."""
    import importlib

    calls = [] if calls is None else calls
    for module, name in ENTRY_POINTS:
        mod = importlib.import_module(f"energysim.core.model.kernels.{module}")
        real = getattr(mod, name)

        def spy(*a, _real=real, _name=f"{module}.{name}"):
            calls.append(_name)
            return _real(*a)

        monkeypatch.setattr(mod, name, spy)
    monkeypatch.setenv("ENERGYSIM_COMPILED", "0")
    plain = run()
    assert not calls
    monkeypatch.setenv("ENERGYSIM_COMPILED", "1")
    fast = run()
    assert calls, "no compiled kernel ran"
    return plain, fast


def assert_identical(plain: dict, fast: dict) -> None:
    assert set(plain) == set(fast)
    differ = [k for k in plain if not np.array_equal(plain[k], fast[k])]
    assert not differ, f"compiled and numpy results differ in {differ}"


def test_numba_is_installed():
    """numba is a dependency: ensembles must not fall back to numpy silently."""
    assert kernels.available()


@pytest.mark.parametrize("name", SCENARIOS)
def test_bundled_scenario_ensembles_identical(monkeypatch, name):
    params = compile_scenario(name, samples=48, seed=3).params()
    calls = []
    assert_identical(*both_ways(monkeypatch, lambda: engine.simulate(params), calls))
    if name == "baseline":  # every kernel runs in the baseline's ensembles
        assert {f"{m}.{f}" for m, f in ENTRY_POINTS} <= set(calls)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dispatch", [1.0, 0.0])
def test_perturbed_ensembles_identical(monkeypatch, seed, dispatch):
    params = perturbed(6, seed, dispatch)
    assert_identical(*both_ways(monkeypatch, lambda: engine.simulate(params)))


def test_single_run_does_not_import_numba():
    """``energysim run`` of a deterministic scenario keeps its start-up time: no numba."""
    code = ("import sys; from energysim.core import engine; "
            "from energysim.scenario import compile_scenario; "
            "engine.simulate(compile_scenario('baseline').params()); "
            "assert 'numba' not in sys.modules, 'numba imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("count_dtype", [np.int32, np.int64])
@pytest.mark.parametrize(("cells", "m", "bins"), [(70, 500, 16), (40, 6144, 2048), (9, 129, 7)])
def test_summary_kernel_equals_numpy_reduction(monkeypatch, count_dtype, cells, m, bins):
    """The compiled block reduction (execution/summary_kernel.py) against the numpy one:
    minimum, maximum, mean, frame-bin counts and end ties equal; M2 to rounding. With constant
    rows, point masses at both ends, a frame narrower than the values, NaN and infinities."""
    from energysim.execution import summaries

    rng = np.random.default_rng(cells + m)
    x = rng.normal(size=(cells, m)) * rng.lognormal(size=(cells, 1)) + rng.normal(size=(cells, 1))
    x[5] = 2.0
    x[6] = 0.1  # constant, and its numpy sum / m is not 0.1
    x[7:9] = -1.5
    x[2] = np.abs(x[2])
    x[2, : m // 2] = 0.0  # a point mass at the low end
    x[3] = np.minimum(x[3], 0.5)
    x[3, m // 5:] = 4.0  # and at the top
    x[4, 3] = np.nan
    x[1, 7] = np.inf
    x[0, :] = -np.inf
    with np.errstate(all="ignore"):
        lo, top = np.nanmin(x, axis=1), np.nanmax(x, axis=1)
    lo[10:13] += 0.3  # a frame narrower than the block's values
    top[10:13] -= 0.3
    frame = summaries.frame_of(lo, top, bins)
    got = {}
    for mode in ("0", "1"):
        monkeypatch.setenv("ENERGYSIM_COMPILED", mode)
        counts = np.zeros((cells, bins + 3), count_dtype)
        ties = np.zeros((cells, 2), np.int64)
        with np.errstate(all="ignore"):
            framed = summaries.reduce_block(x, m, frame, bins, counts, ties)
            plain = summaries.reduce_block(x, m)
        got[mode] = (framed, plain, counts, ties)
    (f0, p0, c0, t0), (f1, p1, c1, t1) = got["0"], got["1"]
    for a, b in ((f0, f1), (p0, p1)):
        assert a[0] == b[0] == m
        for i in (1, 3, 4):  # mean, min, max
            assert np.array_equal(a[i], b[i], equal_nan=True)
        np.testing.assert_allclose(b[2], a[2], rtol=1e-13, atol=0.0)  # M2 (NaN where NaN)
    assert np.array_equal(c0, c1) and np.array_equal(t0, t1)
    assert c1.sum(axis=1).tolist() == [m] * cells
    assert t1[2, 0] == m // 2 and t1[5].tolist() == [m, m]


@pytest.mark.parametrize("name", SCENARIOS)
def test_project_kernel_gives_the_same_parameters(monkeypatch, name):
    """The register's additions and first-year fractions (scenario/project_kernel.py) equal
    the numpy ones for sampled delays (stocks and flows, with and without known months)."""
    from energysim.scenario import project_kernel

    calls = []
    real = project_kernel.path_arrays
    monkeypatch.setattr(project_kernel, "path_arrays",
                        lambda *a: calls.append(a[4]) or real(*a))
    compiled = compile_scenario(name, samples=300, seed=4)
    monkeypatch.setenv("ENERGYSIM_COMPILED", "0")
    plain = compiled.params(0, 300).values
    assert not calls
    monkeypatch.setenv("ENERGYSIM_COMPILED", "1")
    fast = compiled.params(0, 300).values
    assert {True, False} <= set(calls)  # flows and stocks both went through the kernel
    assert_identical(plain, fast)


@pytest.mark.parametrize("path", ["power.coal.add", "chemicals.olefins.capacity"])
@pytest.mark.parametrize("wide", [False, True])
def test_project_kernel_on_synthetic_registers(monkeypatch, path, wide):
    """Flows and stocks, projects with and without a month, delays on time, late, never and
    beyond the horizon; generic series and fractions per sample or shared."""
    import dataclasses

    from energysim.scenario.projects import (
        FLOW_FRACTIONS,
        NEVER,
        STOCK_FRACTIONS,
        load_register,
        project_arrays,
    )

    reg = load_register()
    months = [p for p in reg.projects.values() if p.planned_month is not None][:2]
    plain_ones = [p for p in reg.projects.values() if p.planned_month is None][:2]
    projects = [dataclasses.replace(p, parameter=path) for p in months + plain_ones]
    rng = np.random.default_rng(1 + wide)
    m, n_years = 64, 12
    delays = rng.choice([0, 0, 1, 2, 30, NEVER], size=(m, len(projects)))
    width = m if wide else 1
    g = np.cumsum(rng.uniform(-0.5, 1.0, (width, n_years)), axis=1)  # rises and falls
    fpath = FLOW_FRACTIONS.get(path) or STOCK_FRACTIONS[path]
    f = rng.uniform(0.2, 0.8, (width, n_years))
    got = {}
    for mode in ("0", "1"):
        monkeypatch.setenv("ENERGYSIM_COMPILED", mode)
        got[mode] = project_arrays(projects, delays, {path: g}, {fpath: f}, n_years, 2022)
    assert set(got["0"]) == {path, fpath}
    assert_identical(got["0"], got["1"])


def test_electrolyser_stock_kernel_identical(monkeypatch):
    """The electrolyser fleet's retirements with rebuilding (hydrogen.electrolyser_stock,
    sample-major history updated in place through its transpose) both ways."""
    from energysim.core.model import hydrogen

    params = compile_scenario("hydrogen_storage", samples=300, seed=2).params()
    calls = []
    plain, fast = both_ways(monkeypatch, lambda: hydrogen.electrolyser_stock(params), calls)
    assert calls == ["stocks.retire_and_rebuild"]
    assert_identical(plain, fast)
