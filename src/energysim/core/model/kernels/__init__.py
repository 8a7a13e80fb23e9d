"""Compiled kernels of the sector models, for ensembles (numba).

A kernel computes exactly what its numpy function computes — the same floating-point
operations in the same order, so that results are equal bit for bit — but in one pass over the
samples per step instead of one numpy call per operation, without holding the GIL (two worker
threads then run their blocks side by side). docs/performance.md has the measurements.

The numpy function stays the definition and the path of single runs: a deterministic run (one
sample) never imports numba, so ``energysim run`` and ``energysim validate`` start as fast as
before. :func:`use_compiled` decides per call; set the environment variable
``ENERGYSIM_COMPILED=0`` to run the numpy code everywhere (the tests compare both).
"""

from __future__ import annotations

import os

__all__ = ["MIN_SAMPLES", "use_compiled", "available"]


#: Smallest number of samples a call must have to use a kernel (a single run stays numpy).
MIN_SAMPLES = 2

_AVAILABLE: bool | None = None


def available() -> bool:
    """Whether numba imports here (checked once) and ``ENERGYSIM_COMPILED`` is not ``0``."""
    global _AVAILABLE
    if os.environ.get("ENERGYSIM_COMPILED", "1") == "0":
        return False
    if _AVAILABLE is None:
        try:
            import numba  # noqa: F401  # lazy: only ensembles pay for the import
        except ImportError:  # numba is a dependency; a broken install falls back to numpy
            _AVAILABLE = False
        else:
            _AVAILABLE = True
    return _AVAILABLE


def use_compiled(n_samples: int) -> bool:
    """Whether a call over ``n_samples`` samples runs its compiled kernel."""
    return n_samples >= MIN_SAMPLES and available()
