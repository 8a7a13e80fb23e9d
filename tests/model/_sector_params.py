"""Build :class:`energysim.core.params.Params` from sector ``PARAMS`` defaults (sector tests).

A small stand-in for the scenario compiler: a default ``{year: value}`` series is interpolated
linearly and held flat outside its points; ``overrides`` replace a path by an array of shape
``(n | 1, n_years)`` or a scalar.
"""

from __future__ import annotations

import numpy as np

from energysim.core.params import Params


def default_series(default, years: np.ndarray) -> np.ndarray:
    """A catalogue default as a float array of shape (1, n_years)."""
    if isinstance(default, dict):
        xs = np.array(sorted(default), dtype=float)
        ys = np.array([default[k] for k in sorted(default)], dtype=float)
        return np.interp(years, xs, ys)[None, :]
    return np.full((1, len(years)), float(default))


def make_params(param_lists, overrides=None, n_samples=1, years=range(2022, 2061)) -> Params:
    """Params holding every default of ``param_lists`` (lists of Param), with overrides."""
    years = np.asarray(list(years), dtype=np.int64)
    values = {}
    for plist in param_lists:
        for p in plist:
            values[p.path] = default_series(p.default, years)
    for path, v in (overrides or {}).items():
        if path not in values:
            raise KeyError(path)
        arr = np.asarray(v, dtype=float)
        if arr.ndim == 0:
            arr = np.full((1, len(years)), float(arr))
        elif arr.ndim == 1:  # one value per sample, constant in time
            arr = np.repeat(arr[:, None], len(years), axis=1)
        values[path] = np.ascontiguousarray(arr)
    return Params(years=years, n_samples=n_samples, values=values)


def check_declarations(module, prefix: str) -> None:
    """Assert that a sector module's PARAMS and OUTPUTS are complete and consistent."""
    from energysim.units import dimension_of

    paths = [p.path for p in module.PARAMS]
    assert len(paths) == len(set(paths)), "duplicate parameter paths"
    for p in module.PARAMS:
        assert p.path.startswith(prefix), p.path
        dimension_of(p.unit)  # parses
        assert p.en and p.zh and p.source and p.sector, p.path
        lo, hi = p.bounds
        values = p.default.values() if isinstance(p.default, dict) else [p.default]
        for v in values:
            assert lo is None or v >= lo, (p.path, v, lo)
            assert hi is None or v <= hi, (p.path, v, hi)
    names = [o.name for o in module.OUTPUTS]
    assert len(names) == len(set(names)), "duplicate output names"
    for o in module.OUTPUTS:
        dimension_of(o.unit)
        assert o.en and o.zh and o.sector, o.name
