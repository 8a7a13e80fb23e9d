"""The quantile search of streamed summaries: order statistics located bin by bin.

:class:`QuantileSearch` places every wanted order statistic of numpy's "linear" quantile in
its frame bin (error ≤ the bin width), then, where needed (beyond the pilot's range, or
``exact_quantiles``), plans further passes: histograms of the open bins, the values of the
smallest bins collected (up to :data:`COLLECT_BUDGET`), or — for bins too narrow to split —
counts float by float (:data:`ULP_BINS`), at most :data:`MAX_QUANTILE_PASSES` passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from energysim.execution.summaries import (
    Frame,
    float_key,
    frame_lower_bound,
    key_float,
    lower_bound,
)

__all__ = [
    "COLLECT_BUDGET",
    "ULP_BINS",
    "MAX_QUANTILE_PASSES",
    "QuantileSearch",
]


#: Values held at most while collecting bins for exact quantiles (64 MB of float64; crowded
#: bins beyond it are split again in another pass instead).
COLLECT_BUDGET = 8 * 2**20


#: Largest number of distinct floats in a bin too narrow to split that is counted float by
#: float (such a bin holds values equal up to rounding).
ULP_BINS = 1 << 16


#: Passes after the first allowed when searching exact quantiles.
MAX_QUANTILE_PASSES = 8


def _ranks(n: int, quantiles: Sequence[float]):
    """Order statistics numpy's "linear" quantile needs: ``(ranks, prev, next, gamma)``."""
    q = np.asarray(quantiles, dtype=np.float64)
    virtual = (n - 1) * q
    prev = np.minimum(np.floor(virtual).astype(np.int64), n - 1)
    nxt = np.minimum(prev + 1, n - 1)
    gamma = virtual - prev
    ranks = np.unique(np.concatenate([prev, nxt]))
    return ranks, np.searchsorted(ranks, prev), np.searchsorted(ranks, nxt), gamma


def _lerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """numpy's quantile interpolation, operation for operation (so exact results match)."""
    diff = b - a
    if t >= 0.5:
        return b - diff * (1 - t)
    return a + diff * t


class QuantileSearch:
    """Locates the order statistics of every cell: in the frame histograms of the pass
    (:meth:`absorb_frame`), then, where needed, by further passes (histograms, collections).

    State per (cell, wanted rank): an interval ``[lo, hi)`` known to contain the order
    statistic, the number of values below it (``below``) and inside it (``count``).
    """

    OPEN, DONE = 0, 1  # status of a (cell, rank)

    def __init__(self, moments: Mapping[str, tuple], n: int, quantiles: Sequence[float],
                 bins: int, exact: bool) -> None:
        self.n, self.bins, self.exact = n, bins, exact
        self.ranks, self.i_prev, self.i_next, self.gamma = _ranks(n, quantiles)
        self.passes = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}
        R = len(self.ranks)
        for v, (_, _, _, mn, mx) in moments.items():
            C = len(mn)
            s = {
                "lo": np.repeat(mn[:, None], R, axis=1).astype(np.float64),
                "hi": np.repeat(np.nextafter(mx, np.inf)[:, None], R, axis=1),
                "below": np.zeros((C, R), np.int64),
                "count": np.full((C, R), n, np.int64),
                "status": np.full((C, R), self.OPEN, np.int8),
                "value": np.full((C, R), np.nan),
                "bound": np.zeros((C, R)),
                "mn": mn, "mx": mx,
            }
            finite = np.isfinite(mn) & np.isfinite(mx)
            const = finite & (mn == mx)
            for j, r in enumerate(self.ranks):
                done = ~finite | const | (r == 0) | (r == n - 1)
                s["value"][:, j] = np.where(r == n - 1, mx, mn)
                s["value"][~finite, j] = np.nan
                s["status"][done, j] = self.DONE
            self.state[v] = s
        self._rows: dict[str, list] = {}

    # -- the frame histograms of the pass --------------------------------------------------
    def absorb_frame(self, frames: Mapping[str, Frame], counts: Mapping[str, np.ndarray],
                     ties: Mapping[str, np.ndarray]) -> None:
        """Locate every wanted order statistic in its frame bin (:func:`frame_bin`).

        ``frames``: variable → :class:`Frame`; ``counts``: variable → ``(cells, bins + 3)``
        counts of all the values; ``ties``: variable → ``(cells, 2)`` values known to equal
        the frame's ends. An order statistic within a point mass at the minimum or maximum is
        then known exactly. Without ``exact``, one inside the frame is estimated at once
        (error ≤ the bin width); one in an outer bin stays open for a pass over that bin.
        """
        for v, s in self.state.items():
            frame = frames[v]
            # the ranks r < (values equal to the minimum) are the minimum; likewise at the top
            at_min = np.where(s["mn"] == frame.lo, ties[v][:, 0], 0)
            at_max = np.where(s["mx"] == frame.top, ties[v][:, 1], 0)
            for j, r in enumerate(self.ranks):
                for hit, value in ((r < at_min, s["mn"]), (r >= self.n - at_max, s["mx"])):
                    hit &= s["status"][:, j] != self.DONE
                    s["value"][hit, j], s["status"][hit, j] = value[hit], self.DONE
            c, j = np.nonzero(s["status"] != self.DONE)
            if not len(c):
                continue
            cnt = counts[v]
            cum = np.cumsum(cnt, axis=1)
            if np.any(cum[:, -1] != self.n):
                raise RuntimeError(f"internal: {v}: frame counts do not add up to {self.n}")
            # the bin holding each wanted rank: the first whose cumulative count exceeds r
            k = np.empty(len(c), dtype=np.int64)
            for jj in np.unique(j):
                sel = j == jj
                k[sel] = (cum[c[sel]] <= self.ranks[jj]).sum(axis=1)
            below = np.where(k > 0, cum[c, np.maximum(k - 1, 0)], 0)
            f = k - 1  # the frame bin, −1 … bins + 1
            lo_f, scale = frame.lo[c], frame.scale[c]
            last = self.bins + 1
            start = frame_lower_bound(lo_f, scale, self.bins, np.clip(f, 0, last))
            stop = frame_lower_bound(lo_f, scale, self.bins, np.clip(f + 1, 0, last))
            mn, top = s["mn"][c], np.nextafter(s["mx"][c], np.inf)
            lo = np.where(f < 0, mn, np.maximum(start, mn))
            hi = np.where(f >= last, top, np.minimum(stop, top))
            s["lo"][c, j], s["hi"][c, j] = lo, hi
            s["below"][c, j], s["count"][c, j] = below, cnt[c, k]
            if not self.exact:  # inside the frame: estimate now; outer bins need a pass
                inner = (f >= 0) & (f <= self.bins)
                self._approximate(s, (c[inner], j[inner]))

    # -- planning ---------------------------------------------------------------------------
    def next_pass(self) -> tuple[dict, dict, dict] | None:
        """``(hist, collect, ulps)`` specs of the next pass, or None when all ranks are known."""
        if self.passes >= MAX_QUANTILE_PASSES:
            self._approximate_rest()
            return None
        rows: dict[str, dict] = {}
        want: list[tuple[int, str, tuple]] = []  # (count, var, key) of rows
        for v, s in self.state.items():
            keys: dict[tuple, list[tuple[int, int]]] = {}
            todo = np.argwhere(s["status"] != self.DONE)
            for c, j in todo:
                key = (int(c), float(s["lo"][c, j]), float(s["hi"][c, j]))
                keys.setdefault(key, []).append((int(c), int(j)))
            rows[v] = keys
            for key, members in keys.items():
                c, j = members[0]
                want.append((int(s["count"][c, j]), v, key))
        if not want:
            return None
        # collect the smallest rows while they fit; split the others
        collect_keys: set[tuple[str, tuple]] = set()
        used = 0
        for count, v, key in sorted(want, key=lambda w: w[0]):
            if used + count > COLLECT_BUDGET:
                break
            collect_keys.add((v, key))
            used += count
        hist, collect, ulps = {}, {}, {}
        self._rows = {}
        for v, keys in rows.items():
            ck = [k for k in keys if (v, k) in collect_keys]
            rest = [k for k in keys if (v, k) not in collect_keys]
            hk = [k for k in rest if _splittable(k[1], k[2], self.bins)]
            uk = [k for k in rest if not _splittable(k[1], k[2], self.bins)
                  and 0 < float_key(k[2]) - float_key(k[1]) <= ULP_BINS]  # equal up to rounding
            self._rows[v] = (hk, ck, uk, keys)
            if hk:
                hist[v] = _spec(hk)
            if ck:
                collect[v] = _spec(ck)
            if uk:
                ulps[v] = _spec(uk)
        if not hist and not collect and not ulps:
            self._approximate_rest()
            return None
        self.passes += 1
        return hist, collect, ulps

    # -- absorbing a pass -------------------------------------------------------------------
    def update(self, hist: Mapping[str, tuple], collect: dict[str, list],
               ulps: Mapping[str, np.ndarray] | None = None) -> None:
        """Narrow the intervals with a pass's summed histograms and collected values.

        ``collect`` maps variables to lists of ``(rows, values)`` (one per job); it is
        emptied here, variable by variable, to keep the peak memory low.
        """
        moved = []  # (state, c, j, lo, hi, k) of ranks located in bin k of [lo, hi)
        for v, (hk, ck, uk, keys) in self._rows.items():
            s = self.state[v]
            for row, key in enumerate(uk):  # every float counted: the rank's float is known
                cum = np.cumsum(ulps[v][row])
                for c, j in keys[key]:
                    if cum[-1] != s["count"][c, j]:
                        raise RuntimeError(f"internal: {v} cell {c}: {cum[-1]} values in the "
                                           f"interval, expected {s['count'][c, j]}")
                    k = int(np.searchsorted(cum, self.ranks[j] - s["below"][c, j], side="right"))
                    s["value"][c, j] = key_float(float_key(key[1]) + k)
                    s["status"][c, j] = self.DONE
            if hk:
                counts, vmin, vmax = hist[v]
                for row, key in enumerate(hk):
                    cum = np.cumsum(counts[row])
                    for c, j in keys[key]:
                        if cum[-1] != s["count"][c, j]:
                            raise RuntimeError(f"internal: {v} cell {c}: {cum[-1]} values in "
                                               f"the interval, expected {s['count'][c, j]}")
                        if vmin is not None and vmin[row] == vmax[row]:  # all values equal
                            s["value"][c, j], s["status"][c, j] = vmin[row], self.DONE
                            continue
                        k = int(np.searchsorted(cum, self.ranks[j] - s["below"][c, j],
                                                side="right"))
                        s["below"][c, j] += int(cum[k] - counts[row][k])
                        s["count"][c, j] = int(counts[row][k])
                        moved.append((s, c, j, key[1], key[2], k))
            if ck:
                parts = collect.pop(v)  # list of (rows, values) per job; freed as we go
                rows = np.concatenate([r for r, _ in parts])
                values = np.concatenate([x for _, x in parts])
                del parts
                order = np.lexsort((values, rows))
                rows, values = rows[order], values[order]
                starts = np.searchsorted(rows, np.arange(len(ck) + 1))
                for row, key in enumerate(ck):
                    got = values[starts[row]:starts[row + 1]]
                    for c, j in keys[key]:
                        if len(got) != s["count"][c, j]:
                            raise RuntimeError(f"internal: {v} cell {c}: collected {len(got)} "
                                               f"values, expected {s['count'][c, j]}")
                        s["value"][c, j] = got[self.ranks[j] - s["below"][c, j]]
                        s["status"][c, j] = self.DONE
        if moved:  # the located bins' exact ends, all at once
            lo = np.array([m[3] for m in moved])
            hi = np.array([m[4] for m in moved])
            k = np.array([m[5] for m in moved], dtype=np.int64)
            new_lo = lower_bound(lo, hi, self.bins, k)
            new_hi = lower_bound(lo, hi, self.bins, k + 1)
            for (s, c, j, *_), a, b in zip(moved, new_lo, new_hi, strict=True):
                s["lo"][c, j], s["hi"][c, j] = a, b
        if not self.exact:
            self._approximate_rest()

    def _approximate_rest(self) -> None:
        """Estimate every open order statistic within its interval."""
        for s in self.state.values():
            self._approximate(s, np.nonzero(s["status"] != self.DONE))

    def _approximate(self, s: dict, where: tuple[np.ndarray, np.ndarray]) -> None:
        """Rank within the located bin, assuming values spread evenly in it (error < width)."""
        c, j = where
        if not len(c):
            return
        lo, hi = s["lo"][c, j], s["hi"][c, j]
        below, count = s["below"][c, j], s["count"][c, j]
        est = lo + (self.ranks[j] - below + 0.5) / count * (hi - lo)
        s["value"][c, j] = np.clip(est, np.maximum(lo, s["mn"][c]), np.minimum(hi, s["mx"][c]))
        s["bound"][c, j] = hi - lo
        s["status"][c, j] = self.DONE

    # -- results ----------------------------------------------------------------------------
    def result(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """variable → (quantiles ``(n_q, cells)``, error bound ``(n_q, cells)``)."""
        out = {}
        for v, s in self.state.items():
            val, bnd = s["value"], s["bound"]
            q = np.stack([_lerp(val[:, p], val[:, x], g)
                          for p, x, g in zip(self.i_prev, self.i_next, self.gamma, strict=True)])
            b = np.stack([np.maximum(bnd[:, p], bnd[:, x])
                          for p, x in zip(self.i_prev, self.i_next, strict=True)])
            out[v] = (q, b)
        return out

    @property
    def exact_everywhere(self) -> bool:
        return all(not s["bound"].any() for s in self.state.values())


def _splittable(lo: float, hi: float, bins: int) -> bool:
    w = (hi - lo) / bins
    return bool(np.isfinite(w) and w >= 4 * np.spacing(max(abs(lo), abs(hi))))


def _spec(keys: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(cells, lo, hi)`` of a pass for one variable (see :class:`Job`)."""
    return (np.array([k[0] for k in keys], dtype=np.intp),
            np.array([k[1] for k in keys], dtype=np.float64),
            np.array([k[2] for k in keys], dtype=np.float64))
