"""The project register's additions for one parameter as a compiled kernel (numba).

:func:`path_arrays` computes, for sampled commissioning delays, what the loop over one
parameter's projects in :func:`energysim.scenario.projects.project_arrays` computes: the
projects' additions by year (running totals for stocks), plus the generic series, and the
first-year fractions weighted by what is added. The same operations in the same order for
every sample (samples innermost), so the results are equal bit for bit, in one call instead of
a few dozen numpy calls over ``(n_years, samples)`` arrays.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["path_arrays"]


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _path(delays, planned, size, has_month, fyf, base_year, never, fgt, g, weigh, is_flow,
          add, frac):  # pragma: no cover - compiled
    n_years, m = add.shape
    wide_d = delays.shape[0] > 1
    wide_f = fgt.shape[1] > 1
    wide_g = g.shape[1] > 1
    add[:] = 0.0
    wsum = np.zeros((n_years, m)) if weigh else np.zeros((1, 1))
    for j in range(delays.shape[1]):
        for i in range(m):
            d = delays[i if wide_d else 0, j]
            if d == never:
                continue
            y = planned[j] + d - base_year
            if y < 0 or y >= n_years:
                continue
            add[y, i] += size[j]
            if weigh:
                f = fgt[y, i if wide_f else 0]
                if has_month[j] and d == 0:  # on time: from the month
                    f = fyf[j]
                wsum[y, i] += size[j] * f
    if weigh:
        for t in range(n_years):
            for i in range(m):
                gi = g[t, i if wide_g else 0]
                if is_flow:
                    generic = max(gi, 0.0)
                elif t == 0:
                    generic = 0.0
                else:
                    generic = max(gi - g[t - 1, i if wide_g else 0], 0.0)
                denom = generic + add[t, i]
                ft = fgt[t, i if wide_f else 0]
                num = generic * ft + wsum[t, i]
                frac[t, i] = num / denom if denom > 0.0 else ft
    for t in range(n_years):
        for i in range(m):
            a = add[t, i]
            if not is_flow and t > 0:
                a = add[t - 1, i] + a  # running total (before the generic series is added)
                add[t, i] = a
    for t in range(n_years):  # the generic series on top, every year
        for i in range(m):
            add[t, i] = add[t, i] + g[t, i if wide_g else 0]


def path_arrays(projects, delays: np.ndarray, g: np.ndarray, fgt: np.ndarray | None,
                is_flow: bool, n_years: int, base_year: int, never: int):
    """``(values, fractions)`` of one parameter, year-major ``(n_years, m)`` (``fractions``
    None unless weighted): ``projects`` are the parameter's ``(column, Project)`` pairs,
    ``delays`` ``(m, n_projects)`` all columns, ``g`` the generic series ``(n_years, 1 | m)``,
    ``fgt`` the scenario's first-year fractions ``(n_years, 1 | m)`` or None."""
    m = delays.shape[0]
    cols = [j for j, _ in projects]
    ps = [p for _, p in projects]
    weigh = fgt is not None and any(p.planned_month is not None for p in ps)
    add = np.empty((n_years, m))
    frac = np.empty((n_years, m)) if weigh else np.empty((1, 1))
    _path(np.ascontiguousarray(delays[:, cols], dtype=np.int64),
          np.array([p.planned_year for p in ps], dtype=np.int64),
          np.array([float(p.size) for p in ps]),
          np.array([p.planned_month is not None for p in ps]),
          np.array([p.first_year_fraction for p in ps]),
          int(base_year), int(never),
          np.ascontiguousarray(fgt, dtype=np.float64) if weigh else np.zeros((1, 1)),
          # g as it is: a zero stride along the years (a sampled multiplier on a constant
          # path) is read in place, not copied into n_years equal rows
          np.asarray(g, dtype=np.float64), weigh, is_flow, add, frac)
    return add, (frac if weigh else None)
