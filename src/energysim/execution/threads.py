"""Blocks of samples on this machine's cores: threads, and forked processes for summaries.

* :func:`simulate_blocks` — the engine run block by block into full-size outputs on a thread
  pool: every block writes its columns of preallocated ``(n_years, [k,] n_samples)`` arrays in
  place;
* :class:`LocalExecutor` — jobs (:class:`~energysim.execution.blocks.Job`): those returning no
  arrays (the passes of streamed summaries) on forked worker processes
  (:mod:`~energysim.execution.processes`), the others on threads, at most :data:`WINDOW` per
  worker in flight.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import numpy as np

from energysim.core import engine
from energysim.core.params import Params
from energysim.execution import processes
from energysim.execution.blocks import DEFAULT_CHUNK, Job, run_job, tune_allocator
from energysim.execution.blocks import blocks as sample_blocks

__all__ = ["simulate_blocks", "LocalExecutor", "WINDOW"]


def simulate_blocks(
    get_params: Callable[[int, int], Params],
    n_samples: int,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    keep: Iterable[str] | None = None,
    workers: int | None = None,
) -> dict[str, np.ndarray]:
    """Simulate ``n_samples`` in blocks and gather full-size outputs.

    Parameters
    ----------
    get_params : callable (start, stop) -> Params
        Parameters of samples ``start … stop − 1`` (e.g. ``CompiledScenario.params``).
    n_samples : int
    chunk_size : int
        Samples per block.
    keep : iterable of str, optional
        Outputs to keep (default all).
    workers : int, optional
        Threads running blocks (default: the CPU count, at most the number of blocks).

    Returns
    -------
    dict of str to ndarray
        As :func:`simulate`, for all samples: ``(n_samples | 1, n_years[, k])``. An output
        that every block returns at sample size 1 with the same values is the same for every
        sample and stays at size 1; otherwise it gets a full-size array.
    """
    keep_set = None if keep is None else set(keep)
    blocks = sample_blocks(n_samples, chunk_size)
    if n_samples >= 2048:  # a large single block allocates (4, n) buffers: same reason
        tune_allocator()
    if len(blocks) == 1:
        got = engine.simulate_year_major(get_params(0, n_samples), keep_set)
        return {k: engine.to_sample_first(v) for k, v in got.items()}
    tune_allocator()
    # A probe of two samples tells which outputs differ between samples; their full-size
    # buffers exist before any block runs, so every block (the first one too) runs in the
    # pool and writes its columns in place: the first touch of the output memory is shared
    # by the threads instead of falling on one block.
    probe = engine.simulate_year_major(get_params(0, 2), keep_set)
    full: dict[str, np.ndarray] = {}  # outputs that differ between samples: (..., n_samples)
    shared: dict[str, np.ndarray] = {}  # outputs equal for every sample so far: (..., 1)
    for name, arr in probe.items():
        if arr.shape[-1] == 1:
            shared[name] = arr
        else:
            full[name] = np.empty(arr.shape[:-1] + (n_samples,))
    lock = threading.Lock()

    def one(block: tuple[int, int]) -> None:
        a, b = block
        with lock:
            out = {k: v[..., a:b] for k, v in full.items()}
        got = engine.simulate_year_major(get_params(a, b), keep_set, out)
        with lock:  # outputs that came back without a buffer: shared so far
            for name, arr in got.items():
                if name in out:
                    continue
                if name in full:
                    full[name][..., a:b] = arr
                elif arr.shape[-1] == 1 and np.array_equal(arr, shared[name]):
                    continue
                else:  # sample size 1 in other blocks: a full array from now on
                    buf = _widen(full, name, shared.pop(name), n_samples)
                    buf[..., a:b] = arr

    n_workers = min(workers or os.cpu_count() or 1, len(blocks))
    if n_workers > 1:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            list(pool.map(one, blocks))
    else:
        for block in blocks:
            one(block)
    merged = {**shared, **full}
    return {k: engine.to_sample_first(merged[k]) for k in probe if k in merged}


def _widen(full: dict[str, np.ndarray], name: str, arr: np.ndarray, n: int) -> np.ndarray:
    """A full-size buffer ``(..., n)`` for ``name``; filled with ``arr`` if that is shared
    (sample size 1), else left for the blocks to write (no needless first touch)."""
    buf = np.empty(arr.shape[:-1] + (n,))
    if arr.shape[-1] == 1:
        buf[...] = arr
    full[name] = buf
    return buf


#: Jobs in flight per worker (bounds the memory of results waiting to be merged).
WINDOW = 2


class LocalExecutor:
    """Jobs on this machine: array-less jobs on forked worker processes, others on threads.

    Jobs that return no sample arrays (the passes of streamed summaries) run on
    :func:`~energysim.execution.processes.run_forked` when two or more workers run jobs of
    :data:`~energysim.execution.processes.MIN_SAMPLES` samples in all on Linux: the model's
    year loop works on rows of one block, so two threads hand the GIL over at nearly every
    operation and run little faster than one (docs/performance.md); processes share no GIL,
    and only the jobs' reductions travel back. Jobs returning arrays stay on threads (the
    arrays would have to be copied back). Every way gives the same numbers.
    """

    reports_blocks = True

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        tune_allocator()  # before the pool's threads exist: they share the main heap

    def map(self, jobs: Sequence[Job], on_block=None) -> Iterator[tuple[int, dict]]:
        if self.workers == 1 or len(jobs) == 1:
            for i, job in enumerate(jobs):
                yield i, run_job(job, on_block)
            return
        if (not any(job.arrays for job in jobs) and processes.available()
                and sum(job.n for job in jobs) >= processes.MIN_SAMPLES):
            yield from processes.run_forked(lambda i, report: run_job(jobs[i], report),
                                            range(len(jobs)), self.workers, on_block)
            return
        window = self.workers * WINDOW
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
