"""Year-by-year stock recurrences as compiled kernels (numba): vintage retirements with
rebuilding (:func:`energysim.core.engine.stock_path`) and the capital value of a stock
(:func:`energysim.core.model.costs.capital_value`).

Each kernel runs the numpy function's per-year operations in the same order for every sample
(samples innermost), so the results are equal bit for bit; one call replaces a Python loop of
numpy calls over the years.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["retire_and_rebuild", "capital_value"]


@nb.njit(cache=True, nogil=True)
def _retire(hist, n_pre, life, replace, rebuild, retire):  # pragma: no cover - compiled
    n_years, m = retire.shape
    wide_life = life.shape[0] > 1
    wide_hist = hist.shape[1] > 1
    for t in range(n_years):
        h = n_pre + t
        for i in range(m):
            j = h - life[i if wide_life else 0]
            r = hist[j, i if wide_hist else 0] if j >= 0 else 0.0
            retire[t, i] = r
            if rebuild:
                hist[h, i] += replace[t, i] * r


def retire_and_rebuild(hist: np.ndarray, n_pre: int, life: np.ndarray,
                       replace: np.ndarray | None) -> np.ndarray:
    """Retirements ``(n_years, m)`` of the history ``hist`` ``(n_pre + n_years, m)`` (updated in
    place with the rebuilt share ``replace`` ``(n_years, m | 1)`` of each year's retirements,
    if given); ``life`` ``(m | 1,)`` whole years. The loops of ``stock_path``."""
    n_years = hist.shape[0] - n_pre
    m = hist.shape[1]
    retire = np.empty((n_years, m))
    rep = (np.zeros((1, 1)) if replace is None
           else np.ascontiguousarray(np.broadcast_to(replace, (n_years, m)), dtype=np.float64))
    _retire(hist, int(n_pre), np.ascontiguousarray(life, dtype=np.int64), rep,
            replace is not None, retire)
    return retire


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _capital_value(stock, additions, invest, v, prev_k, value):  # pragma: no cover - compiled
    n_years, m = value.shape
    for t in range(n_years):
        for i in range(m):
            pk = prev_k[i]
            survive = 1.0
            if pk > 0.0:
                survive = (stock[t, i] - additions[t, i]) / pk
            survive = min(survive, 1.0)
            survive = max(survive, 0.0)
            x = v[i] * survive
            x = x + invest[t, i]
            v[i] = x
            value[t, i] = x
            prev_k[i] = stock[t, i]


def capital_value(stock, additions, invest, value_before, prev_k, m: int) -> np.ndarray:
    """The loop of :func:`energysim.core.model.costs.capital_value` over ``m`` samples:
    ``stock``, ``additions``, ``invest`` broadcast to ``(n_years, m)``, ``value_before`` and
    ``prev_k`` (``K[−1]``) to ``(m,)``; returns ``V`` ``(n_years, m)`` [bnCNY]."""
    n_years = stock.shape[0]
    value = np.empty((n_years, m))
    _capital_value(*(np.broadcast_to(_read_only(x), (n_years, m))
                     for x in (stock, additions, invest)),
                   np.array(np.broadcast_to(value_before, (m,)), dtype=np.float64),
                   np.array(np.broadcast_to(prev_k, (m,)), dtype=np.float64), value)
    return value


def _read_only(x) -> np.ndarray:
    """A read-only float64 view of ``x`` (explicitly so: views made by ``np.broadcast_arrays``
    otherwise warn when their flags are read, as numba does to type them)."""
    view = np.asarray(x, dtype=np.float64).view()
    view.flags.writeable = False
    return view
