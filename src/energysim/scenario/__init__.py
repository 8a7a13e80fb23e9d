"""The scenario language: load YAML scenarios, resolve ``extends``, compile to arrays.

* :func:`load_scenario` / :func:`loads_scenario` → :class:`Scenario` (resolved, validated,
  immutable; each value remembers its file and line);
* :func:`compile_scenario` → :class:`CompiledScenario` whose ``params(start, stop)`` are the
  engine's :class:`~energysim.core.params.Params`.

The language itself is documented in ``docs/scenario-language.md``.
"""

from energysim.scenario.compile import CompiledScenario, compile_scenario
from energysim.scenario.loader import bundled_names, load_scenario, loads_scenario
from energysim.scenario.series import Const, Growth, Series
from energysim.scenario.spec import Correlation, Leaf, Scenario, Source, Target
from energysim.scenario.uncertainty import Distribution

__all__ = [
    "CompiledScenario",
    "Const",
    "Correlation",
    "Distribution",
    "Growth",
    "Leaf",
    "Scenario",
    "Series",
    "Source",
    "Target",
    "bundled_names",
    "compile_scenario",
    "load_scenario",
    "loads_scenario",
]
