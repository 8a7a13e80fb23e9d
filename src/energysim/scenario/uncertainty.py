"""Distributions, sampling designs and the Gaussian copula.

A scenario marks a parameter uncertain by giving it a distribution (``{dist: triangular, low:
…, mode: …, high: …}``) or a multiplier distribution on its series. Compilation then

1. draws a design ``u`` in the unit hypercube, shape ``(n_samples, n_uncertain)``, by Monte
   Carlo, Latin hypercube or scrambled Sobol (:func:`mc_design`, :func:`lhs_design`,
   :func:`sobol_design`);
2. correlates columns with a Gaussian copula (:func:`apply_copula`): ``z = Φ⁻¹(u)``,
   ``z' = L z`` with ``L`` the Cholesky factor of the correlation matrix, ``u' = Φ(z')``;
3. maps each column through the inverse CDF of its distribution (:meth:`Distribution.ppf`),
   truncated to the catalogue bounds.

Truncation: a distribution whose support reaches past the parameter's bounds (a normal, a
lognormal) is *truncated* there, not clipped: ``u`` is mapped to ``F(lo) + u (F(hi) − F(lo))``
before the inverse CDF, so the sample follows the distribution conditioned on the bounds and a
stratified design stays stratified. Multiplier distributions are truncated at 0 (a multiplier
is never negative); the multiplied series is then clipped to the parameter's bounds.

Reproducibility: everything is a pure function of ``seed``. Monte Carlo draws come in blocks
of :data:`MC_BLOCK` samples; block ``b`` of the column of parameter ``path`` uses the stream
``SeedSequence(seed, spawn_key=(b, crc32(path)))``. A sample's draws therefore depend only on
the seed, its index and the parameter's path — not on chunking, on the number of samples, or on
which other parameters are uncertain (common random numbers across scenarios). LHS and Sobol
designs are joint over all samples and are drawn once, from ``default_rng(seed)``.

scipy is imported only for distributions without a closed-form inverse CDF (normal,
lognormal, PERT): uniform and triangular draws, and deterministic scenarios, need no scipy.
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from energysim.scenario.frozen import FrozenDict

#: Rows per Monte Carlo block (the unit of reproducible streams).
MC_BLOCK = 2**16
#: Seed used when ``seed=None`` (runs are reproducible by default).
DEFAULT_SEED = 0
#: PERT shape parameter (the usual λ = 4).
PERT_LAMBDA = 4.0
#: Keep design values away from 0 and 1, where Φ⁻¹ is infinite.
_EPS = 2.0**-53

#: Distribution kinds and their parameters (a tuple of alternatives for lognormal).
KINDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "normal": (("mean", "sd"),),
    "lognormal": (("median", "gsd"), ("mean", "sd")),
    "uniform": (("low", "high"),),
    "triangular": (("low", "mode", "high"),),
    "pert": (("low", "mode", "high"),),
    "choice": (("values",), ("values", "weights")),
}

METHODS = ("mc", "lhs", "sobol", "central")


@dataclass(frozen=True)
class Distribution:
    """A univariate distribution in a parameter's canonical unit.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    args : mapping
        Its parameters: floats in the canonical unit (``gsd`` is a pure factor); for
        ``choice``, ``values`` and ``weights`` are tuples of float.
    bounds : tuple of (float or None, float or None)
        Truncation bounds (the catalogue bounds; ``(0, None)`` for a multiplier).
    """

    kind: str
    args: Mapping[str, Any]
    bounds: tuple[float | None, float | None] = (None, None)
    _frozen: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", FrozenDict(self.args))

    # -- scipy objects -------------------------------------------------------------------
    def scipy(self):
        """The (untruncated) frozen ``scipy.stats`` distribution (not for ``choice``)."""
        if self._frozen is None:
            object.__setattr__(self, "_frozen", _scipy_frozen(self.kind, self.args))
        return self._frozen

    def mean(self) -> float:
        """Mean of the untruncated distribution [canonical unit]."""
        if self.kind == "choice":
            v, w = self._choice()
            return float(np.dot(v, w))
        if self.kind == "uniform":
            return (self.args["low"] + self.args["high"]) / 2.0
        if self.kind == "triangular":
            return (self.args["low"] + self.args["mode"] + self.args["high"]) / 3.0
        return float(self.scipy().mean())

    def _choice(self) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(self.args["values"], dtype=np.float64)
        weights = self.args.get("weights")
        w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=np.float64)
        return values, w / w.sum()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF, truncated to :attr:`bounds`.

        Parameters
        ----------
        u : ndarray, shape (n,)
            Points in [0, 1).

        Returns
        -------
        ndarray of float64, shape (n,)
        """
        u = np.clip(np.asarray(u, dtype=np.float64), _EPS, 1.0 - _EPS)
        if self.kind == "choice":
            values, w = self._choice()
            cum = np.cumsum(w)
            cum[-1] = 1.0
            return values[np.searchsorted(cum, u, side="right").clip(0, len(values) - 1)]
        closed = self.kind in _CLOSED_FORM  # no scipy import for uniform and triangular
        cdf = self._cdf if closed else self.scipy().cdf
        lo, hi = self.bounds
        u_lo = float(cdf(lo)) if lo is not None else 0.0
        u_hi = float(cdf(hi)) if hi is not None else 1.0
        if u_lo > 0.0 or u_hi < 1.0:
            u = u_lo + u * (u_hi - u_lo)
        x = self._ppf(u) if closed else self.scipy().ppf(u)
        if lo is not None or hi is not None:
            x = np.clip(x, lo if lo is not None else -np.inf, hi if hi is not None else np.inf)
        return np.ascontiguousarray(x, dtype=np.float64)

    def _ppf(self, u: np.ndarray) -> np.ndarray:
        """Closed-form inverse CDF of ``uniform`` and ``triangular``."""
        a = self.args
        low, high = a["low"], a["high"]
        width = high - low
        if self.kind == "uniform":
            return low + u * width
        mode = a["mode"]
        c = (mode - low) / width
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
        return np.where(u < c, left, right)

    def _cdf(self, x: float) -> float:
        """Closed-form CDF of ``uniform`` and ``triangular`` at a scalar ``x``."""
        a = self.args
        low, high = a["low"], a["high"]
        if x <= low:
            return 0.0
        if x >= high:
            return 1.0
        if self.kind == "uniform":
            return (x - low) / (high - low)
        mode = a["mode"]
        if x <= mode:
            return (x - low) ** 2 / ((high - low) * (mode - low))
        return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))


#: Kinds with closed-form inverse CDFs (sampled without scipy).
_CLOSED_FORM = frozenset({"uniform", "triangular"})


def _scipy_frozen(kind: str, a: Mapping[str, Any]):
    from scipy import stats  # lazy: scipy (~0.4-0.7 s) loads only for this computation

    if kind == "normal":
        return stats.norm(loc=a["mean"], scale=a["sd"])
    if kind == "lognormal":
        mu, sigma = lognormal_mu_sigma(a)
        return stats.lognorm(s=sigma, scale=math.exp(mu))
    if kind == "uniform":
        return stats.uniform(loc=a["low"], scale=a["high"] - a["low"])
    if kind == "triangular":
        width = a["high"] - a["low"]
        return stats.triang(c=(a["mode"] - a["low"]) / width, loc=a["low"], scale=width)
    if kind == "pert":
        width = a["high"] - a["low"]
        alpha = 1.0 + PERT_LAMBDA * (a["mode"] - a["low"]) / width
        beta = 1.0 + PERT_LAMBDA * (a["high"] - a["mode"]) / width
        return stats.beta(alpha, beta, loc=a["low"], scale=width)
    raise ValueError(f"no scipy distribution for {kind!r}")


def lognormal_mu_sigma(a: Mapping[str, Any]) -> tuple[float, float]:
    """``(mu, sigma)`` of the underlying normal from ``(median, gsd)`` or ``(mean, sd)``."""
    if "median" in a:
        return math.log(a["median"]), math.log(a["gsd"])
    sigma2 = math.log1p((a["sd"] / a["mean"]) ** 2)
    return math.log(a["mean"]) - sigma2 / 2.0, math.sqrt(sigma2)


# -- designs -----------------------------------------------------------------------------
def _path_key(path: str) -> int:
    return zlib.crc32(path.encode("utf-8"))


def mc_column(seed: int, path: str, start: int, stop: int) -> np.ndarray:
    """Monte Carlo uniforms of one parameter for samples ``[start, stop)``.

    Parameters
    ----------
    seed : int
    path : str
        The parameter's dotted path (keys its stream).
    start, stop : int
        Sample index range.

    Returns
    -------
    ndarray of float64, shape (stop - start,)
    """
    out = np.empty(stop - start, dtype=np.float64)
    key = _path_key(path)
    for block in range(start // MC_BLOCK, (stop - 1) // MC_BLOCK + 1 if stop > start else 0):
        b0 = block * MC_BLOCK
        lo, hi = max(start, b0), min(stop, b0 + MC_BLOCK)
        bits = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, key)))
        # draw i of the stream is the (i+1)-th 64-bit output (``random`` takes one per double):
        # jump over the draws of earlier samples instead of drawing and dropping them
        bits.advance(lo - b0)
        out[lo - start : hi - start] = np.random.Generator(bits).random(hi - lo)
    return out


def mc_design(seed: int, paths: Sequence[str], start: int, stop: int) -> np.ndarray:
    """Monte Carlo design rows ``[start, stop)``: shape ``(stop - start, len(paths))``."""
    out = np.empty((stop - start, len(paths)), dtype=np.float64)
    for j, path in enumerate(paths):
        out[:, j] = mc_column(seed, path, start, stop)
    return out


def lhs_design(seed: int, n: int, d: int) -> np.ndarray:
    """Latin hypercube of ``n`` points in ``d`` dimensions: shape ``(n, d)``.

    Every column has exactly one point in each stratum ``[k/n, (k+1)/n)``.
    """
    if d == 0:
        return np.empty((n, 0))
    from scipy.stats import qmc  # lazy: scipy (~0.4-0.7 s) loads only for this computation

    engine = _qmc_engine(qmc.LatinHypercube, d, seed)
    return np.ascontiguousarray(engine.random(n))


def sobol_design(seed: int, n: int, d: int) -> np.ndarray:
    """Scrambled Sobol' points: shape ``(n, d)``.

    When ``n`` is a power of two, ``random_base2`` is used (balanced). Otherwise the first
    ``n`` points of the sequence are returned and scipy's balance warning is silenced: the
    points are still a valid low-discrepancy design, only the equal-weight balance of a full
    power of two is lost (use 2**k samples for Sobol sensitivity indices).
    """
    if d == 0:
        return np.empty((n, 0))
    from scipy.stats import qmc  # lazy: scipy (~0.4-0.7 s) loads only for this computation

    engine = _qmc_engine(qmc.Sobol, d, seed, scramble=True)
    m = int(n).bit_length() - 1
    if n > 0 and 2**m == n:
        return np.ascontiguousarray(engine.random_base2(m))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*balance properties of Sobol.*")
        return np.ascontiguousarray(engine.random(n))


def _qmc_engine(cls, d: int, seed: int, **kwargs):
    rng = np.random.default_rng(seed)
    try:
        return cls(d, rng=rng, **kwargs)
    except TypeError:  # scipy < 1.15 names it `seed`
        return cls(d, seed=rng, **kwargs)


# -- correlation -------------------------------------------------------------------------
def cholesky_or_none(corr: np.ndarray) -> np.ndarray | None:
    """Lower Cholesky factor of a correlation matrix, or ``None`` if not positive definite."""
    try:
        return np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        return None


def apply_copula(u: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """Correlate the columns of a uniform design with a Gaussian copula.

    Parameters
    ----------
    u : ndarray, shape (n, d)
        Independent uniforms.
    chol : ndarray, shape (d, d)
        Lower Cholesky factor of the target correlation matrix (of the normal scores).

    Returns
    -------
    ndarray, shape (n, d)
        Uniforms with the requested rank dependence; identity rows of ``chol`` leave their
        column unchanged. Computed column by column with element-wise operations, so each row
        depends only on itself (chunk invariance, bit for bit).
    """
    # lazy: scipy (~0.4-0.7 s) loads only for this computation
    from scipy.special import ndtr, ndtri

    n, d = u.shape
    out = u.copy()
    z = [None] * d
    for j in range(d):
        if np.count_nonzero(chol[j, :j]) == 0 and chol[j, j] == 1.0:
            continue
        acc = np.zeros(n)
        for k in range(j + 1):
            if chol[j, k] != 0.0:
                if z[k] is None:
                    z[k] = ndtri(np.clip(np.ascontiguousarray(u[:, k]), _EPS, 1.0 - _EPS))
                acc += chol[j, k] * z[k]
        out[:, j] = ndtr(acc)
    return out


def central_value(dist: Distribution) -> float:
    """The central value of a distribution [its unit]: the value "as written".

    The ``mode`` of a triangular or PERT distribution (the planner's most likely value), the
    median (``ppf(0.5)``) of the others (normal: the mean; uniform: the midpoint; choice: the
    median of the choices), within the distribution's truncation bounds.
    """
    if "mode" in dist.args:
        x = float(dist.args["mode"])
        lo, hi = dist.bounds
        return min(max(x, -np.inf if lo is None else lo), np.inf if hi is None else hi)
    return float(dist.ppf(np.array([0.5]))[0])
