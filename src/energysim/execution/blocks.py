"""Sample blocks and jobs: how an ensemble is cut, described and run, wherever it runs.

* :func:`blocks` — the ``[a, b)`` ranges of ``size`` samples (a lone last sample merged into
  the previous block, so results never depend on the block size); :data:`DEFAULT_CHUNK`;
* :class:`Job` — some consecutive blocks and what to compute from them; it carries the
  scenario's recipe (:class:`ScenarioSource`: scenario, design), never parameter arrays, so a
  dask worker compiles the scenario once (:func:`cached`) and simulates its blocks;
* :func:`run_job` — simulate a job's blocks and reduce them (:mod:`energysim.execution.summaries`),
  in a thread or on a dask worker; :func:`drive` feeds jobs to an executor
  (:mod:`~energysim.execution.threads`, :mod:`~energysim.execution.cluster`);
* :func:`tune_allocator` — keep freed memory for the next block (glibc), and small pages on
  virtual machines that hand free memory back to their host (:func:`prefer_small_pages`).
"""

from __future__ import annotations

import math
import os
import sys
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from energysim.core import engine
from energysim.execution.summaries import (
    DEFAULT_BINS,
    Frame,
    cells_of,
    collect_in,
    histogram,
    min_max,
    reduce_block,
    rows_of,
    ulp_histogram,
)
from energysim.scenario import compile_scenario

__all__ = ["DEFAULT_CHUNK", "blocks", "tune_allocator", "prefer_small_pages", "held_free_memory",
           "free_page_reporting", "ScenarioSource", "Ready", "cached",
           "Job", "run_job", "jobs_for", "blocks_per_job", "drive", "group_blocks"]


#: Samples per block (rows of 8k float64 = 64 KiB stay in the L2 cache). A block's parameters,
#: stock histories and precomputed sector arrays take ~35 kB per sample, so 8,192 keeps the
#: blocks in flight of a 100,000-sample run within the 1.5× memory budget (16,384: ~2×) at
#: the same throughput (docs/performance.md).
DEFAULT_CHUNK = 8192


def blocks(n: int, size: int) -> list[tuple[int, int]]:
    """Sample blocks ``[a, b)`` of ``size`` samples, none of a single sample when ``n ≥ 2``.

    A block of one sample would compute its reductions over short category axes (products,
    water users) in a different floating-point order than a block of several, so a lone last
    sample is merged into the previous block: results then never depend on the chunk size.
    """
    size = max(2, int(size)) if n >= 2 else 1
    out = [(a, min(a + size, n)) for a in range(0, n, size)]
    if len(out) > 1 and out[-1][1] - out[-1][0] == 1:
        out[-2:] = [(out[-2][0], n)]
    return out


_ALLOCATOR_TUNED = False


def tune_allocator() -> bool:
    """Keep freed memory of the C allocator for reuse instead of returning it to the system.

    A block of samples allocates and frees many temporaries of 0.1–50 MB. glibc's default
    allocator serves those above 128 KB with ``mmap`` and trims its heap when more than a few
    MB are free, so every block pays the page faults of touching fresh memory again (on the
    2-core reference machine a fault costs ~1 µs per 4 KB page: more than the arithmetic).
    This sets ``M_MMAP_THRESHOLD`` to 32 MiB (and trimming off, below) once per process
    (glibc only; ensembles of 2,048 samples or more: the dispatch's ``(4, n)`` buffers of one
    large block pay the same page faults, ~10× its arithmetic). Memory stays bounded by the peak in
    use. It also sets ``M_ARENA_MAX`` to 1: the worker threads then share the main heap, so what one
    block frees the next block reuses, whichever thread runs it (each thread's own arena would
    grow its own heaps, and glibc unmaps a thread heap's free top, however large the trim
    threshold). On the reference VM a page touched for the first time costs a fault in the guest
    and often one in the host: measured with ``/tmp``-style A/B runs of 100,000 samples, this
    halves the page faults (213k → 97k) and the system time (docs/performance.md). The lock
    of one arena is taken a few hundred times per block: negligible against the arithmetic.

    The kept outputs of a run are larger than 32 MiB each (``(n_years, [k,] n)`` arrays), so
    glibc would still serve them with ``mmap`` and unmap them when they are freed: the next run
    in the process (a sweep, a sensitivity analysis, the what-if page, a notebook) touched fresh
    memory again, 1–2 s of system time per 100,000-sample run. So ``M_MMAP_MAX`` is set to 0
    (every allocation from the heap; glibc still falls back to ``mmap`` if the heap cannot
    grow) and trimming is turned off (``M_TRIM_THRESHOLD`` −1): memory a run frees stays with
    the process for the next one, up to the largest amount it ever used at once.
    :func:`release_free_memory` hands it back (done before forking workers), and
    :func:`energysim.execution.memory.available_memory` counts it as available.
    Set the environment variable ``ENERGYSIM_TUNE_MALLOC=0`` to leave the allocator alone.

    Returns
    -------
    bool
        Whether the settings were applied (now or earlier).
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return True
    prefer_small_pages()
    libc = None if os.environ.get("ENERGYSIM_TUNE_MALLOC", "1") == "0" else _glibc()
    if libc is None:
        return False
    m_trim_threshold, m_mmap_threshold, m_mmap_max, m_arena_max = -1, -3, -4, -8  # <malloc.h>
    ok = libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024) == 1
    ok = ok and libc.mallopt(m_mmap_max, 0) == 1
    ok = ok and libc.mallopt(m_trim_threshold, -1) == 1  # never trim (man 3 mallopt)
    ok = ok and libc.mallopt(m_arena_max, 1) == 1
    _ALLOCATOR_TUNED = ok
    return ok


def prefer_small_pages() -> bool:
    """Turn numpy's transparent-huge-page advice off on a VM with free page reporting.

    numpy advises the kernel to back arrays of 4 MB and more with 2 MB huge pages. On a virtual
    machine whose balloon device reports free memory to the host (virtio-balloon
    ``VIRTIO_BALLOON_F_REPORTING``), free 2 MB blocks are exactly what gets reported and
    unmapped by the host, so the first touch of a huge page costs a fault in the host: measured
    on the 2-core reference VM, 4.5–6 s of system time per GB touched for the first time
    against 0.4 s with 4 KB pages. A 100,000-sample ensemble run (the CLI, 1 GB kept) took
    9.7 s instead of 5.0 s; a forked summary worker paid ~2 s at its start
    (docs/performance.md). Memory already touched by the process is faster with huge pages
    (fewer TLB misses, ~10% on repeated in-process runs), but an ensemble mostly touches fresh
    memory. Elsewhere (bare metal, VMs without reporting) nothing changes. ``ENERGYSIM_HUGEPAGES=1``
    keeps numpy's advice, ``=0`` turns it off everywhere; numpy's own
    ``NUMPY_MADVISE_HUGEPAGE``, when set, is respected.

    Returns
    -------
    bool
        Whether numpy's advice is off now.
    """
    global _SMALL_PAGES
    if _SMALL_PAGES is None:
        setter = getattr(getattr(np, "_core", None), "multiarray", None)
        setter = getattr(setter, "_set_madvise_hugepage", None)  # numpy ≥ 2.0, private
        choice = os.environ.get("ENERGYSIM_HUGEPAGES")
        if setter is None or "NUMPY_MADVISE_HUGEPAGE" in os.environ:
            _SMALL_PAGES = False
        else:
            _SMALL_PAGES = choice == "0" if choice in ("0", "1") else free_page_reporting()
            if _SMALL_PAGES:
                setter(False)
    return _SMALL_PAGES


_SMALL_PAGES: bool | None = None


def free_page_reporting(root: str = "/sys/bus/virtio/devices") -> bool:
    """Whether a virtio balloon device with free page reporting is present (Linux sysfs:
    device id 5, feature bit 5 ``VIRTIO_BALLOON_F_REPORTING``)."""
    try:
        names = os.listdir(root)
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(root, name, "device")) as fh:
                device = fh.read().strip()
            with open(os.path.join(root, name, "features")) as fh:
                features = fh.read().strip()
        except OSError:
            continue
        if device == "0x0005" and len(features) > 5 and features[5] == "1":
            return True
    return False


def release_free_memory() -> None:
    """Return the C allocator's free memory to the system (glibc ``malloc_trim``).

    Called before forking workers: the memory a block freed (kept for reuse, see
    :func:`tune_allocator`) would otherwise be inherited by every worker, which would pay a
    copy-on-write fault for each page it reuses, and count it again in its own memory.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def held_free_memory() -> int:
    """Bytes the C allocator holds free for this process (glibc ``mallinfo2().fordblks``; 0
    elsewhere): memory a finished run freed and :func:`tune_allocator` keeps for the next one.
    Available to this process's next allocations, though the system counts it as used."""
    libc = _glibc()
    mallinfo2 = getattr(libc, "mallinfo2", None)  # glibc ≥ 2.33
    if mallinfo2 is None:
        return 0
    import ctypes  # lazy: glibc only

    class _Mallinfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    mallinfo2.restype = _Mallinfo2
    return int(mallinfo2().fordblks)


def _glibc():
    """The C library if it is glibc (with ``mallopt`` and ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # lazy: glibc only

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - AttributeError where they are missing
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


def group_blocks(items: Sequence, per: int) -> list[tuple]:
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
class Ready:
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
        the ``bins + 3`` bins of its frame (:func:`frame_bin`) and those equal to its ends
        (:func:`reduce_block`), summed over the job's blocks.
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
    tune_allocator()  # blocks reuse the memory of the previous ones (no fresh page faults)
    compiled = job.source.get()
    names = None if job.names is None else list(job.names)
    out: dict[str, Any] = {"moments": {}, "frame": {}, "ties": {}, "hist": {}, "collect": {},
                           "ulps": {}, "arrays": {}, "shapes": {}}
    parts: dict[str, list[np.ndarray]] = {}
    count_dtype = np.int32 if job.n < 2**31 else np.int64
    for a, b in job.blocks:
        m = b - a
        res = engine.simulate(compiled.params(a, b), keep=names)
        if not out["shapes"]:
            out["shapes"] = {k: v.shape[1:] for k, v in res.items()}
        if job.moments:
            out["moments"][a] = mom = {}
            for v, arr in res.items():
                x = cells_of(arr, m)
                if job.frame is None:
                    mom[v] = reduce_block(x, m)
                    continue
                if v not in out["frame"]:  # a job's counts fit in int32: half the memory
                    out["frame"][v] = np.zeros((x.shape[0], job.bins + 3), dtype=count_dtype)
                    out["ties"][v] = np.zeros((x.shape[0], 2), dtype=np.int64)
                mom[v] = reduce_block(x, m, job.frame[v], job.bins, out["frame"][v],
                                       out["ties"][v])
        for v, (cells, lo, hi) in (job.hist or {}).items():
            x = rows_of(cells_of(res[v], m), cells, m)
            counts, vmin, vmax = histogram(x, lo, hi, job.bins)
            if v in out["hist"]:
                counts += out["hist"][v][0]
                vmin, vmax = min_max(out["hist"][v][1:], (vmin, vmax))
            out["hist"][v] = (counts, vmin, vmax)
        for v, (cells, lo, hi) in (job.collect or {}).items():
            x = rows_of(cells_of(res[v], m), cells, m)
            out["collect"].setdefault(v, []).append(collect_in(x, lo, hi))
        for v, (cells, lo, hi) in (job.ulps or {}).items():
            counts = ulp_histogram(rows_of(cells_of(res[v], m), cells, m), lo, hi)
            if v in out["ulps"]:
                counts += out["ulps"][v]
            out["ulps"][v] = counts
        for v in job.arrays:  # views of the engine's buffers: copied once, when merged
            parts.setdefault(v, []).append(res[v])
        del res
        if on_block is not None:
            on_block(m)
    for v, lst in out["collect"].items():
        out["collect"][v] = (np.concatenate([r for r, _ in lst]),
                             np.concatenate([x for _, x in lst]))
    sizes = [b - a for a, b in job.blocks]
    for v, lst in parts.items():
        if len(lst) == 1 and lst[0].shape[0] == sizes[0]:
            out["arrays"][v] = lst[0]  # one block: its values as they are
        elif all(p.shape[0] == 1 for p in lst) and all(np.array_equal(p, lst[0]) for p in lst):
            out["arrays"][v] = lst[0]  # the same for every sample of the job
        else:
            out["arrays"][v] = np.concatenate(
                [np.broadcast_to(p, (s,) + p.shape[1:]) for p, s in zip(lst, sizes, strict=True)])
    return out


def drive(executor, jobs: Sequence[Job], handle: Callable[[int, dict], None], bar) -> None:
    on_block = bar.update if executor.reports_blocks else None
    for i, result in executor.map(jobs, on_block):
        if not executor.reports_blocks:
            bar.update(jobs[i].n)
        handle(i, result)


def jobs_for(source, n: int, chunk: int, *, per_job: int, **kw) -> list[Job]:
    return [Job(source=source, blocks=g, **kw) for g in group_blocks(blocks(n, chunk), per_job)]


def blocks_per_job(executor, n_blocks: int, chunk: int, arrays: bool) -> int:
    """Blocks per job: one when a local job returns arrays (each block's go straight to their
    destination); otherwise about four jobs per worker, so that per-job reductions (frame
    histograms) are merged a few times rather than once per block."""
    if executor.reports_blocks and arrays:
        return 1
    per = max(1, math.ceil(n_blocks / (4 * executor.workers)))
    if arrays:  # results travel back to the client: keep them moderate
        per = min(per, max(1, 65536 // max(chunk, 1)))
    return per
