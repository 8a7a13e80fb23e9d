"""Results: the xarray Dataset of a run, its summaries and the files written from it.

* :mod:`~energysim.results.dataset` — assembly of engine outputs into one Dataset (dims
  ``sample``, ``year`` and category dims; ``units``, ``long_name``, ``long_name_zh`` on every
  variable), the indicator summaries and the writers (NetCDF, tidy CSV, xlsx), all atomic;
* :mod:`~energysim.results.resultset` — a run's output folder as one unit: lock, manifest,
  staging and recovery;
* :mod:`~energysim.results.outputs` — output folder names, claiming a folder, run identity.

The public functions of :mod:`~energysim.results.dataset` are also reachable here
(``energysim.results.summary``), loaded on first use: importing this package stays cheap.
"""

from __future__ import annotations

from energysim.results import dataset

#: Names re-exported from :mod:`energysim.results.dataset` on first use.
_DATASET = (
    "assemble",
    "summary",
    "indicators",
    "format_indicators",
    "write_netcdf",
    "write_summary_csv",
    "write_summary_xlsx",
    "scenario_hash",
    "atomic_path",
    "TOPICS",
)

__all__ = list(_DATASET)


def __getattr__(name: str):
    if name not in _DATASET:
        raise AttributeError(f"module 'energysim.results' has no attribute {name!r}")
    # lazy: the dataset module loads numpy; `energysim --help` and `validate` do not need it

    value = getattr(dataset, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_DATASET))
