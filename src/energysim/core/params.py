"""Compiled parameters: what the engine receives from the scenario compiler.

The contract between ``scenario`` (load, resolve, sample) and ``engine``/``model``:

* ``Params.values[path]`` is a float64 ndarray of shape ``(n, n_years)`` where ``n`` is either
  ``n_samples`` (uncertain parameter) or 1 (deterministic; broadcasts). Its memory layout is
  free: the compiler returns uncertain paths Fortran-ordered (year-major, the engine's layout,
  used without a copy); C-ordered arrays are transposed by the engine;
* values are in the catalogue's canonical unit for ``path``;
* ``years`` are the simulated calendar years (``base_year … end_year``), int64;
* every catalogue path is present (defaults filled in by the compiler).

:func:`interpolate` evaluates a series given at some years on the simulated years (the
scenario compiler and :func:`energysim.core.engine.default_params` both build paths with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Params(Mapping):
    """Parameter arrays for one block of samples.

    Attributes
    ----------
    years : ndarray of int64, shape (n_years,)
        Calendar years simulated.
    n_samples : int
        Number of samples in this block.
    values : mapping of str to ndarray, shape (n_samples | 1, n_years)
        Canonical-unit values by dotted parameter path.
    """

    years: np.ndarray
    n_samples: int
    values: Mapping[str, np.ndarray]

    def __getitem__(self, path: str) -> np.ndarray:
        return self.values[path]

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def at(self, path: str, t: int) -> np.ndarray:
        """Column ``t`` of ``path``: shape (n_samples | 1,)."""
        return self.values[path][:, t]

    def take(self, index: np.ndarray | slice) -> Params:
        """The parameters of a subset of samples (deterministic ones are shared)."""
        picked = {
            k: (v if v.shape[0] == 1 else np.ascontiguousarray(v[index]))
            for k, v in self.values.items()
        }
        n = len(np.arange(self.n_samples)[index])
        return Params(years=self.years, n_samples=n, values=picked)


def interpolate(
    known_years, known_values, years: np.ndarray, interpolation: str = "linear"
) -> np.ndarray:
    """Evaluate a series on ``years``, held flat outside the known years.

    Parameters
    ----------
    known_years : sequence of int, shape (k,)
        Strictly increasing years with given values.
    known_values : sequence of float, shape (k,)
        Values at ``known_years``.
    years : ndarray of int, shape (n_years,)
        Years to evaluate.
    interpolation : {"linear", "step"}
        ``"step"``: the value of the latest known year ≤ year.

    Returns
    -------
    ndarray of float64, shape (n_years,)
    """
    xp = np.asarray(known_years, dtype=np.float64)
    fp = np.asarray(known_values, dtype=np.float64)
    x = np.asarray(years, dtype=np.float64)
    if interpolation == "linear":
        return np.interp(x, xp, fp)
    if interpolation == "step":
        idx = np.searchsorted(xp, x, side="right") - 1
        return fp[np.clip(idx, 0, len(fp) - 1)]
    raise ValueError(f"unknown interpolation {interpolation!r}")
