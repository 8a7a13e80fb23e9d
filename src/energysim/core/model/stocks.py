"""Shared stock-turnover helpers: vintages, retirements and logistic S-curves.

Used by every sector that holds a stock of long-lived things (coal plants, wind and solar
capacity, storage, electrolysers, truck fleets). All functions are pure numpy and vectorized
over samples: arrays are shaped ``(n,)`` or ``(n, ...)`` where ``n`` is the number of samples or
1 (a deterministic input that broadcasts).

History layout
--------------
A stock's additions are kept in a *history* array of shape ``(n | 1, n_hist)`` with
``n_hist = n_pre + n_years``: columns ``0 … n_pre-1`` are the pre-base-year vintages (column
``n_pre-1`` is the year ``base_year-1``), column ``n_pre + t`` holds the additions of model year
``t``. The history index of model year ``t`` is ``h = n_pre + t``.

A vintage added at index ``j`` operates in years ``j … j+L-1`` and retires at index ``j+L``
(``L`` = lifetime in whole years), so in year ``h``

    stock[h] = stock[h-1] + add[h] − history[h-L]

and ``stock[h]`` equals the sum of the vintages with age ``h − j < L`` (:func:`alive_vintages`).
``n_pre`` must be at least the largest lifetime used, so that every initial vintage retires
inside the history.

Uniform early retirement (``scale``): when a stock must shrink faster than its vintages retire,
all its alive vintages are scaled by the same factor. To keep that O(n) per year, the history
can be held in *normalised* form: ``history_norm[j] = add[j] / S[j]`` with ``S`` the cumulative
product of the scaling factors; the real size of an alive vintage is ``history_norm[j] · S[h]``.
See :func:`scale_stock`.
"""

from __future__ import annotations

import numpy as np

#: Smallest cumulative scale factor kept in a normalised history (see :func:`scale_stock`).
SCALE_FLOOR = 1e-30


def running_total(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Cumulative sum over the first (year) axis, one row at a time.

    Equals ``np.cumsum(x, axis=0)`` bit for bit (the same additions in the same order), but
    on year-major ``(n_years, m)`` arrays it runs ``n_years`` contiguous row additions instead
    of numpy's strided accumulation: ~10× faster at ``m = 12,500`` (docs/performance.md).

    Parameters
    ----------
    x : ndarray, shape (n_years, ...)
        Values per year [any unit].
    out : ndarray, optional
        Where to write (may be ``x`` itself).

    Returns
    -------
    ndarray, shape of ``x``
        ``out[t] = x[0] + … + x[t]`` [unit of ``x``].
    """
    if out is None:
        out = np.array(x, dtype=np.result_type(x, np.float64), copy=True)
    elif out is not x:
        out[...] = x
    for t in range(1, out.shape[0]):
        np.add(out[t - 1], out[t], out=out[t])
    return out


def whole_years(years: np.ndarray, lo: int = 1, hi: int | None = None) -> np.ndarray:
    """Round a duration [yr] to whole years, clipped to ``[lo, hi]`` (int64)."""
    out = np.rint(np.asarray(years, dtype=np.float64))
    out = np.clip(out, lo, hi if hi is not None else np.inf)
    return out.astype(np.int64)


def initial_vintages(
    initial_stock: np.ndarray,
    age_span: np.ndarray,
    n_pre: int,
    lifetime: np.ndarray | None = None,
) -> np.ndarray:
    """Pre-base-year vintages: an initial stock spread evenly over its last ``age_span`` years.

    Parameters
    ----------
    initial_stock : ndarray, shape (n | 1,)
        Stock at the end of ``base_year − 1`` [any stock unit, e.g. GW or vehicles].
    age_span : ndarray, shape (n | 1,)
        Number of years over which the existing stock was built [yr]; rounded to whole years and
        clipped to ``[1, n_pre]``.
    n_pre : int
        Number of pre-base-year history columns.
    lifetime : ndarray, shape (n | 1,), optional
        Lifetime [yr]. When given, the span is also clipped to ``≤ lifetime`` so that every
        initial vintage is alive at the base year and ``stock == alive_vintages(...).sum()``
        holds from the start (recommended).

    Returns
    -------
    ndarray, shape (n, n_pre)
        Additions by pre-base vintage; column ``n_pre − 1`` is ``base_year − 1``. Each row sums
        to ``initial_stock``.
    """
    if n_pre < 1:
        raise ValueError(f"n_pre must be >= 1 (got {n_pre})")
    stock = np.atleast_1d(np.asarray(initial_stock, dtype=np.float64))
    span = whole_years(np.atleast_1d(age_span), 1, n_pre)
    if lifetime is not None:
        span = np.minimum(span, whole_years(np.atleast_1d(lifetime), 1))
    stock, span = np.broadcast_arrays(stock, span)
    cols = np.arange(n_pre)
    built = cols[None, :] >= (n_pre - span)[:, None]
    return np.where(built, (stock / span)[:, None], 0.0)


def history_with_pre(pre_vintages: np.ndarray, n_years: int) -> np.ndarray:
    """A history array: pre-base vintages followed by ``n_years`` zero columns to fill.

    Parameters
    ----------
    pre_vintages : ndarray, shape (n, n_pre)
        From :func:`initial_vintages`.
    n_years : int
        Model years.

    Returns
    -------
    ndarray, shape (n, n_pre + n_years)
        C-contiguous float64; write year ``t``'s additions to column ``n_pre + t``.
    """
    n, n_pre = pre_vintages.shape
    hist = np.zeros((n, n_pre + n_years))
    hist[:, :n_pre] = pre_vintages
    return hist


def retirements(history: np.ndarray, h: int, lifetime: np.ndarray) -> np.ndarray:
    """Retirements at history index ``h``: the vintage added ``lifetime`` years earlier.

    Parameters
    ----------
    history : ndarray, shape (n | 1, n_hist) or (n | 1, k, n_hist)
        Additions by vintage [stock unit]; an optional middle axis holds ``k`` sub-stocks
        (e.g. powertrains) sharing one lifetime.
    h : int
        Current history index (``n_pre + t``).
    lifetime : ndarray, shape (n | 1,)
        Lifetime [yr], rounded to whole years, at least 1.

    Returns
    -------
    ndarray, shape (n,) or (n, k)
        ``history[:, h − L]`` where ``h − L ≥ 0``, else 0 [stock unit]; ``n`` is the broadcast
        of the sample dimensions of ``history`` and ``lifetime``.
    """
    life = whole_years(np.atleast_1d(lifetime), 1)
    idx = h - life
    if life.shape[0] == 1:  # deterministic lifetime: a plain column
        j = int(idx[0])
        if j < 0:
            return np.zeros(history.shape[:-1])
        return history[..., j].copy()
    shape = (idx.shape[0],) + (1,) * (history.ndim - 1)
    pick = np.maximum(idx, 0).reshape(shape)
    got = np.take_along_axis(history, pick, axis=-1)[..., 0]
    return np.where(idx.reshape(shape[:-1]) >= 0, got, 0.0)


def retirements_time_major(history_t: np.ndarray, h: int, lifetime: np.ndarray) -> np.ndarray:
    """:func:`retirements` for a history stored time-major with samples last.

    In the year loop only one vintage is read per year; storing the history as
    ``(n_hist, [k,] n)`` makes that read one contiguous block, and keeping samples on the last
    axis lets per-year arithmetic on ``(k, n)`` rows avoid slow reductions over a short last
    axis.

    Parameters
    ----------
    history_t : ndarray, shape (n_hist, n | 1) or (n_hist, k, n | 1)
        Additions by vintage [stock unit], time first, samples last.
    h : int
        Current history index.
    lifetime : ndarray, shape (n | 1,)
        Lifetime [yr], rounded to whole years, at least 1.

    Returns
    -------
    ndarray, shape (n | 1,) or (k, n | 1)
        ``history_t[h − L]`` where ``h − L ≥ 0``, else 0; broadcast over samples.
    """
    life = whole_years(np.atleast_1d(lifetime), 1)
    idx = h - life
    if life.shape[0] == 1:
        j = int(idx[0])
        if j < 0:
            return np.zeros(history_t.shape[1:])
        return history_t[j].copy()
    n = max(history_t.shape[-1], idx.shape[0])
    cols = np.arange(n) if history_t.shape[-1] == n else np.zeros(n, dtype=np.int64)
    rows = np.broadcast_to(np.maximum(idx, 0), (n,))
    if history_t.ndim == 2:
        got = history_t[rows, cols]
    else:
        got = history_t[rows, :, cols].T  # (k, n)
    return np.where(np.broadcast_to(idx, (n,)) >= 0, got, 0.0)


def alive_vintages(history: np.ndarray, h: int, lifetime: np.ndarray) -> np.ndarray:
    """Vintages still in service at history index ``h`` (age ``h − j`` below the lifetime).

    Parameters
    ----------
    history : ndarray, shape (n | 1, n_hist) or (n | 1, k, n_hist)
        Additions by vintage [stock unit].
    h : int
        Current history index.
    lifetime : ndarray, shape (n | 1,)
        Lifetime [yr], rounded to whole years, at least 1.

    Returns
    -------
    ndarray, shape like ``history`` (broadcast over samples)
        ``history`` where ``0 ≤ h − j < L``, else 0; summed over the last axis it equals the
        stock at ``h``. For tests and identities, not for the year loop (O(n · n_hist)).
    """
    life = whole_years(np.atleast_1d(lifetime), 1)
    age = h - np.arange(history.shape[-1])
    life = life.reshape((life.shape[0],) + (1,) * (history.ndim - 1))
    alive = (age >= 0) & (age < life)
    return np.where(alive, history, 0.0)


def s_curve(
    years: np.ndarray,
    midpoint: np.ndarray,
    steepness: np.ndarray,
    floor: np.ndarray,
    ceiling: np.ndarray,
) -> np.ndarray:
    """Logistic share ``floor + (ceiling − floor) / (1 + exp(−steepness · (year − midpoint)))``.

    Parameters
    ----------
    years : ndarray, shape (n_years,)
        Calendar years.
    midpoint : array_like, broadcastable to (n | 1, n_years)
        Year of the inflection point [yr] (a calendar year).
    steepness : array_like, broadcastable to (n | 1, n_years)
        Logistic growth rate [1/yr]; 0 gives the constant ``(floor + ceiling) / 2``.
    floor, ceiling : array_like, broadcastable to (n | 1, n_years)
        Asymptotic shares for ``year → −∞`` and ``year → +∞`` [fraction].

    Returns
    -------
    ndarray, shape (n | 1, n_years)
        The share in each year [fraction]; computed with ``tanh`` so it never overflows.
    """
    x = np.asarray(steepness, dtype=np.float64) * (np.asarray(years, dtype=np.float64) - midpoint)
    logistic = 0.5 * (1.0 + np.tanh(0.5 * x))
    out = floor + (np.asarray(ceiling, dtype=np.float64) - floor) * logistic
    return np.atleast_2d(out)


def scale_stock(
    stock: np.ndarray, target: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shrink a stock to ``target`` by retiring every alive vintage by the same fraction.

    Works with a *normalised* history (module docstring): the real size of vintage ``j`` is
    ``history_norm[..., j] · scale``, so scaling all vintages is an O(n) update of ``scale``.
    Write additions as ``history_norm[..., h] = add / scale`` and read retirements as
    ``retirements(history_norm, h, L) · scale``; call :func:`renormalise` once a year.

    Parameters
    ----------
    stock : ndarray, shape (n,) or (n, k)
        Current stock [stock unit], ≥ 0.
    target : ndarray, broadcastable to ``stock``
        Stock wanted; where ``target ≥ stock`` nothing changes [stock unit].
    scale : ndarray, shape like ``stock``
        Cumulative scale factor of the normalised history (starts at 1).

    Returns
    -------
    new_stock : ndarray
        ``min(stock, max(target, 0))`` [stock unit].
    early_retire : ndarray
        ``stock − new_stock`` ≥ 0 [stock unit].
    new_scale : ndarray
        ``scale · max(new_stock / stock, SCALE_FLOOR)``. The floor keeps later additions
        (divided by the scale) finite: a fully retired stock leaves ghost vintages of relative
        size 1e-30, far below any tolerance (the explicit stock is exactly ``new_stock``).
    """
    new_stock = np.minimum(stock, np.maximum(target, 0.0))
    early = stock - new_stock
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(stock > 0.0, new_stock / stock, 1.0)
    new_scale = scale * np.maximum(factor, SCALE_FLOOR)
    return new_stock, early, new_scale


def renormalise(history_norm: np.ndarray, scale: np.ndarray, threshold: float = 1e-150) -> None:
    """Fold small scale factors back into a normalised history, in place.

    Repeated full retirements multiply ``scale`` by :data:`SCALE_FLOOR`; before it underflows,
    the rows whose scale is below ``threshold`` are multiplied into the history and their scale
    reset to 1 (real vintage sizes unchanged). Costs O(n) when nothing is below the threshold.

    Parameters
    ----------
    history_norm : ndarray, shape (n, n_hist) or (n, k, n_hist)
        Normalised history, modified in place.
    scale : ndarray, shape (n,) or (n, k)
        Its scale factors, modified in place.
    threshold : float
        Renormalise where ``scale < threshold``.
    """
    low = scale < threshold
    if low.any():
        history_norm[low] *= scale[low][:, None]
        scale[low] = 1.0
