"""Analysis of scenario runs: what the numbers mean against goals and assumptions.

* :mod:`~energysim.analysis.targets` — targets with traffic lights (value, P(meet), status);
* :mod:`~energysim.analysis.compare` — scenarios side by side: key indicators, parameter diff;
* :mod:`~energysim.analysis.wedges` — a scenario's difference split into policy levers;
* :mod:`~energysim.analysis.money` — costs, investment and abatement costs;
* :mod:`~energysim.analysis.sensitivity` — Sobol' and Morris indices;
* :mod:`~energysim.analysis.sweep` — a grid of lever values run as one ensemble;
* :mod:`~energysim.analysis.calibration` — fitting parameters to recorded history.

Imports the layers below (execution, results, scenario, text, core), never the briefing or
the command line (docs/architecture.md).
"""
