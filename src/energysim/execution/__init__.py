"""Execution: compiled scenarios run through the engine in sample blocks, with bounded memory.

* :mod:`~energysim.execution.budget` — estimates before anything runs (memory, time, count);
* :mod:`~energysim.execution.progress` — the progress bar of long runs.

Imports the results, scenario and core layers; never analysis, briefing or the command line
(docs/architecture.md). dask, distributed and zarr are imported only when asked for.
"""
