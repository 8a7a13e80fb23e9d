"""Forked worker processes (streamed summaries): the numbers of threads, errors that surface."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from energysim.execution import ensemble, processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers run on Linux only")

N = 600


@pytest.fixture
def forking(monkeypatch):
    """Fork even for small test ensembles, and count the forked runs."""
    monkeypatch.setattr(processes, "MIN_SAMPLES", 0)
    monkeypatch.delenv("ENERGYSIM_PROCESSES", raising=False)
    calls = []
    real = processes.run_forked

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(processes, "run_forked", counting)
    return calls


def test_forked_streamed_summary_equals_threaded(forking, monkeypatch):
    monkeypatch.setattr(ensemble, "PILOT_SAMPLES", 200)
    kw = dict(samples=N, seed=5, keep="summary", stream=True, chunk_size=60, progress=False,
              workers=2)
    forked = ensemble.run("baseline", **kw)
    assert forking, "the summary did not run on forked workers"
    monkeypatch.setenv("ENERGYSIM_PROCESSES", "0")
    threaded = ensemble.run("baseline", **kw)
    assert set(forked.data_vars) == set(threaded.data_vars)
    differ = [k for k in forked.data_vars
              if not np.array_equal(forked[k].values, threaded[k].values, equal_nan=True)]
    assert differ == []
    assert forked.attrs["summary_method"] == threaded.attrs["summary_method"]


def _fail_on_three(task, report):
    if task == 3:
        raise ValueError("task three is bad")
    report(1)
    return task * 10


def test_an_exception_in_a_worker_is_raised_in_the_parent():
    seen = []
    with pytest.raises(ValueError, match="task three is bad"):
        for i, result in processes.run_forked(_fail_on_three, range(8), 2, seen.append):
            assert result == i * 10
    assert set(seen) <= {1}


def test_results_and_progress_come_back_for_every_task():
    progress = []
    got = dict(processes.run_forked(_fail_on_three, [0, 1, 2, 4, 5], 2, progress.append))
    assert got == {0: 0, 1: 10, 2: 20, 3: 40, 4: 50}
    assert progress == [1] * 5


def _die(task, report):
    os._exit(3)


def test_a_dead_worker_is_an_error_not_a_hang():
    with pytest.raises(processes.WorkerDied, match="exit code 3"):
        list(processes.run_forked(_die, range(4), 2))


def test_an_exception_that_cannot_be_pickled_keeps_its_text():
    class Local(Exception):  # defined in a function: cannot be pickled
        pass

    def work(task, report):
        raise Local("only here")

    with pytest.raises(RuntimeError, match="Local in an ensemble worker: only here"):
        list(processes.run_forked(work, range(2), 2))


def test_processes_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("ENERGYSIM_PROCESSES", "0")
    assert not processes.available()
    monkeypatch.setenv("ENERGYSIM_PROCESSES", "1")
    assert processes.available()


def test_a_worker_does_not_fork_again():
    def nested(task, report):
        return processes.available()

    assert dict(processes.run_forked(nested, range(2), 2)) == {0: False, 1: False}


def test_jobs_returning_arrays_stay_on_threads(forking):
    """Kept outputs come back from threads (copying them from processes cost more)."""
    ds = ensemble.run("baseline", samples=N, seed=3, chunk_size=100, workers=2, progress=False)
    assert forking == []
    assert ds["co2_total"].shape[0] == N


def test_the_parent_frees_its_memory_before_forking(forking, monkeypatch):
    """Workers must not inherit the parent's free heap (copy-on-write faults, memory counted
    twice): the allocator is trimmed before the fork."""
    from energysim.execution import blocks

    trims = []
    monkeypatch.setattr(processes, "release_free_memory", lambda: trims.append(1))
    assert dict(processes.run_forked(_fail_on_three, [0, 1], 2)) == {0: 0, 1: 10}
    assert trims == [1]
    blocks.release_free_memory()  # and the real one runs here without error
