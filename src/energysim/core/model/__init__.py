"""Sector models: one module per sector, each a set of pure numpy functions.

Every sector module declares

* ``PARAMS`` : list of :class:`energysim.core.param.Param`, the parameters it reads (paths start
  with the sector's prefix, e.g. ``"hydrogen."``);
* ``OUTPUTS`` : list of :class:`Output`, the result variables it produces;

and functions of (state, parameters, year index) returning new state and flows as arrays of shape
``(n_samples,)`` or ``(n_samples, k)``; deterministic inputs broadcast from shape ``(1,)``.
The engine (:mod:`energysim.core.engine`) wires the sectors in a fixed, documented order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Output:
    """One result variable.

    Attributes
    ----------
    name : str
        Variable name in the results Dataset (snake_case, suffixes per docs/glossary.md).
    unit : str
        Canonical unit (pint expression), stored as the ``units`` attribute.
    en, zh : str
        ``long_name`` and ``long_name_zh``.
    dims : tuple of str
        Dimensions besides ``sample`` and ``year`` (e.g. ``("product",)``), usually empty.
    sector : str
        The sector module that produces it.
    """

    name: str
    unit: str
    en: str
    zh: str
    dims: tuple[str, ...] = ()
    sector: str = ""


def time_major(a: np.ndarray) -> np.ndarray:
    """A parameter ``(n|1, n_years)`` as ``(n_years, n|1)`` with contiguous rows.

    A view when the transpose has contiguous rows already (the engine hands the sectors
    transposes of its year-major arrays, and a parameter drawn once per sample keeps its zero
    stride along the years: one row's memory for all years); otherwise a contiguous copy.
    Callers never write into the result.
    """
    t = np.asarray(a, dtype=np.float64).T
    if t.ndim == 2 and (t.shape[1] == 1 or t.strides[1] == t.itemsize):
        return t
    return np.ascontiguousarray(t)


def same_every_year(a: np.ndarray) -> bool:
    """Whether a parameter ``(n|1, n_years)`` has the same value in every year: drawn once per
    sample (a zero stride along the years), a single year, or a constant deterministic path."""
    if a.ndim != 2:
        return False
    if a.shape[1] == 1 or a.strides[1] == 0:
        return True
    return a.shape[0] == 1 and bool(np.all(a == a[:, :1]))
