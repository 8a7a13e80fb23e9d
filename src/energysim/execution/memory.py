"""The memory budget: runs whose kept outputs would not fit are refused before they start.

* :func:`memory_budget` — ``--max-memory`` or half of the available memory [bytes];
* :func:`estimate_bytes` / :func:`values_per_sample` — the size of the kept output arrays;
* :func:`check_memory` — one line (:class:`~energysim.errors.MemoryBudgetError`) with the
  estimate, the budget and what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from energysim.core import engine
from energysim.errors import MemoryBudgetError, ScenarioError
from energysim.text.numbers import format_size

__all__ = [
    "BYTES_PER_VALUE",
    "parse_size",
    "available_memory",
    "memory_budget",
    "values_per_sample",
    "estimate_bytes",
    "check_memory",
]


BYTES_PER_VALUE = 8  # float64


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


def available_memory() -> int:
    """Memory available to new allocations [bytes]: the system's, plus what this process's
    allocator holds free from earlier runs (:func:`energysim.execution.blocks.held_free_memory`).

    Returns
    -------
    int
        ``MemAvailable`` (or psutil's ``available``; 4 GiB when neither can be read) plus the
        allocator's free bytes.
    """
    # lazy: blocks imports the scenario compiler, which the budget's callers may not need yet
    from energysim.execution.blocks import held_free_memory

    return _system_available() + held_free_memory()


def _system_available() -> int:
    """``MemAvailable`` (or psutil's ``available``) [bytes]; 4 GiB when neither can be read."""
    try:
        import psutil  # lazy: optional dependency (distributed brings it)

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
    return int(n_samples) * int(n_years) * values_per_sample(names) * BYTES_PER_VALUE


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
    need = int(n_samples) * int(n_years) * per * BYTES_PER_VALUE + int(extra)
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
