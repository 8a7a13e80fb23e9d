"""Resource estimates made before anything is drawn or allocated: run, sweep, sensitivity.

Every command that simulates many samples first estimates, from its arguments alone (the
number of model runs, years, parameters and kept outputs — nothing is drawn, compiled or
allocated yet):

* **memory** [bytes]: the kept output arrays, the sampling design (LHS and Sobol' designs and
  every Saltelli/Morris design are drawn whole, ``runs × parameters × 8 B``; Monte Carlo is
  drawn block by block) and the parameter arrays of a sweep's grid points. More than the
  memory budget (``--max-memory``, default half of the available memory) is refused with one
  line (:class:`~energysim.errors.MemoryBudgetError`).
* **time** [s]: ``runs × years / THROUGHPUT``. More than :data:`TIME_LIMIT` (one hour) is refused
  with one line unless ``--yes`` is given (``yes=True`` in the API).
* **count**: more than :data:`MAX_RUNS` model runs (2**40) is refused even with ``--yes``: the
  sample index would no longer be exact in float64 coordinates, and it would take years.

docs/robustness.md lists the limits and the measurements behind :data:`THROUGHPUT`.
"""

from __future__ import annotations

from energysim.errors import MemoryBudgetError, ScenarioError
from energysim.execution.memory import memory_budget
from energysim.text.numbers import format_size

#: Model sample-years simulated per second on the reference machine (2 cores; 1,000,000
#: samples × 39 years in ≈ 12 s in summary mode gives ≈ 3.2e6; a third less for margin).
THROUGHPUT = 2.0e6
#: Longest estimated run accepted without ``--yes`` [s].
TIME_LIMIT = 3600.0
#: Most model runs accepted at all (samples × grid points, or N·(d+2) for Sobol').
MAX_RUNS = 2**40
#: Most grid points of a sweep.
MAX_SWEEP_POINTS = 100_000

_BYTES = 8


class ResourceError(MemoryBudgetError):
    """A run refused before it starts: too long (without ``--yes``), too large or too many."""


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.3g} days"


def estimate_seconds(runs: int, n_years: int) -> float:
    """Estimated wall time of ``runs`` model runs over ``n_years`` years [s]."""
    return float(runs) * float(n_years) / THROUGHPUT


def check_runs(runs: int, n_years: int, *, yes: bool = False, what: str = "model runs",
               option: str = "--samples") -> float:
    """Refuse too many runs, or (without ``yes``) runs estimated to take over an hour.

    Returns
    -------
    float
        The time estimate [s].

    Raises
    ------
    ResourceError
    """
    if runs > MAX_RUNS:
        raise ResourceError(f"too many {what} (expected at most 2**40, got {runs})", key=option)
    seconds = estimate_seconds(runs, n_years)
    if seconds > TIME_LIMIT and not yes:
        raise ResourceError(
            f"{runs} {what} × {n_years} years would take about {_duration(seconds)} (expected "
            f"at most {_duration(TIME_LIMIT)} without --yes, at ~{THROUGHPUT:.2g} sample-years/s)",
            key=option, hint="fewer samples, or add --yes to run it anyway")
    return seconds


def check_design(runs: int, n_params: int, *, max_memory=None, what: str = "sampling design",
                 extra: int = 0) -> int:
    """Refuse a design of ``runs × n_params`` float64 (plus ``extra`` bytes) over the budget."""
    need = int(runs) * int(n_params) * _BYTES + int(extra)
    budget, origin = memory_budget(max_memory)
    if need > budget:
        raise ResourceError(
            f"{what} needs about {format_size(need)} ({runs} runs × {n_params} parameters × "
            f"8 B), more than the memory budget (expected at most {format_size(budget)}, "
            f"{origin})", key="--samples", hint="fewer samples, Monte Carlo (--method mc, "
            "drawn block by block), or raise --max-memory")
    return need


def n_years(scenario, end_year: int | None) -> int:
    """Simulated years of a loaded scenario with an optional ``end_year`` override."""
    last = scenario.end_year if end_year is None else end_year
    if isinstance(last, bool) or not isinstance(last, int):
        raise ScenarioError(f"invalid end year (expected an integer, got {last!r})",
                            key="end_year")
    return max(1, last - scenario.base_year + 1)
