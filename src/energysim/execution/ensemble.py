"""Large ensembles: memory budget, sample blocks on threads or dask, streaming summaries, Zarr.

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
  cache-sized slabs of the block (:func:`_reduce_block`);
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

Heavy modules (xarray, dask, distributed, zarr, tqdm) are imported only when used.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from energysim.errors import MemoryBudgetError, ScenarioError

__all__ = [
    "run",
    "streamed_summary",
    "check_memory",
    "estimate_bytes",
    "memory_budget",
    "available_memory",
    "parse_size",
    "blocks",
    "gather",
    "Job",
    "run_job",
    "ScenarioSource",
    "DEFAULT_QUANTILES",
    "DEFAULT_BINS",
]

#: Quantiles of summaries (as :func:`energysim.results.dataset.summary`).
DEFAULT_QUANTILES = (0.05, 0.5, 0.95)
#: Histogram bins per variable-year-category cell in streamed summaries.
DEFAULT_BINS = 2048
#: Samples per block when streaming. A block's full outputs (~32 kB per sample for the
#: baseline since the dispatch, accounts and costs: ~0.5 GB at 16,384) are alive in each
#: worker while it is reduced; 8,192 halves that, which keeps a 1,000,000-sample summary
#: under its 2 GB budget, at a few % more time.
STREAM_CHUNK = 8192
#: Samples of the pilot that fixes the histogram frame of streamed summaries (the first ones;
#: independent of the block size, so the quantile estimates are too).
PILOT_SAMPLES = 8192
#: Rows of a block reduced at a time (a 32 × 8192 float64 slab, 2 MB, stays in cache).
_SLAB_ROWS = 32
#: Values held at most while collecting bins for exact quantiles (64 MB of float64; crowded
#: bins beyond it are split again in another pass instead).
COLLECT_BUDGET = 8 * 2**20
#: Summaries of runs whose outputs need less than this are computed exactly in one pass.
EXACT_IN_MEMORY = 512 * 2**20
#: Largest number of distinct floats in a bin too narrow to split that is counted float by
#: float (such a bin holds values equal up to rounding).
ULP_BINS = 1 << 16
#: Passes after the first allowed when searching exact quantiles.
MAX_QUANTILE_PASSES = 8
#: How long to try reaching a dask scheduler before giving up (``--scheduler``).
SCHEDULER_TIMEOUT = "20s"
#: Jobs in flight per worker (bounds the memory of results waiting to be merged).
_WINDOW = 2

_BYTES = 8  # float64


# ---------------------------------------------------------------------------------------------
# memory budget
# ---------------------------------------------------------------------------------------------

_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)


def parse_size(text: str | int | float) -> int:
    """A memory size in bytes from ``"4GB"``, ``"512M"``, ``"1.5GiB"`` or a number of bytes.

    Decimal and binary prefixes are both read as powers of 1024 (``"4GB"`` = 4 GiB), as
    memory is usually counted.

    Raises
    ------
    ScenarioError
        For text that is not a size.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        if text <= 0:
            raise ScenarioError(f"invalid memory size (expected a positive size, got {text!r})",
                                key="max_memory")
        return int(text)
    m = _SIZE.match(str(text))
    if not m or float(m.group(1)) <= 0:
        raise ScenarioError(
            f"invalid memory size (expected a size such as 4GB or 512MB, got {text!r})",
            key="max_memory")
    factor = 1024 ** "kmgt".find(m.group(2).lower()) * 1024 if m.group(2) else 1
    return int(float(m.group(1)) * factor)


def format_size(n: float) -> str:
    """``1234567890`` → ``"1.15 GiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"  # pragma: no cover


def available_memory() -> int:
    """Memory available to new allocations [bytes]: psutil if installed, else /proc/meminfo.

    Returns
    -------
    int
        ``MemAvailable`` (or psutil's ``available``); 4 GiB when neither can be read.
    """
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil missing or unsupported platform
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 2**30


def memory_budget(max_memory: str | int | None = None) -> tuple[int, str]:
    """The memory a run may use for its kept outputs.

    Parameters
    ----------
    max_memory : str or int, optional
        An explicit budget (``"4GB"``, bytes); default: half of the available memory.

    Returns
    -------
    budget : int
        Bytes.
    origin : str
        Where it came from (for messages).
    """
    if max_memory is not None:
        return parse_size(max_memory), "--max-memory"
    return available_memory() // 2, "half of the available memory; --max-memory to change"


def values_per_sample(names: Iterable[str]) -> int:
    """float64 values per sample of the given outputs over one year (sum of category sizes).

    Conservative: per-sample scalars (``co2_peak_year``) are counted as yearly and every
    output as if it varied between samples.
    """
    from energysim.core import engine

    dims, coords = engine.output_layout()
    total = 0
    for name in names:
        size = 1
        for d in dims[name]:
            size *= len(coords[d])
        total += size
    return total


def estimate_bytes(n_samples: int, n_years: int, names: Iterable[str]) -> int:
    """Bytes of the full arrays of ``names``: ``n_samples × n_years × Σ sizes × 8``."""
    return int(n_samples) * int(n_years) * values_per_sample(names) * _BYTES


def check_memory(n_samples: int, n_years: int, names: Iterable[str], *,
                 max_memory: str | int | None = None, what: str = "kept outputs",
                 extra: int = 0) -> int:
    """Refuse, before anything is allocated, a run whose kept outputs would not fit.

    Parameters
    ----------
    n_samples, n_years : int
    names : iterable of str
        Output variables kept in full.
    max_memory : str or int, optional
        Budget (default half of the available memory, :func:`memory_budget`).
    what : str
        What the estimate is of (message).
    extra : int
        Bytes needed besides the kept arrays (accumulators, blocks in flight).

    Returns
    -------
    int
        The estimate [bytes].

    Raises
    ------
    MemoryBudgetError
        One line with the estimate, the budget and what to do instead.
    """
    names = list(names)
    per = values_per_sample(names)
    need = int(n_samples) * int(n_years) * per * _BYTES + int(extra)
    budget, origin = memory_budget(max_memory)
    if need > budget:
        detail = (f"{n_samples} samples × {n_years} years × {per} values × 8 B"
                  + (f" + {format_size(extra)} working memory" if extra else ""))
        raise MemoryBudgetError(
            f"{what} need about {format_size(need)} ({detail}), more than the memory budget "
            f"(expected at most {format_size(budget)}, {origin})",
            key="keep",
            hint="keep only a summary (--keep summary), fewer variables (--keep "
                 "co2_total,coal_output), write them to Zarr (-o DIR --format zarr), or raise "
                 "--max-memory",
        )
    return need


# ---------------------------------------------------------------------------------------------
# blocks, sources, jobs
# ---------------------------------------------------------------------------------------------


def blocks(n: int, size: int) -> list[tuple[int, int]]:
    """Sample blocks ``[a, b)`` of ``size`` samples (the engine's rule).

    A lone last sample is merged into the previous block: a one-sample block would compute
    reductions over short category axes in another floating-point order, so results would
    depend on the chunk size.
    """
    size = max(2, int(size)) if n >= 2 else 1
    out = [(a, min(a + size, n)) for a in range(0, n, size)]
    if len(out) > 1 and out[-1][1] - out[-1][0] == 1:
        out[-2:] = [(out[-2][0], n)]
    return out


def _group(items: Sequence, per: int) -> list[tuple]:
    per = max(1, int(per))
    return [tuple(items[i:i + per]) for i in range(0, len(items), per)]


@dataclass(frozen=True)
class ScenarioSource:
    """What a worker needs to rebuild an ensemble's parameters: no arrays, only the recipe.

    Attributes
    ----------
    scenario : Scenario
        The resolved scenario (picklable).
    n_samples, seed, method, end_year
        The design, as given to :func:`energysim.scenario.compile_scenario`.
    token : str
        Identifies the compiled ensemble in the per-process cache.
    """

    scenario: Any
    n_samples: int
    seed: int
    method: str
    end_year: int | None
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def get(self):
        """The compiled scenario (compiled once per process)."""
        from energysim.scenario import compile_scenario

        return cached(self.token, lambda: compile_scenario(
            self.scenario, samples=self.n_samples, seed=self.seed, method=self.method,
            end_year=self.end_year))


def cached(token: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per process and ``token``: how a worker rebuilds a source from its
    recipe (a compiled scenario, a sensitivity design, a sweep's stacked points) once for all
    the jobs it runs. Keeps the two newest."""
    with _CACHE_LOCK:
        hit = _CACHE.get(token)
    if hit is not None:
        return hit
    value = build()
    with _CACHE_LOCK:
        while len(_CACHE) >= 2:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[token] = value
    return value


_CACHE: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Ready:
    """A source already compiled in this process (local runs; never shipped)."""

    compiled: Any

    def get(self):
        return self.compiled


@dataclass(frozen=True)
class Job:
    """One unit of work: simulate some blocks and reduce them.

    Attributes
    ----------
    source : object with ``get()`` returning an object with ``params(start, stop)``
    blocks : tuple of (int, int)
        Sample ranges ``[a, b)``, consecutive.
    names : tuple of str or None
        Outputs to simulate (None: all).
    arrays : tuple of str
        Outputs returned whole for the job's samples.
    moments : bool
        Return per-block count, mean, M2, min, max of every simulated output.
    frame : mapping or None
        ``variable -> Frame`` of every cell: with ``moments``, also count each cell's values in
        the ``bins + 3`` bins of its frame (:func:`_frame_bin`) and those equal to its ends
        (:func:`_reduce_block`), summed over the job's blocks.
    hist : mapping or None
        ``variable -> (cells, lo, hi)``: histogram of ``bins`` bins of each cell's values in
        ``[lo, hi)``, with the minimum and maximum of those values.
    collect : mapping or None
        ``variable -> (cells, lo, hi)``: the values in ``[lo, hi)`` themselves.
    ulps : mapping or None
        ``variable -> (cells, lo, hi)``: counts of every distinct float in ``[lo, hi)``
        (intervals of a few thousand floats at most).
    bins : int
    """

    source: Any
    blocks: tuple[tuple[int, int], ...]
    names: tuple[str, ...] | None = None
    arrays: tuple[str, ...] = ()
    moments: bool = False
    frame: Mapping[str, Frame] | None = None
    hist: Mapping[str, tuple] | None = None
    collect: Mapping[str, tuple] | None = None
    ulps: Mapping[str, tuple] | None = None
    bins: int = DEFAULT_BINS

    @property
    def n(self) -> int:
        return self.blocks[-1][1] - self.blocks[0][0]


def _cells(arr: np.ndarray, m: int) -> np.ndarray:
    """A sample-first output ``(m | 1, …)`` as ``(cells, m | 1)`` with samples last.

    The engine stores outputs year-major with samples last, so this is usually a free view.
    """
    a = np.moveaxis(arr, 0, -1)
    return a.reshape(-1, a.shape[-1])


def _key(x: np.ndarray) -> np.ndarray:
    """float64 → int64 keys in the same order (−0.0 and 0.0 share a key)."""
    u = np.asarray(x, dtype=np.float64).view(np.int64)
    return np.where(u >= 0, u, -(u & np.int64(0x7FFFFFFFFFFFFFFF)))


def _unkey(k: np.ndarray) -> np.ndarray:
    u = np.where(k >= 0, k, (-k) | np.int64(-0x8000000000000000))
    return np.asarray(u, dtype=np.int64).view(np.float64)


def _first_float(low: np.ndarray, high: np.ndarray, holds: Callable) -> np.ndarray:
    """Smallest float whose key is in ``(low, high]`` and for which ``holds`` is true, by
    bisection on the ordered float keys (:func:`_key`).

    ``holds`` is monotone (false, then true), false at ``low`` and true at ``high``; entries
    with ``low == high`` are left as they are.
    """
    for _ in range(70):
        active = high - 1 > low  # (high − low may overflow)
        if not active.any():
            break
        mid = (low & high) + ((low ^ high) >> 1)  # floor of the mean, without overflow
        ge = holds(_unkey(mid))
        high = np.where(active & ge, mid, high)
        low = np.where(active & ~ge, mid, low)
    return _unkey(high)


#: Adding 1.5·2⁵² to a float of magnitude below 2⁵¹ leaves it rounded to an integer in the
#: low bits of the sum (round half to even): a rounding float → int cheaper than floor + cast.
_MAGIC = 1.5 * 2.0**52
_MAGIC_BITS = int(np.float64(_MAGIC).view(np.int64))
#: Largest ``bins`` accepted (the rounding above needs |(x − lo)·scale| < 2⁵¹).
MAX_BINS = 2**20


class Frame(NamedTuple):
    """The histogram frame of each cell, fixed by the pilot (:func:`frame_of`).

    Attributes
    ----------
    lo, top : ndarray ``(cells,)``
        The pilot's minimum and maximum.
    scale : ndarray ``(cells,)``
        ``bins / (top − lo)`` [1/unit]: frame bin ``k`` holds ``(x − lo)·scale`` within ½ of ``k``.
    """

    lo: np.ndarray
    scale: np.ndarray
    top: np.ndarray


def frame_of(vmin: np.ndarray, vmax: np.ndarray, bins: int) -> Frame:
    """The histogram frame of each cell from a pilot's minimum and maximum.

    ``scale = bins / (max − min)``: frame bin ``k`` (``0 … bins``) holds the values with
    ``(x − lo)·scale`` within ½ of ``k``, so ``bins + 1`` bins of width ``(max − min)/bins``
    cover the pilot's range with its ends inside; bins ``−1`` and ``bins + 1`` hold the values
    beyond. A cell constant in the pilot (or of a subnormal spread) gets a narrow frame around
    its value (width ``|value|·2⁻²⁰``, at least 10⁻²⁰⁶), so other values fall in the outer bins.
    """
    lo = np.asarray(vmin, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        scale = bins / (np.asarray(vmax, dtype=np.float64) - lo)
        narrow = bins / (np.maximum(np.abs(lo), 1e-200) * 2.0**-20)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, narrow)
    return Frame(lo, np.where(np.isfinite(scale), scale, 0.0), np.asarray(vmax, np.float64))


def _frame_bin(x: np.ndarray, lo: np.ndarray, scale: np.ndarray, bins: int) -> np.ndarray:
    """Frame bin ``f(x) = round(clip((x − lo)·scale, −1, bins + 1))`` in ``{−1, …, bins + 1}``.

    ``−1`` is below the frame, ``bins + 1`` above it. ``f`` is monotone in ``x`` (each
    step is), so every bin is an interval of floats whose ends :func:`_frame_lower_bound`
    finds with the very same operations. :func:`_reduce_block` computes ``f`` in place with
    these operations, in this order.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.subtract(x, lo[..., None] if x.ndim > lo.ndim else lo)
        t *= scale[..., None] if x.ndim > scale.ndim else scale
        np.clip(t, -1, bins + 1, out=t)
        np.nan_to_num(t, copy=False, nan=bins + 1)
        t += _MAGIC
    return t.view(np.int64) - _MAGIC_BITS


def _frame_lower_bound(lo: np.ndarray, scale: np.ndarray, bins: int,
                       k: np.ndarray) -> np.ndarray:
    """Smallest float ``x`` with ``f(x) ≥ k`` (:func:`_frame_bin`), ``0 ≤ k ≤ bins + 1``, by
    bisection on the floats between −inf (``f = −1``) and +inf (``f = bins + 1``)."""
    lo, scale = np.asarray(lo, np.float64), np.asarray(scale, np.float64)
    k = np.asarray(k, np.int64)
    low = np.full(k.shape, _key(np.array(-np.inf)), dtype=np.int64)
    high = np.full(k.shape, _key(np.array(np.inf)), dtype=np.int64)
    return _first_float(low, high, lambda x: _frame_bin(x, lo, scale, bins) >= k)


def _reduce_block(x: np.ndarray, m: int, frame: Frame | None = None, bins: int = 0,
                  counts: np.ndarray | None = None, ties: np.ndarray | None = None) -> tuple:
    """``(count, mean, M2, min, max)`` of each row of ``x`` ``(cells, m | 1)``; with a
    ``frame``, its frame histogram is added into ``counts`` ``(cells, bins + 3)`` and, in
    blocks whose minimum (maximum) is the frame's ``lo`` (``top``), the number of values equal
    to it into ``ties`` ``(cells, 2)`` — point masses at the ends, such as zero exports or
    output at a cap. (Where the overall minimum is ``lo``, those are all the values equal to
    it; elsewhere the count is not used.)

    One sweep over slabs of :data:`_SLAB_ROWS` rows that stay in cache: min and max, then
    (rows not constant) the mean and ``M2 = Σ (x − mean)²`` two-pass within the block, then the
    frame bins (:func:`_frame_bin`, in place) counted by ``np.bincount``. A row constant in the
    block has exactly its value as mean and ``M2 = 0``.
    """
    C, w = x.shape
    rows = np.arange(C)
    if w == 1:  # the same for every sample of the block
        v = np.array(x[:, 0], dtype=np.float64)
        if frame is not None:
            counts[rows, _frame_bin(v, frame.lo, frame.scale, bins) + 1] += m
            ties += m * np.stack([v == frame.lo, v == frame.top], axis=1)
        return (m, v, np.zeros_like(v), v, v)
    mean, m2 = np.empty(C), np.zeros(C)
    vmin, vmax = np.empty(C), np.empty(C)
    slab = np.empty((min(_SLAB_ROWS, C), w))
    if frame is not None:
        lo, scale, top = frame
        finite_lo = np.isfinite(lo)
        width = bins + 3  # bins −1 … bins + 1
        offsets = (np.arange(slab.shape[0], dtype=np.int64) * width
                   + (1 - _MAGIC_BITS))[:, None]
    for a in range(0, C, _SLAB_ROWS):
        b = min(a + _SLAB_ROWS, C)
        xs = x[a:b]
        t = slab[: b - a]
        np.min(xs, axis=1, out=vmin[a:b])
        np.max(xs, axis=1, out=vmax[a:b])
        const = vmin[a:b] == vmax[a:b]
        if const.all():
            mean[a:b] = vmin[a:b]
            if frame is not None:
                counts[rows[a:b], _frame_bin(vmin[a:b], lo[a:b], scale[a:b], bins) + 1] += m
            continue
        mu = xs.mean(axis=1)
        np.subtract(xs, mu[:, None], out=t)
        sq = np.einsum("ij,ij->i", t, t)
        mean[a:b] = np.where(const, vmin[a:b], mu)
        m2[a:b] = np.where(const, 0.0, sq)
        if frame is None:
            continue
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(xs, lo[a:b, None], out=t)
            t *= scale[a:b, None]
            np.clip(t, -1, bins + 1, out=t)
            if not (finite_lo[a:b].all() and np.isfinite(vmin[a:b]).all()
                    and np.isfinite(vmax[a:b]).all()):
                np.nan_to_num(t, copy=False, nan=bins + 1)  # a NaN counts, not crashes
            t += _MAGIC
        k = t.view(np.int64)
        k += offsets[: b - a]
        counts[a:b] += np.bincount(k.ravel(), minlength=(b - a) * width).reshape(b - a, width)
    if frame is not None:  # values at an end of the frame, in rows whose extreme reaches it
        const = vmin == vmax
        for end, at, extreme in ((0, lo, vmin), (1, top, vmax)):
            reached = extreme == at
            ties[:, end] += m * (reached & const)  # a constant row: all of them
            seen = np.flatnonzero(reached & ~const)
            if len(seen):
                ties[seen, end] += np.count_nonzero(x[seen] == at[seen, None], axis=1)
    return (m, mean, m2, vmin, vmax)


def _merge_moments(a: tuple, b: tuple) -> tuple:
    """Chan et al. (1979) pairwise update of ``(count, mean, M2, min, max)``."""
    na, ma, qa, lo_a, hi_a = a
    nb, mb, qb, lo_b, hi_b = b
    n = na + nb
    delta = mb - ma
    mean = ma + delta * (nb / n)
    m2 = qa + qb + delta * delta * (float(na) * float(nb) / n)
    return (n, mean, m2, np.minimum(lo_a, lo_b), np.maximum(hi_a, hi_b))


def _bin_of(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int) -> np.ndarray:
    """Bin ``f(x) = clip(floor((x − lo) · bins/(hi − lo)), 0, bins − 1)`` of each value.

    ``x`` is ``(rows, m)``, ``lo`` and ``hi`` ``(rows,)``. ``f`` is monotone in ``x``, so each
    bin is an interval of floats; :func:`_lower_bound` finds its exact ends with the very same
    floating-point operations, so that a later pass selecting ``[lower(k), lower(k + 1))``
    finds exactly the values counted in bin ``k``.
    """
    s = bins / (hi - lo)
    t = x - lo[:, None]
    t *= s[:, None]
    np.floor(t, out=t)
    np.clip(t, 0, bins - 1, out=t)
    return t.astype(np.intp)


def _lower_bound(lo: np.ndarray, hi: np.ndarray, bins: int, k: np.ndarray) -> np.ndarray:
    """Smallest float ``x`` in ``[lo, hi]`` with ``f(x) ≥ k`` (:func:`_bin_of`), by bisection.

    ``k = 0`` gives ``lo`` and ``k = bins`` gives ``hi`` (the ends of the interval).
    """
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    k = np.asarray(k, np.int64)
    s = bins / (hi - lo)
    inner = (k > 0) & (k < bins)
    low, high = _key(lo), _key(hi)  # invariant: f(low) < k ≤ f(high) for 0 < k < bins
    low = np.where(inner, low, high)  # nothing to search at the ends

    def holds(x):
        with np.errstate(invalid="ignore", over="ignore"):
            return np.clip(np.floor((x - lo) * s), 0, bins - 1) >= k

    out = _first_float(low, high, holds)
    return np.where(k <= 0, lo, np.where(k >= bins, hi, out))


def _histogram(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int):
    """Counts ``(rows, bins)`` of each row's values in ``[lo, hi)``; their min and max."""
    rows = x.shape[0]
    with np.errstate(invalid="ignore", over="ignore"):
        idx = _bin_of(x, lo, hi, bins)
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    idx += 1
    idx *= inside  # values outside go to a discarded bin 0
    idx += (np.arange(rows, dtype=np.intp) * (bins + 1))[:, None]
    counts = np.bincount(idx.ravel(), minlength=rows * (bins + 1)).reshape(rows, bins + 1)
    vmin = np.where(inside, x, np.inf).min(axis=1)
    vmax = np.where(inside, x, -np.inf).max(axis=1)
    return np.ascontiguousarray(counts[:, 1:]), vmin, vmax


def _ulp_histogram(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Counts of each float in each row's ``[lo, hi)``: ``(rows, K)``, column ``k`` is the
    float ``k`` steps above ``lo`` (``K`` = the most floats in any row's interval)."""
    k0 = _key(lo)
    width = int(np.max(_key(hi) - k0))
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    idx = _key(x) - k0[:, None]
    idx += 1
    idx *= inside  # values outside go to a discarded column 0
    idx += (np.arange(x.shape[0], dtype=np.int64) * (width + 1))[:, None]
    counts = np.bincount(idx.ravel(), minlength=x.shape[0] * (width + 1))
    return np.ascontiguousarray(counts.reshape(x.shape[0], width + 1)[:, 1:])


def _rows_of(x: np.ndarray, cells: np.ndarray, m: int) -> np.ndarray:
    """Rows ``cells`` of ``x`` ``(C, m | 1)`` as ``(len(cells), m)`` (no copy if all rows)."""
    if x.shape[1] != m:
        x = np.broadcast_to(x, (x.shape[0], m))
    if len(cells) == x.shape[0] and np.array_equal(cells, np.arange(x.shape[0])):
        return x
    return x[cells]


def _collect(x: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Row numbers and values of the entries of ``x`` within their row's ``[lo, hi)``."""
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    rows, cols = np.nonzero(inside)
    return rows.astype(np.int32), x[rows, cols]


def _min_max(a: tuple, b: tuple) -> tuple:
    """Combine (min, max) pairs of arrays, where None means unknown."""
    if a[0] is None or b[0] is None:
        return (None, None)
    return (np.minimum(a[0], b[0]), np.maximum(a[1], b[1]))


def run_job(job: Job, on_block: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Simulate a job's blocks and reduce them (runs in a thread or on a dask worker).

    Returns
    -------
    dict
        ``moments``: block start → {variable: (count, mean, M2, min, max)} per cell;
        ``frame``: variable → frame bin counts ``(cells, bins + 3)`` summed over the blocks;
        ``ties``: variable → ``(cells, 2)`` values equal to the frame's ends;
        ``hist``: variable → (counts, vmin, vmax) summed over the blocks; ``collect``:
        variable → (rows, values); ``arrays``: variable → ``(m | 1, …)`` values of the job's
        samples; ``shapes``: variable → shape after the sample axis.
    """
    from energysim.core.engine import simulate
    from energysim.execution.blocks import tune_allocator

    tune_allocator()  # blocks reuse the memory of the previous ones (no fresh page faults)
    compiled = job.source.get()
    names = None if job.names is None else list(job.names)
    out: dict[str, Any] = {"moments": {}, "frame": {}, "ties": {}, "hist": {}, "collect": {},
                           "ulps": {}, "arrays": {}, "shapes": {}}
    parts: dict[str, list[np.ndarray]] = {}
    for a, b in job.blocks:
        m = b - a
        res = simulate(compiled.params(a, b), keep=names)
        if not out["shapes"]:
            out["shapes"] = {k: v.shape[1:] for k, v in res.items()}
        if job.moments:
            out["moments"][a] = mom = {}
            for v, arr in res.items():
                x = _cells(arr, m)
                if job.frame is None:
                    mom[v] = _reduce_block(x, m)
                    continue
                if v not in out["frame"]:
                    out["frame"][v] = np.zeros((x.shape[0], job.bins + 3), dtype=np.int64)
                    out["ties"][v] = np.zeros((x.shape[0], 2), dtype=np.int64)
                mom[v] = _reduce_block(x, m, job.frame[v], job.bins, out["frame"][v],
                                       out["ties"][v])
        for v, (cells, lo, hi) in (job.hist or {}).items():
            x = _rows_of(_cells(res[v], m), cells, m)
            counts, vmin, vmax = _histogram(x, lo, hi, job.bins)
            if v in out["hist"]:
                counts += out["hist"][v][0]
                vmin, vmax = _min_max(out["hist"][v][1:], (vmin, vmax))
            out["hist"][v] = (counts, vmin, vmax)
        for v, (cells, lo, hi) in (job.collect or {}).items():
            x = _rows_of(_cells(res[v], m), cells, m)
            out["collect"].setdefault(v, []).append(_collect(x, lo, hi))
        for v, (cells, lo, hi) in (job.ulps or {}).items():
            counts = _ulp_histogram(_rows_of(_cells(res[v], m), cells, m), lo, hi)
            if v in out["ulps"]:
                counts += out["ulps"][v]
            out["ulps"][v] = counts
        for v in job.arrays:
            parts.setdefault(v, []).append(np.ascontiguousarray(res[v]))
        del res
        if on_block is not None:
            on_block(m)
    for v, lst in out["collect"].items():
        out["collect"][v] = (np.concatenate([r for r, _ in lst]),
                             np.concatenate([x for _, x in lst]))
    sizes = [b - a for a, b in job.blocks]
    for v, lst in parts.items():
        if all(p.shape[0] == 1 for p in lst) and all(np.array_equal(p, lst[0]) for p in lst):
            out["arrays"][v] = lst[0]  # the same for every sample of the job
        else:
            out["arrays"][v] = np.concatenate(
                [np.broadcast_to(p, (s,) + p.shape[1:]) for p, s in zip(lst, sizes, strict=True)])
    return out


# ---------------------------------------------------------------------------------------------
# executors
# ---------------------------------------------------------------------------------------------


class _LocalExecutor:
    """Jobs on a thread pool (numpy releases the GIL in the model's array arithmetic)."""

    reports_blocks = True

    def __init__(self, workers: int | None = None) -> None:
        from energysim.execution.blocks import tune_allocator

        self.workers = max(1, int(workers or os.cpu_count() or 1))
        tune_allocator()  # before the pool's threads exist: they share the main heap

    def map(self, jobs: Sequence[Job], on_block=None) -> Iterator[tuple[int, dict]]:
        if self.workers == 1 or len(jobs) == 1:
            for i, job in enumerate(jobs):
                yield i, run_job(job, on_block)
            return
        window = self.workers * _WINDOW
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            pending: dict = {}
            todo = iter(enumerate(jobs))
            try:
                while True:
                    for i, job in todo:
                        pending[pool.submit(run_job, job, on_block)] = i
                        if len(pending) >= window:
                            break
                    if not pending:
                        return
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in sorted(done, key=pending.get):
                        yield pending.pop(f), f.result()
            finally:
                for f in pending:
                    f.cancel()

    def close(self) -> None:
        pass


class _DaskExecutor:
    """Jobs on a dask.distributed cluster: a new LocalCluster or a running scheduler."""

    reports_blocks = False

    def __init__(self, scheduler: str | None = None, n_workers: int = 2, client=None,
                 timeout: str | None = None) -> None:
        import logging

        from distributed import Client, LocalCluster

        self.cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler, timeout=timeout or SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ScenarioError(
                    f"cannot reach the dask scheduler (expected a running scheduler at "
                    f"{scheduler!r}, got {type(exc).__name__}: {exc})", key="--scheduler"
                ) from None
        else:
            self.cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or n_workers)

    def map(self, jobs: Sequence[Job], on_block=None) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed

        window = self.workers * _WINDOW
        todo = iter(enumerate(jobs))
        index: dict = {}
        ac = as_completed()
        for i, job in todo:
            f = self.client.submit(run_job, job, pure=False)
            index[f] = i
            ac.add(f)
            if len(index) >= window:
                break
        for f in ac:
            i = index.pop(f)
            result = f.result()
            f.release()
            yield i, result
            nxt = next(todo, None)
            if nxt is not None:
                g = self.client.submit(run_job, nxt[1], pure=False)
                index[g] = nxt[0]
                ac.add(g)

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _executor(dask: Any = None, scheduler: str | None = None, workers: int | None = None):
    if dask is not None and dask is not False and not isinstance(dask, bool):
        return _DaskExecutor(client=dask)  # a distributed.Client
    if scheduler:
        return _DaskExecutor(scheduler=scheduler)
    if dask:
        return _DaskExecutor(n_workers=int(workers or 2))
    return _LocalExecutor(workers)


def _drive(executor, jobs: Sequence[Job], handle: Callable[[int, dict], None], bar) -> None:
    on_block = bar.update if executor.reports_blocks else None
    for i, result in executor.map(jobs, on_block):
        if not executor.reports_blocks:
            bar.update(jobs[i].n)
        handle(i, result)


def _jobs(source, n: int, chunk: int, *, per_job: int, **kw) -> list[Job]:
    return [Job(source=source, blocks=g, **kw) for g in _group(blocks(n, chunk), per_job)]


def _blocks_per_job(executor, n_blocks: int, chunk: int, arrays: bool) -> int:
    """Blocks per job: one when a local job returns arrays (each block's go straight to their
    destination); otherwise about four jobs per worker, so that per-job reductions (frame
    histograms) are merged a few times rather than once per block."""
    if executor.reports_blocks and arrays:
        return 1
    per = max(1, math.ceil(n_blocks / (4 * executor.workers)))
    if arrays:  # results travel back to the client: keep them moderate
        per = min(per, max(1, 65536 // max(chunk, 1)))
    return per


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
    from energysim.execution.blocks import DEFAULT_CHUNK
    from energysim.execution.progress import progress as bar_of

    chunk = int(chunk_size or DEFAULT_CHUNK)
    src = source if hasattr(source, "get") else _Ready(source)
    names_t = None if names is None else tuple(names)
    ex = _executor(dask, scheduler, workers)
    try:
        per = _blocks_per_job(ex, len(blocks(n_samples, chunk)), chunk, arrays=True)
        arrays = names_t if names_t is not None else _all_output_names()
        jobs = _jobs(src, n_samples, chunk, per_job=per, names=names_t, arrays=tuple(arrays))
        got = _Gathered(n_samples)
        with bar_of(n_samples, desc, show=progress) as bar:
            _drive(ex, jobs, lambda i, r: got.add(jobs[i].blocks[0][0], jobs[i].blocks[-1][1],
                                                  r["arrays"]), bar)
    finally:
        ex.close()
    return got.result()


def _all_output_names() -> tuple[str, ...]:
    from energysim.core.engine import output_specs

    return tuple(output_specs())


# ---------------------------------------------------------------------------------------------
# streaming summaries
# ---------------------------------------------------------------------------------------------


def _ranks(n: int, quantiles: Sequence[float]):
    """Order statistics numpy's "linear" quantile needs: ``(ranks, prev, next, gamma)``."""
    q = np.asarray(quantiles, dtype=np.float64)
    virtual = (n - 1) * q
    prev = np.minimum(np.floor(virtual).astype(np.int64), n - 1)
    nxt = np.minimum(prev + 1, n - 1)
    gamma = virtual - prev
    ranks = np.unique(np.concatenate([prev, nxt]))
    return ranks, np.searchsorted(ranks, prev), np.searchsorted(ranks, nxt), gamma


def _lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """numpy's quantile interpolation, operation for operation (so exact results match)."""
    diff = b - a
    if t >= 0.5:
        return b - diff * (1 - t)
    return a + diff * t


class _QuantileSearch:
    """Locates the order statistics of every cell: in the frame histograms of the pass
    (:meth:`absorb_frame`), then, where needed, by further passes (histograms, collections).

    State per (cell, wanted rank): an interval ``[lo, hi)`` known to contain the order
    statistic, the number of values below it (``below``) and inside it (``count``).
    """

    OPEN, DONE = 0, 1  # status of a (cell, rank)

    def __init__(self, moments: Mapping[str, tuple], n: int, quantiles: Sequence[float],
                 bins: int, exact: bool) -> None:
        self.n, self.bins, self.exact = n, bins, exact
        self.ranks, self.i_prev, self.i_next, self.gamma = _ranks(n, quantiles)
        self.passes = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}
        R = len(self.ranks)
        for v, (_, _, _, mn, mx) in moments.items():
            C = len(mn)
            s = {
                "lo": np.repeat(mn[:, None], R, axis=1).astype(np.float64),
                "hi": np.repeat(np.nextafter(mx, np.inf)[:, None], R, axis=1),
                "below": np.zeros((C, R), np.int64),
                "count": np.full((C, R), n, np.int64),
                "status": np.full((C, R), self.OPEN, np.int8),
                "value": np.full((C, R), np.nan),
                "bound": np.zeros((C, R)),
                "mn": mn, "mx": mx,
            }
            finite = np.isfinite(mn) & np.isfinite(mx)
            const = finite & (mn == mx)
            for j, r in enumerate(self.ranks):
                done = ~finite | const | (r == 0) | (r == n - 1)
                s["value"][:, j] = np.where(r == n - 1, mx, mn)
                s["value"][~finite, j] = np.nan
                s["status"][done, j] = self.DONE
            self.state[v] = s
        self._rows: dict[str, list] = {}

    # -- the frame histograms of the pass --------------------------------------------------
    def absorb_frame(self, frames: Mapping[str, Frame], counts: Mapping[str, np.ndarray],
                     ties: Mapping[str, np.ndarray]) -> None:
        """Locate every wanted order statistic in its frame bin (:func:`_frame_bin`).

        ``frames``: variable → :class:`Frame`; ``counts``: variable → ``(cells, bins + 3)``
        counts of all the values; ``ties``: variable → ``(cells, 2)`` values known to equal
        the frame's ends. An order statistic within a point mass at the minimum or maximum is
        then known exactly. Without ``exact``, one inside the frame is estimated at once
        (error ≤ the bin width); one in an outer bin stays open for a pass over that bin.
        """
        for v, s in self.state.items():
            frame = frames[v]
            # the ranks r < (values equal to the minimum) are the minimum; likewise at the top
            at_min = np.where(s["mn"] == frame.lo, ties[v][:, 0], 0)
            at_max = np.where(s["mx"] == frame.top, ties[v][:, 1], 0)
            for j, r in enumerate(self.ranks):
                for hit, value in ((r < at_min, s["mn"]), (r >= self.n - at_max, s["mx"])):
                    hit &= s["status"][:, j] != self.DONE
                    s["value"][hit, j], s["status"][hit, j] = value[hit], self.DONE
            c, j = np.nonzero(s["status"] != self.DONE)
            if not len(c):
                continue
            cnt = counts[v]
            cum = np.cumsum(cnt, axis=1)
            if np.any(cum[:, -1] != self.n):
                raise RuntimeError(f"internal: {v}: frame counts do not add up to {self.n}")
            # the bin holding each wanted rank: the first whose cumulative count exceeds r
            k = np.empty(len(c), dtype=np.int64)
            for jj in np.unique(j):
                sel = j == jj
                k[sel] = (cum[c[sel]] <= self.ranks[jj]).sum(axis=1)
            below = np.where(k > 0, cum[c, np.maximum(k - 1, 0)], 0)
            f = k - 1  # the frame bin, −1 … bins + 1
            lo_f, scale = frame.lo[c], frame.scale[c]
            last = self.bins + 1
            start = _frame_lower_bound(lo_f, scale, self.bins, np.clip(f, 0, last))
            stop = _frame_lower_bound(lo_f, scale, self.bins, np.clip(f + 1, 0, last))
            mn, top = s["mn"][c], np.nextafter(s["mx"][c], np.inf)
            lo = np.where(f < 0, mn, np.maximum(start, mn))
            hi = np.where(f >= last, top, np.minimum(stop, top))
            s["lo"][c, j], s["hi"][c, j] = lo, hi
            s["below"][c, j], s["count"][c, j] = below, cnt[c, k]
            if not self.exact:  # inside the frame: estimate now; outer bins need a pass
                inner = (f >= 0) & (f <= self.bins)
                self._approximate(s, (c[inner], j[inner]))

    # -- planning ---------------------------------------------------------------------------
    def next_pass(self) -> tuple[dict, dict, dict] | None:
        """``(hist, collect, ulps)`` specs of the next pass, or None when all ranks are known."""
        if self.passes >= MAX_QUANTILE_PASSES:
            self._approximate_rest()
            return None
        rows: dict[str, dict] = {}
        want: list[tuple[int, str, tuple]] = []  # (count, var, key) of rows
        for v, s in self.state.items():
            keys: dict[tuple, list[tuple[int, int]]] = {}
            todo = np.argwhere(s["status"] != self.DONE)
            for c, j in todo:
                key = (int(c), float(s["lo"][c, j]), float(s["hi"][c, j]))
                keys.setdefault(key, []).append((int(c), int(j)))
            rows[v] = keys
            for key, members in keys.items():
                c, j = members[0]
                want.append((int(s["count"][c, j]), v, key))
        if not want:
            return None
        # collect the smallest rows while they fit; split the others
        collect_keys: set[tuple[str, tuple]] = set()
        used = 0
        for count, v, key in sorted(want, key=lambda w: w[0]):
            if used + count > COLLECT_BUDGET:
                break
            collect_keys.add((v, key))
            used += count
        hist, collect, ulps = {}, {}, {}
        self._rows = {}
        for v, keys in rows.items():
            ck = [k for k in keys if (v, k) in collect_keys]
            rest = [k for k in keys if (v, k) not in collect_keys]
            hk = [k for k in rest if _splittable(k[1], k[2], self.bins)]
            uk = [k for k in rest if not _splittable(k[1], k[2], self.bins)
                  and 0 < _key(k[2]) - _key(k[1]) <= ULP_BINS]  # values equal up to rounding
            self._rows[v] = (hk, ck, uk, keys)
            if hk:
                hist[v] = _spec(hk)
            if ck:
                collect[v] = _spec(ck)
            if uk:
                ulps[v] = _spec(uk)
        if not hist and not collect and not ulps:
            self._approximate_rest()
            return None
        self.passes += 1
        return hist, collect, ulps

    # -- absorbing a pass -------------------------------------------------------------------
    def update(self, hist: Mapping[str, tuple], collect: dict[str, list],
               ulps: Mapping[str, np.ndarray] | None = None) -> None:
        """Narrow the intervals with a pass's summed histograms and collected values.

        ``collect`` maps variables to lists of ``(rows, values)`` (one per job); it is
        emptied here, variable by variable, to keep the peak memory low.
        """
        moved = []  # (state, c, j, lo, hi, k) of ranks located in bin k of [lo, hi)
        for v, (hk, ck, uk, keys) in self._rows.items():
            s = self.state[v]
            for row, key in enumerate(uk):  # every float counted: the rank's float is known
                cum = np.cumsum(ulps[v][row])
                for c, j in keys[key]:
                    if cum[-1] != s["count"][c, j]:
                        raise RuntimeError(f"internal: {v} cell {c}: {cum[-1]} values in the "
                                           f"interval, expected {s['count'][c, j]}")
                    k = int(np.searchsorted(cum, self.ranks[j] - s["below"][c, j], side="right"))
                    s["value"][c, j] = _unkey(_key(key[1]) + k)
                    s["status"][c, j] = self.DONE
            if hk:
                counts, vmin, vmax = hist[v]
                for row, key in enumerate(hk):
                    cum = np.cumsum(counts[row])
                    for c, j in keys[key]:
                        if cum[-1] != s["count"][c, j]:
                            raise RuntimeError(f"internal: {v} cell {c}: {cum[-1]} values in "
                                               f"the interval, expected {s['count'][c, j]}")
                        if vmin is not None and vmin[row] == vmax[row]:  # all values equal
                            s["value"][c, j], s["status"][c, j] = vmin[row], self.DONE
                            continue
                        k = int(np.searchsorted(cum, self.ranks[j] - s["below"][c, j],
                                                side="right"))
                        s["below"][c, j] += int(cum[k] - counts[row][k])
                        s["count"][c, j] = int(counts[row][k])
                        moved.append((s, c, j, key[1], key[2], k))
            if ck:
                parts = collect.pop(v)  # list of (rows, values) per job; freed as we go
                rows = np.concatenate([r for r, _ in parts])
                values = np.concatenate([x for _, x in parts])
                del parts
                order = np.lexsort((values, rows))
                rows, values = rows[order], values[order]
                starts = np.searchsorted(rows, np.arange(len(ck) + 1))
                for row, key in enumerate(ck):
                    got = values[starts[row]:starts[row + 1]]
                    for c, j in keys[key]:
                        if len(got) != s["count"][c, j]:
                            raise RuntimeError(f"internal: {v} cell {c}: collected {len(got)} "
                                               f"values, expected {s['count'][c, j]}")
                        s["value"][c, j] = got[self.ranks[j] - s["below"][c, j]]
                        s["status"][c, j] = self.DONE
        if moved:  # the located bins' exact ends, all at once
            lo = np.array([m[3] for m in moved])
            hi = np.array([m[4] for m in moved])
            k = np.array([m[5] for m in moved], dtype=np.int64)
            new_lo = _lower_bound(lo, hi, self.bins, k)
            new_hi = _lower_bound(lo, hi, self.bins, k + 1)
            for (s, c, j, *_), a, b in zip(moved, new_lo, new_hi, strict=True):
                s["lo"][c, j], s["hi"][c, j] = a, b
        if not self.exact:
            self._approximate_rest()

    def _approximate_rest(self) -> None:
        """Estimate every open order statistic within its interval."""
        for s in self.state.values():
            self._approximate(s, np.nonzero(s["status"] != self.DONE))

    def _approximate(self, s: dict, where: tuple[np.ndarray, np.ndarray]) -> None:
        """Rank within the located bin, assuming values spread evenly in it (error < width)."""
        c, j = where
        if not len(c):
            return
        lo, hi = s["lo"][c, j], s["hi"][c, j]
        below, count = s["below"][c, j], s["count"][c, j]
        est = lo + (self.ranks[j] - below + 0.5) / count * (hi - lo)
        s["value"][c, j] = np.clip(est, np.maximum(lo, s["mn"][c]), np.minimum(hi, s["mx"][c]))
        s["bound"][c, j] = hi - lo
        s["status"][c, j] = self.DONE

    # -- results ----------------------------------------------------------------------------
    def result(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """variable → (quantiles ``(n_q, cells)``, error bound ``(n_q, cells)``)."""
        out = {}
        for v, s in self.state.items():
            val, bnd = s["value"], s["bound"]
            q = np.stack([_lerp(val[:, p], val[:, x], g)
                          for p, x, g in zip(self.i_prev, self.i_next, self.gamma, strict=True)])
            b = np.stack([np.maximum(bnd[:, p], bnd[:, x])
                          for p, x in zip(self.i_prev, self.i_next, strict=True)])
            out[v] = (q, b)
        return out

    @property
    def exact_everywhere(self) -> bool:
        return all(not s["bound"].any() for s in self.state.values())


def _splittable(lo: float, hi: float, bins: int) -> bool:
    w = (hi - lo) / bins
    return bool(np.isfinite(w) and w >= 4 * np.spacing(max(abs(lo), abs(hi))))


def _spec(keys: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(cells, lo, hi)`` of a pass for one variable (see :class:`Job`)."""
    return (np.array([k[0] for k in keys], dtype=np.intp),
            np.array([k[1] for k in keys], dtype=np.float64),
            np.array([k[2] for k in keys], dtype=np.float64))


def _accumulate(total: dict[str, np.ndarray], part: Mapping[str, np.ndarray]) -> None:
    """Add each variable's integer counts of ``part`` into ``total`` (in place)."""
    for v, c in part.items():
        if v in total:
            total[v] += c
        else:
            total[v] = c


def _stat_names(quantiles: Sequence[float]) -> list[str]:
    """``mean``, ``std``, ``p5`` … (the names :func:`energysim.results.dataset.summary` uses)."""
    return ["mean", "std"] + [f"p{100 * q:g}" for q in quantiles]


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
        From :func:`_executor` (default local threads).
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
    from energysim.execution.progress import progress as bar_of

    src = source if hasattr(source, "get") else _Ready(source)
    ex = executor or _LocalExecutor()
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
        _accumulate(counts, r["frame"])
        _accumulate(ties, r["ties"])
        if sink is not None and r["arrays"]:
            job = jobs[i]
            sink(job.blocks[0][0], job.blocks[-1][1], r["arrays"])

    per = _blocks_per_job(ex, n_blocks, chunk_size, arrays=bool(sink_names))
    jobs = _jobs(src, n_samples, chunk_size, per_job=per, names=names_t, moments=True,
                 frame=frames, bins=bins, arrays=tuple(sink_names))
    with bar_of(n_samples, "mean, std, quantile histograms", show=progress) as bar:
        _drive(ex, jobs, take, bar)
    merged: dict[str, tuple] = {}
    for a in sorted(partial):
        for v, mom in partial[a].items():
            merged[v] = mom if v not in merged else _merge_moments(merged[v], mom)
    partial.clear()
    search = _QuantileSearch(merged, n_samples, quantiles, bins, exact_quantiles)
    search.absorb_frame(frames, counts, ties)
    counts.clear()
    ties.clear()
    # further passes: order statistics beyond the frame, exact quantiles
    per = _blocks_per_job(ex, n_blocks, chunk_size, arrays=False)
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
                    hist[v] = (c0, *_min_max(hist[v][1:], (lo, hi)))
                else:
                    hist[v] = (c, lo, hi)
            for v, pair in r["collect"].items():
                coll.setdefault(v, []).append(pair)
            _accumulate(ulps, r["ulps"])

        wanted = tuple(sorted(set(hist_spec) | set(collect_spec) | set(ulp_spec)))
        jobs = _jobs(src, n_samples, chunk_size, per_job=per, names=wanted, hist=hist_spec,
                     collect=collect_spec, ulps=ulp_spec, bins=bins)
        what = "exact quantiles" if exact_quantiles else "quantiles beyond the pilot's range"
        with bar_of(n_samples, f"pass {search.passes + 1}: {what}", show=progress) as bar:
            _drive(ex, jobs, take, bar)
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


class _ZarrSink:
    """Writes the full arrays of each job into a Zarr store as jobs finish.

    The store is written under a temporary name beside the target and renamed when complete.
    """

    def __init__(self, path: str | os.PathLike, years, n: int, chunk: int, attrs: dict) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.parent / f".{self.path.name}.{os.getpid()}.tmp"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.years, self.n, self.chunk, self.attrs = years, n, chunk, attrs
        self.created = False

    def _create(self, arrays: Mapping[str, np.ndarray]) -> None:
        import dask.array as da
        import xarray as xr

        from energysim.results import dataset as results

        template = results.assemble({k: v[:1] for k, v in arrays.items()}, self.years, 1,
                                    attrs=self.attrs)
        data = {}
        for name, var in template.data_vars.items():
            shape = (self.n,) + var.shape[1:]
            chunks = (min(self.chunk, self.n),) + var.shape[1:]
            data[name] = xr.Variable(var.dims, da.zeros(shape, chunks=chunks), attrs=var.attrs)
        coords = {k: c for k, c in template.coords.items() if k != "sample"}
        coords["sample"] = ("sample", np.arange(self.n), template["sample"].attrs)
        ds = xr.Dataset(data, coords=coords, attrs=template.attrs)
        ds.to_zarr(self.tmp, mode="w", compute=False, consolidated=True, zarr_format=2)
        self.created = True

    def __call__(self, a: int, b: int, arrays: Mapping[str, np.ndarray]) -> None:
        from energysim.results import dataset as results

        if not self.created:
            self._create(arrays)
        ds = results.assemble(arrays, self.years, b - a, attrs={})
        ds = ds.assign_coords(sample=np.arange(a, b))
        drop = [k for k in ds.variables if "sample" not in ds[k].dims]
        ds.drop_vars(drop).to_zarr(self.tmp, region={"sample": slice(a, b)}, zarr_format=2)

    def finish(self) -> Path:
        """Put the finished store in place: an old store is renamed aside first and deleted
        only once the new one is in place, so a kill never leaves a half-deleted store."""
        aside = None
        if self.path.exists():
            aside = self.path.parent / f".{self.path.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(self.path, aside)
        os.replace(self.tmp, self.path)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True) if aside.is_dir() else aside.unlink()
        return self.path

    def abort(self) -> None:
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# the ensemble driver
# ---------------------------------------------------------------------------------------------


def _check_keep(keep) -> tuple[str, list[str] | None]:
    """``("all", None)``, ``("summary", None)`` or ``("vars", [names])``."""
    from energysim.core.engine import output_specs

    if keep is None:
        return "all", None
    if isinstance(keep, str):
        if keep.strip() == "summary":
            return "summary", None
        if keep.strip() == "key":  # the engine's light preset
            from energysim.core.engine import KEY_OUTPUTS

            keep = list(KEY_OUTPUTS)
        else:
            keep = [k.strip() for k in keep.split(",") if k.strip()]
    keep = list(dict.fromkeys(keep))
    specs = output_specs()
    unknown = [k for k in keep if k not in specs]
    if unknown or not keep:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(specs), n=1) if unknown else []
        raise ScenarioError(
            f"unknown output variable(s) (expected 'summary' or names from `energysim.core.engine."
            f"output_specs()`, got {unknown or keep!r})", key="keep",
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
    from energysim.execution.blocks import DEFAULT_CHUNK
    from energysim.results import dataset as results
    from energysim.scenario import compile_scenario, load_scenario

    mode, kept = _check_keep(keep)
    if mode == "summary" and zarr is not None:
        raise ScenarioError("a Zarr store holds full results, a summary keeps none (expected "
                            "keep='summary' or zarr=PATH, got both)", key="keep")
    q = _check_quantiles(quantiles)
    bins = int(bins)
    if not 2 <= bins <= MAX_BINS:
        raise ScenarioError(f"invalid bins (expected an integer from 2 to {MAX_BINS}, got "
                            f"{bins})", key="bins")
    scen = load_scenario("baseline" if scenario is None else scenario)
    if from_year is not None:
        from energysim.scenario.hindcast import with_base_year

        scen = with_base_year(scen, from_year)
    if method is None:
        method = "central" if samples == 1 else "mc"
    names = kept if kept is not None else list(_all_output_names())
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
              if dask_wanted else _Ready(compiled))
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
    ex = _executor(dask, scheduler, workers)
    workers_n = ex.workers
    cells = values_per_sample(names) * T
    in_flight = workers_n * _WINDOW
    working = (cells * (bins + 3) * 8 * (in_flight + 1)  # frame counts: totals, jobs in flight
               + in_flight * chunk * cells * _BYTES)  # blocks alive
    try:
        check_memory(0, T, names, max_memory=max_memory, what="streamed summaries",
                     extra=working)
        sink = None
        if zarr is not None:
            sink = _ZarrSink(zarr, compiled.years, n, chunk, attrs)
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
    from energysim.execution import budget

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


def _check_quantiles(quantiles) -> tuple[float, ...]:
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
    from energysim.core import engine
    from energysim.results import dataset as results

    order = [k for k in engine.output_specs() if k in stats]
    names = _stat_names(quantiles)
    ds = results.assemble({k: stats[k] for k in order}, years, len(names), attrs=attrs)
    ds = ds.rename({"sample": "stat"}).assign_coords(stat=np.asarray(names, dtype=str))
    for k in order:
        ds[k].attrs["quantile_max_error"] = float(bounds.get(k, 0.0))
    return ds


# ---------------------------------------------------------------------------------------------
# the `energysim run` options for ensembles
# ---------------------------------------------------------------------------------------------


def add_run_arguments(p) -> None:
    """Add the ensemble options to the ``energysim run`` parser."""
    g = p.add_argument_group("ensembles (docs/ensembles.md)")
    g.add_argument("--keep", default=None, metavar="summary|key|VARS",
                   help="what to keep: 'summary' (streamed, bounded memory), 'key' (the "
                        "indicator outputs) or comma-separated variables kept in full "
                        "(default: all in full)")
    g.add_argument("--max-memory", default=None, metavar="SIZE",
                   help="memory budget for kept outputs, e.g. 4GB (default: half of the "
                        "available memory); larger runs are refused before they start")
    g.add_argument("--format", choices=("nc", "zarr"), default="nc",
                   help="full results as results.nc (default) or results.zarr, written block "
                        "by block as they finish")
    add_scale_out_arguments(g)
    g.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help="samples per block (results do not depend on it)")
    g.add_argument("--quantiles", default=None, metavar="Q1,Q2,…",
                   help="summary quantiles (default 0.05,0.5,0.95)")
    g.add_argument("--exact-quantiles", action="store_true",
                   help="streamed summaries: extra passes until quantiles are exact")
    g.add_argument("--bins", type=int, default=DEFAULT_BINS, metavar="B",
                   help=f"streamed summaries: histogram bins (default {DEFAULT_BINS}; quantile "
                        "error ≤ (max − min)/B)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def add_scale_out_arguments(p) -> None:
    """``--dask``, ``--scheduler``, ``--workers``: where the blocks run (run, sensitivity,
    sweep)."""
    p.add_argument("--dask", action="store_true",
                   help="run the blocks on a local dask cluster (processes)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the blocks on a running dask.distributed scheduler")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="threads (default: the CPU count), or LocalCluster worker processes with "
                        "--dask (default 2)")
    p.add_argument("--yes", action="store_true",
                   help="run even when the time estimate exceeds one hour (docs/robustness.md)")


def check_count(value: int | None, option: str) -> None:
    """A count option (``--workers``, ``--chunk-size``) is unset or ≥ 1 (one-line error)."""
    if value is not None and value < 1:
        raise ScenarioError(f"invalid {option} (expected an integer ≥ 1, got {value})",
                            key=option)


def wants_ensemble(args) -> bool:
    """Whether ``energysim run`` should go through :func:`run_command` (ensembles)."""
    return bool(
        getattr(args, "samples", 1) > 1 or args.keep or args.max_memory or args.format != "nc"
        or args.dask or args.scheduler or args.workers or args.chunk_size or args.quantiles
        or args.exact_quantiles or args.bins != DEFAULT_BINS)


def _parse_quantiles(text: str | None) -> tuple[float, ...]:
    if text is None:
        return DEFAULT_QUANTILES
    try:
        return _check_quantiles([float(x) for x in text.split(",") if x.strip()])
    except ValueError:
        raise ScenarioError(f"invalid --quantiles (expected numbers such as 0.05,0.5,0.95, got "
                            f"{text!r})", key="--quantiles") from None


def run_command(args) -> int:
    """``energysim run`` for ensembles: full, summary-only, Zarr, dask; writes and prints."""
    from energysim.cli.commands.run import (
        _years,
        check_before_run,
        check_run_arguments,
        open_result_set,
        output_folder,
        stamp_run,
    )
    from energysim.results import dataset as results
    from energysim.results.outputs import mark_output_dir
    from energysim.scenario import load_scenario

    years = _years(args.years)
    # the indicator table shows p5, p50 and p95: always include them
    q = tuple(sorted(set(_parse_quantiles(args.quantiles)) | set(DEFAULT_QUANTILES)))
    check_count(args.workers, "--workers")
    check_count(args.chunk_size, "--chunk-size")
    check_run_arguments(args)
    check_scheduler(args.scheduler)
    mode, _ = _check_keep(args.keep)
    scen = load_scenario(args.scenario)
    check_before_run(scen, args, years)
    out, identity = output_folder(args, scen)  # issue 14: another run's folder refused
    show = False if args.quiet else None
    with open_result_set(out, need_bytes=_set_bytes(args, scen, mode)) as rs:
        zarr_path = rs.path("results.zarr") if args.format == "zarr" else None
        start = time.perf_counter()
        ds = run(scen, samples=args.samples, seed=args.seed, method=args.method,
                 end_year=args.end_year, keep=args.keep, chunk_size=args.chunk_size,
                 workers=args.workers, dask=args.dask, scheduler=args.scheduler,
                 max_memory=args.max_memory, quantiles=q, exact_quantiles=args.exact_quantiles,
                 bins=args.bins, zarr=zarr_path, progress=show,
                 from_year=getattr(args, "from_year", None), yes=getattr(args, "yes", False))
        elapsed = time.perf_counter() - start
        is_summary = "stat" in ds.dims
        summ = ds if is_summary else results.summary(ds, q)
        table = results.format_indicators(summ if is_summary else ds, years)
        stamp_run(ds, rs)
        summ.attrs["run_id"] = rs.run_id
        if zarr_path is not None:
            summ.attrs["results_store"] = str(out / "results.zarr")
            _stamp_zarr(zarr_path, rs.run_id)
        if is_summary and zarr_path is None:
            results.write_netcdf(summ, rs.path("summary.nc"))
        elif not is_summary:
            results.write_netcdf(ds, rs.path("results.nc"))
        results.write_summary_csv(summ, rs.path("summary.csv"), q)
        results.write_summary_xlsx(summ, rs.path("summary.xlsx"), q)
    mark_output_dir(out, identity)
    written = rs.published
    n = int(ds.attrs["n_samples"])
    where = ("dask " + (args.scheduler or "LocalCluster")) if (args.dask or args.scheduler) \
        else "local"
    mode_text = {"all": "all outputs kept", "vars": f"kept {args.keep}",
                 "summary": "summary only"}[mode]
    print(f"{ds.attrs['scenario']}: {n} sample{'s' if n > 1 else ''}, "
          f"{int(ds['year'][0])}–{int(ds['year'][-1])}, seed {ds.attrs['seed']}, "
          f"{ds.attrs['method']}; {mode_text}; {where}; {elapsed:.2f} s")
    if is_summary and "quantile_method" in summ.attrs:
        print(f"quantiles: {summ.attrs['quantile_method']}; error bound "
              f"{summ.attrs['quantile_error_bound']}")
    print(table)
    from energysim.cli.commands.run import _print_money  # issue 16: investment and costs

    _print_money(ds)
    print("wrote " + ", ".join(str(p) for p in written))
    sys.stdout.flush()
    return 0


_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://(?:[^\s/:\[\]]+|\[[0-9a-fA-F:.]+\])"
                        r"(:\d{1,5})?/?$")


def check_scheduler(address: str | None) -> None:
    """A ``--scheduler`` address is ``tcp://host:port`` (one-line error before anything runs)."""
    if address is None:
        return
    m = _SCHEDULER.match(address)
    port_ok = m is None or m.group(2) is None or 0 < int(m.group(2)[1:]) < 65536
    if m is None or not port_ok:
        raise ScenarioError(f"invalid --scheduler (expected an address such as "
                            f"tcp://host:8786, got {address!r})", key="--scheduler")


def _set_bytes(args, scen, mode: str) -> int:
    """Rough size of the files a run writes [bytes] (for the free-space check)."""
    from energysim.execution import budget

    T = budget.n_years(scen, args.end_year)
    if isinstance(args.samples, int) and args.samples >= 1 and mode != "summary":
        names = _check_keep(args.keep)[1] or list(_all_output_names())
        return estimate_bytes(args.samples, T, names)
    return estimate_bytes(len(DEFAULT_QUANTILES) + 4, T, list(_all_output_names())) * 3


def _stamp_zarr(path, run_id: str) -> None:
    """Add the run id to a finished Zarr store's attributes (consolidated metadata too)."""
    import zarr

    group = zarr.open_group(str(path), mode="r+")
    group.attrs["run_id"] = run_id
    zarr.consolidate_metadata(str(path))


def _scenario_name(scenario: str) -> str:
    from energysim.scenario import load_scenario

    return load_scenario(scenario).name
