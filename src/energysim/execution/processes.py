"""Tasks on forked worker processes: how streamed summaries use both cores of a small machine.

numpy releases the GIL inside its loops, but the model's year loop works on rows of one
block (6,144–8,192 values: a few µs per operation), so two threads hand the GIL over at nearly
every operation. On the 2-core reference VM a hand-over (waking the other thread) costs about
as much as the operation: two threads ran the model little faster than one (measured, and a
10-line demonstration, in docs/performance.md). Forked processes do not share a GIL.

* :func:`available` — whether this platform and run may fork workers;
* :func:`run_forked` — run tasks in ``workers`` forked processes and yield their results.
  The workers are forked when the call starts, so they inherit everything the parent holds
  at that moment (the compiled scenario, the jobs): a task itself is a small picklable item,
  and only results (a job's reductions) travel back, pickled through a pipe.

A worker that raises sends the exception to the parent, which raises it (the workers are
then stopped); a worker that dies (killed, out of memory) raises :class:`WorkerDied`.
Results never depend on which worker ran a task (every sample's draws depend on the seed and
its index only): forked runs equal threaded and serial runs bit for bit (tested).
Jobs that return whole sample arrays stay on threads: copying them back (anonymous shared
memory has no huge pages on the reference VM, so every 4 kB page faults) cost more than the
second core gave (measured and reverted, docs/performance.md).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from energysim.execution.blocks import release_free_memory

__all__ = ["available", "run_forked", "WorkerDied", "MIN_SAMPLES"]


#: Smallest ensemble run on forked workers (smaller ones: a fork, ~10–30 ms, is not worth it).
MIN_SAMPLES = 16_384

#: Tasks in flight per worker: the next one is queued while a result travels back.
WINDOW = 2

_IN_WORKER = False


class WorkerDied(RuntimeError):
    """A worker process ended without answering (killed by a signal, out of memory)."""


def available() -> bool:
    """Whether blocks may run on forked processes here.

    Linux only (``fork`` is the safe, cheap start method there; macOS and Windows use
    threads), never inside a worker itself, and not when the environment variable
    ``ENERGYSIM_PROCESSES`` is ``0``.
    """
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and not _IN_WORKER
            and os.environ.get("ENERGYSIM_PROCESSES", "1") != "0")


def run_forked(
    work: Callable[[Any, Callable[[int], None]], Any],
    tasks: Iterable[Any],
    workers: int,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``work(task, report)`` for every task on ``workers`` forked processes.

    Parameters
    ----------
    work : callable (task, report) -> result
        Runs in a worker; inherited by the fork, never pickled. ``report(n)`` forwards a
        progress count to ``on_progress`` in the parent.
    tasks : iterable
        Small picklable items (sample ranges, job indices).
    workers : int
        Processes to fork (≥ 1).
    on_progress : callable (int), optional

    Yields
    ------
    (int, object)
        The task's position in ``tasks`` and its result, in completion order.

    Raises
    ------
    Exception
        The first exception a task raised, re-raised in the parent.
    WorkerDied
        If a worker ended without an answer.
    """
    import multiprocessing as mp  # lazy: only forked runs need it
    from multiprocessing.connection import wait  # lazy: with multiprocessing

    todo = list(tasks)
    release_free_memory()  # workers start with fresh pages, not copies of the parent's free ones
    ctx = mp.get_context("fork")
    conns, procs = [], []
    try:
        for _ in range(max(1, min(int(workers), len(todo)))):
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child_end, work), daemon=True)
            proc.start()
            child_end.close()
            conns.append(parent_end)
            procs.append(proc)
        queue = iter(enumerate(todo))
        in_flight = {c: 0 for c in conns}
        for c in conns:
            for i, task in _take(queue, WINDOW):
                c.send((i, task))
                in_flight[c] += 1
        while any(in_flight.values()):
            for c in wait([c for c, k in in_flight.items() if k]):
                try:
                    kind, i, payload = c.recv()
                except (EOFError, OSError):  # the worker's end closed: it is gone
                    proc = procs[conns.index(c)]
                    proc.join(1.0)
                    raise WorkerDied(f"an ensemble worker process ended without answering "
                                     f"(exit code {proc.exitcode})") from None
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(payload)
                    continue
                if kind == "error":
                    raise payload
                in_flight[c] -= 1
                for j, task in _take(queue, 1):
                    c.send((j, task))
                    in_flight[c] += 1
                yield i, payload
    finally:
        for c in conns:
            try:
                c.send(None)
            except OSError:
                pass
        for proc in procs:
            proc.join(5.0)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for c in conns:
            c.close()


def _take(it: Iterator, k: int) -> list:
    out = []
    for item in it:
        out.append(item)
        if len(out) == k:
            break
    return out


def _serve(conn, work: Callable[[Any, Callable[[int], None]], Any]) -> None:
    """A worker's loop: answer tasks until the parent sends ``None`` or goes away."""
    global _IN_WORKER
    _IN_WORKER = True
    try:
        while (msg := conn.recv()) is not None:
            i, task = msg
            try:
                result = work(task, lambda n, i=i: conn.send(("progress", i, n)))
            except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                conn.send(("error", i, _portable(exc)))
                return
            conn.send(("done", i, result))
    except (EOFError, OSError, KeyboardInterrupt):  # the parent stopped or was interrupted
        pass


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError carrying its text and traceback."""
    import pickle  # lazy: only on errors

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"{type(exc).__name__} in an ensemble worker: {exc}\n{text}")
