"""Deprecated import path: use :func:`energysim.run` and :mod:`energysim.core.engine`.

``energysim.engine.run(...)`` was documented (docs/calibration.md, docs/briefing.md) before the
package tree was layered (issue 15). It still works, with a :class:`DeprecationWarning`: ``run``
is :func:`energysim.execution.pipeline.run` (= ``energysim.run``), ``simulate_blocks`` is
:func:`energysim.execution.threads.simulate_blocks`, every other name is
:mod:`energysim.core.engine`'s.
"""

import warnings

from energysim.core import engine as _moved
from energysim.execution import pipeline as _pipeline
from energysim.execution import threads as _threads

warnings.warn(
    "energysim.engine moved to energysim.core.engine (run: energysim.run; docs/architecture.md)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name: str):
    if name == "run":
        return _pipeline.run
    if name == "simulate_blocks":
        return _threads.simulate_blocks
    return getattr(_moved, name)


def __dir__() -> list[str]:
    return sorted(set(dir(_moved)) | {"run", "simulate_blocks"})
