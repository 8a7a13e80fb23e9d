"""Least-squares fitting, goodness of fit, and weighting of ensemble samples by their fit.

Fit: :func:`scipy.optimize.least_squares` (trust-region reflective, bounds) on the fitted
parameters scaled to ``[0, 1]`` between their bounds, so parameters of very different sizes
are equally conditioned. Standard errors come from the Jacobian at the optimum,
``cov = s² (JᵀJ)⁻¹`` with ``s² = Σr² / (m − n)``; they are undefined (nan) when there are
no more residuals than parameters.

Goodness of fit per series (:func:`series_stats`), on the points of a given set (fitted,
monitored, held out, validation), with ``e = model − observed`` in the variable's unit:
RMSE ``= sqrt(mean e²)``, MAPE ``= 100 · mean |e / observed|`` [%], bias ``= mean e``.

Ensembles (:func:`weigh_samples`): each sample's sum of squared weighted relative residuals
``SSR`` over the fitted points gives

* an importance weight ``∝ exp(−SSR / (2σ²))`` (σ: relative observation error), with the
  effective sample size ``ESS = (Σw)² / Σw²``;
* approximate Bayesian computation by rejection: the sample is kept when its RMS relative
  error ``sqrt(SSR / Σweights)`` is at most the tolerance (ESS = number kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from energysim.analysis.calibration.problem import Problem

__all__ = ["FitResult", "fit", "series_stats", "SeriesStats", "Weights", "weigh_samples"]


@dataclass(frozen=True)
class FitResult:
    """The outcome of :func:`fit`.

    Attributes
    ----------
    x : ndarray, shape (n_fit,)
        Fitted values (canonical units; factors for multipliers).
    start : ndarray, shape (n_fit,)
    stderr : ndarray, shape (n_fit,)
        Standard errors (nan when undefined).
    cost : float
        ``0.5 · Σ r²`` at the optimum (r: weighted relative residuals).
    residuals : ndarray, shape (n_residuals,)
    nfev : int
        Model runs used (without the Jacobian's).
    status : int
    message : str
    success : bool
    at_bound : tuple of str
        Fitted parameters that ended at one of their bounds.
    """

    x: np.ndarray
    start: np.ndarray
    stderr: np.ndarray
    cost: float
    residuals: np.ndarray
    nfev: int
    status: int
    message: str
    success: bool
    at_bound: tuple[str, ...]


def fit(problem: Problem, *, loss: str = "linear", f_scale: float = 1.0,
        max_evaluations: int = 400) -> FitResult:
    """Fit the problem's parameters by bounded least squares.

    Parameters
    ----------
    problem : Problem
    loss, f_scale : see :func:`scipy.optimize.least_squares`
    max_evaluations : int
        Largest number of model runs.

    Returns
    -------
    FitResult
    """
    # lazy: scipy (~0.4-0.7 s) loads only for this computation
    from scipy.optimize import least_squares

    fps = problem.fit_params
    lo = np.array([p.lower for p in fps])
    hi = np.array([p.upper for p in fps])
    span = hi - lo
    x0 = np.array([p.start for p in fps])
    z0 = np.clip((x0 - lo) / span, 0.0, 1.0)

    def fun(z):
        return problem.residuals(lo + z * span)

    res = least_squares(fun, z0, bounds=(0.0, 1.0), method="trf", loss=loss, f_scale=f_scale,
                        max_nfev=max_evaluations, xtol=1e-12, ftol=1e-12, gtol=1e-12,
                        diff_step=1e-7)
    x = lo + res.x * span
    r = problem.residuals(x)
    m, n = len(r), len(x)
    stderr = np.full(n, np.nan)
    if m > n:
        J = res.jac / span  # d r / d x
        s2 = float(r @ r) / (m - n)
        try:
            cov = s2 * np.linalg.pinv(J.T @ J)
            stderr = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        except np.linalg.LinAlgError:  # pragma: no cover - pinv rarely fails
            pass
    tol = 1e-6
    at_bound = tuple(p.path for p, z in zip(fps, res.x, strict=True)
                     if z <= tol or z >= 1.0 - tol)
    return FitResult(x=x, start=x0, stderr=stderr, cost=0.5 * float(r @ r), residuals=r,
                     nfev=int(res.nfev), status=int(res.status), message=str(res.message),
                     success=bool(res.success), at_bound=at_bound)


@dataclass(frozen=True)
class SeriesStats:
    """Goodness of fit of one series on one set of points.

    Attributes
    ----------
    name, variable, unit, role : str
    points : str
        Which points: ``fit``, ``monitor``, ``holdout`` or ``validate``.
    n : int
    rmse : float
        [unit]
    mape : float
        [%]
    bias : float
        Mean of model − observed [unit].
    rel_bias : float
        Mean of (model − observed) / observed [%].
    """

    name: str
    variable: str
    unit: str
    role: str
    points: str
    n: int
    rmse: float
    mape: float
    bias: float
    rel_bias: float


def series_stats(name: str, variable: str, unit: str, role: str, points: str,
                 observed: np.ndarray, model: np.ndarray) -> SeriesStats:
    """RMSE, MAPE and bias of ``model`` against ``observed`` (both shape (n,))."""
    observed = np.asarray(observed, dtype=np.float64)
    e = np.asarray(model, dtype=np.float64) - observed
    n = len(e)
    if n == 0:
        nan = float("nan")
        return SeriesStats(name, variable, unit, role, points, 0, nan, nan, nan, nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = e / np.abs(observed)
    return SeriesStats(
        name=name, variable=variable, unit=unit, role=role, points=points, n=n,
        rmse=float(np.sqrt(np.mean(e**2))), mape=float(100.0 * np.mean(np.abs(rel))),
        bias=float(np.mean(e)), rel_bias=float(100.0 * np.mean(rel)))


@dataclass(frozen=True)
class Weights:
    """Ensemble samples weighted by their fit.

    Attributes
    ----------
    ssr : ndarray, shape (n_samples,)
        Sum of squared weighted relative residuals of each sample.
    rms : ndarray, shape (n_samples,)
        RMS relative error ``sqrt(ssr / Σ weights)``.
    importance : ndarray, shape (n_samples,)
        Normalized importance weights (sum 1).
    accepted : ndarray of bool, shape (n_samples,)
        Within the ABC tolerance.
    ess_importance : float
    ess_rejection : int
    sigma, tolerance : float
    """

    ssr: np.ndarray
    rms: np.ndarray
    importance: np.ndarray
    accepted: np.ndarray
    ess_importance: float
    ess_rejection: int
    sigma: float
    tolerance: float


def weigh_samples(rel_errors: np.ndarray, weight_sum: float, *, sigma: float,
                  tolerance: float) -> Weights:
    """Weights of samples from their weighted relative residuals.

    Parameters
    ----------
    rel_errors : ndarray, shape (n_samples, n_residuals)
        ``sqrt(weight) · (model − observed) / |observed|`` of every fitted point.
    weight_sum : float
        Sum of the weights of the fitted points (normalizes the RMS error).
    sigma : float
        Relative observation error of the importance weights.
    tolerance : float
        Largest RMS relative error an accepted sample may have.
    """
    r = np.where(np.isfinite(rel_errors), rel_errors, np.inf)
    ssr = np.sum(r**2, axis=1)
    rms = np.sqrt(ssr / max(weight_sum, 1e-300))
    finite = np.isfinite(ssr)
    logw = np.where(finite, -(ssr - np.min(ssr[finite], initial=0.0)) / (2.0 * sigma**2),
                    -np.inf)
    w = np.exp(logw)
    total = w.sum()
    w = w / total if total > 0 else np.full_like(w, 1.0 / len(w))
    ess = float(1.0 / np.sum(w**2))
    accepted = rms <= tolerance
    return Weights(ssr=ssr, rms=rms, importance=w, accepted=accepted, ess_importance=ess,
                   ess_rejection=int(accepted.sum()), sigma=float(sigma),
                   tolerance=float(tolerance))
