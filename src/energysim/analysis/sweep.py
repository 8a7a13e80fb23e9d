"""Scenario sweeps: a grid of lever values run as one vectorized ensemble.

A sweep file (YAML)::

    sweep:
      name: solar_x_electrolysers            # default: the file name
      base: baseline                         # bundled name, or a path relative to this file
      levers:                                # every combination is one grid point
        power.solar.add: [100万千瓦, 200万千瓦, 300万千瓦]
        hydrogen.electrolyser.add:
          - 0万千瓦
          - {values: {2025: 10万千瓦, 2030: 30万千瓦}}
      outputs: [co2_total@2030, coal_output@2035, "power_gen[solar]@2030"]
      samples_per_point: 1                   # > 1: the base's uncertainty at every point
      seed: 0
      method: mc                             # mc | lhs | sobol; default: central (the
                                             # scenario as written) for 1 sample, else mc
      end_year: 2060                         # optional

Each lever value is written exactly as in a scenario (any value form of
docs/scenario-language.md). Grid point ``p`` is the base scenario with those values, i.e.
``extends: [base]`` plus the levers; every point is compiled with the same seed and design, so
the points share their random draws (common random numbers) and differ only by the levers.

The points' parameters are stacked along the sample axis — rows ``p·S … p·S + S − 1`` are
point ``p``'s ``S`` samples, parameters equal at every point stay shared — and the model runs
once over all rows (:func:`energysim.execution.ensemble.gather`). Since no sample's result depends
on the others, row ``p·S + s`` equals sample ``s`` of a separate run of point ``p``.

The result is a table, one row per lever combination: the lever values as written and, per
output, the value (``samples_per_point: 1``) or mean, p5, p50 and p95.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from energysim.analysis.sensitivity import output_column, parse_outputs
from energysim.core.engine import output_specs, simulate
from energysim.core.params import Params
from energysim.errors import ScenarioError
from energysim.execution import budget
from energysim.execution.blocks import cached
from energysim.execution.ensemble import gather
from energysim.results.dataset import atomic_path
from energysim.scenario import compile_scenario, loads_scenario
from energysim.scenario.yamlio import read_yaml
from energysim.text.labels import display_unit, magnitude_of
from energysim.text.tables import terminal_width

__all__ = ["SweepSpec", "SweepResult", "load_sweep", "run_sweep", "format_table", "write"]

_KEYS = ("name", "title", "base", "levers", "outputs", "samples_per_point", "seed", "method",
         "end_year")


@dataclass(frozen=True)
class SweepSpec:
    """A parsed sweep file.

    Attributes
    ----------
    name : str
    file : str
        The sweep file (for messages).
    base : str
        The base scenario reference as written.
    levers : tuple of (path, tuple of (text, value, line))
        Each lever's catalogue path and its values: display text, the plain YAML value, and
        the line it is on.
    outputs : tuple of str
    samples_per_point, seed, method, end_year
    base_dir : Path
        Directory relative references resolve against.
    lever_lines : dict
        Lever path → line of its key.
    outputs_line : int
        Line of ``outputs``.
    """

    name: str
    file: str
    base: str
    levers: tuple
    outputs: tuple[str, ...]
    samples_per_point: int
    seed: int
    method: str
    end_year: int | None
    base_dir: Path
    lever_lines: Mapping[str, int]
    outputs_line: int | None = None

    @property
    def points(self) -> list[tuple[int, ...]]:
        """Value indices of every grid point (first lever varies slowest)."""
        return list(itertools.product(*(range(len(vals)) for _, vals in self.levers)))


def _err(message: str, node, key: str, hint: str | None = None) -> ScenarioError:
    return ScenarioError(message, file=node.file, line=node.line, key=key, hint=hint)


def _text(value: Any) -> str:
    """A lever value as a short display text."""
    if isinstance(value, str | int | float):
        return str(value)

    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                          width=10**6).strip()


def load_sweep(path: str | os.PathLike) -> SweepSpec:
    """Read and check a sweep file (every grid point's scenario is loaded and validated).

    Raises
    ------
    ScenarioError
        One line ``file:line: sweep.key: what (expected …, got …)``.
    """
    p = Path(path)
    root = read_yaml(p, display=str(path))
    node = root
    if root.is_map and "sweep" in root.value:
        node = root.value["sweep"]
    if not node.is_map:
        raise _err("invalid sweep (expected a mapping with base, levers, outputs)", node, "sweep")
    v = node.value
    for k in v:
        if k not in _KEYS:
            import difflib  # lazy: only on the error path (a did-you-mean hint)

            close = difflib.get_close_matches(str(k), _KEYS, n=1)
            raise ScenarioError(f"unknown key (expected one of {', '.join(_KEYS)}, got {k!r})",
                                file=node.file, line=(node.key_lines or {}).get(k, node.line),
                                key=f"sweep.{k}",
                                hint=f"did you mean {close[0]!r}?" if close else None)
    for k in ("base", "levers", "outputs"):
        if k not in v:
            raise _err(f"missing key (expected sweep.{k})", node, f"sweep.{k}")
    base = v["base"].plain()
    if not isinstance(base, str) or not base.strip():
        raise _err(f"invalid base (expected a scenario name or file, got {base!r})", v["base"],
                   "sweep.base")
    lev = v["levers"]
    if not lev.is_map or not lev.value:
        raise _err("invalid levers (expected a mapping of parameter paths to lists of values)",
                   lev, "sweep.levers")
    levers = []
    for lpath, vals in lev.value.items():
        if not vals.is_seq or not vals.value:
            raise _err(f"invalid values (expected a non-empty list of values, got "
                       f"{vals.plain()!r})", vals, f"sweep.levers.{lpath}")
        levers.append((str(lpath), tuple((_text(x.plain()), x.plain(), x.line)
                                         for x in vals.value)))
    outs = v["outputs"].plain()
    if isinstance(outs, str):
        outs = [o for o in outs.split(",") if o.strip()]
    if not isinstance(outs, list) or not outs or not all(isinstance(o, str) for o in outs):
        raise _err(f"invalid outputs (expected a list such as [co2_total@2030], got {outs!r})",
                   v["outputs"], "sweep.outputs")
    spp = _int(v, "samples_per_point", 1, 1)
    seed = _int(v, "seed", 0, 0)
    end_year = _int(v, "end_year", None, 1)
    method = v["method"].plain() if "method" in v else ("central" if spp == 1 else "mc")
    if method not in ("mc", "lhs", "sobol", "central") or (method == "central" and spp > 1):
        raise _err(f"unknown method (expected mc, lhs or sobol, or central with one sample per "
                   f"point, got {method!r})", v["method"], "sweep.method")
    name = v["name"].plain() if "name" in v else p.stem
    spec = SweepSpec(name=str(name), file=str(path), base=base.strip(), levers=tuple(levers),
                     outputs=tuple(o.strip() for o in outs), samples_per_point=spp, seed=seed,
                     method=method, end_year=end_year, base_dir=p.resolve().parent,
                     lever_lines={k: (lev.key_lines or {}).get(k, lev.line) for k, _ in levers},
                     outputs_line=v["outputs"].line)
    for i, (_, vals) in enumerate(spec.levers):  # each value on its own: precise errors
        for j in range(len(vals)):
            _point_scenario(spec, {i: j})
    return spec


def _int(v: Mapping, key: str, default, lo: int):
    if key not in v:
        return default
    x = v[key].plain()
    if isinstance(x, bool) or not isinstance(x, int) or x < lo:
        raise _err(f"invalid {key} (expected an integer ≥ {lo}, got {x!r})", v[key],
                   f"sweep.{key}")
    return x


def _point_scenario(spec: SweepSpec, choice: Mapping[int, int], name: str | None = None):
    """The base scenario with lever ``i`` at value ``choice[i]`` (all chosen levers)."""
    params = {spec.levers[i][0]: spec.levers[i][1][j][1] for i, j in choice.items()}
    doc = {"name": name or f"{spec.name}-point", "extends": [spec.base], "parameters": params}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        return loads_scenario(text, file=spec.file, base_dir=spec.base_dir)
    except ScenarioError as exc:
        key = exc.key or ""
        for i, j in choice.items():
            lpath, vals = spec.levers[i]
            if key == f"parameters.{lpath}" or key.startswith(f"parameters.{lpath}."):
                line = vals[j][2] if exc.line is not None and exc.file == spec.file else None
                if key == f"parameters.{lpath}" and "unknown parameter" in exc.message:
                    line = spec.lever_lines[lpath]
                raise type(exc)(exc.message, file=spec.file,
                                line=line if line is not None else vals[j][2],
                                key=f"sweep.levers.{key[len('parameters.'):]}",
                                hint=exc.hint) from None
        if exc.key == "extends" and exc.file == spec.file:
            raise type(exc)(exc.message, file=spec.file, line=None, key="sweep.base",
                            hint=exc.hint) from None
        raise


@dataclass(frozen=True)
class _Stacked:
    """Parameters of all grid points stacked along the sample axis."""

    years: np.ndarray
    values: Mapping[str, np.ndarray]
    n: int

    def get(self):
        return self

    def params(self, start: int, stop: int):
        vals = {k: v if v.shape[0] == 1 else v[start:stop] for k, v in self.values.items()}
        return Params(years=self.years, n_samples=stop - start, values=vals)


def stack_points(compiled: Sequence[Any]) -> _Stacked:
    """Stack the parameters of compiled grid points (each with the same samples and years).

    Parameters equal (and deterministic) at every point stay ``(1, n_years)``; the others get
    ``(P·S, n_years)`` rows, point by point.
    """
    first = compiled[0]
    S = first.n_samples
    per = [c.params(0, S) for c in compiled]
    values = {}
    for path in per[0].values:
        arrs = [p[path] for p in per]
        if all(a.shape[0] == 1 for a in arrs) and all(
                np.array_equal(a, arrs[0], equal_nan=True) for a in arrs):
            values[path] = arrs[0]
            continue
        out = np.empty((len(arrs) * S, arrs[0].shape[1]))
        for i, a in enumerate(arrs):
            out[i * S:(i + 1) * S] = a
        values[path] = out
    return _Stacked(years=first.years, values=values, n=len(compiled) * S)


@dataclass(frozen=True)
class _PointsSource:
    """A sweep's stacked grid points as a recipe: each process compiles and stacks them once
    (:func:`energysim.execution.blocks.cached`), so dask jobs carry scenarios, not parameter
    rows."""

    scenarios: tuple
    samples: int
    seed: int | None
    method: str
    end_year: int | None
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def get(self) -> _Stacked:
        return cached(self.token, lambda: stack_points([
            compile_scenario(scen, samples=self.samples, seed=self.seed, method=self.method,
                             end_year=self.end_year) for scen in self.scenarios]))


@dataclass
class SweepResult:
    """Outcomes of a sweep.

    Attributes
    ----------
    spec : SweepSpec
    table : pandas.DataFrame
        One row per grid point: lever columns (values as written) and outcome columns in the
        report's units (:func:`energysim.text.labels.display_unit`; the unit in each header).
    values : dict
        Output name → ``(n_points, samples_per_point)`` array [canonical unit].
    units : dict
        Output name → canonical unit.
    """

    spec: SweepSpec
    table: Any
    values: dict[str, np.ndarray]
    units: dict[str, str]


def run_sweep(sweep: str | os.PathLike | SweepSpec, *, chunk_size: int | None = None,
              workers: int | None = None, dask: Any = None, scheduler: str | None = None,
              progress: bool | None = None, lang: str = "zh",
              yes: bool = False) -> SweepResult:
    """Run every grid point of a sweep in one vectorized ensemble.

    Parameters
    ----------
    sweep : path or SweepSpec
    chunk_size, workers, dask, scheduler, progress
        See :func:`energysim.execution.ensemble.gather` (threads, a dask LocalCluster or a running
        scheduler; the same numbers wherever the blocks run).
    lang : {"zh", "en"}
        Language of the unit labels in the table's headers.
    yes : bool
        Run even when the time estimate exceeds one hour (:func:`check_sweep_budget`).

    Returns
    -------
    SweepResult
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables


    spec = sweep if isinstance(sweep, SweepSpec) else load_sweep(sweep)
    check_sweep_budget(spec, yes=yes)
    points = spec.points
    S = spec.samples_per_point
    source = _PointsSource(
        tuple(_point_scenario(spec, dict(enumerate(idx)), name=f"{spec.name}-{k}")
              for k, idx in enumerate(points)), S, spec.seed, spec.method, spec.end_year)
    stacked = source.get()  # compiled here once; dask workers rebuild it from the recipe
    years = [int(y) for y in stacked.years]
    probe = simulate(stacked.params(0, 1))
    try:
        refs = parse_outputs(list(spec.outputs), {k: v.shape[1:] for k, v in probe.items()},
                             years)
    except ScenarioError as exc:
        raise ScenarioError(exc.message, file=spec.file, line=spec.outputs_line,
                            key="sweep.outputs", hint=exc.hint) from None
    wanted = sorted({r.variable for r in refs})
    arrays = gather(source, stacked.n, wanted, chunk_size=chunk_size, workers=workers,
                    dask=dask, scheduler=scheduler, progress=progress,
                    desc=f"sweep: {len(points)} points")
    specs = output_specs()
    values, units = {}, {}

    rows = []
    for r in refs:
        column = output_column(arrays[r.variable], r, years, stacked.n)
        values[r.name] = column.reshape(len(points), S)
        units[r.name] = specs[r.variable].unit
    shown = {name: display_unit(units[name], lang, magnitude=magnitude_of(vals))
             for name, vals in values.items()}
    for k, idx in enumerate(points):
        row = {"point": k}
        for (lpath, vals), j in zip(spec.levers, idx, strict=True):
            row[lpath] = vals[j][0]
        for name, vals in values.items():
            f, u = shown[name]
            if S == 1:
                row[f"{name} [{u}]"] = float(vals[k, 0]) * f
            else:
                x = vals[k] * f
                row[f"{name} mean [{u}]"] = float(x.mean())
                for q in (0.05, 0.5, 0.95):
                    row[f"{name} p{100 * q:g} [{u}]"] = float(np.quantile(x, q))
        rows.append(row)
    table = pd.DataFrame.from_records(rows).set_index("point")
    return SweepResult(spec=spec, table=table, values=values, units=units)


def n_points(spec: SweepSpec) -> int:
    """Number of grid points (product of the lever list lengths), without building them."""
    n = 1
    for _, vals in spec.levers:
        n *= len(vals)
    return n


def check_sweep_budget(spec: SweepSpec, *, yes: bool = False) -> None:
    """Refuse, before any grid point is built, a sweep with too many points or runs.

    At most :data:`energysim.execution.budget.MAX_SWEEP_POINTS` points (each is a scenario of
    its own, loaded and compiled); the runs (points × samples per point) are checked for count
    and time like an ensemble (:func:`energysim.execution.budget.check_runs`).
    """
    n = n_points(spec)
    if n > budget.MAX_SWEEP_POINTS:
        raise budget.ResourceError(
            f"too many lever combinations (expected at most {budget.MAX_SWEEP_POINTS}, got {n})",
            file=spec.file, key="sweep.levers", hint="fewer levers or fewer values per lever")
    T = (spec.end_year or 2060) - 2022 + 1
    budget.check_runs(n * spec.samples_per_point, max(T, 1), yes=yes, what="model runs",
                      option="sweep.samples_per_point")


def format_table(result: SweepResult) -> str:
    """The outcome table as text, with a header line."""
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    spec = result.spec
    n = len(result.table)
    head = (f"{spec.name}: {n} lever combinations × {spec.samples_per_point} sample"
            f"{'s' if spec.samples_per_point > 1 else ''} of {spec.base} (seed {spec.seed}, "
            f"{spec.method})")

    with pd.option_context("display.width", terminal_width(), "display.max_columns", 50,
                           "display.float_format", lambda v: f"{v:.4g}"):
        return head + "\n" + result.table.to_string(line_width=terminal_width())


def write(result: SweepResult, out_dir: str | os.PathLike) -> list[Path]:
    """Write ``sweep.csv`` (atomically); returns the files written."""
    path = Path(out_dir) / "sweep.csv"
    with atomic_path(path) as tmp:
        result.table.to_csv(tmp, encoding="utf-8-sig", float_format="%.10g")
    return [path]
