"""The streamed-summary reduction of a block as one compiled pass per cell (numba).

:func:`reduce_rows` computes what the numpy path of
:func:`energysim.execution.summaries.reduce_block` computes for a block of ``m ≥ 2`` samples:
minimum and maximum, the mean (numpy's pairwise summation, so it equals ``x.mean(axis=1)`` bit
for bit), ``M2 = Σ (x − mean)²``, and — with a frame — the frame-bin counts and the end ties.
Frame bins and ties are integers and equal numpy's exactly; ``M2`` is summed in vectorised
partial sums here and by ``einsum`` there, so the two agree to rounding (1e-15 relative), which
is all a variance needs. Minimum, maximum and the frame's clip run with fast-math flags only on
rows whose sum shows them finite; rows with NaN or infinities take exact scalar loops. One
row (a cell's ``m`` values, ≤ 64 kB) stays in cache across its four passes, where numpy makes
a dozen passes over 2 MB slabs; the kernel holds no GIL. docs/performance.md has the
measurements.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["reduce_rows"]

_PW_BLOCK = 128  # numpy's PW_BLOCKSIZE


@nb.njit(cache=True, nogil=True)
def _block_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's sum of at most 128 values: 8 accumulators, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    end = n - n % 8
    while i < end:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@nb.njit(cache=True, nogil=True)
def _pairwise(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of ``a[lo:lo + n]`` (``loops_utils.h``), operation for operation:
    halves (the first a multiple of 8 long) summed recursively down to blocks of 128. Written
    with an explicit stack: numba's cache does not reload recursive functions safely."""
    if n <= _PW_BLOCK:
        return _block_sum(a, lo, n)
    s_lo = np.empty(64, np.int64)
    s_n = np.empty(64, np.int64)
    s_phase = np.zeros(64, np.int64)
    s_left = np.empty(64)
    s_lo[0], s_n[0], s_phase[0] = lo, n, 0
    sp = 1
    val = 0.0
    while True:
        f = sp - 1
        nf = s_n[f]
        n2 = nf // 2
        n2 -= n2 % 8
        ph = s_phase[f]
        if ph == 0 or ph == 1:  # push the left half (0) or, its sum in val, the right half (1)
            if ph == 1:
                s_left[f] = val
            s_phase[f] = ph + 1
            c_lo = s_lo[f] if ph == 0 else s_lo[f] + n2
            c_n = n2 if ph == 0 else nf - n2
            if c_n <= _PW_BLOCK:
                val = _block_sum(a, c_lo, c_n)
                continue
            s_lo[sp], s_n[sp], s_phase[sp] = c_lo, c_n, 0
            sp += 1
            continue
        val = s_left[f] + val  # both halves done
        sp -= 1
        if sp == 0:
            return val


#: Fast-math flags of the passes over rows known to be finite (no NaN, no inf: then these
#: flags change nothing but let the compiler vectorise min, max and the clip).
_FINITE = {"nnan", "ninf", "nsz"}

#: Adding 1.5·2⁵² rounds a float below 2⁵¹ to an integer in the low bits (round half to even),
#: as :func:`energysim.execution.summaries.frame_bin` does.
_MAGIC = 1.5 * 2.0**52
_MAGIC_BITS = int(np.float64(_MAGIC).view(np.int64))


@nb.njit(cache=True, nogil=True, fastmath=_FINITE)
def _min_max_finite(row):  # pragma: no cover - compiled
    """Minimum and maximum of a finite row, four running pairs (the compiler vectorises them)."""
    n = row.shape[0]
    a0 = a1 = a2 = a3 = row[0]
    b0 = b1 = b2 = b3 = row[0]
    end = n - n % 4
    for i in range(0, end, 4):
        a0 = min(a0, row[i])
        a1 = min(a1, row[i + 1])
        a2 = min(a2, row[i + 2])
        a3 = min(a3, row[i + 3])
        b0 = max(b0, row[i])
        b1 = max(b1, row[i + 1])
        b2 = max(b2, row[i + 2])
        b3 = max(b3, row[i + 3])
    for i in range(end, n):
        a0 = min(a0, row[i])
        b0 = max(b0, row[i])
    return min(min(a0, a1), min(a2, a3)), max(max(b0, b1), max(b2, b3))


@nb.njit(cache=True, nogil=True, fastmath={"reassoc", "nnan", "ninf", "nsz"})
def _squares_finite(row, mu):  # pragma: no cover - compiled
    """``Σ (x − mu)²`` (any order of the additions: a variance needs no more)."""
    acc = 0.0
    for i in range(row.shape[0]):
        d = row[i] - mu
        acc += d * d
    return acc


@nb.njit(cache=True, nogil=True, fastmath=_FINITE)
def _bin_keys_finite(row, lc, sc, hi, keys):  # pragma: no cover - compiled
    """``(x − lo)·scale`` clipped to ``[−1, bins + 1]`` plus the rounding constant."""
    for i in range(row.shape[0]):
        t = (row[i] - lc) * sc
        t = min(max(t, -1.0), hi)
        keys[i] = t + _MAGIC


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _frame_bin_strict(v, lc, sc, hi):  # pragma: no cover - compiled
    """:func:`frame_bin` of one value of any kind (NaN → the top bin)."""
    t = (v - lc) * sc
    if t != t:
        return int(hi)
    return int(np.rint(min(max(t, -1.0), hi)))


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _reduce(x, m, lo, scale, top, bins, framed, counts, ties, mean, m2, vmin, vmax,
            keys):  # pragma: no cover - compiled
    C, w = x.shape
    hi = float(bins + 1)
    kb = keys.view(np.int64)
    off = 1 - _MAGIC_BITS
    for c in range(C):
        row = x[c]
        total = 0.0 + _pairwise(row, 0, w)
        finite = np.isfinite(total)  # a NaN or an infinity anywhere makes the sum non-finite
        if finite:
            mn, mx = _min_max_finite(row)
        else:  # numpy's NaN-propagating minimum and maximum
            mn = row[0]
            mx = row[0]
            nan = False
            for i in range(w):
                v = row[i]
                if v != v:
                    nan = True
                mn = v if v < mn else mn
                mx = v if v > mx else mx
            if nan:
                mn = np.nan
                mx = np.nan
        vmin[c] = mn
        vmax[c] = mx
        const = mn == mx
        if const:
            mean[c] = mn
            m2[c] = 0.0
        else:
            mu = total / w
            mean[c] = mu
            if finite:
                m2[c] = _squares_finite(row, mu)
            else:
                acc = 0.0
                for i in range(w):
                    d = row[i] - mu
                    acc += d * d
                m2[c] = acc
        if not framed:
            continue
        lc = lo[c]
        sc = scale[c]
        cr = counts[c]
        if const:
            cr[_frame_bin_strict(mn, lc, sc, hi) + 1] += m
        elif finite and np.isfinite(lc):
            _bin_keys_finite(row, lc, sc, hi, keys)
            for i in range(w):
                cr[kb[i] + off] += 1
        else:
            for i in range(w):
                cr[_frame_bin_strict(row[i], lc, sc, hi) + 1] += 1
        # values equal to the frame's ends, in rows whose extreme reaches them
        for end, at, extreme in ((0, lc, mn), (1, top[c], mx)):
            if extreme == at:
                if const:
                    ties[c, end] += m
                else:
                    k = 0
                    for i in range(w):
                        if row[i] == at:
                            k += 1
                    ties[c, end] += k


def reduce_rows(x: np.ndarray, m: int, frame=None, bins: int = 0, counts=None, ties=None):
    """``(count, mean, M2, min, max)`` of each row of ``x`` ``(cells, m)``, adding the frame
    histogram into ``counts`` and the end ties into ``ties`` when a ``frame`` is given (the
    contract of :func:`energysim.execution.summaries.reduce_block`)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    C, w = x.shape
    mean, m2, vmin, vmax = np.empty(C), np.empty(C), np.empty(C), np.empty(C)
    if frame is None:
        lo = scale = top = np.zeros(C)
        counts, ties = np.zeros((1, 1), np.int64), np.zeros((1, 2), np.int64)
    else:
        lo, scale, top = (np.ascontiguousarray(a, dtype=np.float64) for a in frame)
    _reduce(x, m, lo, scale, top, int(bins), frame is not None, counts, ties, mean, m2, vmin,
            vmax, np.empty(w))
    return (m, mean, m2, vmin, vmax)
