"""Deprecated import path: use :mod:`energysim.analysis.compare` (docs/briefing.md).

``energysim.compare`` was documented before the package tree was layered (issue 15); it still works
and gives the objects of :mod:`energysim.analysis.compare`, with a :class:`DeprecationWarning`.
"""

import warnings

from energysim.analysis import compare as _moved

warnings.warn(
    "energysim.compare moved to energysim.analysis.compare (docs/architecture.md)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str):
    return getattr(_moved, name)


def __dir__() -> list[str]:
    return dir(_moved)
