"""``calibrate(config)``: fit, validate, weigh an ensemble, write the files.

Steps (docs/calibration.md):

1. read the configuration and the data (every row checked; years after 2022 refused for
   fitting);
2. load the scenario *without* the calibrated parameter file it may extend (a previous
   calibration never feeds the next one: leaves written by that file fall back to what lies
   below it, the catalogue defaults, since the file extends nothing);
3. main fit: deterministic runs from the scenario's base year, least squares on the fitted
   points; goodness of fit per series on fitted, monitored and validation points;
4. hindcast (``holdout = N``): runs from ``hindcast.from_year``; the last ``N`` years with
   fitted data are held out, the parameters refitted on the others, and the held-out years
   scored out of sample;
5. ensemble (``samples > 0``): the scenario's uncertain parameters sampled with the fit
   applied, each sample weighted by its fit (importance weights and ABC rejection);
6. write the calibrated parameter file (checked by loading it back), the fit report (markdown
   and CSV) and the figures, each to a temporary name renamed when complete.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from energysim.analysis.calibration import report
from energysim.analysis.calibration.config import CalibrationConfig, load_config
from energysim.analysis.calibration.data import LAST_DATA_YEAR
from energysim.analysis.calibration.fit import (
    FitResult,
    SeriesStats,
    Weights,
    fit,
    series_stats,
    weigh_samples,
)
from energysim.analysis.calibration.problem import Problem, load_observations
from energysim.errors import ScenarioError
from energysim.scenario.frozen import FrozenDict
from energysim.scenario.hindcast import with_base_year
from energysim.scenario.loader import load_scenario

__all__ = ["Calibration", "Hindcast", "Ensemble", "calibrate", "without_file"]

#: Default years the figures extend past the last observation.
PLOT_YEARS_AFTER = 8


@dataclass
class Hindcast:
    """Leave-last-years-out validation.

    Attributes
    ----------
    from_year : int
    held_out : tuple of int
    fit_years : tuple of int
    problem : Problem
    result : FitResult
    stats : list of SeriesStats
        In-sample (``points == "fit"``) and out-of-sample (``"holdout"``) statistics.
    """

    from_year: int
    held_out: tuple[int, ...]
    fit_years: tuple[int, ...]
    problem: Problem
    result: FitResult
    stats: list[SeriesStats]


@dataclass
class Ensemble:
    """An ensemble weighted by its fit.

    Attributes
    ----------
    n : int
    method : str
    seed : int
    weights : Weights
    outputs : dict of str to ndarray
        Outputs the observations need, ``(n | 1, n_years[, k])``.
    prior_posterior : list of tuple
        ``(path, unit, prior mean, prior sd, posterior mean, posterior sd)`` of the value of
        every uncertain parameter in the first year, posterior by importance weights.
    """

    n: int
    method: str
    seed: int
    weights: Weights
    outputs: dict
    prior_posterior: list


@dataclass
class Calibration:
    """What :func:`calibrate` did.

    Attributes
    ----------
    config : CalibrationConfig
    problem : Problem
        The main fit (runs from the scenario's base year).
    result : FitResult
    stats : list of SeriesStats
    outputs : dict of str to ndarray
        The fitted deterministic run (all outputs).
    hindcast : Hindcast or None
    ensemble : Ensemble or None
    files : dict of str to Path
        What was written: ``parameters``, ``report``, ``statistics``, ``points``,
        ``weights``, figures ``figure:<variable>``.
    """

    config: CalibrationConfig
    problem: Problem
    result: FitResult
    stats: list[SeriesStats]
    outputs: dict
    hindcast: Hindcast | None = None
    ensemble: Ensemble | None = None
    files: dict = field(default_factory=dict)
    command: str = ""

    @property
    def fitted(self) -> dict[str, float]:
        """Fitted value of every parameter (canonical unit; factor for a multiplier)."""
        return {p.path: float(x) for p, x in zip(self.problem.fit_params, self.result.x,
                                                  strict=True)}


def without_file(scenario, file: Path):
    """The scenario without the leaves that ``file`` wrote (they fall back to the defaults).

    Exact when ``file`` extends nothing and is the lowest-precedence parent, which is how a
    calibrated parameter file is used.
    """
    target = Path(file).resolve()
    params = {p: leaf for p, leaf in scenario.parameters.items()
              if Path(leaf.source.file).resolve() != target}
    if len(params) == len(scenario.parameters):
        return scenario

    return dataclasses.replace(scenario, parameters=FrozenDict(params))


def _stats(problem: Problem, outputs, *, holdout_years=()) -> list[SeriesStats]:
    model = problem.model_values(outputs)
    held = np.asarray(list(holdout_years), dtype=np.int64)
    out = []
    for o, m, fitted, col in zip(problem.observations, model, problem.fitted, problem.cols,
                                 strict=True):
        inside = col >= 0
        sets = []
        if o.spec.role == "fit":
            sets.append(("fit", fitted))
            if len(held):
                sets.append(("holdout", inside & np.isin(o.years, held)))
        else:
            sets.append((o.spec.role, inside))
        for points, mask in sets:
            if not mask.any():
                continue
            out.append(series_stats(o.name, o.expr.text, o.expr.unit, o.spec.role, points,
                                    o.values[mask], m[0, mask]))
    return out


def calibrate(
    config: str | os.PathLike | CalibrationConfig,
    *,
    output_dir: str | os.PathLike | None = None,
    holdout: int | None = None,
    samples: int | None = None,
    seed: int | None = None,
    method: str | None = None,
    figures: bool = True,
    write: bool = True,
    command: str | None = None,
) -> Calibration:
    """Fit a scenario's parameters to data and write the calibrated parameter file.

    Parameters
    ----------
    config : path or CalibrationConfig
        The calibration configuration (:mod:`energysim.analysis.calibration.config`).
    output_dir : path, optional
        Write everything here (``calibrated.yaml``, the report, figures) instead of the
        configuration's ``output`` paths.
    holdout : int, optional
        Leave the last ``holdout`` years with fitted data out and score them (needs
        ``hindcast.from_year``); 0: no hindcast; default the configuration's
        ``hindcast.holdout``.
    samples, seed, method : optional
        Ensemble weighted by fit (default: the configuration's ``ensemble``; 0 samples: none).
    figures : bool
        Draw the fitted-vs-observed figures (matplotlib).
    write : bool
        Write files (False: only compute).
    command : str, optional
        The command line recorded in the files.

    Returns
    -------
    Calibration

    Raises
    ------
    ScenarioError
        Invalid configuration, scenario or data (``DataError``), one line.
    """
    cfg = config if isinstance(config, CalibrationConfig) else load_config(config)
    holdout = cfg.holdout if holdout is None else holdout
    if isinstance(holdout, bool) or not isinstance(holdout, int) or holdout < 0:
        raise ScenarioError(f"invalid holdout (expected an integer ≥ 0, got {holdout!r})",
                            key="--holdout")
    if output_dir is not None:
        out_dir = Path(output_dir)
        params_out = out_dir / "calibrated.yaml"
    else:
        out_dir = cfg.report_dir or cfg.base_dir / "output"
        params_out = cfg.parameters_out or out_dir / "calibrated.yaml"
    n_samples = cfg.samples if samples is None else samples
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 0:
        raise ScenarioError(f"invalid sample count (expected an integer ≥ 0, got "
                            f"{n_samples!r})", key="--samples")
    seed = cfg.seed if seed is None else seed
    method = cfg.method if method is None else method

    canonical_out = cfg.parameters_out or params_out
    scenario = without_file(without_file(load_scenario(cfg.scenario), params_out),
                            canonical_out)
    cache: dict = {}
    observations = load_observations(cfg.observations, cfg.file, cache)

    # -- main fit --------------------------------------------------------------------------
    base = scenario.base_year
    years_in = [int(y) for o in observations for y in o.years if y >= base]
    fit_last = max([int(y) for o in observations if o.spec.role == "fit"
                    for y in o.years if y >= base], default=None)
    if fit_last is None:
        got = sorted({int(y) for o in observations if o.spec.role == "fit" for y in o.years})
        raise ScenarioError(
            f"no fitted data inside the run (expected fit points in {base} … "
            f"{LAST_DATA_YEAR}, the scenario starting in {base}, got years "
            f"{', '.join(map(str, got))}); earlier years are used by the hindcast",
            file=cfg.file, line=cfg.lines.get("observations"), key="observations")
    plot_end = cfg.plot_end_year or max(years_in, default=base) + PLOT_YEARS_AFTER
    end = min(max([*years_in, plot_end]), scenario.end_year)
    problem = Problem(scenario, cfg.parameters, observations, end_year=end)
    result = fit(problem, loss=cfg.loss, f_scale=cfg.f_scale,
                 max_evaluations=cfg.max_evaluations)
    outputs = problem.simulate_all(result.x)
    cal = Calibration(config=cfg, problem=problem, result=result,
                      stats=_stats(problem, outputs), outputs=outputs,
                      command=command or f"energysim calibrate {cfg.file}")

    # -- hindcast ------------------------------------------------------------------------
    if holdout:
        cal.hindcast = _hindcast(cfg, observations, holdout, params_out, canonical_out)

    # -- ensemble ------------------------------------------------------------------------
    if n_samples:
        cal.ensemble = _ensemble(problem, result.x, n_samples, seed, method, cfg)

    if write:
        cal.files = report.write_all(cal, out_dir, params_out, figures=figures,
                                     data_files=cache)
    return cal


def _hindcast(cfg: CalibrationConfig, observations, holdout: int, *outs: Path) -> Hindcast:
    if cfg.hindcast_from is None:
        raise ScenarioError(
            "--holdout needs a hindcast start year (expected hindcast: {from_year: …} in the "
            "configuration, got none)", file=cfg.file, line=1, key="hindcast.from_year")
    scen = load_scenario(cfg.hindcast_scenario or cfg.scenario)
    for out in outs:
        scen = without_file(scen, out)
    start = cfg.hindcast_from
    try:
        scen = with_base_year(scen, start)
    except ScenarioError as exc:
        raise ScenarioError(exc.message, file=cfg.file, line=cfg.lines.get("hindcast"),
                            key="hindcast.from_year") from None
    years = sorted({int(y) for o in observations if o.spec.role == "fit" for y in o.years
                    if start <= y <= LAST_DATA_YEAR})
    if holdout >= len(years):
        raise ScenarioError(
            f"nothing left to fit (expected --holdout below the {len(years)} years with fitted "
            f"data from {start} ({', '.join(map(str, years))}), got {holdout})",
            key="--holdout")
    held, fit_years = tuple(years[-holdout:]), tuple(years[:-holdout])
    end = max(int(y) for o in observations for y in o.years if y >= start)
    end = max(end, years[-1])
    problem = Problem(scen, cfg.parameters, observations, end_year=end, fit_years=fit_years)
    result = fit(problem, loss=cfg.loss, f_scale=cfg.f_scale,
                 max_evaluations=cfg.max_evaluations)
    stats = _stats(problem, problem.simulate(result.x), holdout_years=held)
    return Hindcast(from_year=start, held_out=held, fit_years=fit_years, problem=problem,
                    result=result, stats=stats)


def _ensemble(problem: Problem, x, n: int, seed: int, method: str,
              cfg: CalibrationConfig) -> Ensemble:
    compiled, outputs = problem.ensemble(x, n, seed=seed, method=method)
    rel = problem.relative_errors(outputs)
    if rel.shape[0] == 1 and n > 1:  # nothing uncertain touches the fitted data
        rel = np.broadcast_to(rel, (n, rel.shape[1]))
    weight_sum = float(sum(o.spec.weight * f.sum() for o, f in
                           zip(problem.observations, problem.fitted, strict=True)))
    w = weigh_samples(rel, weight_sum, sigma=cfg.sigma, tolerance=cfg.tolerance)
    pp = []
    fitted_paths = {p.path for p in problem.fit_params if p.kind == "value"}
    params = compiled.params(0, n)
    for path in compiled.uncertain:
        if path in fitted_paths:
            continue
        v = np.asarray(params[path])[:, 0]
        if v.shape[0] != n:
            continue
        mean = float(v.mean())
        pm = float(np.sum(w.importance * v))
        pp.append((path, compiled.scenario.catalogue[path].unit, mean, float(v.std()), pm,
                   float(np.sqrt(np.sum(w.importance * (v - pm) ** 2)))))
    return Ensemble(n=n, method=method, seed=seed, weights=w, outputs=outputs,
                    prior_posterior=pp)
