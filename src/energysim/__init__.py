"""energysim: an energy-transition scenario simulator for coal regions.

Public API::

    import energysim as es
    scenario = es.load_scenario("baseline")          # or a path to a YAML file
    compiled = es.compile_scenario(scenario, samples=1000, seed=1, method="lhs")
    params = compiled.params()                        # arrays (samples|1, years)

Errors in any input raise :class:`ScenarioError` (a ``ValueError``) whose text is one line
``file:line: key.path: what is wrong (expected …, got …)``.

Importing this package is cheap: heavy modules (pint, scipy, pandas, xarray, matplotlib) load
on first use. Attributes below are resolved lazily by :func:`__getattr__`.
"""

from __future__ import annotations

from energysim.errors import (
    BoundsError,
    DataError,
    InheritanceError,
    MemoryBudgetError,
    ScenarioError,
    UnitError,
)

try:
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("energysim")
    except PackageNotFoundError:  # running from a source tree without installing
        __version__ = "0.0.0+unknown"
except ImportError:  # pragma: no cover
    __version__ = "0.0.0+unknown"

#: Lazily imported public names: name -> (module, attribute).
_LAZY = {
    "load_scenario": ("energysim.scenario.loader", "load_scenario"),
    "loads_scenario": ("energysim.scenario.loader", "loads_scenario"),
    "compile_scenario": ("energysim.scenario.compile", "compile_scenario"),
    "Scenario": ("energysim.scenario.spec", "Scenario"),
    "CompiledScenario": ("energysim.scenario.compile", "CompiledScenario"),
    "Params": ("energysim.params", "Params"),
    # --- core (issue 3): the simulation core adds `run` here, e.g.
    # "run": ("energysim.engine", "run"),
}

__all__ = [
    "__version__",
    "ScenarioError",
    "UnitError",
    "BoundsError",
    "InheritanceError",
    "DataError",
    "MemoryBudgetError",
    *_LAZY,
]


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'energysim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
