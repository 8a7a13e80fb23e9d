"""The ``ds.es`` accessor: energysim's analysis helpers on any results Dataset.

Registered by ``import energysim`` (when xarray is imported — at once if it already is — so
``import energysim`` stays cheap), so a Dataset opened from a file has it too::

    import energysim, xarray as xr
    xr.open_dataset("results/baseline/results.nc").es.indicators()

    ds = es.run("accelerated", samples=1000)
    ds.es.summary()                        # mean, std, p5, p50, p95 across samples
    ds.es.indicators()                     # key indicators in the report's units
    ds.es.targets(lang="en")               # the target table with P(meet) and status
    ds.es.plot.capacity_mix(lang="zh")     # any chart of energysim.briefing.plots.CHARTS
    ds.es.plot.energy_flow(year=2030)

Every method takes the same keyword arguments as the function it wraps. Misuse (a Dataset
that is not energysim results, an unknown indicator or target) raises
:class:`~energysim.errors.ScenarioError` with one line saying what was expected.
"""

from __future__ import annotations

import functools

import xarray as xr
import yaml

from energysim.analysis.targets import Thresholds, evaluate, resolve_targets, track
from energysim.briefing.plots import CHARTS
from energysim.errors import ScenarioError
from energysim.results.dataset import indicators, summary
from energysim.scenario import loads_scenario

__all__ = ["EnergysimAccessor", "PlotMethods"]


class PlotMethods:
    """``ds.es.plot.<chart>(**kwargs)``: the charts of :data:`energysim.briefing.plots.CHARTS`."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in CHARTS:
            raise AttributeError(
                f"no chart {name!r} (expected one of {', '.join(CHARTS)})")
        return functools.partial(CHARTS[name], self._ds)

    def __dir__(self) -> list[str]:
        return sorted(CHARTS)


@xr.register_dataset_accessor("es")
class EnergysimAccessor:
    """energysim helpers on a results Dataset (``ds.es``)."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    def _results(self) -> xr.Dataset:
        """The Dataset, checked to be energysim results (a ``year`` dimension)."""
        if "year" not in self._ds.dims:
            raise ScenarioError(
                "not energysim results (expected a Dataset from energysim.run or a results.nc "
                f"with a 'year' dimension, got dimensions {list(self._ds.dims) or 'none'})",
                key="ds.es")
        return self._ds

    def summary(self, quantiles=(0.05, 0.5, 0.95)) -> xr.Dataset:
        """:func:`energysim.results.dataset.summary` of this Dataset."""
        return summary(self._results(), quantiles)

    def indicators(self, years=None, stat: str = "p50"):
        """:func:`energysim.results.dataset.indicators` (pandas.DataFrame in the report's units)."""
        return indicators(self._results(), years, stat)

    def targets(self, targets=None, *, lang: str = "zh", thresholds=None):
        """:func:`energysim.analysis.targets.evaluate`: the target table (pandas.DataFrame)."""
        return evaluate(self._results(), targets, lang=lang,
                        thresholds=thresholds if thresholds is not None else Thresholds())

    def track(self, target, *, lang: str = "zh"):
        """:func:`energysim.analysis.targets.track`: one target over all years.

        Parameters
        ----------
        target : Target, mapping or str
            A target, a mapping of its fields (indicator, year, comparator, value …), or the
            indicator of one of the run's own targets (``"co2_peak_year"``).
        """
        ds = self._results()
        if isinstance(target, str):
            target = self._own_target(target)
        elif isinstance(target, dict):
            text = yaml.safe_dump({"name": "track", "targets": [dict(target)]},
                                  allow_unicode=True)
            target = loads_scenario(text, file="<ds.es.track>").targets[0]
        elif not hasattr(target, "indicator"):
            raise ScenarioError(f"not a target (expected a Target, a mapping or an indicator "
                                f"name, got {type(target).__name__})", key="ds.es.track")
        return track(ds, target, lang=lang)

    def _own_target(self, indicator: str):
        """The run's own target of ``indicator`` (the earliest year)."""
        own = [t for t in resolve_targets(self._ds, None) if t.indicator == indicator]
        if not own:
            names = sorted({t.indicator for t in resolve_targets(self._ds, None)})
            raise ScenarioError(f"no target of {indicator!r} in this run's scenario (expected "
                                f"one of {', '.join(names)}, or pass a target)",
                                key="ds.es.track")
        return min(own, key=lambda t: t.year)

    @property
    def plot(self) -> PlotMethods:
        """Charts: ``ds.es.plot.capacity_mix(lang="en")`` …"""
        return PlotMethods(self._ds)
