"""The ensemble driver: large runs in blocks, full arrays, streamed summaries or Zarr.

:func:`run` is the ensemble driver behind ``energysim run --samples N`` and ``es.run(...,
samples=N, keep=..., dask=...)``. It compiles the scenario once and simulates blocks of samples
(``CompiledScenario.params(start, stop)``); what happens to each block depends on what is kept:

``keep=None`` or a list of variables
    the full ``(sample, year, …)`` arrays of those outputs are gathered in memory and returned
    as the results Dataset. The run is refused up front (:class:`MemoryBudgetError`, before
    anything is simulated) when they would not fit in the memory budget
    (:func:`check_memory`).
``keep="summary"``
    nothing per sample is kept: every block is reduced to per-(variable, year, category)
    statistics and dropped; the result is the summary Dataset (dims ``stat``, ``year``, …) of
    :func:`energysim.results.dataset.summary`, in bounded memory (:func:`streamed_summary`).
``zarr=PATH``
    the full arrays of the kept outputs go to a Zarr store as blocks finish (nothing
    per-sample stays in memory); the summary is streamed as above and returned.

Streaming summaries (docs/ensembles.md has the derivation) simulate the ensemble once:

* a pilot, the first :data:`PILOT_SAMPLES` samples, fixes a histogram frame for each
  variable-year-category cell: ``bins`` equal bins between the pilot's minimum and maximum,
  plus one bin for the values below the frame and one for those at or above its top;
* the pass: every block is reduced to its count, mean and sum of squared deviations ``M2``
  (two-pass within the block), merged across blocks with Chan et al.'s update in block order,
  the exact minimum and maximum, and its counts in the frame's bins — all in one sweep over
  cache-sized slabs of the block (:func:`reduce_block`);
* each wanted order statistic of numpy's default "linear" quantile (the definition
  :func:`energysim.results.dataset.summary` uses) is then located in one bin. Inside the frame its
  error is at most the bin width, ``(pilot max − pilot min) / bins ≤ (max − min) / bins``; the
  bound actually reached is stored per variable in the ``quantile_max_error`` attribute. An
  order statistic in an outer bin (beyond the pilot's range: rare, e.g. a 5% quantile beyond
  the minimum of 8,192 samples) is located by one more pass over that bin alone;
* with ``exact_quantiles=True``, further passes make them exact: a bin holding a wanted order
  statistic is collected (its values kept, sorted, the rank picked), split again into
  ``bins`` sub-bins, resolved by its min = max (a point mass), or — when too narrow to split —
  counted float by float, until every wanted order statistic is known (usually one extra
  pass). Memory stays bounded: values are collected only up to :data:`COLLECT_BUDGET`.

The model is deterministic per sample, so a later pass simply reruns the same blocks. Small
runs (everything fits in :data:`EXACT_IN_MEMORY`) are summarised exactly in memory.

Scale-out: blocks are grouped in jobs (:class:`Job`) that carry the scenario, the design
(seed, method, number of samples) and a sample range, never parameter arrays: a dask worker
compiles the scenario once (cached per process) and simulates its blocks. Each block's values
depend only on its sample range, per-block statistics are merged in block order and histogram
counts are integers, so a dask run gives the same numbers, bit for bit, as a local one.

The jobs live in their own modules: :mod:`~energysim.execution.memory` (the budget),
:mod:`~energysim.execution.blocks` (blocks, jobs), :mod:`~energysim.execution.threads`
and :mod:`~energysim.execution.cluster` (where jobs run),
:mod:`~energysim.execution.summaries` (moments, histograms),
:mod:`~energysim.execution.quantiles` (the quantile search) and
:mod:`~energysim.execution.sinks` (Zarr). dask, distributed and zarr load only when used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from energysim.core import engine
from energysim.errors import ScenarioError
from energysim.execution import budget
from energysim.execution.blocks import (
    DEFAULT_CHUNK,
    Job,
    Ready,
    ScenarioSource,
    blocks,
    blocks_per_job,
    drive,
    jobs_for,
)
from energysim.execution.cluster import DaskExecutor
from energysim.execution.memory import (
    BYTES_PER_VALUE,
    check_memory,
    estimate_bytes,
    memory_budget,
    values_per_sample,
)
from energysim.execution.progress import progress as bar_of
from energysim.execution.quantiles import QuantileSearch
from energysim.execution.sinks import ZarrSink
from energysim.execution.summaries import (
    DEFAULT_BINS,
    DEFAULT_QUANTILES,
    MAX_BINS,
    accumulate,
    frame_of,
    merge_moments,
    min_max,
    stat_names,
)
from energysim.execution.threads import WINDOW, LocalExecutor
from energysim.results import dataset as results
from energysim.scenario import compile_scenario, load_scenario
from energysim.scenario.hindcast import with_base_year

__all__ = [
    "run",
    "gather",
    "streamed_summary",
    "preflight",
    "executor_for",
    "check_keep",
    "check_quantiles",
    "all_output_names",
    "STREAM_CHUNK",
    "PILOT_SAMPLES",
    "EXACT_IN_MEMORY",
]


#: Samples per block when streaming. A block's full outputs (~49 kB per sample for the
#: baseline since the dispatch, accounts and costs) and the model's temporaries (~50 kB more
#: at the peak) are alive in each worker while it is reduced. Measured peak of a summary
#: (2026-12-05, 400,000 samples, 2 threads, docs/performance.md): 1.97 GiB at 8,192,
#: 1.53 GiB at 6,144 in the same time, 1.21 GiB at 4,096 but 24% slower.
STREAM_CHUNK = 6144
#: Samples of the pilot that fixes the histogram frame of streamed summaries (the first ones;
#: independent of the block size, so the quantile estimates are too).
PILOT_SAMPLES = 8192
#: Summaries of runs whose outputs need less than this are computed exactly in one pass.
EXACT_IN_MEMORY = 512 * 2**20


# ---------------------------------------------------------------------------------------------
# memory budget
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# blocks, sources, jobs
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# executors
# ---------------------------------------------------------------------------------------------


def executor_for(dask: Any = None, scheduler: str | None = None, workers: int | None = None):
    if dask is not None and dask is not False and not isinstance(dask, bool):
        return DaskExecutor(client=dask)  # a distributed.Client
    if scheduler:
        return DaskExecutor(scheduler=scheduler)
    if dask:
        return DaskExecutor(n_workers=int(workers or 2))
    return LocalExecutor(workers)


# ---------------------------------------------------------------------------------------------
# gathering full arrays
# ---------------------------------------------------------------------------------------------


class _Gathered:
    """Full-size output arrays filled job by job (deterministic outputs stay at size 1)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.full: dict[str, np.ndarray] = {}
        self.shared: dict[str, np.ndarray] = {}
        self.order: list[str] = []

    def add(self, a: int, b: int, arrays: Mapping[str, np.ndarray]) -> None:
        for name, arr in arrays.items():
            if name not in self.order:
                self.order.append(name)
            if name in self.full:
                self.full[name][a:b] = arr
            elif name not in self.shared and arr.shape[0] == 1 and (b - a > 1 or self.n == 1):
                self.shared[name] = arr
            elif name in self.shared and arr.shape[0] == 1 and np.array_equal(arr,
                                                                              self.shared[name]):
                continue
            else:
                buf = np.empty((self.n,) + arr.shape[1:])
                if name in self.shared:
                    buf[...] = self.shared.pop(name)
                buf[a:b] = arr
                self.full[name] = buf

    def result(self) -> dict[str, np.ndarray]:
        merged = {**self.shared, **self.full}
        return {k: merged[k] for k in self.order}


def gather(source, n_samples: int, names: Iterable[str] | None = None, *,
           chunk_size: int | None = None, workers: int | None = None, dask: Any = None,
           scheduler: str | None = None, progress: bool | None = None,
           desc: str = "simulating") -> dict[str, np.ndarray]:
    """Simulate ``n_samples`` in blocks and return the full arrays of ``names``.

    Parameters
    ----------
    source : CompiledScenario, ScenarioSource or object with ``params(start, stop)``
    n_samples : int
    names : iterable of str, optional
        Outputs (default all).
    chunk_size : int, optional
        Samples per block (default the engine's); results do not depend on it.
    workers : int, optional
        Threads (local) or LocalCluster workers (``dask=True``).
    dask : bool or distributed.Client, optional
    scheduler : str, optional
        Address of a running dask scheduler.
    progress : bool, optional
        Progress bar (default: when stderr is a terminal).

    Returns
    -------
    dict of str to ndarray
        As :func:`energysim.core.engine.simulate` for all samples, ``(n_samples | 1, n_years[,
        k])``.
    """
    chunk = int(chunk_size or DEFAULT_CHUNK)
    src = source if hasattr(source, "get") else Ready(source)
    names_t = None if names is None else tuple(names)
    ex = executor_for(dask, scheduler, workers)
    try:
        per = blocks_per_job(ex, len(blocks(n_samples, chunk)), chunk, arrays=True)
        arrays = names_t if names_t is not None else all_output_names()
        jobs = jobs_for(src, n_samples, chunk, per_job=per, names=names_t, arrays=tuple(arrays))
        got = _Gathered(n_samples)
        with bar_of(n_samples, desc, show=progress) as bar:
            drive(ex, jobs, lambda i, r: got.add(jobs[i].blocks[0][0], jobs[i].blocks[-1][1],
                                                  r["arrays"]), bar)
    finally:
        ex.close()
    return got.result()


def all_output_names() -> tuple[str, ...]:
    return tuple(engine.output_specs())


# ---------------------------------------------------------------------------------------------
# streaming summaries
# ---------------------------------------------------------------------------------------------


def streamed_summary(source, n_samples: int, *, names: Sequence[str] | None = None,
                     quantiles: Sequence[float] = DEFAULT_QUANTILES, bins: int = DEFAULT_BINS,
                     exact_quantiles: bool = False, chunk_size: int = STREAM_CHUNK,
                     executor=None, progress: bool | None = None,
                     sink: Callable[[int, int, Mapping[str, np.ndarray]], None] | None = None,
                     sink_names: Sequence[str] = ()) -> tuple[dict, dict, dict]:
    """Summaries of every output across ``n_samples`` in bounded memory.

    Parameters
    ----------
    source : object with ``get()`` (:class:`ScenarioSource`) or with ``params(start, stop)``
    n_samples : int
    names : sequence of str, optional
        Outputs to summarise (default all).
    quantiles : sequence of float
    bins : int
        Histogram bins (quantile error ≤ (max − min)/bins unless exact).
    exact_quantiles : bool
        Further passes until the quantiles are exact.
    chunk_size : int
        Samples per block.
    executor : optional
        From :func:`executor_for` (default local threads).
    progress : bool, optional
    sink : callable (start, stop, arrays), optional
        Receives the full arrays of ``sink_names`` of each job during the pass (e.g. a
        Zarr writer).

    Returns
    -------
    stats : dict
        variable → ``(n_stats, *shape)`` array (mean, std, quantiles).
    bounds : dict
        variable → largest quantile error bound (0 where exact).
    info : dict
        ``passes``, ``exact`` (bool), ``shapes``.
    """
    src = source if hasattr(source, "get") else Ready(source)
    ex = executor or LocalExecutor()
    n_blocks = len(blocks(n_samples, chunk_size))
    names_t = None if names is None else tuple(names)
    # the pilot: the frame of every cell from the first samples' minimum and maximum
    pilot = Job(source=src, blocks=((0, min(n_samples, PILOT_SAMPLES)),), names=names_t,
                moments=True)
    (_, first), = ex.map([pilot])
    frames = {v: frame_of(mom[3], mom[4], bins) for v, mom in first["moments"][0].items()}
    shapes: dict[str, tuple] = dict(first["shapes"])
    del first
    # the pass: moments and frame histograms (and the arrays for the sink)
    partial: dict[int, dict] = {}
    counts: dict[str, np.ndarray] = {}
    ties: dict[str, np.ndarray] = {}

    def take(i: int, r: dict) -> None:
        partial.update(r["moments"])
        accumulate(counts, r["frame"])
        accumulate(ties, r["ties"])
        if sink is not None and r["arrays"]:
            job = jobs[i]
            sink(job.blocks[0][0], job.blocks[-1][1], r["arrays"])

    per = blocks_per_job(ex, n_blocks, chunk_size, arrays=bool(sink_names))
    jobs = jobs_for(src, n_samples, chunk_size, per_job=per, names=names_t, moments=True,
                 frame=frames, bins=bins, arrays=tuple(sink_names))
    with bar_of(n_samples, "mean, std, quantile histograms", show=progress) as bar:
        drive(ex, jobs, take, bar)
    merged: dict[str, tuple] = {}
    for a in sorted(partial):
        for v, mom in partial[a].items():
            merged[v] = mom if v not in merged else merge_moments(merged[v], mom)
    partial.clear()
    search = QuantileSearch(merged, n_samples, quantiles, bins, exact_quantiles)
    search.absorb_frame(frames, counts, ties)
    counts.clear()
    ties.clear()
    # further passes: order statistics beyond the frame, exact quantiles
    per = blocks_per_job(ex, n_blocks, chunk_size, arrays=False)
    while (spec := search.next_pass()) is not None:
        hist_spec, collect_spec, ulp_spec = spec
        hist: dict[str, tuple] = {}
        coll: dict[str, list] = {}
        ulps: dict[str, np.ndarray] = {}

        def take(i: int, r: dict, hist=hist, coll=coll, ulps=ulps) -> None:
            for v, (c, lo, hi) in r["hist"].items():
                if v in hist:
                    c0 = hist[v][0]
                    c0 += c
                    hist[v] = (c0, *min_max(hist[v][1:], (lo, hi)))
                else:
                    hist[v] = (c, lo, hi)
            for v, pair in r["collect"].items():
                coll.setdefault(v, []).append(pair)
            accumulate(ulps, r["ulps"])

        wanted = tuple(sorted(set(hist_spec) | set(collect_spec) | set(ulp_spec)))
        jobs = jobs_for(src, n_samples, chunk_size, per_job=per, names=wanted, hist=hist_spec,
                     collect=collect_spec, ulps=ulp_spec, bins=bins)
        what = "exact quantiles" if exact_quantiles else "quantiles beyond the pilot's range"
        with bar_of(n_samples, f"pass {search.passes + 1}: {what}", show=progress) as bar:
            drive(ex, jobs, take, bar)
        search.update(hist, coll, ulps)
        del hist, coll, ulps
    quants = search.result()
    stats, bounds = {}, {}
    for v, (n, mean, m2, mn, mx) in merged.items():
        const = mn == mx  # every sample equal: exactly that value, no spread
        mean = np.where(const, mn, mean)
        std = np.where(const, 0.0, np.sqrt(np.maximum(m2, 0.0) / n))
        q, b = quants[v]
        arr = np.concatenate([mean[None], std[None], q])
        stats[v] = arr.reshape((arr.shape[0],) + tuple(shapes[v]))
        bounds[v] = float(np.max(b)) if b.size else 0.0
    info = {"passes": 1 + search.passes, "exact": search.exact_everywhere, "shapes": shapes}
    return stats, bounds, info


# ---------------------------------------------------------------------------------------------
# Zarr
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# the ensemble driver
# ---------------------------------------------------------------------------------------------


def check_keep(keep) -> tuple[str, list[str] | None]:
    """``("all", None)``, ``("summary", None)`` or ``("vars", [names])``."""
    if keep is None:
        return "all", None
    if isinstance(keep, str):
        if keep.strip() == "summary":
            return "summary", None
        if keep.strip() == "key":  # the engine's light preset
            keep = list(engine.KEY_OUTPUTS)
        else:
            keep = [k.strip() for k in keep.split(",") if k.strip()]
    keep = list(dict.fromkeys(keep))
    specs = engine.output_specs()
    unknown = [k for k in keep if k not in specs]
    if unknown or not keep:
        import difflib  # lazy: only on the error path (a did-you-mean hint)

        close = difflib.get_close_matches(unknown[0], list(specs), n=1) if unknown else []
        raise ScenarioError(
            f"unknown output variable(s) (expected 'summary' or names from `energysim.core.engine."
            f"engine.output_specs()`, got {unknown or keep!r})", key="keep",
            hint=f"did you mean {close[0]!r}?" if close else None)
    return "vars", keep


def run(
    scenario: Any = None,
    *,
    samples: int = 1,
    seed: int | None = None,
    method: str | None = None,
    end_year: int | None = None,
    keep: str | Iterable[str] | None = None,
    chunk_size: int | None = None,
    workers: int | None = None,
    dask: Any = None,
    scheduler: str | None = None,
    max_memory: str | int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    exact_quantiles: bool = False,
    bins: int = DEFAULT_BINS,
    zarr: str | os.PathLike | None = None,
    progress: bool | None = None,
    stream: bool | None = None,
    from_year: int | None = None,
    yes: bool = False,
):
    """Run an ensemble: full results, a streamed summary, or full results to Zarr.

    Parameters
    ----------
    scenario : str, path, Scenario or None
        Scenario file, bundled name or loaded scenario (None: baseline).
    samples, seed, method, end_year
        The ensemble (see :func:`energysim.scenario.compile_scenario`); ``method=None`` is
        ``"central"`` for one sample (the scenario as written) and ``"mc"`` otherwise.
    keep : None, "summary", or iterable of str
        None: every output in full; ``"summary"``: only the summary (bounded memory); a list
        of variables: those in full.
    chunk_size : int, optional
        Samples per block (default: the engine's, :data:`STREAM_CHUNK` when streaming).
        Full results never depend on it; streamed means and standard deviations depend on it
        only through rounding.
    workers : int, optional
        Threads (local) or LocalCluster worker processes (``dask=True``, default 2).
    dask : bool or distributed.Client, optional
        Run the blocks on a new LocalCluster (True) or on the given client.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``).
    max_memory : str or int, optional
        Memory budget for kept outputs (default half of the available memory).
    quantiles : sequence of float
        Quantiles of the summary.
    exact_quantiles : bool
        Streaming: more passes until the quantiles are exact (default: histogram, error ≤
        (max − min)/bins, reported in the attributes).
    bins : int
        Histogram bins per cell when streaming.
    zarr : path, optional
        Write the full arrays of the kept outputs to this Zarr store as blocks finish; the
        summary is returned.
    progress : bool, optional
        Progress bar (default: when stderr is a terminal, after about a second).
    stream : bool, optional
        Force (True) or forbid (False) the streamed summary; default: stream when
        the outputs would need more than :data:`EXACT_IN_MEMORY`.
    from_year : int, optional
        Hindcast from an earlier base year (as :func:`energysim.run`).
    yes : bool
        Run even when the time estimate exceeds :data:`energysim.execution.budget.TIME_LIMIT`.

    Returns
    -------
    xarray.Dataset
        Full results (dims ``sample``, ``year`` …) when kept in memory; otherwise the summary
        (dims ``stat``, ``year`` …) whose attributes say how it was computed
        (``summary_method``, ``quantile_method``, ``quantile_bins``, ``quantile_error_bound``;
        per variable ``quantile_max_error``).

    Raises
    ------
    ScenarioError
        Invalid scenario or option; :class:`MemoryBudgetError` (before anything is simulated)
        when the kept outputs would not fit.
    """
    mode, kept = check_keep(keep)
    if mode == "summary" and zarr is not None:
        raise ScenarioError("a Zarr store holds full results, a summary keeps none (expected "
                            "keep='summary' or zarr=PATH, got both)", key="keep")
    q = check_quantiles(quantiles)
    bins = int(bins)
    if not 2 <= bins <= MAX_BINS:
        raise ScenarioError(f"invalid bins (expected an integer from 2 to {MAX_BINS}, got "
                            f"{bins})", key="bins")
    scen = load_scenario("baseline" if scenario is None else scenario)
    if from_year is not None:
        scen = with_base_year(scen, from_year)
    if method is None:
        method = "central" if samples == 1 else "mc"
    names = kept if kept is not None else list(all_output_names())
    preflight(scen, samples, end_year, method, names, in_memory=mode != "summary" and zarr is None,
              max_memory=max_memory, yes=yes)
    compiled = compile_scenario(scen, samples=samples, seed=seed, method=method,
                                end_year=end_year)
    n, T = compiled.n_samples, compiled.n_years
    attrs = results.run_attrs(scenario_name=scen.name, scenario_yaml=scen.to_yaml(),
                              seed=compiled.seed, method=compiled.method, n_samples=n)
    in_memory = mode != "summary" and zarr is None
    if in_memory:
        check_memory(n, T, names, max_memory=max_memory)
    dask_wanted = bool(dask) or bool(scheduler)
    # dask workers get the recipe (scenario, design) and compile it themselves
    source = (ScenarioSource(scen, n, compiled.seed, compiled.method, end_year)
              if dask_wanted else Ready(compiled))
    if in_memory:
        outputs = gather(source, n, kept, chunk_size=chunk_size or DEFAULT_CHUNK,
                         workers=workers, dask=dask, scheduler=scheduler, progress=progress)
        return results.assemble(outputs, compiled.years, n, attrs=attrs)

    # summary (and perhaps Zarr): stream, unless everything fits easily
    small = estimate_bytes(n, T, names) <= min(EXACT_IN_MEMORY, memory_budget(max_memory)[0])
    if stream is None:
        stream = not small or zarr is not None
    chunk = int(chunk_size or (STREAM_CHUNK if stream else DEFAULT_CHUNK))
    if not stream:
        outputs = gather(source, n, kept, chunk_size=chunk, workers=workers, dask=dask,
                         scheduler=scheduler, progress=progress)
        ds = results.assemble(outputs, compiled.years, n, attrs=attrs)
        summ = results.summary(ds, q)
        summ.attrs.update(summary_method="exact (all samples in memory)", quantile_method="exact",
                          quantile_bins=0, quantile_error_bound="0 (exact)")
        return summ
    ex = executor_for(dask, scheduler, workers)
    workers_n = ex.workers
    cells = values_per_sample(names) * T
    in_flight = workers_n * WINDOW
    working = (cells * (bins + 3) * 8 * (in_flight + 1)  # frame counts: totals, jobs in flight
               + in_flight * chunk * cells * BYTES_PER_VALUE)  # blocks alive
    try:
        check_memory(0, T, names, max_memory=max_memory, what="streamed summaries",
                     extra=working)
        sink = None
        if zarr is not None:
            sink = ZarrSink(zarr, compiled.years, n, chunk, attrs)
        start = time.perf_counter()
        try:
            stats, bounds, info = streamed_summary(
                source, n, names=kept, quantiles=q, bins=bins, exact_quantiles=exact_quantiles,
                chunk_size=chunk, executor=ex, progress=progress, sink=sink,
                sink_names=tuple(names) if sink is not None else ())
        except BaseException:
            if sink is not None:
                sink.abort()
            raise
        if sink is not None:
            sink.finish()
    finally:
        ex.close()
    elapsed = time.perf_counter() - start
    summ = _summary_dataset(stats, bounds, compiled.years, q, attrs)
    worst = max(bounds.values(), default=0.0)
    summ.attrs.update(
        summary_method=(f"streamed in {_passes_text(info['passes'])} over blocks of {chunk} "
                        "samples (Chan et al. merging of per-block mean and M2)"),
        quantile_method="exact" if info["exact"] else "histogram",
        quantile_bins=int(bins),
        quantile_error_bound=("0 (exact)" if info["exact"] else
                              f"|error| <= (max - min)/{bins} per variable, year and "
                              f"category; largest reached {worst:.6g} (see each variable's "
                              "quantile_max_error)"),
        elapsed_seconds=round(elapsed, 3),
    )
    if zarr is not None:
        summ.attrs["results_store"] = str(Path(zarr))
    return summ


def preflight(scen, samples, end_year, method: str, names, *, in_memory: bool,
              max_memory=None, yes: bool = False) -> None:
    """Resource checks from the arguments alone, before any design is drawn (docs/robustness.md).

    Count and time of the runs (:func:`~energysim.execution.budget.check_runs`), the whole design
    of LHS and Sobol' (``samples × uncertain × 8 B``) and, when kept in memory, the outputs.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        return  # compile_scenario reports it
    T = budget.n_years(scen, end_year)
    budget.check_runs(samples, T, yes=yes)
    if method in ("lhs", "sobol"):
        budget.check_design(samples, len(scen.uncertain), max_memory=max_memory)
    if in_memory:
        check_memory(samples, T, names, max_memory=max_memory)


def _passes_text(n: int) -> str:
    return "one pass" if n == 1 else f"{n} passes"


def check_quantiles(quantiles) -> tuple[float, ...]:
    try:
        q = tuple(float(x) for x in quantiles)
    except (TypeError, ValueError):
        raise ScenarioError(f"invalid quantiles (expected numbers in [0, 1], got {quantiles!r})",
                            key="quantiles") from None
    if not q or any(not 0.0 <= x <= 1.0 for x in q):
        raise ScenarioError(f"invalid quantiles (expected numbers in [0, 1], got {list(q)})",
                            key="quantiles")
    return q


def _summary_dataset(stats: Mapping[str, np.ndarray], bounds: Mapping[str, float], years,
                     quantiles: Sequence[float], attrs: Mapping[str, Any]):
    """The summary Dataset (``stat`` first), laid out as :func:`energysim.results.summary`."""
    order = [k for k in engine.output_specs() if k in stats]
    names = stat_names(quantiles)
    ds = results.assemble({k: stats[k] for k in order}, years, len(names), attrs=attrs)
    ds = ds.rename({"sample": "stat"}).assign_coords(stat=np.asarray(names, dtype=str))
    for k in order:
        ds[k].attrs["quantile_max_error"] = float(bounds.get(k, 0.0))
    return ds


# ---------------------------------------------------------------------------------------------
# the `energysim run` options for ensembles
# ---------------------------------------------------------------------------------------------


