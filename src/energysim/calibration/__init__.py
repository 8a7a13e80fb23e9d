"""Deprecated import path: use :mod:`energysim.analysis.calibration` (docs/calibration.md).

``energysim.calibration`` was documented before the package tree was layered (issue 15); it still
works and gives the objects of :mod:`energysim.analysis.calibration`, with a
:class:`DeprecationWarning`.
"""

import warnings

from energysim.analysis import calibration as _moved

warnings.warn(
    "energysim.calibration moved to energysim.analysis.calibration (docs/architecture.md)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str):
    return getattr(_moved, name)


def __dir__() -> list[str]:
    return dir(_moved)
