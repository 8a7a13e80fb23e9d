"""Deterministic value forms of a scenario parameter and their evaluation on years.

Three forms, all in the parameter's canonical unit:

* :class:`Const` — one value for every year;
* :class:`Series` — values at given years, interpolated ``"linear"`` (default) or ``"step"``
  (each value holds until the next given year) and held flat before the first and after the
  last given year;
* :class:`Growth` — a start value in the base year that grows by a rate per year; the rate is a
  step series (``{2023: 7%, 2026: 5%}``: 7 %/yr from 2023, 5 %/yr from 2026, the first rate
  before its year). ``value[base] = start``, ``value[y] = value[y-1] * (1 + rate[y])`` for
  ``y > base``; years before the base year hold ``start``.

Each form evaluates to a float64 array of shape ``(n_years,)`` with :func:`evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from energysim.core.params import interpolate

__all__ = ["Const", "Series", "Growth", "INTERPOLATIONS", "interpolate", "grow"]

INTERPOLATIONS = ("linear", "step")


@dataclass(frozen=True)
class Const:
    """A value that does not change with time.

    Attributes
    ----------
    value : float
        In the parameter's canonical unit.
    """

    value: float

    def evaluate(self, years: np.ndarray, base_year: int) -> np.ndarray:
        """Shape ``(n_years,)``."""
        return np.full(len(years), self.value, dtype=np.float64)


@dataclass(frozen=True)
class Series:
    """Values given at some years, interpolated between them.

    Attributes
    ----------
    years : tuple of int
        Strictly increasing calendar years.
    values : tuple of float
        Values at ``years`` in the canonical unit.
    interpolation : {"linear", "step"}
    lines : tuple of int
        Source line of each point (for messages); empty when unknown.
    """

    years: tuple[int, ...]
    values: tuple[float, ...]
    interpolation: str = "linear"
    lines: tuple[int, ...] = ()

    def evaluate(self, years: np.ndarray, base_year: int) -> np.ndarray:
        """Shape ``(n_years,)``."""
        return interpolate(self.years, self.values, years, self.interpolation)


@dataclass(frozen=True)
class Growth:
    """A start value in the base year growing by a (step-wise) yearly rate.

    Attributes
    ----------
    start : float
        Value in the base year, canonical unit.
    years : tuple of int
        Years from which each rate applies (strictly increasing); empty for one constant
        rate.
    rates : tuple of float
        Growth rates [1/yr] (0.07 is 7 % per year).
    lines : tuple of int
        Source line of each rate.
    """

    start: float
    years: tuple[int, ...]
    rates: tuple[float, ...]
    lines: tuple[int, ...] = ()

    def evaluate(self, years: np.ndarray, base_year: int) -> np.ndarray:
        """Shape ``(n_years,)``."""
        return grow(self.start, self.years or (base_year,), self.rates, years, base_year)


def grow(start: float, rate_years, rates, years: np.ndarray, base_year: int) -> np.ndarray:
    """A path growing from ``start`` in ``base_year`` by step-wise yearly rates.

    Parameters
    ----------
    start : float
        Value in ``base_year``.
    rate_years, rates : sequences, shape (k,)
        Rate [1/yr] applying from each year on (step series, held flat outside).
    years : ndarray of int, shape (n_years,)
        Consecutive years to evaluate.
    base_year : int

    Returns
    -------
    ndarray of float64, shape (n_years,)
    """
    years = np.asarray(years, dtype=np.int64)
    if len(years) == 0:
        return np.empty(0)
    first, last = int(min(years[0], base_year)), int(max(years[-1], base_year))
    span = np.arange(first, last + 1)
    rate = interpolate(rate_years, rates, span, "step")
    factor = np.where(span > base_year, 1.0 + rate, 1.0)
    path = start * np.cumprod(factor)
    return path[years - first]
