"""Compile a resolved scenario into parameter arrays for the engine.

``compile_scenario(scenario, samples=N, seed=s, method=…)`` returns a
:class:`CompiledScenario`; ``compiled.params(start, stop)`` gives the
:class:`~energysim.params.Params` of samples ``[start, stop)``:

* every catalogue path is present, in its canonical unit (defaults filled in);
* deterministic parameters are read-only arrays of shape ``(1, n_years)`` shared by all
  blocks (they broadcast); uncertain ones have shape ``(stop - start, n_years)``;
* blocks are slices of one ensemble: ``params(0, N)`` equals the concatenation of
  ``params(a, b)`` over any partition of ``[0, N)``, bit for bit.

Sampling (see :mod:`energysim.scenario.uncertainty`): a design ``u`` of shape
``(n_samples, n_uncertain)`` in the unit hypercube (Monte Carlo, Latin hypercube or scrambled
Sobol), an optional Gaussian copula for ``correlations``, then each column through the inverse
CDF of its distribution, truncated to the catalogue bounds. A distribution on a parameter gives
a value constant over the years; a ``multiplier`` scales the whole deterministic path, which is
then clipped to the catalogue bounds.

Nothing here imports scipy unless something is uncertain: a deterministic scenario compiles in
about a millisecond.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from energysim.errors import ScenarioError
from energysim.params import Params
from energysim.scenario.loader import correlation_matrix, load_scenario
from energysim.scenario.spec import FrozenDict, Leaf, Scenario
from energysim.scenario.uncertainty import (
    DEFAULT_SEED,
    METHODS,
    apply_copula,
    central_value,
    cholesky_or_none,
    lhs_design,
    mc_design,
    sobol_design,
)

__all__ = ["CompiledScenario", "compile_scenario"]


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario ready to run: years, sampling design and parameter arrays by block.

    Attributes
    ----------
    scenario : Scenario
        The resolved scenario it was compiled from.
    years : ndarray of int64, shape (n_years,)
        ``base_year … end_year``.
    n_samples : int
    seed : int
        The seed actually used (``seed=None`` becomes :data:`DEFAULT_SEED`).
    method : {"mc", "lhs", "sobol", "central"}
    uncertain : tuple of str
        Uncertain parameter paths, in the column order of :attr:`design` (catalogue order).
    """

    scenario: Scenario
    years: np.ndarray
    n_samples: int
    seed: int
    method: str
    uncertain: tuple[str, ...]
    _fixed: Mapping[str, np.ndarray] = field(repr=False)
    _leaves: tuple[Leaf, ...] = field(repr=False)
    _design: np.ndarray | None = field(repr=False)
    _chol: np.ndarray | None = field(repr=False)

    @property
    def n_years(self) -> int:
        return len(self.years)

    @property
    def design(self) -> np.ndarray:
        """Independent uniforms of the whole ensemble (before the copula).

        Returns
        -------
        ndarray of float64, shape (n_samples, n_uncertain)
            Read-only. For Monte Carlo it is generated on each access (use :meth:`params`
            by block for large ensembles).
        """
        if self._design is not None:
            return self._design
        u = mc_design(self.seed, self.uncertain, 0, self.n_samples)
        u.setflags(write=False)
        return u

    def params(self, start: int = 0, stop: int | None = None) -> Params:
        """Parameter arrays of samples ``[start, stop)``.

        Parameters
        ----------
        start, stop : int
            Sample range, ``0 ≤ start ≤ stop ≤ n_samples``; ``stop=None`` is ``n_samples``.

        Returns
        -------
        Params
            ``values[path]`` has shape ``(stop - start, n_years)`` for uncertain paths and
            ``(1, n_years)`` (read-only, shared) for the others; canonical units.
        """
        stop = self.n_samples if stop is None else stop
        if not (
            isinstance(start, numbers.Integral)
            and isinstance(stop, numbers.Integral)
            and 0 <= start <= stop <= self.n_samples
        ):
            raise ValueError(f"sample range [{start}, {stop}) is not within [0, {self.n_samples}]")
        start, stop = int(start), int(stop)
        values = dict(self._fixed)
        if self.method == "central":
            for leaf in self._leaves:
                values[leaf.path] = _central_leaf(leaf, self._fixed[leaf.path], self.scenario)
        elif self.uncertain:
            u = (
                self._design[start:stop]
                if self._design is not None
                else mc_design(self.seed, self.uncertain, start, stop)
            )
            if self._chol is not None:
                u = apply_copula(u, self._chol)
            for j, leaf in enumerate(self._leaves):
                values[leaf.path] = _sample_leaf(
                    leaf, np.ascontiguousarray(u[:, j]), self._fixed[leaf.path], self.scenario
                )
        return Params(years=self.years, n_samples=stop - start, values=FrozenDict(values))

    def params_from_unit(self, u: np.ndarray, *, correlate: bool = True) -> Params:
        """Parameter arrays for given design rows in the unit hypercube.

        The hook for designs made elsewhere (SALib's Saltelli/Sobol or Morris samples in
        :mod:`energysim.sensitivity`): each row goes through the same transforms as a compiled
        ensemble (optional Gaussian copula, inverse CDFs truncated to the bounds, multipliers
        on the deterministic path).

        Parameters
        ----------
        u : ndarray, shape (n_rows, n_uncertain)
            Points in [0, 1], one column per path of :attr:`uncertain` (in that order).
        correlate : bool
            Apply the scenario's correlations (Gaussian copula). Variance-based sensitivity
            indices assume independent inputs: pass ``False`` for them.

        Returns
        -------
        Params
            ``n_samples = n_rows``; uncertain paths ``(n_rows, n_years)``, others shared
            ``(1, n_years)``.
        """
        u = np.asarray(u, dtype=np.float64)
        if u.ndim != 2 or u.shape[1] != len(self.uncertain):
            raise ValueError(f"design of shape {u.shape} does not have one column per uncertain "
                             f"parameter ({len(self.uncertain)})")
        values = dict(self._fixed)
        if self.uncertain:
            if correlate and self._chol is not None:
                u = apply_copula(u, self._chol)
            for j, leaf in enumerate(self._leaves):
                values[leaf.path] = _sample_leaf(
                    leaf, np.ascontiguousarray(u[:, j]), self._fixed[leaf.path], self.scenario
                )
        return Params(years=self.years, n_samples=len(u), values=FrozenDict(values))

    def __repr__(self) -> str:
        return (
            f"CompiledScenario({self.scenario.name!r}, years={int(self.years[0])}–"
            f"{int(self.years[-1])}, n_samples={self.n_samples}, method={self.method!r}, "
            f"seed={self.seed}, uncertain={len(self.uncertain)})"
        )


def _central_leaf(leaf: Leaf, base: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Shape ``(1, n_years)`` read-only central values of an uncertain leaf.

    A distribution on the value: :func:`central_value` (mode of triangular/PERT, else the
    median) for every year; a multiplier: the deterministic path times the multiplier's
    central value, clipped to the catalogue bounds.
    """
    if leaf.dist is not None:
        out = np.full(base.shape, central_value(leaf.dist))
    else:
        out = base * central_value(leaf.multiplier)
        lo, hi = scenario.catalogue[leaf.path].bounds
        if lo is not None or hi is not None:
            np.clip(out, -np.inf if lo is None else lo, np.inf if hi is None else hi, out=out)
    out.setflags(write=False)
    return out


def _sample_leaf(leaf: Leaf, u: np.ndarray, base: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Shape ``(len(u), n_years)`` values of an uncertain leaf for uniforms ``u``."""
    # Built year-major, ``(n_years, len(u))``, and returned as its transpose (a Fortran-ordered
    # ``(len(u), n_years)`` array): the engine works year-major and uses it without a copy.
    n_years = base.shape[1]
    if leaf.dist is not None:
        x = leaf.dist.ppf(u)
        out = np.empty((n_years, len(u)))
        out[:] = x
        return out.T
    m = leaf.multiplier.ppf(u)
    out = base.T * m
    lo, hi = scenario.catalogue[leaf.path].bounds
    if lo is not None or hi is not None:
        np.clip(out, lo if lo is not None else -np.inf, hi if hi is not None else np.inf, out=out)
    return out.T


def compile_scenario(
    scenario: Scenario | str | os.PathLike,
    *,
    samples: int = 1,
    seed: int | None = None,
    method: str = "mc",
    end_year: int | None = None,
    catalogue: Mapping | None = None,
) -> CompiledScenario:
    """Compile a scenario into an ensemble of parameter arrays.

    Parameters
    ----------
    scenario : Scenario, str or PathLike
        A resolved scenario, or a file / bundled name to load.
    samples : int
        Ensemble size ``n_samples`` (≥ 1). A scenario with nothing uncertain still has
        ``samples`` identical members.
    seed : int, optional
        Non-negative seed of all randomness; ``None`` means :data:`DEFAULT_SEED` (0), so runs
        are reproducible unless a seed is chosen.
    method : {"mc", "lhs", "sobol", "central"}
        Monte Carlo, Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`), scrambled
        Sobol' (:class:`scipy.stats.qmc.Sobol`; use a power of two for balance), or
        ``"central"``: one deterministic run with every uncertain parameter at its central
        value (the mode of a triangular/PERT distribution, else the median; multipliers at
        their central value), i.e. the scenario "as written". Requires ``samples=1``.
    end_year : int, optional
        Simulate to this year instead of the scenario's ``end_year`` (series are held flat
        past their last year).
    catalogue : mapping, optional
        Catalogue used when ``scenario`` is a path.

    Returns
    -------
    CompiledScenario

    Raises
    ------
    ScenarioError
        For an invalid scenario or argument (``samples``, ``seed``, ``method``, ``end_year``).
    """
    s = load_scenario(scenario, catalogue=catalogue)
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) or samples < 1:
        raise ScenarioError(
            f"invalid sample count (expected an integer ≥ 1, got {samples!r})", key="samples"
        )
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ScenarioError(f"invalid seed (expected an integer ≥ 0, got {seed!r})", key="seed")
    if method not in METHODS:
        raise ScenarioError(
            f"unknown sampling method (expected one of {', '.join(METHODS)}, got {method!r})",
            key="method",
        )
    if method == "central" and samples != 1:
        raise ScenarioError(
            f"the central run is a single run (expected samples=1, got {samples!r})",
            key="samples",
        )
    last = s.end_year if end_year is None else end_year
    if (
        isinstance(last, bool)
        or not isinstance(last, numbers.Integral)
        or not (s.base_year <= last <= s.base_year + 200)
    ):
        raise ScenarioError(
            f"invalid end year (expected {s.base_year} ≤ end_year ≤ "
            f"{s.base_year + 200}, got {last!r})",
            key="end_year",
        )
    samples, seed = int(samples), int(seed)
    years = np.arange(s.base_year, int(last) + 1, dtype=np.int64)
    years.setflags(write=False)
    fixed = _fixed_arrays(s, years)
    uncertain = s.uncertain
    leaves = tuple(s.parameters[p] for p in uncertain)
    design = None
    if uncertain and method == "lhs":
        design = lhs_design(seed, samples, len(uncertain))
    elif uncertain and method == "sobol":
        design = sobol_design(seed, samples, len(uncertain))
    if design is not None:
        design.setflags(write=False)
    corr = correlation_matrix(s)
    chol = None if corr is None else cholesky_or_none(corr)
    return CompiledScenario(
        scenario=s,
        years=years,
        n_samples=samples,
        seed=seed,
        method=method,
        uncertain=uncertain,
        _fixed=FrozenDict(fixed),
        _leaves=leaves,
        _design=design,
        _chol=chol,
    )


def _fixed_arrays(s: Scenario, years: np.ndarray) -> dict[str, Any]:
    """Deterministic ``(1, n_years)`` read-only arrays for every catalogue path.

    Uncertain leaves get their deterministic base (the path a multiplier scales); for a
    distribution on the value, a placeholder of NaN that :meth:`CompiledScenario.params`
    always replaces.
    """
    from energysim.scenario.loader import default_leaf

    out = {}
    for path, param in s.catalogue.items():
        leaf = s.parameters.get(path)
        if leaf is None:
            leaf = default_leaf(param)
        if leaf.base is None:
            arr = np.full((1, len(years)), np.nan)
        else:
            arr = leaf.base.evaluate(years, s.base_year).reshape(1, -1)
            arr = np.ascontiguousarray(arr, dtype=np.float64)
        arr.setflags(write=False)
        out[path] = arr
    return out
