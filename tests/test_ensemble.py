"""Ensembles at scale: chunk invariance, streamed summaries, memory refusal, Zarr, progress, CLI."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import energysim as es
from energysim import cli
from energysim.core import engine
from energysim.errors import MemoryBudgetError, ScenarioError
from energysim.execution import ensemble, memory, pipeline, quantiles, summaries, threads
from energysim.execution.blocks import blocks as sample_blocks
from energysim.results import dataset as results

N = 600


@pytest.fixture(scope="module")
def full():
    """A full in-memory ensemble (unchunked: one block)."""
    return ensemble.run("baseline", samples=N, seed=7, method="lhs", chunk_size=N,
                        progress=False)


def _same(a, b) -> list[str]:
    """Variables whose values differ (bit for bit)."""
    assert set(a.data_vars) == set(b.data_vars)
    return [k for k in a.data_vars if not np.array_equal(a[k].values, b[k].values)]


# -- blocks and chunk invariance ---------------------------------------------------------------


def test_blocks_cover_the_samples_without_lone_samples():
    assert sample_blocks(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert sample_blocks(9, 4) == [(0, 4), (4, 9)]  # no one-sample block
    assert sample_blocks(1, 4) == [(0, 1)]
    for n in range(2, 40):
        for size in (1, 2, 3, 7):
            b = sample_blocks(n, size)
            assert b[0][0] == 0 and b[-1][1] == n
            assert all(x[1] == y[0] for x, y in zip(b, b[1:], strict=False))
            assert all(hi - lo >= 2 for lo, hi in b)


def test_chunked_equals_unchunked_bit_for_bit(full):
    chunked = ensemble.run("baseline", samples=N, seed=7, method="lhs", chunk_size=97,
                           workers=2, progress=False)
    assert _same(full, chunked) == []
    assert full.attrs["seed"] == 7 and full.attrs["method"] == "lhs"


def test_ensemble_path_equals_engine_run(full):
    ds = pipeline.run("baseline", samples=N, seed=7, method="lhs")
    assert _same(full, ds) == []


def test_keep_a_list_of_variables(full):
    ds = es.run("baseline", samples=N, seed=7, method="lhs", keep=["co2_total", "power_cap"],
                progress=False)
    assert set(ds.data_vars) == {"co2_total", "power_cap"}
    assert np.array_equal(ds["co2_total"].values, full["co2_total"].values)


def test_unknown_keep_is_one_line_error(tmp_path):
    with pytest.raises(ScenarioError, match="did you mean 'co2_total'"):
        ensemble.run("baseline", samples=4, keep=["co2_totl"])
    with pytest.raises(ScenarioError, match="got both"):
        ensemble.run("baseline", samples=4, keep="summary", zarr=tmp_path / "r.zarr")


# -- streamed summaries ------------------------------------------------------------------------


def _compare_summaries(exact_summ, streamed, *, exact_quantiles: bool) -> None:
    for name, var in exact_summ.data_vars.items():
        got = streamed[name].transpose(*var.dims)
        mean = var.sel(stat="mean").values
        np.testing.assert_allclose(got.sel(stat="mean").values, mean, rtol=1e-12, atol=0,
                                   err_msg=name)
        # std to 1e-12 relative, or to 1e-12 of the mean where the spread is only rounding
        std, s = var.sel(stat="std").values, got.sel(stat="std").values
        assert np.all(np.abs(s - std) <= 1e-12 * (np.abs(std) + np.abs(mean))), name
        bound = streamed[name].attrs["quantile_max_error"]
        for stat in var["stat"].values[2:]:
            want, have = var.sel(stat=stat).values, got.sel(stat=stat).values
            if exact_quantiles:
                assert np.array_equal(want, have), (name, stat)
            else:
                assert np.all(np.abs(want - have) <= bound), (name, stat)


@pytest.mark.parametrize("exact", [False, True])
def test_streamed_summary_equals_summary_of_the_full_arrays(full, exact):
    streamed = ensemble.run("baseline", samples=N, seed=7, method="lhs", keep="summary",
                            stream=True, chunk_size=128, bins=64, exact_quantiles=exact,
                            progress=False)
    assert streamed.attrs["quantile_method"] == ("exact" if exact else "histogram")
    assert "streamed in" in streamed.attrs["summary_method"]
    _compare_summaries(results.summary(full), streamed, exact_quantiles=exact)


def test_streamed_summary_simulates_each_block_once(monkeypatch):
    """The performance guard of streamed summaries (issue 5): the model runs once per block,
    plus the pilot — not once per pass."""
    calls = []
    simulate = engine.simulate

    def counting(params, keep=None):
        calls.append(params.n_samples)
        return simulate(params, keep=keep)

    monkeypatch.setattr(engine, "simulate", counting)
    monkeypatch.setattr(ensemble, "PILOT_SAMPLES", 300)
    summ = ensemble.run("baseline", samples=N, seed=7, keep="summary", stream=True,
                        chunk_size=250, progress=False)
    assert "one pass" in summ.attrs["summary_method"]
    assert sorted(calls) == [100, 250, 250, 300]  # the blocks of 250, 250, 100 and the pilot


def test_streamed_summaries_use_their_own_block_size(monkeypatch):
    """``STREAM_CHUNK`` sets the blocks of a streamed summary run through ``energysim.run``
    (it used to be overridden by the engine's default block)."""
    monkeypatch.setattr(ensemble, "STREAM_CHUNK", 250)
    summ = pipeline.run("baseline", samples=N, seed=7, keep="summary", stream=True)
    assert "over blocks of 250 samples" in summ.attrs["summary_method"]
    summ = pipeline.run("baseline", samples=N, seed=7, keep="summary", stream=True,
                        chunk_size=300)
    assert "over blocks of 300 samples" in summ.attrs["summary_method"]


def test_streamed_quantiles_do_not_depend_on_the_block_size(monkeypatch):
    """The frame comes from the first PILOT_SAMPLES samples whatever the blocks, and the
    counts are integers: histogram quantiles are the same numbers for any chunk size."""
    monkeypatch.setattr(ensemble, "PILOT_SAMPLES", 200)  # a pilot smaller than the run
    kw = dict(samples=N, seed=7, method="lhs", keep="summary", stream=True, bins=64,
              progress=False)
    a = ensemble.run("baseline", chunk_size=128, **kw)
    b = ensemble.run("baseline", chunk_size=250, **kw)
    quantiles = [s for s in a["stat"].values if s.startswith("p")]
    for name in a.data_vars:
        assert np.array_equal(a[name].sel(stat=quantiles).values,
                              b[name].sel(stat=quantiles).values), name
        assert a[name].attrs["quantile_max_error"] == b[name].attrs["quantile_max_error"]


def test_histogram_bound_is_range_over_bins(full):
    bins = 32
    streamed = ensemble.run("baseline", samples=N, seed=7, method="lhs", keep="summary",
                            stream=True, chunk_size=200, bins=bins, progress=False)
    for name in ("co2_total", "coal_output", "power_gen"):
        a = full[name].values
        spread = np.max(a.max(axis=0) - a.min(axis=0))
        assert 0 < streamed[name].attrs["quantile_max_error"] <= spread / bins * (1 + 1e-9)


def test_small_summary_is_exact_in_one_pass(full):
    summ = es.run("baseline", samples=N, seed=7, method="lhs", keep="summary", progress=False)
    assert summ.attrs["quantile_method"] == "exact"
    assert _same(summ, results.summary(full)) == []


class _Synthetic:
    """A fake compiled source: ``params(a, b)`` is the range, simulated by :func:`_fake_sim`."""

    def get(self):
        return self

    def params(self, a, b):
        return (a, b)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 700),
    seed=st.integers(0, 2**32 - 1),
    atoms=st.integers(0, 4),
    scale=st.sampled_from([1e-9, 1.0, 1e6]),
    bins=st.integers(2, 40),
    chunk=st.integers(2, 300),
    budget=st.sampled_from([8, 10**6]),
    qs=st.lists(st.floats(0, 1), min_size=1, max_size=4),
    pilot=st.integers(1, 800),
    drift=st.sampled_from([0.0, 0.01, 1.0]),
)
def test_quantile_search_on_awkward_data(n, seed, atoms, scale, bins, chunk, budget, qs, pilot,
                                         drift):
    """Ties, point masses, signs, tiny spreads, pilots too small or unlike the rest (drift):
    exact mode equals np.quantile bit for bit; the histogram estimate stays within its bound."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, 5, 2)) * scale
    data += drift * scale * np.arange(n)[:, None, None] / n * 6  # later samples larger
    if atoms:
        levels = rng.normal(size=atoms) * scale
        pick = rng.random((n, 5, 2)) < 0.7
        data[pick] = rng.choice(levels, size=pick.sum())
    data[:, 0, 0] = 3.0  # a cell with one value
    if n > 3:
        data[: n // 2, 1, 1] = -0.0
        data[n // 2:, 1, 1] = 0.0
    for exact in (False, True):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(engine, "simulate", lambda p, keep=None: {"x": data[p[0]:p[1]]})
            mp.setattr(quantiles, "COLLECT_BUDGET", budget)
            mp.setattr(ensemble, "PILOT_SAMPLES", pilot)
            stats, bounds, info = ensemble.streamed_summary(
                _Synthetic(), n, quantiles=qs, bins=bins, exact_quantiles=exact,
                chunk_size=chunk, progress=False)
        got = stats["x"]
        want = np.quantile(data, np.asarray(qs), axis=0)
        np.testing.assert_allclose(got[0], data.mean(axis=0), rtol=1e-12, atol=1e-12 * scale)
        if exact and info["exact"]:
            assert np.array_equal(got[2:], want)
        else:
            assert np.all(np.abs(got[2:] - want) <= bounds["x"] * (1 + 1e-12))
            spread = np.max(data.max(axis=0) - data.min(axis=0))
            assert bounds["x"] <= spread / bins * (1 + 1e-9) + 4 * np.spacing(np.max(np.abs(data)))


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(-1e6, 1e6), width=st.floats(1e-6, 1e6), bins=st.integers(2, 5000),
       seed=st.integers(0, 2**32 - 1))
def test_bin_ends_agree_with_the_binning(lo, width, bins, seed):
    hi = lo + width
    if not (hi - lo) / bins >= 4 * np.spacing(max(abs(lo), abs(hi))):
        return
    x = lo + (hi - lo) * np.random.default_rng(seed).random(2000)
    x = np.concatenate([x, np.nextafter(x, np.inf), np.nextafter(x, -np.inf)])
    x = x[(x >= lo) & (x < hi)]
    f = summaries.bin_of(x[None], np.array([lo]), np.array([hi]), bins)[0]
    ends = summaries.lower_bound(np.full(bins + 1, lo), np.full(bins + 1, hi), bins,
                                 np.arange(bins + 1))
    assert ends[0] == lo and ends[-1] == hi and np.all(np.diff(ends) >= 0)
    assert np.array_equal(np.searchsorted(ends, x, side="right") - 1, f)


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(-1e6, 1e6), width=st.floats(0, 1e6), bins=st.integers(2, 5000),
       seed=st.integers(0, 2**32 - 1))
def test_frame_bin_ends_agree_with_the_frame_binning(lo, width, bins, seed):
    """The pilot's frame: bins −1 … bins + 1 are intervals whose ends the bisection finds;
    the pilot's minimum and maximum fall inside, in bins 0 and ``bins``."""
    hi = lo + width
    frame = summaries.frame_of(np.array([lo]), np.array([hi]), bins)
    rng = np.random.default_rng(seed)
    x = np.concatenate([lo + width * rng.uniform(-0.2, 1.2, 3000), [lo, lo + width],
                        lo + width * 1e3 * rng.normal(size=200)])
    x = np.concatenate([x, np.nextafter(x, np.inf), np.nextafter(x, -np.inf)])
    f = summaries.frame_bin(x[None], frame.lo, frame.scale, bins)[0]
    assert f.min() >= -1 and f.max() <= bins + 1
    ends_in = summaries.frame_bin(np.array([lo, hi]), frame.lo, frame.scale, bins).tolist()
    if hi > lo and (hi - lo) / bins > 1e-200:  # else a narrow frame that holds both
        assert ends_in == [0, bins]
    else:
        assert ends_in[0] == 0 and 0 <= ends_in[1] <= bins
    ends = summaries.frame_lower_bound(np.full(bins + 2, frame.lo), np.full(bins + 2, frame.scale),
                                       bins, np.arange(bins + 2))
    assert np.all(np.diff(ends) >= 0)
    assert np.array_equal(np.searchsorted(ends, x, side="right") - 1, f)
    if hi > lo and (hi - lo) / bins > 1e-200:  # inner bins (max − min)/bins wide (rounding)
        inner = np.diff(ends)
        assert np.all(inner <= (hi - lo) / bins * (1 + 1e-6) + 4 * np.spacing(abs(lo) + width))


def test_fused_block_reduction_equals_numpy():
    """Moments, frame counts and end ties of :func:`_reduce_block` against plain numpy, with
    constant rows, a row constant in the block, values outside the frame and point masses."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(70, 500))
    x[5] = 2.0
    x[40:45] = -1.5  # a constant slab row range
    x[10] = np.abs(x[10])
    x[10, :300] = 0.0  # a point mass at the low end
    x[11] = np.minimum(x[11], 3.0)
    x[11, 100:] = 4.0  # and at the top
    lo, top = x.min(axis=1), x.max(axis=1)
    lo[:5] += 0.3  # a frame narrower than the block's values
    top[:5] -= 0.3
    frame = summaries.frame_of(lo, top, 16)
    counts, ties = np.zeros((70, 19), np.int64), np.zeros((70, 2), np.int64)
    m, mean, m2, vmin, vmax = summaries.reduce_block(x, 500, frame, 16, counts, ties)
    np.testing.assert_allclose(mean, x.mean(axis=1), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(m2, ((x - x.mean(axis=1)[:, None]) ** 2).sum(axis=1),
                               rtol=1e-12, atol=1e-12)
    assert mean[5] == 2.0 and m2[5] == 0.0 and m == 500
    assert np.array_equal(vmin, x.min(axis=1)) and np.array_equal(vmax, x.max(axis=1))
    f = summaries.frame_bin(x, frame.lo, frame.scale, 16)
    want = np.stack([np.bincount(row + 1, minlength=19) for row in f])
    assert np.array_equal(counts, want)
    assert counts[:, 0].sum() > 0 and counts[:, -1].sum() > 0  # both outer bins used
    assert ties[10, 0] == 300 and ties[11, 1] == 400 and ties[5].tolist() == [500, 500]
    at_ends = np.stack([(x == lo[:, None]).sum(axis=1), (x == top[:, None]).sum(axis=1)], 1)
    reached = np.stack([x.min(axis=1) == lo, x.max(axis=1) == top], 1)
    assert np.array_equal(ties[reached], at_ends[reached]) and not ties[~reached].any()
    one, one_ties = np.zeros((70, 19), np.int64), np.zeros((70, 2), np.int64)
    summaries.reduce_block(x[:, :1], 9, frame, 16, one, one_ties)  # one value per row
    assert np.array_equal(one.sum(axis=1), np.full(70, 9))


def test_point_masses_at_the_ends_are_exact_in_one_pass():
    """Zero exports most of the time, output at a cap: quantiles inside those point masses
    are the exact value without another pass (and with bound 0 there)."""
    rng = np.random.default_rng(2)
    n = 4000
    data = rng.lognormal(size=(n, 2))
    data[rng.random(n) < 0.9, 0] = 0.0  # 90 % zeros
    data[:, 1] = np.minimum(data[:, 1], 1.5)  # capped: ~34 % at the cap
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "simulate", lambda p, keep=None: {"x": data[p[0]:p[1]]})
        mp.setattr(ensemble, "PILOT_SAMPLES", 500)
        stats, bounds, info = ensemble.streamed_summary(
            _Synthetic(), n, quantiles=(0.05, 0.5, 0.95), bins=64, chunk_size=700,
            progress=False)
    assert info["passes"] == 1
    assert stats["x"][2, 0] == 0.0 and stats["x"][3, 0] == 0.0  # p5, p50 of the zeros
    assert stats["x"][4, 1] == 1.5  # p95 at the cap
    want = np.quantile(data, [0.05, 0.5, 0.95], axis=0)
    assert np.all(np.abs(stats["x"][2:] - want) <= bounds["x"])


# -- memory budget -----------------------------------------------------------------------------


def test_parse_size():
    assert memory.parse_size("4GB") == 4 * 2**30
    assert memory.parse_size("512 MiB") == 512 * 2**20
    assert memory.parse_size("1.5g") == int(1.5 * 2**30)
    assert memory.parse_size(1000) == 1000
    with pytest.raises(ScenarioError, match="expected a size"):
        memory.parse_size("lots")


def test_estimate_counts_category_sizes():
    assert memory.estimate_bytes(10, 39, ["co2_total"]) == 10 * 39 * 8
    assert memory.estimate_bytes(10, 39, ["co2"]) == 10 * 39 * 6 * 8  # six sectors


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail if anything is simulated; record the attempt."""
    calls = []

    def boom(*a, **k):
        calls.append(1)
        raise AssertionError("simulated although the run should have been refused")

    monkeypatch.setattr(engine, "simulate", boom)
    monkeypatch.setattr(engine, "_simulate", boom)
    monkeypatch.setattr(threads, "simulate_blocks", boom)
    return calls


def test_memory_refusal_happens_before_any_simulation(monkeypatch, no_simulation):
    monkeypatch.setattr(memory, "available_memory", lambda: 64 * 2**20)  # budget 32 MiB
    for run in (pipeline.run, ensemble.run):
        with pytest.raises(MemoryBudgetError) as exc:
            run("baseline", samples=20000)
        text = str(exc.value)
        assert "\n" not in text and "MiB" in text and "20000 samples × 39 years" in text
        assert "--keep summary" in text
    with pytest.raises(MemoryBudgetError):
        ensemble.run("baseline", samples=20000, keep=["co2_total"], max_memory="1MB")
    assert no_simulation == []


def test_memory_refusal_on_the_command_line(capsys, no_simulation):
    status = cli.main(["run", "--samples", "1000000", "--max-memory", "100MB",
                       "-o", "/nonexistent"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1
    assert err.startswith("keep: kept outputs need about") and "100 MiB, --max-memory" in err
    assert no_simulation == []


# -- Zarr, progress, CLI -----------------------------------------------------------------------


def test_zarr_store_holds_the_full_results(tmp_path, full):
    import xarray as xr

    store = tmp_path / "r.zarr"
    summ = ensemble.run("baseline", samples=N, seed=7, method="lhs", zarr=store, chunk_size=256,
                        bins=64, progress=False)
    assert "stat" in summ.dims and summ.attrs["results_store"] == str(store)
    z = xr.open_zarr(store)
    assert _same(full, z.load()) == []
    assert z.attrs["scenario_sha256"] == full.attrs["scenario_sha256"]
    assert not list(tmp_path.glob(".*tmp"))  # temporary store renamed


def test_progress_bar_only_when_asked(capsys):
    from energysim.execution.progress import progress

    bar = progress(10, "work", show=False)
    bar.update(10)
    bar.close()
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    bar = progress(10, "work", show=True, delay=0)
    bar.update(10)
    bar.close()
    assert "work" in capsys.readouterr().err


def test_run_command_summary_mode(tmp_path, capsys):
    status = cli.main(["run", "--samples", "300", "--keep", "summary", "--quiet", "--seed", "3",
                       "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "300 samples" in out and "summary only" in out and "median [p5–p95]" in out
    for f in ("summary.nc", "summary.csv", "summary.xlsx"):
        assert (tmp_path / f).exists()
    assert not (tmp_path / "results.nc").exists()


def test_run_command_keeps_listed_variables(tmp_path, capsys):
    import xarray as xr

    status = cli.main(["run", "--samples", "50", "--keep", "co2_total,coal_output", "--quiet",
                       "-o", str(tmp_path)])
    assert status == 0
    with xr.open_dataset(tmp_path / "results.nc", engine="h5netcdf") as ds:
        assert set(ds.data_vars) == {"co2_total", "coal_output"}
        assert ds.sizes["sample"] == 50


def test_keep_key_preset(full):
    ds = ensemble.run("baseline", samples=N, seed=7, method="lhs", keep="key", progress=False)
    assert set(ds.data_vars) == set(engine.KEY_OUTPUTS) and _same(ds, full[list(ds)]) == []


def test_run_command_rejects_bad_options(capsys):
    assert cli.main(["run", "--samples", "10", "--keep", "co2_totl"]) == 2
    assert "did you mean 'co2_total'" in capsys.readouterr().err
    assert cli.main(["run", "--samples", "10", "--quantiles", "0.5,7"]) == 2
    assert "quantiles" in capsys.readouterr().err
    for bins in ("1", str(summaries.MAX_BINS + 1)):
        assert cli.main(["run", "--samples", "10", "--keep", "summary", "--bins", bins]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("bins: invalid bins (expected an integer from 2 to")
        assert "\n" not in err


def test_pilot_unlike_the_rest_costs_one_more_pass():
    """Samples drifting upwards: the pilot's frame misses the upper quantiles, which one more
    pass over the outer bin locates, within the (max − min)/bins bound; a pilot of every
    sample needs no second pass."""
    rng = np.random.default_rng(11)
    n = 3000
    data = rng.normal(size=(n, 4)) + np.linspace(0, 8, n)[:, None]
    data[:, 3] = rng.normal(size=n)  # a cell whose pilot is representative
    want = np.quantile(data, [0.05, 0.5, 0.95], axis=0)
    spread = np.max(data.max(axis=0) - data.min(axis=0))
    for pilot, passes in ((200, 2), (n, 1)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(engine, "simulate", lambda p, keep=None: {"x": data[p[0]:p[1]]})
            mp.setattr(ensemble, "PILOT_SAMPLES", pilot)
            stats, bounds, info = ensemble.streamed_summary(
                _Synthetic(), n, quantiles=(0.05, 0.5, 0.95), bins=64, chunk_size=250,
                progress=False)
        assert info["passes"] == passes and not info["exact"]
        assert np.all(np.abs(stats["x"][2:] - want) <= bounds["x"])
        assert bounds["x"] <= spread / 64 * (1 + 1e-9)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("pilot", [5, 100])
def test_non_finite_values_do_not_break_the_streamed_summary(pilot):
    """A NaN or inf (a model bug) makes that cell's summary NaN; other cells are unaffected."""
    rng = np.random.default_rng(0)
    data = rng.normal(size=(500, 3))
    data[7, 1], data[9, 2] = np.nan, np.inf
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "simulate", lambda p, keep=None: {"x": data[p[0]:p[1]]})
        mp.setattr(ensemble, "PILOT_SAMPLES", pilot)
        stats, _, info = ensemble.streamed_summary(_Synthetic(), 500, chunk_size=64,
                                                   exact_quantiles=True, progress=False)
    assert np.isnan(stats["x"][:, 1:]).all()
    assert np.array_equal(stats["x"][2:, 0], np.quantile(data[:, 0], [0.05, 0.5, 0.95]))


def test_exact_quantiles_through_several_refinements():
    """Few bins and little room to collect: bins are split until the ranks are pinned."""
    rng = np.random.default_rng(5)
    data = rng.lognormal(size=(500, 3))
    data[:200, 1] = 2.5  # a point mass holding the lower quantiles
    data[:, 2] = 1.0 + rng.integers(0, 50, 500) * 2.0**-52  # equal up to rounding
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "simulate", lambda p, keep=None: {"x": data[p[0]:p[1]]})
        mp.setattr(quantiles, "COLLECT_BUDGET", 8)
        stats, bounds, info = ensemble.streamed_summary(
            _Synthetic(), 500, quantiles=(0.05, 0.5, 0.95), bins=4, exact_quantiles=True,
            chunk_size=64, progress=False)
    assert info["exact"] and info["passes"] > 3 and bounds["x"] == 0.0
    assert np.array_equal(stats["x"][2:], np.quantile(data, [0.05, 0.5, 0.95], axis=0))
