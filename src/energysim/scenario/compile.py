"""Compile a resolved scenario into parameter arrays for the engine.

``compile_scenario(scenario, samples=N, seed=s, method=…)`` returns a
:class:`CompiledScenario`; ``compiled.params(start, stop)`` gives the
:class:`~energysim.core.params.Params` of samples ``[start, stop)``:

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

from energysim.core.params import Params
from energysim.errors import ScenarioError
from energysim.scenario.loader import correlation_matrix, load_scenario
from energysim.scenario.projects import (
    FLOW_FRACTIONS,
    STOCK_FRACTIONS,
    load_register,
    project_arrays,
)
from energysim.scenario.spec import FrozenDict, Leaf, Scenario, default_leaf
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
        Uncertain parameter paths, the first columns of :attr:`design` (catalogue order).
    projects : tuple of Project
        The register's projects the scenario includes (:mod:`energysim.scenario.projects`).
    timed : tuple of str
        Ids of the projects whose commissioning year is sampled (``projects.<id>`` columns of
        the design after the parameters; see :attr:`inputs`).
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
    projects: tuple = ()
    timed: tuple[str, ...] = ()

    @property
    def n_years(self) -> int:
        return len(self.years)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every column of the design: :attr:`uncertain` paths, then ``projects.<id>`` of
        :attr:`timed` (each project's delay, a discrete draw from its verb's prior)."""
        return self.uncertain + tuple(f"projects.{i}" for i in self.timed)

    @property
    def design(self) -> np.ndarray:
        """Independent uniforms of the whole ensemble (before the copula).

        Returns
        -------
        ndarray of float64, shape (n_samples, n_inputs)
            One column per :attr:`inputs`. Read-only. For Monte Carlo it is generated on each
            access (use :meth:`params` by block for large ensembles).
        """
        if self._design is not None:
            return self._design
        u = mc_design(self.seed, self.inputs, 0, self.n_samples)
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
        u = None
        if self.method == "central":
            for leaf in self._leaves:
                values[leaf.path] = _central_leaf(leaf, self._fixed[leaf.path], self.scenario)
        elif self.inputs:
            u = (
                self._design[start:stop]
                if self._design is not None
                else mc_design(self.seed, self.inputs, start, stop)
            )
            self._fill_leaves(values, u, correlate=True)
        self._add_projects(values, u)
        return Params(years=self.years, n_samples=stop - start, values=FrozenDict(values))

    def _fill_leaves(self, values: dict, u: np.ndarray, *, correlate: bool) -> None:
        k = len(self.uncertain)
        if not k:
            return
        uu = u[:, :k]
        if correlate and self._chol is not None:
            uu = apply_copula(np.ascontiguousarray(uu), self._chol)
        for j, leaf in enumerate(self._leaves):
            values[leaf.path] = _sample_leaf(
                leaf, np.ascontiguousarray(uu[:, j]), self._fixed[leaf.path], self.scenario
            )

    def delays(self, u: np.ndarray | None) -> np.ndarray:
        """Delays of :attr:`projects` [yr] (``NEVER`` = −1), shape ``(rows, n_projects)``.

        ``u`` (design rows, or ``None`` for the central run) gives the sampled columns of
        :attr:`timed`; the other projects take their prior's mode (``timing: planned``: 0).
        """
        reg = load_register()
        planned = self.scenario.project_timing == "planned"
        rows = 1 if u is None else len(u)
        out = np.empty((rows, len(self.projects)), dtype=np.int64)
        col = {pid: len(self.uncertain) + j for j, pid in enumerate(self.timed)}
        for j, p in enumerate(self.projects):
            prior = reg.priors[p.verb]
            if u is not None and p.id in col:
                out[:, j] = prior.ppf(u[:, col[p.id]])
            else:
                out[:, j] = 0 if planned else prior.mode
        if u is not None and not self.timed and rows > 1:
            out = out[:1]
        return out

    def _add_projects(self, values: dict, u: np.ndarray | None) -> None:
        """Add the included projects to their parameters (and set the first-year fractions)."""
        if not self.projects:
            return

        paths = {p.parameter for p in self.projects}
        fpaths = {FLOW_FRACTIONS.get(x) or STOCK_FRACTIONS.get(x) for x in paths} - {None}
        fractions = {f: values[f] for f in fpaths if f in values}
        new = project_arrays(self.projects, self.delays(u), {x: values[x] for x in paths},
                             fractions, self.n_years, self.scenario.base_year)
        for path, arr in new.items():
            arr.setflags(write=False)
            values[path] = arr

    def params_from_unit(self, u: np.ndarray, *, correlate: bool = True) -> Params:
        """Parameter arrays for given design rows in the unit hypercube.

        The hook for designs made elsewhere (SALib's Saltelli/Sobol or Morris samples in
        :mod:`energysim.analysis.sensitivity`): each row goes through the same transforms as a
        compiled ensemble (optional Gaussian copula, inverse CDFs truncated to the bounds,
        multipliers on the deterministic path).

        Parameters
        ----------
        u : ndarray, shape (n_rows, n_inputs)
            Points in [0, 1], one column per entry of :attr:`inputs` (in that order).
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
        if u.ndim != 2 or u.shape[1] != len(self.inputs):
            raise ValueError(f"design of shape {u.shape} does not have one column per uncertain "
                             f"input ({len(self.inputs)})")
        values = dict(self._fixed)
        self._fill_leaves(values, u, correlate=correlate)
        self._add_projects(values, u)
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
        # the same draw every year: a read-only view with a zero stride along the years (the
        # engine reads it year-major without a copy; 1/n_years of the memory of a full array)
        x = leaf.dist.ppf(u)
        return np.broadcast_to(x[None, :], (n_years, len(u))).T
    m = leaf.multiplier.ppf(u)
    flat = bool(np.all(base == base[:, :1]))  # a constant path: one row serves every year
    out = base[0, 0] * m if flat else base.T * m
    lo, hi = scenario.catalogue[leaf.path].bounds
    if lo is not None or hi is not None:
        np.clip(out, lo if lo is not None else -np.inf, hi if hi is not None else np.inf, out=out)
    if flat:  # as a distribution on the value: zero stride along the years, the same values
        return np.broadcast_to(out[None, :], (n_years, len(u))).T
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
    if (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
            or not 0 <= seed < 2**64):  # stored as a 64-bit attribute in the results
        raise ScenarioError(f"invalid seed (expected an integer from 0 to 2**64 - 1, got "
                            f"{seed!r})", key="seed")
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
    projects, timed = _projects_of(s)
    n_inputs = len(uncertain) + len(timed)
    design = None
    if n_inputs and method == "lhs":
        design = lhs_design(seed, samples, n_inputs)
    elif n_inputs and method == "sobol":
        design = sobol_design(seed, samples, n_inputs)
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
        projects=projects,
        timed=timed,
        _leaves=leaves,
        _design=design,
        _chol=chol,
    )


def _projects_of(s: Scenario) -> tuple[tuple, tuple[str, ...]]:
    """The scenario's projects (register order) and the ids whose timing is sampled."""
    if not s.projects:
        return (), ()

    reg = load_register()
    projects = tuple(reg.projects[i] for i in s.projects)
    for p in projects:
        if p.parameter not in s.catalogue:
            raise ScenarioError(
                f"project parameter not in the catalogue (expected a catalogue path, got "
                f"{p.parameter!r} for project {p.id!r})",
                file=s.file,
                key="projects",
            )
    timed = ()
    if s.project_timing == "uncertain":
        timed = tuple(p.id for p in projects if not reg.priors[p.verb].degenerate)
    return projects, timed


def _fixed_arrays(s: Scenario, years: np.ndarray) -> dict[str, Any]:
    """Deterministic ``(1, n_years)`` read-only arrays for every catalogue path.

    Uncertain leaves get their deterministic base (the path a multiplier scales); for a
    distribution on the value, a placeholder of NaN that :meth:`CompiledScenario.params`
    always replaces.
    """
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
