"""The ``ds.es`` accessor: energysim's analysis helpers on any results Dataset.

Registered on import (``energysim.results.assemble`` imports this module, so every Dataset
from :func:`energysim.engine.run` has it; for a Dataset opened from a file, ``import
energysim.accessor`` first)::

    ds = es.run("accelerated", samples=1000)
    ds.es.summary()                        # mean, std, p5, p50, p95 across samples
    ds.es.indicators()                     # key indicators in the report's units
    ds.es.targets(lang="en")               # the target table with P(meet) and status
    ds.es.plot.capacity_mix(lang="zh")     # any chart of energysim.plots.CHARTS
    ds.es.plot.energy_flow(year=2030)

Every method takes the same keyword arguments as the function it wraps.
"""

from __future__ import annotations

import functools

import xarray as xr

__all__ = ["EnergysimAccessor", "PlotMethods"]


class PlotMethods:
    """``ds.es.plot.<chart>(**kwargs)``: the charts of :data:`energysim.plots.CHARTS`."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    def __getattr__(self, name: str):
        from energysim.plots import CHARTS

        if name.startswith("_") or name not in CHARTS:
            raise AttributeError(
                f"no chart {name!r} (expected one of {', '.join(CHARTS)})")
        return functools.partial(CHARTS[name], self._ds)

    def __dir__(self) -> list[str]:
        from energysim.plots import CHARTS

        return sorted(CHARTS)


@xr.register_dataset_accessor("es")
class EnergysimAccessor:
    """energysim helpers on a results Dataset (``ds.es``)."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    def summary(self, quantiles=(0.05, 0.5, 0.95)) -> xr.Dataset:
        """:func:`energysim.results.summary` of this Dataset."""
        from energysim.results import summary

        return summary(self._ds, quantiles)

    def indicators(self, years=None, stat: str = "p50"):
        """:func:`energysim.results.indicators` (pandas.DataFrame in the report's units)."""
        from energysim.results import indicators

        return indicators(self._ds, years, stat)

    def targets(self, targets=None, *, lang: str = "zh", thresholds=None):
        """:func:`energysim.targets.evaluate`: the target table (pandas.DataFrame)."""
        from energysim.targets import Thresholds, evaluate

        return evaluate(self._ds, targets, lang=lang,
                        thresholds=thresholds if thresholds is not None else Thresholds())

    def track(self, target, *, lang: str = "zh"):
        """:func:`energysim.targets.track`: one target over all years."""
        from energysim.targets import track

        return track(self._ds, target, lang=lang)

    @property
    def plot(self) -> PlotMethods:
        """Charts: ``ds.es.plot.capacity_mix(lang="en")`` …"""
        return PlotMethods(self._ds)
