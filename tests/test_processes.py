"""Forked worker processes: the same numbers as threads and serial runs, errors that surface."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from energysim.execution import ensemble, pipeline, processes, threads
from energysim.results import dataset as results
from energysim.scenario import compile_scenario

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


def test_forked_blocks_equal_serial_blocks_bit_for_bit(forking):
    compiled = compile_scenario("baseline", samples=N, seed=11)
    serial = threads.simulate_blocks(compiled.params, N, chunk_size=97, workers=1)
    assert forking == []
    forked = threads.simulate_blocks(compiled.params, N, chunk_size=97, workers=2)
    assert forking == [1]
    assert set(forked) == set(serial)
    differ = [k for k in serial if not np.array_equal(serial[k], forked[k], equal_nan=True)]
    assert differ == []
    # the arrays are ordinary writable numpy arrays of the parent
    co2 = forked["co2_total"]
    assert co2.shape == (N, compiled.n_years) and co2.flags.writeable
    co2[0, 0] = -1.0
    assert forked["co2_total"][0, 0] == -1.0


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


def test_forked_run_equals_a_single_block_run(forking):
    ds = pipeline.run("baseline", samples=N, seed=3, chunk_size=100, workers=2)
    assert forking
    one = pipeline.run("baseline", samples=N, seed=3, chunk_size=N)
    assert all(np.array_equal(ds[k].values, one[k].values, equal_nan=True)
               for k in one.data_vars)
    assert results.summary(ds)["co2_total"].shape == results.summary(one)["co2_total"].shape


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


def test_shared_arrays_are_seen_by_forked_workers():
    buf = processes.shared_empty((3, 5))

    def fill(task, report):
        buf[task] = task + 0.5
        return None

    list(processes.run_forked(fill, range(3), 2))
    assert np.array_equal(buf, np.repeat([[0.5], [1.5], [2.5]], 5, axis=1))
