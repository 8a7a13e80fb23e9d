"""Calibration: fit scenario parameters to recorded history and measure the fit.

::

    from energysim.analysis.calibration import calibrate
    cal = calibrate("calibration/baseline.yaml", holdout=1, samples=2000)
    cal.fitted            # {"economy.gdp_base": 130.0, …} in canonical units
    cal.stats             # RMSE, MAPE, bias per series

Modules: :mod:`.data` (tidy CSV data files, checked), :mod:`.config` (the configuration),
:mod:`.variables` (result-variable expressions), :mod:`.problem` (runs and residuals),
:mod:`.fit` (least squares, statistics, ensemble weights), :mod:`.run` (:func:`calibrate`),
:mod:`.report` and :mod:`.figures` (files); the earlier start year of a hindcast is
:mod:`energysim.scenario.hindcast`.
Method and file formats: docs/calibration.md. Importing this package is cheap; scipy and
matplotlib load when used.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "calibrate": ("energysim.analysis.calibration.run", "calibrate"),
    "Calibration": ("energysim.analysis.calibration.run", "Calibration"),
    "load_config": ("energysim.analysis.calibration.config", "load_config"),
    "CalibrationConfig": ("energysim.analysis.calibration.config", "CalibrationConfig"),
    "read_data": ("energysim.analysis.calibration.data", "read_data"),
    "DataFile": ("energysim.analysis.calibration.data", "DataFile"),
    "LAST_DATA_YEAR": ("energysim.analysis.calibration.data", "LAST_DATA_YEAR"),
    "with_base_year": ("energysim.scenario.hindcast", "with_base_year"),
    "Problem": ("energysim.analysis.calibration.problem", "Problem"),
    "fit": ("energysim.analysis.calibration.fit", "fit"),
    "weigh_samples": ("energysim.analysis.calibration.fit", "weigh_samples"),
    "parse_expr": ("energysim.analysis.calibration.variables", "parse_expr"),
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'energysim.analysis.calibration' has no attribute {name!r}")

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
