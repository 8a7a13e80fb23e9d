"""Shared fixtures of the benchmarks and the table of figures printed at the end of the session.

Run from the repository root (see README, "Performance")::

    pytest benchmarks/ --benchmark-only

Each benchmark records its figures (median time, throughput, peak memory, the budget it is
held to) with :func:`record`; :func:`pytest_terminal_summary` prints them as one table after
pytest-benchmark's own, together with the machine, so that a run of the command is the whole
report. Budgets are reported (``ok`` / ``OVER``), not asserted: timings on a shared 2-core VM are
noisy, and a benchmark must not fail a build (``tests/test_performance_guard.py`` is the CI
guard, with ratios). Correctness is asserted: every benchmark checks its result.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

#: name → dict(figure=…, budget=…, ok=…, note=…), in the order recorded.
FIGURES: dict[str, dict] = {}


def record(name: str, figure: str, budget: str = "", ok: bool | None = None, note: str = ""):
    """Add a row to the figures table."""
    FIGURES[name] = {"figure": figure, "budget": budget, "ok": ok, "note": note}


def median(benchmark) -> float:
    """Median time of a finished benchmark [s]."""
    return float(benchmark.stats.stats.median)


def machine() -> str:
    """CPU model and count, e.g. ``AMD EPYC, 2 cores``."""
    model = platform.processor() or platform.machine()
    try:
        for line in subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=True
        ).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def energysim_command() -> list[str]:
    """How to start the ``energysim`` command as a user would (the installed console script).

    The script beside the interpreter is used, not a shim found on PATH (pyenv's shim adds
    ~0.1 s of bash before Python starts); without one, ``python -c`` runs the same entry point.
    """
    script = Path(sys.executable).with_name("energysim")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from energysim.cli import main; sys.exit(main())"]


def peak_rss() -> int:
    """Peak resident memory of this process so far [bytes].

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this process's own address
    space. ``getrusage(...).ru_maxrss`` (and so ``RUSAGE_CHILDREN`` or ``/usr/bin/time``) would
    also count the parent's pages at the fork before ``exec`` (the kernel carries the maximum
    across exec), i.e. report the benchmark session's size instead of the child's.
    Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


class GroupPeak:
    """Peak memory of this process and its forked workers together [bytes], sampled.

    Streamed summaries run on forked worker processes (``energysim.execution.processes``), so
    the high-water mark of one process no longer tells the memory a run needs. A thread sums the
    proportional set size (``Pss`` of ``/proc/PID/smaps_rollup``: shared pages divided among
    the processes mapping them, so nothing is counted twice) of this process and its
    children every ``interval`` seconds and keeps the maximum. Linux only; elsewhere it reports
    :func:`peak_rss`.
    """

    def __init__(self, interval: float = 0.1) -> None:
        import threading

        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def now() -> int:
        pids = [os.getpid()]
        try:
            with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
        except OSError:
            return peak_rss()
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            except OSError:  # a worker that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(self.interval)

    def __enter__(self) -> GroupPeak:
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def run_child(code: str, timeout: float = 600) -> dict:
    """Run Python ``code`` in a fresh interpreter; it prints one JSON line, returned parsed.

    The child imports this module (``benchmarks/`` is on its path) and measures its own peak
    memory with :func:`peak_rss`.
    """
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, PYTHONPATH=path)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def baseline_1():
    """The bundled baseline compiled for one deterministic run."""
    from energysim.scenario import compile_scenario

    return compile_scenario("baseline")


@pytest.fixture(scope="session")
def baseline_100k():
    """The bundled baseline compiled for 100,000 samples (its sampled parameters)."""
    from energysim.scenario import compile_scenario

    return compile_scenario("baseline", samples=100_000)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES:
        return
    tr = terminalreporter
    tr.section("energysim performance figures")
    tr.write_line(f"machine: {machine()}")
    width = max(len(n) for n in FIGURES) + 2
    fig_w = max(len(r["figure"]) for r in FIGURES.values()) + 2
    bud_w = max(len(r["budget"]) for r in FIGURES.values()) + 2
    tr.write_line(f"{'benchmark':<{width}}{'figure':<{fig_w}}{'budget':<{bud_w}}status  note")
    for name, r in FIGURES.items():
        status = "" if r["ok"] is None else ("ok" if r["ok"] else "OVER")
        tr.write_line(
            f"{name:<{width}}{r['figure']:<{fig_w}}{r['budget']:<{bud_w}}{status:<8}{r['note']}"
        )
    out = os.environ.get("ENERGYSIM_BENCH_JSON")
    if out:
        Path(out).write_text(json.dumps({"machine": machine(), "figures": FIGURES}, indent=1))
