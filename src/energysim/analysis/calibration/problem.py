"""The fitting problem: deterministic runs with fitted parameters, compared with data.

A :class:`Problem` compiles its scenario once (from its base year to ``end_year``) and keeps
the *central* parameter arrays: the scenario's deterministic values, and for an uncertain
parameter its central value (:func:`central_value`: the mode of a triangular or PERT
distribution — the value the scenario's author writes as most likely — and the median of the
others; a multiplier's central value times the path).
Evaluating a parameter vector ``x`` then only replaces the fitted rows and runs the engine:

* ``kind: value`` — the row is ``x`` in every year (a scalar override, deterministic even when
  the scenario made it uncertain);
* ``kind: multiplier`` — the row is the central path times ``x``, clipped to the catalogue
  bounds (in an ensemble: each sample's path times ``x``).

Residuals are relative to the observed values and weighted:
``r = sqrt(weight) · (model − observed) / |observed|``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from energysim.analysis.calibration.config import FitParam, ObsSpec
from energysim.analysis.calibration.data import DataFile, Record, read_data, to_unit
from energysim.analysis.calibration.variables import Expr, parse_expr
from energysim.core.engine import simulate
from energysim.core.params import Params
from energysim.errors import DataError
from energysim.execution.threads import simulate_blocks
from energysim.scenario import compile_scenario

__all__ = ["Observation", "Problem", "load_observations", "central_values"]


@dataclass(frozen=True)
class Observation:
    """An observed series in the unit of its result variable.

    Attributes
    ----------
    spec : ObsSpec
    expr : Expr
    records : tuple of Record
        The data rows, sorted by year.
    years : ndarray of int, shape (n,)
    values : ndarray of float, shape (n,)
        In ``expr.unit``, times the spec's ``scale``.
    """

    spec: ObsSpec
    expr: Expr
    records: tuple[Record, ...]
    years: np.ndarray
    values: np.ndarray

    @property
    def name(self) -> str:
        return self.spec.name


def load_observations(specs: Sequence[ObsSpec], config_file: str | None = None,
                      cache: dict | None = None) -> list[Observation]:
    """Read, check and convert the observed series.

    Raises
    ------
    DataError
        Bad data (``file:line: column: …``), a required year missing, a year after 2022 in a
        series that is fitted or monitored, a unit of the wrong dimension, or an observed 0
        in a fitted series (relative residuals need a non-zero value).
    """
    cache = {} if cache is None else cache
    out = []
    for spec in specs:
        key = str(spec.file.resolve())
        df: DataFile | None = cache.get(key)
        if df is None:
            df = cache[key] = read_data(spec.file, display=spec.file_display)
        expr = parse_expr(spec.variable, file=config_file, line=spec.line)
        rows = df.series(spec.indicator, region=spec.region, period=spec.period,
                         years=spec.years, allow_late=spec.role == "validate")
        values = np.array([to_unit(r, expr.unit, variable=spec.variable) for r in rows])
        values *= spec.scale
        if spec.role == "fit":
            for r, v in zip(rows, values, strict=True):
                if v == 0.0:
                    raise DataError(
                        "observed value 0 in a fitted series (expected a non-zero value: "
                        "residuals are relative, got 0)", file=r.file, line=r.line, key="value")
        out.append(Observation(spec=spec, expr=expr, records=tuple(rows),
                               years=np.array([r.year for r in rows], dtype=np.int64),
                               values=values))
    return out


def central_values(compiled) -> dict[str, np.ndarray]:
    """Central ``(1, n_years)`` arrays of every parameter of a compiled scenario.

    The compiler's ``method="central"`` values (modes of triangular/PERT distributions,
    medians of the others; :func:`energysim.scenario.uncertainty.central_value`).
    """
    central = compile_scenario(compiled.scenario, method="central",
                               end_year=int(compiled.years[-1]))
    return dict(central.params().values)


class Problem:
    """Runs of one scenario with fitted parameters, and their residuals.

    Parameters
    ----------
    scenario : Scenario
        Resolved scenario; its ``base_year`` is the first simulated year (use
        :func:`~energysim.scenario.hindcast.with_base_year` to start earlier).
    params : sequence of FitParam
    observations : sequence of Observation
    end_year : int
        Last simulated year.
    fit_years : collection of int, optional
        Only points of these years are fitted (default: every point of a ``fit`` series
        inside the run).
    """

    def __init__(self, scenario, params: Sequence[FitParam],
                 observations: Sequence[Observation], end_year: int, fit_years=None) -> None:
        self.scenario = scenario
        self.fit_params = tuple(params)
        self.observations = tuple(observations)
        self.compiled = compile_scenario(scenario, samples=1, end_year=end_year)
        self.years = np.asarray(self.compiled.years)
        self.central = central_values(self.compiled)
        self.keep = set().union(*(o.expr.needs for o in self.observations))
        first = int(self.years[0])
        cols, fitted = [], []
        for o in self.observations:
            inside = (o.years >= first) & (o.years <= int(self.years[-1]))
            col = np.where(inside, o.years - first, -1)
            cols.append(col)
            is_fit = inside & (o.spec.role == "fit")
            if fit_years is not None:
                is_fit &= np.isin(o.years, np.asarray(list(fit_years), dtype=np.int64))
            fitted.append(is_fit)
            if not o.expr.first_year_defined():
                for r, c in zip(o.records, col, strict=True):
                    if c == 0:
                        raise DataError(
                            f"{o.expr.text} is undefined in the first simulated year "
                            f"(expected a year after {first}, got {r.year}); start the run "
                            f"earlier (hindcast from_year)", file=r.file, line=r.line,
                            key="year")
        self.cols = cols
        self.fitted = fitted
        self.n_residuals = int(sum(f.sum() for f in fitted))
        w = [np.full(int(f.sum()), np.sqrt(o.spec.weight)) for o, f in
             zip(self.observations, fitted, strict=True)]
        self._sqrt_w = np.concatenate(w) if w else np.empty(0)
        self._obs_fit = np.concatenate(
            [o.values[f] for o, f in zip(self.observations, fitted, strict=True)]
        ) if fitted else np.empty(0)

    # -- parameters ---------------------------------------------------------------------
    def _row(self, fp: FitParam, base: np.ndarray, x: float) -> np.ndarray:
        if fp.kind == "value":
            return np.full((1, base.shape[1]), float(x))
        row = base * float(x)
        lo, hi = self.scenario.catalogue[fp.path].bounds
        if lo is not None or hi is not None:
            np.clip(row, -np.inf if lo is None else lo, np.inf if hi is None else hi, out=row)
        return row

    def params(self, x, base: Params | None = None) -> Params:
        """Parameters with the fitted values ``x`` applied.

        Parameters
        ----------
        x : array_like, shape (n_fit,)
            Fitted values (canonical unit, or factors for multipliers).
        base : Params, optional
            Parameters to start from (e.g. one block of an ensemble); default the central
            values.
        """
        if base is None:
            values = dict(self.central)
            n = 1
        else:
            values = dict(base.values)
            n = base.n_samples
        for fp, xi in zip(self.fit_params, np.atleast_1d(x), strict=True):
            values[fp.path] = self._row(fp, values[fp.path], xi)
        return Params(years=self.compiled.years, n_samples=n, values=values)

    def simulate(self, x) -> dict[str, np.ndarray]:
        """One deterministic run at ``x``: the outputs the observations need."""
        return simulate(self.params(x), keep=self.keep)

    def simulate_all(self, x, keep=None) -> dict[str, np.ndarray]:
        """One deterministic run at ``x`` keeping ``keep`` (default all) outputs."""
        return simulate(self.params(x), keep=keep)

    # -- comparison ---------------------------------------------------------------------
    def model_values(self, outputs) -> list[np.ndarray]:
        """Model values at each observation's years, ``(m, n_i)``; nan outside the run."""
        out = []
        for o, col in zip(self.observations, self.cols, strict=True):
            full = o.expr.evaluate(outputs)
            vals = np.full((full.shape[0], len(col)), np.nan)
            ok = col >= 0
            vals[:, ok] = full[:, col[ok]]
            out.append(vals)
        return out

    def relative_errors(self, outputs) -> np.ndarray:
        """Weighted relative residuals of the fitted points, shape (m, n_residuals)."""
        model = self.model_values(outputs)
        parts = [m[:, f] for m, f in zip(model, self.fitted, strict=True)]
        m = max((p.shape[0] for p in parts), default=1)
        parts = [np.broadcast_to(p, (m, p.shape[1])) for p in parts]
        mod = np.concatenate(parts, axis=1) if parts else np.empty((1, 0))
        return self._sqrt_w * (mod - self._obs_fit) / np.abs(self._obs_fit)

    def residuals(self, x) -> np.ndarray:
        """Weighted relative residuals at ``x``, shape (n_residuals,) (least-squares target)."""
        r = self.relative_errors(self.simulate(x))[0]
        return np.where(np.isfinite(r), r, 1e6)

    # -- ensembles ----------------------------------------------------------------------
    def ensemble(self, x, samples: int, *, seed: int, method: str, keep=None):
        """Outputs of an ensemble of the scenario's uncertain parameters, fit applied.

        Returns
        -------
        compiled : CompiledScenario
        outputs : dict of str to ndarray, ``(samples | 1, n_years[, k])``
        """
        compiled = compile_scenario(self.scenario, samples=samples, seed=seed, method=method,
                                    end_year=int(self.years[-1]))
        outputs = simulate_blocks(lambda a, b: self.params(x, compiled.params(a, b)),
                                  samples, keep=self.keep if keep is None else keep)
        return compiled, outputs
