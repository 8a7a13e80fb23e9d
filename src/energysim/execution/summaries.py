"""Streaming statistics of sample blocks: moments, frame histograms, exact float keys.

Every block of samples is reduced to per-cell (variable, year, category) count, mean and
``M2`` (two-pass within the block, merged across blocks with Chan et al.'s update in block
order), exact minimum and maximum, and counts in a histogram frame fixed by a pilot
(:func:`frame_of`, :func:`frame_bin`, :func:`reduce_block`). The frame bins and the plain bins
of later passes (:func:`bin_of`) are monotone in the value, so the exact float bounds of each
bin are found by bisection on ordered float keys (:func:`frame_lower_bound`,
:func:`lower_bound`). The derivation is in docs/ensembles.md. Ensembles reduce with the
compiled kernel of :mod:`energysim.execution.summary_kernel`; the numpy code here defines it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from energysim.core.model.kernels import use_compiled

__all__ = [
    "DEFAULT_QUANTILES",
    "DEFAULT_BINS",
    "MAX_BINS",
    "Frame",
    "frame_of",
    "frame_bin",
    "frame_lower_bound",
    "reduce_block",
    "merge_moments",
    "bin_of",
    "lower_bound",
    "histogram",
    "ulp_histogram",
    "rows_of",
    "cells_of",
    "collect_in",
    "min_max",
    "accumulate",
    "stat_names",
    "float_key",
    "key_float",
    "first_float",
]


#: Quantiles of summaries (as :func:`energysim.results.dataset.summary`).
DEFAULT_QUANTILES = (0.05, 0.5, 0.95)


#: Histogram bins per variable-year-category cell in streamed summaries.
DEFAULT_BINS = 2048


#: Rows of a block reduced at a time (a 32 × 8192 float64 slab, 2 MB, stays in cache).
_SLAB_ROWS = 32


def cells_of(arr: np.ndarray, m: int) -> np.ndarray:
    """A sample-first output ``(m | 1, …)`` as ``(cells, m | 1)`` with samples last.

    The engine stores outputs year-major with samples last, so this is usually a free view.
    """
    a = np.moveaxis(arr, 0, -1)
    return a.reshape(-1, a.shape[-1])


def float_key(x: np.ndarray) -> np.ndarray:
    """float64 → int64 keys in the same order (−0.0 and 0.0 share a key)."""
    u = np.asarray(x, dtype=np.float64).view(np.int64)
    return np.where(u >= 0, u, -(u & np.int64(0x7FFFFFFFFFFFFFFF)))


def key_float(k: np.ndarray) -> np.ndarray:
    u = np.where(k >= 0, k, (-k) | np.int64(-0x8000000000000000))
    return np.asarray(u, dtype=np.int64).view(np.float64)


def first_float(low: np.ndarray, high: np.ndarray, holds: Callable) -> np.ndarray:
    """Smallest float whose key is in ``(low, high]`` and for which ``holds`` is true, by
    bisection on the ordered float keys (:func:`float_key`).

    ``holds`` is monotone (false, then true), false at ``low`` and true at ``high``; entries
    with ``low == high`` are left as they are.
    """
    for _ in range(70):
        active = high - 1 > low  # (high − low may overflow)
        if not active.any():
            break
        mid = (low & high) + ((low ^ high) >> 1)  # floor of the mean, without overflow
        ge = holds(key_float(mid))
        high = np.where(active & ge, mid, high)
        low = np.where(active & ~ge, mid, low)
    return key_float(high)


#: Adding 1.5·2⁵² to a float of magnitude below 2⁵¹ leaves it rounded to an integer in the
#: low bits of the sum (round half to even): a rounding float → int cheaper than floor + cast.
_MAGIC = 1.5 * 2.0**52


_MAGIC_BITS = int(np.float64(_MAGIC).view(np.int64))


#: Largest ``bins`` accepted (the rounding above needs |(x − lo)·scale| < 2⁵¹).
MAX_BINS = 2**20


class Frame(NamedTuple):
    """The histogram frame of each cell, fixed by the pilot (:func:`frame_of`).

    Attributes
    ----------
    lo, top : ndarray ``(cells,)``
        The pilot's minimum and maximum.
    scale : ndarray ``(cells,)``
        ``bins / (top − lo)`` [1/unit]: frame bin ``k`` holds ``(x − lo)·scale`` within ½ of ``k``.
    """

    lo: np.ndarray
    scale: np.ndarray
    top: np.ndarray


def frame_of(vmin: np.ndarray, vmax: np.ndarray, bins: int) -> Frame:
    """The histogram frame of each cell from a pilot's minimum and maximum.

    ``scale = bins / (max − min)``: frame bin ``k`` (``0 … bins``) holds the values with
    ``(x − lo)·scale`` within ½ of ``k``, so ``bins + 1`` bins of width ``(max − min)/bins``
    cover the pilot's range with its ends inside; bins ``−1`` and ``bins + 1`` hold the values
    beyond. A cell constant in the pilot (or of a subnormal spread) gets a narrow frame around
    its value (width ``|value|·2⁻²⁰``, at least 10⁻²⁰⁶), so other values fall in the outer bins.
    """
    lo = np.asarray(vmin, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        scale = bins / (np.asarray(vmax, dtype=np.float64) - lo)
        narrow = bins / (np.maximum(np.abs(lo), 1e-200) * 2.0**-20)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, narrow)
    return Frame(lo, np.where(np.isfinite(scale), scale, 0.0), np.asarray(vmax, np.float64))


def frame_bin(x: np.ndarray, lo: np.ndarray, scale: np.ndarray, bins: int) -> np.ndarray:
    """Frame bin ``f(x) = round(clip((x − lo)·scale, −1, bins + 1))`` in ``{−1, …, bins + 1}``.

    ``−1`` is below the frame, ``bins + 1`` above it. ``f`` is monotone in ``x`` (each
    step is), so every bin is an interval of floats whose ends :func:`frame_lower_bound`
    finds with the very same operations. :func:`reduce_block` computes ``f`` in place with
    these operations, in this order.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        t = np.subtract(x, lo[..., None] if x.ndim > lo.ndim else lo)
        t *= scale[..., None] if x.ndim > scale.ndim else scale
        np.clip(t, -1, bins + 1, out=t)
        np.nan_to_num(t, copy=False, nan=bins + 1)
        t += _MAGIC
    return t.view(np.int64) - _MAGIC_BITS


def frame_lower_bound(lo: np.ndarray, scale: np.ndarray, bins: int,
                       k: np.ndarray) -> np.ndarray:
    """Smallest float ``x`` with ``f(x) ≥ k`` (:func:`frame_bin`), ``0 ≤ k ≤ bins + 1``, by
    bisection on the floats between −inf (``f = −1``) and +inf (``f = bins + 1``)."""
    lo, scale = np.asarray(lo, np.float64), np.asarray(scale, np.float64)
    k = np.asarray(k, np.int64)
    low = np.full(k.shape, float_key(np.array(-np.inf)), dtype=np.int64)
    high = np.full(k.shape, float_key(np.array(np.inf)), dtype=np.int64)
    return first_float(low, high, lambda x: frame_bin(x, lo, scale, bins) >= k)


def reduce_block(x: np.ndarray, m: int, frame: Frame | None = None, bins: int = 0,
                  counts: np.ndarray | None = None, ties: np.ndarray | None = None) -> tuple:
    """``(count, mean, M2, min, max)`` of each row of ``x`` ``(cells, m | 1)``; with a
    ``frame``, its frame histogram is added into ``counts`` ``(cells, bins + 3)`` and, in
    blocks whose minimum (maximum) is the frame's ``lo`` (``top``), the number of values equal
    to it into ``ties`` ``(cells, 2)`` — point masses at the ends, such as zero exports or
    output at a cap. (Where the overall minimum is ``lo``, those are all the values equal to
    it; elsewhere the count is not used.)

    One sweep over slabs of :data:`_SLAB_ROWS` rows that stay in cache: min and max, then
    (rows not constant) the mean and ``M2 = Σ (x − mean)²`` two-pass within the block, then the
    frame bins (:func:`frame_bin`, in place) counted by ``np.bincount``. A row constant in the
    block has exactly its value as mean and ``M2 = 0``.
    """
    C, w = x.shape
    rows = np.arange(C)
    if w == 1:  # the same for every sample of the block
        v = np.array(x[:, 0], dtype=np.float64)
        if frame is not None:
            counts[rows, frame_bin(v, frame.lo, frame.scale, bins) + 1] += m
            ties += m * np.stack([v == frame.lo, v == frame.top], axis=1)
        return (m, v, np.zeros_like(v), v, v)
    if use_compiled(w):  # ensembles: the same reduction, one compiled pass per cell
        from energysim.execution import summary_kernel  # lazy: numba, for ensembles only

        return summary_kernel.reduce_rows(x, m, frame, bins, counts, ties)
    mean, m2 = np.empty(C), np.zeros(C)
    vmin, vmax = np.empty(C), np.empty(C)
    slab = np.empty((min(_SLAB_ROWS, C), w))
    if frame is not None:
        lo, scale, top = frame
        finite_lo = np.isfinite(lo)
        width = bins + 3  # bins −1 … bins + 1
        offsets = (np.arange(slab.shape[0], dtype=np.int64) * width
                   + (1 - _MAGIC_BITS))[:, None]
    for a in range(0, C, _SLAB_ROWS):
        b = min(a + _SLAB_ROWS, C)
        xs = x[a:b]
        t = slab[: b - a]
        np.min(xs, axis=1, out=vmin[a:b])
        np.max(xs, axis=1, out=vmax[a:b])
        const = vmin[a:b] == vmax[a:b]
        if const.all():
            mean[a:b] = vmin[a:b]
            if frame is not None:
                counts[rows[a:b], frame_bin(vmin[a:b], lo[a:b], scale[a:b], bins) + 1] += m
            continue
        mu = xs.mean(axis=1)
        np.subtract(xs, mu[:, None], out=t)
        sq = np.einsum("ij,ij->i", t, t)
        mean[a:b] = np.where(const, vmin[a:b], mu)
        m2[a:b] = np.where(const, 0.0, sq)
        if frame is None:
            continue
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(xs, lo[a:b, None], out=t)
            t *= scale[a:b, None]
            np.clip(t, -1, bins + 1, out=t)
            if not (finite_lo[a:b].all() and np.isfinite(vmin[a:b]).all()
                    and np.isfinite(vmax[a:b]).all()):
                np.nan_to_num(t, copy=False, nan=bins + 1)  # a NaN counts, not crashes
            t += _MAGIC
        k = t.view(np.int64)
        k += offsets[: b - a]
        counts[a:b] += np.bincount(k.ravel(), minlength=(b - a) * width).reshape(b - a, width)
    if frame is not None:  # values at an end of the frame, in rows whose extreme reaches it
        const = vmin == vmax
        for end, at, extreme in ((0, lo, vmin), (1, top, vmax)):
            reached = extreme == at
            ties[:, end] += m * (reached & const)  # a constant row: all of them
            seen = np.flatnonzero(reached & ~const)
            if len(seen):
                ties[seen, end] += np.count_nonzero(x[seen] == at[seen, None], axis=1)
    return (m, mean, m2, vmin, vmax)


def merge_moments(a: tuple, b: tuple) -> tuple:
    """Chan et al. (1979) pairwise update of ``(count, mean, M2, min, max)``."""
    na, ma, qa, lo_a, hi_a = a
    nb, mb, qb, lo_b, hi_b = b
    n = na + nb
    delta = mb - ma
    mean = ma + delta * (nb / n)
    m2 = qa + qb + delta * delta * (float(na) * float(nb) / n)
    return (n, mean, m2, np.minimum(lo_a, lo_b), np.maximum(hi_a, hi_b))


def bin_of(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int) -> np.ndarray:
    """Bin ``f(x) = clip(floor((x − lo) · bins/(hi − lo)), 0, bins − 1)`` of each value.

    ``x`` is ``(rows, m)``, ``lo`` and ``hi`` ``(rows,)``. ``f`` is monotone in ``x``, so each
    bin is an interval of floats; :func:`lower_bound` finds its exact ends with the very same
    floating-point operations, so that a later pass selecting ``[lower(k), lower(k + 1))``
    finds exactly the values counted in bin ``k``.
    """
    s = bins / (hi - lo)
    t = x - lo[:, None]
    t *= s[:, None]
    np.floor(t, out=t)
    np.clip(t, 0, bins - 1, out=t)
    return t.astype(np.intp)


def lower_bound(lo: np.ndarray, hi: np.ndarray, bins: int, k: np.ndarray) -> np.ndarray:
    """Smallest float ``x`` in ``[lo, hi]`` with ``f(x) ≥ k`` (:func:`bin_of`), by bisection.

    ``k = 0`` gives ``lo`` and ``k = bins`` gives ``hi`` (the ends of the interval).
    """
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    k = np.asarray(k, np.int64)
    s = bins / (hi - lo)
    inner = (k > 0) & (k < bins)
    low, high = float_key(lo), float_key(hi)  # invariant: f(low) < k ≤ f(high) for 0 < k < bins
    low = np.where(inner, low, high)  # nothing to search at the ends

    def holds(x):
        with np.errstate(invalid="ignore", over="ignore"):
            return np.clip(np.floor((x - lo) * s), 0, bins - 1) >= k

    out = first_float(low, high, holds)
    return np.where(k <= 0, lo, np.where(k >= bins, hi, out))


def histogram(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int):
    """Counts ``(rows, bins)`` of each row's values in ``[lo, hi)``; their min and max."""
    rows = x.shape[0]
    with np.errstate(invalid="ignore", over="ignore"):
        idx = bin_of(x, lo, hi, bins)
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    idx += 1
    idx *= inside  # values outside go to a discarded bin 0
    idx += (np.arange(rows, dtype=np.intp) * (bins + 1))[:, None]
    counts = np.bincount(idx.ravel(), minlength=rows * (bins + 1)).reshape(rows, bins + 1)
    vmin = np.where(inside, x, np.inf).min(axis=1)
    vmax = np.where(inside, x, -np.inf).max(axis=1)
    return np.ascontiguousarray(counts[:, 1:]), vmin, vmax


def ulp_histogram(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Counts of each float in each row's ``[lo, hi)``: ``(rows, K)``, column ``k`` is the
    float ``k`` steps above ``lo`` (``K`` = the most floats in any row's interval)."""
    k0 = float_key(lo)
    width = int(np.max(float_key(hi) - k0))
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    idx = float_key(x) - k0[:, None]
    idx += 1
    idx *= inside  # values outside go to a discarded column 0
    idx += (np.arange(x.shape[0], dtype=np.int64) * (width + 1))[:, None]
    counts = np.bincount(idx.ravel(), minlength=x.shape[0] * (width + 1))
    return np.ascontiguousarray(counts.reshape(x.shape[0], width + 1)[:, 1:])


def rows_of(x: np.ndarray, cells: np.ndarray, m: int) -> np.ndarray:
    """Rows ``cells`` of ``x`` ``(C, m | 1)`` as ``(len(cells), m)`` (no copy if all rows)."""
    if x.shape[1] != m:
        x = np.broadcast_to(x, (x.shape[0], m))
    if len(cells) == x.shape[0] and np.array_equal(cells, np.arange(x.shape[0])):
        return x
    return x[cells]


def collect_in(x: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Row numbers and values of the entries of ``x`` within their row's ``[lo, hi)``."""
    inside = (x >= lo[:, None]) & (x < hi[:, None])
    rows, cols = np.nonzero(inside)
    return rows.astype(np.int32), x[rows, cols]


def min_max(a: tuple, b: tuple) -> tuple:
    """Combine (min, max) pairs of arrays, where None means unknown."""
    if a[0] is None or b[0] is None:
        return (None, None)
    return (np.minimum(a[0], b[0]), np.maximum(a[1], b[1]))


def accumulate(total: dict[str, np.ndarray], part: Mapping[str, np.ndarray]) -> None:
    """Add each variable's integer counts of ``part`` into ``total`` (in place, int64: a job's
    counts may come as int32)."""
    for v, c in part.items():
        if v in total:
            total[v] += c
        else:
            total[v] = np.array(c, dtype=np.int64)


def stat_names(quantiles: Sequence[float]) -> list[str]:
    """``mean``, ``std``, ``p5`` … (the names :func:`energysim.results.dataset.summary` uses)."""
    return ["mean", "std"] + [f"p{100 * q:g}" for q in quantiles]
