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

#: Lazily imported public names: name -> (module, attribute).
_LAZY = {
    "load_scenario": ("energysim.scenario.loader", "load_scenario"),
    "loads_scenario": ("energysim.scenario.loader", "loads_scenario"),
    "compile_scenario": ("energysim.scenario.compile", "compile_scenario"),
    "Scenario": ("energysim.scenario.spec", "Scenario"),
    "CompiledScenario": ("energysim.scenario.compile", "CompiledScenario"),
    "Params": ("energysim.params", "Params"),
    "run": ("energysim.engine", "run"),
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("energysim")
    except PackageNotFoundError:  # running from a source tree without installing
        return "0.0.0+unknown"


def __getattr__(name: str):
    if name == "__version__":  # computed on first use: importlib.metadata costs ~20 ms
        value = globals()["__version__"] = _version()
        return value
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'energysim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})
