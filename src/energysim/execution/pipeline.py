"""The façade: one scenario run, composed from the layers — ``energysim.run``.

``run(scenario)`` = load (a file, a bundled name or a Scenario) → hindcast
(:func:`energysim.scenario.hindcast.with_base_year`, when ``from_year`` is given) → compile
(:func:`energysim.scenario.compile_scenario`) → memory check → simulate in blocks on threads
(:func:`energysim.execution.threads.simulate_blocks`) → assemble the results Dataset
(:func:`energysim.results.dataset.assemble`). Ensembles at scale (streamed summaries, Zarr,
dask) go to :func:`energysim.execution.ensemble.run`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from energysim.core import engine
from energysim.errors import ScenarioError
from energysim.execution import ensemble, memory, threads
from energysim.execution.blocks import DEFAULT_CHUNK
from energysim.results import dataset as results
from energysim.scenario import compile_scenario, load_scenario
from energysim.scenario.hindcast import with_base_year

__all__ = ["run"]


def run(
    scenario: Any = None,
    *,
    samples: int = 1,
    seed: int | None = None,
    method: str | None = None,
    end_year: int | None = None,
    chunk_size: int | None = None,
    keep: Iterable[str] | None = None,
    workers: int | None = None,
    from_year: int | None = None,
    **options: Any,
):
    """Run a scenario and return its results Dataset.

    Parameters
    ----------
    scenario : str, path, Scenario or None
        A scenario file, the name of a bundled scenario (``"baseline"``, …), a loaded
        :class:`~energysim.scenario.Scenario`, or None for the bundled baseline.
    samples : int
        Number of samples (1 = a deterministic run at the central values).
    seed : int, optional
        Seed of the sampling design (None: the compiler's default seed, recorded in the file).
    method : {"mc", "lhs", "sobol", "central"}, optional
        Sampling design; default ``"central"`` for one sample (the scenario as written: modes
        of triangular/PERT, medians of other distributions) and ``"mc"`` for more.
    end_year : int, optional
        Last simulated year (default: the scenario's).
    chunk_size : int, optional
        Samples per block (default :data:`~energysim.execution.blocks.DEFAULT_CHUNK`, and
        :data:`~energysim.execution.ensemble.STREAM_CHUNK` for streamed summaries); results do
        not depend on it.
    keep : iterable of str or "key", optional
        Output variables to keep (default all; see :func:`engine.output_specs`); ``"key"`` keeps
        :data:`engine.KEY_OUTPUTS` (for the baseline ~10 kB instead of ~23 kB per sample).
    workers : int, optional
        Threads running blocks (default: CPU count).
    from_year : int, optional
        Hindcast: start in this year instead of the scenario's base year (``base_year − 50 ≤
        from_year ≤ base_year``); initial stocks then mean the end of ``from_year − 1`` and
        series still apply to their calendar years
        (:func:`energysim.scenario.hindcast.with_base_year`).
    **options
        Ensembles at scale, handled by :func:`energysim.execution.ensemble.run` (docs/ensembles.md):
        ``keep="summary"`` (streamed summary in bounded memory; returns the summary Dataset),
        ``dask=True`` or a ``distributed.Client``, ``scheduler=ADDRESS``, ``zarr=PATH``,
        ``max_memory``, ``quantiles``, ``exact_quantiles``, ``bins``, ``progress``.

    Returns
    -------
    xarray.Dataset
        See :func:`energysim.results.dataset.assemble`.

    Raises
    ------
    ScenarioError
        Invalid scenario, sample count, method or years.
    """
    if method is None:
        method = "central" if samples == 1 else "mc"
    if keep == "summary" or options:  # ensembles at scale (issue 4)
        return ensemble.run(scenario, samples=samples, seed=seed, method=method,
                            end_year=end_year, chunk_size=chunk_size, keep=keep,
                            workers=workers, from_year=from_year, **options)
    if from_year is not None:  # hindcast from an earlier base year
        scenario = with_base_year(
            load_scenario("baseline" if scenario is None else scenario), from_year
        )
    compiled = compile_scenario(
        "baseline" if scenario is None else scenario,
        samples=samples,
        seed=seed,
        method=method,
        end_year=end_year,
    )
    if isinstance(keep, str):
        if keep != "key":
            raise ScenarioError(
                f"unknown keep preset (expected 'key' or a list of output names, got {keep!r})",
                key="keep",
            )
        keep = engine.KEY_OUTPUTS
    if keep is not None:
        unknown = sorted(set(keep) - set(engine.output_specs()))
        if unknown:
            raise ScenarioError(
                f"unknown output variable(s) {unknown} (expected names from "
                "energysim.core.engine.output_specs())",
                key="keep",
            )
    kept = engine.output_specs() if keep is None else keep
    memory.check_memory(compiled.n_samples, compiled.n_years, kept)  # before any allocation
    outputs = threads.simulate_blocks(
        compiled.params, compiled.n_samples, chunk_size=chunk_size or DEFAULT_CHUNK, keep=keep,
        workers=workers,
    )
    scen = compiled.scenario
    attrs = results.run_attrs(
        scenario_name=scen.name,
        scenario_yaml=scen.to_yaml(),
        seed=compiled.seed,
        method=compiled.method,
        n_samples=compiled.n_samples,
    )
    return results.assemble(outputs, compiled.years, compiled.n_samples, attrs=attrs)
