"""Deprecated import path: use :mod:`energysim.analysis.money` (README.md).

``energysim.money`` was documented before the package tree was layered (issue 15); it still works
and gives the objects of :mod:`energysim.analysis.money`, with a :class:`DeprecationWarning`.
"""

import warnings

from energysim.analysis import money as _moved

warnings.warn(
    "energysim.money moved to energysim.analysis.money (docs/architecture.md)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str):
    return getattr(_moved, name)


def __dir__() -> list[str]:
    return dir(_moved)
