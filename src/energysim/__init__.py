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

import importlib
import sys

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
    "Params": ("energysim.core.params", "Params"),
    "run": ("energysim.execution.pipeline", "run"),
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
    # lazy: importlib.metadata (~20 ms) loads only when the version is asked
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
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


class _AccessorOnXarrayImport:
    """Registers the ``ds.es`` accessor as soon as xarray is imported (import hook), so that
    ``import energysim`` gives every Dataset ``.es`` without importing xarray itself (which
    would cost ``energysim validate`` ~0.3 s)."""

    def find_spec(self, name, path=None, target=None):
        if name != "xarray":
            return None
        import importlib.util  # lazy: only when xarray is imported (start-up of the CLI)

        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec("xarray")
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_register(module):
            exec_module(module)
            _remove_hook()

            importlib.import_module("energysim.briefing.accessor")

        spec.loader = _Loader(spec.loader, exec_and_register)
        return spec


class _Loader:
    """A loader that runs ``exec_module`` and then registers the accessor."""

    def __init__(self, loader, exec_module):
        self._loader, self.exec_module = loader, exec_module

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def _remove_hook() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AccessorOnXarrayImport)]


def _register_accessor() -> None:
    if "xarray" in sys.modules:
        importlib.import_module("energysim.briefing.accessor")
    elif not any(isinstance(f, _AccessorOnXarrayImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AccessorOnXarrayImport())


_register_accessor()


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})
