"""Results: the xarray Dataset of a run, its summaries and the files written from it.

* :mod:`~energysim.results.dataset` — assembly of engine outputs into one Dataset (dims
  ``sample``, ``year`` and category dims; ``units``, ``long_name``, ``long_name_zh`` on every
  variable), the indicator summaries and the writers (NetCDF, tidy CSV, xlsx), all atomic;
* :mod:`~energysim.results.resultset` — a run's output folder as one unit: lock, manifest,
  staging and recovery;
* :mod:`~energysim.results.outputs` — output folder names, claiming a folder, run identity.

The public functions of :mod:`~energysim.results.dataset` are also reachable here
(``energysim.results.summary``, as documented).
"""

from __future__ import annotations

from energysim.results import dataset
from energysim.results.dataset import *  # noqa: F403 — the documented names, one list

__all__ = list(dataset.__all__)
