"""Execution: compiled scenarios run through the engine in sample blocks, with bounded memory.

* :mod:`~energysim.execution.pipeline` — ``run``, the façade behind ``energysim.run``: load →
  hindcast → compile → memory check → blocks → results Dataset;
* :mod:`~energysim.execution.ensemble` — the driver of large runs: full arrays, streamed
  summaries, Zarr, on threads or dask;
* :mod:`~energysim.execution.blocks` — sample blocks and jobs (:func:`run_job` runs one, in a
  thread or on a dask worker);
* :mod:`~energysim.execution.threads` / :mod:`~energysim.execution.cluster` — where jobs run:
  a thread pool, a dask.distributed cluster;
* :mod:`~energysim.execution.memory` — the memory budget (refusals before any allocation);
* :mod:`~energysim.execution.summaries` — streaming moments and frame histograms;
* :mod:`~energysim.execution.quantiles` — the quantile search over further passes;
* :mod:`~energysim.execution.sinks` — the Zarr store written block by block;
* :mod:`~energysim.execution.budget` — time, count and design estimates before a run;
* :mod:`~energysim.execution.progress` — the progress bar of long runs.

Imports the results, scenario, text and core layers; never analysis, briefing or the command
line (docs/architecture.md). dask, distributed and zarr are imported only when asked for.
"""
