"""Global sensitivity analysis: Sobol' indices and Morris elementary effects with SALib.

The inputs are the scenario's uncertain parameters — the columns of its sampling design, one
per ``dist:`` or ``multiplier:`` in the YAML — and the outputs are single numbers of the
results, written ``variable@year`` (``co2_total@2030``), ``variable[label]@year`` for a
variable with a category dimension (``power_cap[solar]@2030``, ``co2[power]@2035``), or just
``variable`` for a per-sample scalar (``co2_peak_year``).

How (docs/ensembles.md, "Sensitivity"):

1. SALib makes a design in the unit hypercube: Saltelli's scheme on a scrambled Sobol'
   sequence (``N (d + 2)`` rows for first-order and total indices) or Morris trajectories
   (``N (d + 1)`` rows);
2. every row goes through the scenario's own marginals
   (:meth:`energysim.scenario.CompiledScenario.params_from_unit`: inverse CDFs truncated to
   the bounds, multipliers on the deterministic paths). Correlations are *not* applied:
   variance-based indices are defined for independent inputs;
3. the model runs once, vectorized over all rows (in blocks,
   :func:`energysim.execution.ensemble.gather`);
4. SALib analyses each output: first-order ``S1`` and total ``ST`` indices with bootstrap
   confidence intervals (half-widths at ``conf_level``), or Morris ``mu_star`` (mean absolute
   elementary effect, per unit of the parameter's probability scale), ``mu`` and ``sigma``.

:func:`indices` is the same analysis for any vectorized function of the unit hypercube (it
is what the Ishigami test checks); :func:`analyse_scenario` is the scenario version.

SALib, pandas and matplotlib are imported only when needed.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from energysim.core.catalogue import catalogue
from energysim.core.engine import output_layout, output_specs, simulate
from energysim.errors import ScenarioError
from energysim.execution import budget
from energysim.execution.blocks import cached
from energysim.execution.ensemble import gather
from energysim.results.dataset import atomic_path
from energysim.scenario import compile_scenario
from energysim.scenario.projects import load_register
from energysim.scenario.spec import resolve_catalogue
from energysim.text.labels import display_unit, magnitude_of, round_sig
from energysim.text.tables import pad, text_width

__all__ = [
    "OutputRef",
    "parse_outputs",
    "unit_design",
    "analyse",
    "indices",
    "analyse_scenario",
    "SensitivityResult",
    "format_table",
    "write",
    "METHODS",
]

METHODS = ("sobol", "morris")
#: Morris grid levels (SALib's default).
MORRIS_LEVELS = 4

_REF = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]+?)\s*\])?\s*(?:@\s*(\d{4}))?\s*$")


@dataclass(frozen=True)
class OutputRef:
    """One scalar output of the results: a variable, a category label, a year.

    Attributes
    ----------
    text : str
        As written (``co2_total@2030``).
    variable : str
    label : str or None
        Category label for variables with a category dimension.
    year : int or None
        None for per-sample scalars (``co2_peak_year``).
    """

    text: str
    variable: str
    label: str | None = None
    year: int | None = None

    @property
    def name(self) -> str:
        lab = f"[{self.label}]" if self.label else ""
        yr = f"@{self.year}" if self.year is not None else ""
        return f"{self.variable}{lab}{yr}"


def parse_outputs(text: str | Iterable[str], shapes: Mapping[str, tuple] | None = None,
                  years: Sequence[int] | None = None) -> list[OutputRef]:
    """Parse and check ``variable[label]@year`` items.

    Parameters
    ----------
    text : str or iterable of str
        Comma-separated items (``co2_total@2030,coal_output@2035``) or a list of them.
    shapes : mapping, optional
        Output name → shape after the sample axis (``(n_years,)``, ``(n_years, k)`` or
        ``()``), to check years and labels; default: only names and labels are checked.
    years : sequence of int, optional
        The simulated years.

    Returns
    -------
    list of OutputRef

    Raises
    ------
    ScenarioError
        Unknown variable (with a suggestion), missing or unknown label, year outside the run.
    """
    items = [t for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    if not items:
        raise ScenarioError("no outputs (expected items such as co2_total@2030)", key="outputs")
    specs = output_specs()
    dims, coords = output_layout()
    refs = []
    for item in items:
        m = _REF.match(item)
        if m is None:
            raise ScenarioError(f"invalid output (expected variable@year or "
                                f"variable[label]@year, got {item.strip()!r})", key="outputs")
        var, label, year = m.group(1), m.group(2), m.group(3)
        if var not in specs:
            import difflib  # lazy: only on the error path (a did-you-mean hint)

            close = difflib.get_close_matches(var, list(specs), n=1)
            raise ScenarioError(f"unknown output variable (expected a result variable, got "
                                f"{var!r})", key="outputs",
                                hint=f"did you mean {close[0]!r}?" if close else None)
        cat = dims[var]
        if cat and label is None:
            raise ScenarioError(f"{var} has a {cat[0]} dimension (expected {var}[label]@year "
                                f"with a label in {', '.join(coords[cat[0]])}, got "
                                f"{item.strip()!r})", key="outputs")
        if label is not None and (not cat or label not in coords[cat[0]]):
            allowed = ", ".join(coords[cat[0]]) if cat else "none"
            raise ScenarioError(f"unknown label for {var} (expected one of {allowed}, got "
                                f"{label!r})", key="outputs")
        scalar = shapes is not None and len(shapes.get(var, (0,))) == 0
        if year is None and not scalar:
            raise ScenarioError(f"missing year (expected {item.strip()}@YEAR, e.g. "
                                f"{var}@2030)", key="outputs")
        if year is not None and scalar:
            raise ScenarioError(f"{var} has no year (expected {var}, got {item.strip()!r})",
                                key="outputs")
        if year is not None and years is not None and int(year) not in set(map(int, years)):
            raise ScenarioError(f"year outside the simulated years (expected {years[0]}–"
                                f"{years[-1]}, got {year})", key="outputs")
        refs.append(OutputRef(item.strip(), var, label, None if year is None else int(year)))
    return refs


# ---------------------------------------------------------------------------------------------
# designs and analysis (any function of the unit hypercube)
# ---------------------------------------------------------------------------------------------


def _problem(names: Sequence[str]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ScenarioError(f"unknown sensitivity method (expected one of "
                            f"{', '.join(METHODS)}, got {method!r})", key="method")


def unit_design(method: str, d: int, samples: int, seed: int = 0, *,
                levels: int = MORRIS_LEVELS) -> np.ndarray:
    """A SALib design in the unit hypercube.

    Parameters
    ----------
    method : {"sobol", "morris"}
    d : int
        Number of inputs.
    samples : int
        Base sample ``N``: a power of two for Sobol' (``N (d + 2)`` rows); the number of
        trajectories for Morris (``N (d + 1)`` rows).
    seed : int
    levels : int
        Morris grid levels.

    Returns
    -------
    ndarray, shape (rows, d)
    """
    _check_method(method)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 2:
        raise ScenarioError(f"invalid sample count (expected an integer ≥ 2, got {samples!r})",
                            key="samples")
    problem = _problem([f"x{i}" for i in range(d)])
    if method == "sobol":
        if samples & (samples - 1):
            raise ScenarioError(f"Sobol' indices need a power of two base samples (expected "
                                f"2^k such as 1024, got {samples})", key="samples")
        # lazy: SALib (~0.3 s) loads only for sensitivity analyses
        from SALib.sample import sobol as sobol_sample

        return sobol_sample.sample(problem, int(samples), calc_second_order=False,
                                   scramble=True, seed=seed)
    # lazy: SALib (~0.3 s) loads only for sensitivity analyses
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(problem, int(samples), num_levels=levels, seed=seed)


def analyse(method: str, names: Sequence[str], X: np.ndarray, Y: np.ndarray, *,
            outputs: Sequence[str] | None = None, seed: int = 0, conf_level: float = 0.95,
            num_resamples: int = 100, levels: int = MORRIS_LEVELS):
    """Indices of each output column of ``Y`` for the design ``X``.

    Parameters
    ----------
    method : {"sobol", "morris"}
    names : sequence of str
        Input names, one per column of ``X``.
    X : ndarray, shape (rows, d)
        The design from :func:`unit_design`.
    Y : ndarray, shape (rows,) or (rows, n_out)
    outputs : sequence of str, optional
        Output names (default ``y0``, ``y1`` …).
    seed : int
        Bootstrap seed.
    conf_level : float
    num_resamples : int
    levels : int

    Returns
    -------
    pandas.DataFrame
        One row per (output, parameter): Sobol' ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, or
        Morris ``mu_star``, ``mu_star_conf``, ``mu``, ``sigma`` (confidence half-widths at
        ``conf_level``). An output that does not vary gets zeros.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    _check_method(method)
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    outputs = list(outputs) if outputs is not None else [f"y{i}" for i in range(Y.shape[1])]
    problem = _problem(names)
    rows = []
    for j, out in enumerate(outputs):
        y = np.ascontiguousarray(Y[:, j])
        flat = not np.all(np.isfinite(y)) or np.ptp(y) == 0.0
        if method == "sobol":
            cols = ("S1", "S1_conf", "ST", "ST_conf")
            if flat:
                res = {c: np.zeros(len(names)) for c in cols}
            else:
                # lazy: SALib (~0.3 s) loads only for sensitivity analyses
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=False, conf_level=conf_level,
                                    num_resamples=num_resamples, seed=seed)
        else:
            cols = ("mu_star", "mu_star_conf", "mu", "sigma")
            if flat:
                res = {c: np.zeros(len(names)) for c in cols}
            else:
                # lazy: SALib (~0.3 s) loads only for sensitivity analyses
                from SALib.analyze import morris

                res = morris.analyze(problem, np.asarray(X), y, conf_level=conf_level,
                                     num_resamples=num_resamples, num_levels=levels, seed=seed)
        for i, name in enumerate(names):
            rows.append({"output": out, "parameter": name,
                         **{c: float(np.asarray(res[c])[i]) for c in cols}})
    return pd.DataFrame.from_records(rows)


def indices(fn: Callable[[np.ndarray], np.ndarray], names: Sequence[str], *,
            method: str = "sobol", samples: int = 1024, seed: int = 0,
            outputs: Sequence[str] | None = None, **kw):
    """Sensitivity indices of a vectorized function of the unit hypercube.

    Parameters
    ----------
    fn : callable
        ``fn(u)`` with ``u`` of shape ``(rows, d)`` in [0, 1] returns ``(rows,)`` or
        ``(rows, n_out)``.
    names : sequence of str
        Input names (``d`` of them).
    method, samples, seed
        See :func:`unit_design`.
    outputs : sequence of str, optional
    **kw
        Passed to :func:`analyse`.

    Returns
    -------
    pandas.DataFrame
        See :func:`analyse`.
    """
    X = unit_design(method, len(names), samples, seed, levels=kw.get("levels", MORRIS_LEVELS))
    return analyse(method, names, X, fn(X), outputs=outputs, seed=seed, **kw)


# ---------------------------------------------------------------------------------------------
# scenarios
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitSource:
    """Parameters of the rows of a SALib design (for :func:`energysim.execution.ensemble.gather`).

    It travels as its recipe — the compiled one-sample scenario and the design's method,
    base samples, seed and levels — and each process rebuilds the design once
    (:func:`energysim.execution.blocks.cached`), so dask jobs do not carry the design's rows.
    """

    compiled: Any
    method: str
    samples: int
    seed: int
    levels: int
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def design(self) -> np.ndarray:
        """The unit-hypercube design ``(rows, parameters)`` (:func:`unit_design`)."""
        return cached(self.token, lambda: unit_design(
            self.method, len(self.compiled.inputs), self.samples, self.seed,
            levels=self.levels))

    def get(self):
        return self

    def params(self, start: int, stop: int):
        return self.compiled.params_from_unit(self.design()[start:stop], correlate=False)


@dataclass
class SensitivityResult:
    """The indices of a scenario's outputs, with what is needed to report them.

    Attributes
    ----------
    table : pandas.DataFrame
        See :func:`analyse`, plus ``kind`` (``value`` or ``multiplier``) and ``unit``.
    method : str
    samples : int
        Base sample ``N``.
    runs : int
        Model runs (rows of the design).
    parameters : list of str
    outputs : list of OutputRef
    units : dict
        Output name → canonical unit (the table's ``unit`` column and Morris' effects are in
        the report's units).
    scenario : str
    seed : int
    notes : list of str
    """

    table: Any
    method: str
    samples: int
    runs: int
    parameters: list[str]
    outputs: list[OutputRef]
    units: dict[str, str]
    scenario: str
    seed: int
    notes: list[str] = field(default_factory=list)


def analyse_scenario(scenario: Any = None, outputs: str | Iterable[str] = "co2_total@2030", *,
                     method: str = "sobol", samples: int = 1024, seed: int | None = None,
                     end_year: int | None = None, levels: int = MORRIS_LEVELS,
                     conf_level: float = 0.95, num_resamples: int = 100,
                     chunk_size: int | None = None, workers: int | None = None,
                     dask: Any = None, scheduler: str | None = None,
                     progress: bool | None = None, yes: bool = False,
                     max_memory: str | int | None = None) -> SensitivityResult:
    """Sobol' or Morris indices of scenario outputs over its uncertain parameters.

    Parameters
    ----------
    scenario : str, path, Scenario or None
        Scenario (None: baseline); it needs at least one uncertain parameter.
    outputs : str or iterable of str
        ``variable@year`` items (see :func:`parse_outputs`).
    method : {"sobol", "morris"}
    samples : int
        Base sample ``N`` (a power of two for Sobol').
    seed : int, optional
        Seed of the design and the bootstrap (default 0).
    end_year : int, optional
    levels, conf_level, num_resamples
        See :func:`analyse`.
    chunk_size, workers, dask, scheduler, progress
        See :func:`energysim.execution.ensemble.gather` (the runs on threads, a dask LocalCluster
        or a running scheduler; the same numbers wherever they run).
    yes, max_memory
        Resource limits checked before the design is drawn (:func:`check_budget`).

    Returns
    -------
    SensitivityResult
    """
    seed = 0 if seed is None else int(seed)
    compiled = compile_scenario("baseline" if scenario is None else scenario, samples=1,
                                seed=seed, end_year=end_year)
    names = list(compiled.inputs)  # uncertain parameters, then project delays
    if not names:
        raise ScenarioError("the scenario has no uncertain parameters (expected at least one "
                            "`dist:` or `multiplier:`, got none)", file=str(compiled.scenario.file)
                            if getattr(compiled.scenario, "file", None) else None,
                            key="parameters")
    probe = simulate(compiled.params(0, 1))  # shapes of the outputs
    years = [int(y) for y in compiled.years]
    refs = parse_outputs(outputs, {k: v.shape[1:] for k, v in probe.items()}, years)
    source = _UnitSource(compiled, method, samples, seed, levels)
    check_budget(method, samples, len(names), len(years), yes=yes, max_memory=max_memory)
    X = source.design()
    wanted = sorted({r.variable for r in refs})
    arrays = gather(source, len(X), wanted, chunk_size=chunk_size, workers=workers, dask=dask,
                    scheduler=scheduler, progress=progress, desc=f"{method}: {len(X)} runs")
    Y = np.column_stack([output_column(arrays[r.variable], r, years, len(X)) for r in refs])
    table = analyse(method, names, X, Y, outputs=[r.name for r in refs], seed=seed,
                    conf_level=conf_level, num_resamples=num_resamples, levels=levels)
    leaves = compiled.scenario.parameters
    table.insert(2, "kind", [_kind(p, leaves) for p in table["parameter"]])
    specs = output_specs()
    units = {r.name: specs[r.variable].unit for r in refs}
    _to_display_units(table, units, {r.name: Y[:, j] for j, r in enumerate(refs)})
    notes = []
    if compiled.scenario.correlations:
        notes.append("the scenario's correlations are not applied: Sobol' and Morris indices "
                     "assume independent inputs")
    for j, r in enumerate(refs):
        if np.ptp(Y[:, j]) == 0.0:
            notes.append(f"{r.name} does not vary with the uncertain parameters (indices 0)")
    return SensitivityResult(table=table, method=method, samples=int(samples), runs=len(X),
                             parameters=names, outputs=refs, units=units,
                             scenario=compiled.scenario.name, seed=seed, notes=notes)


#: Index columns in the output's unit (Morris); Sobol' indices are shares of variance.
_OUTPUT_UNIT_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")


def _to_display_units(table, units: dict[str, str], values: dict[str, np.ndarray]) -> None:
    """Put the table's ``unit`` column (and Morris' effects) in the report's units, sized by
    each output's values (:func:`energysim.text.labels.display_unit`); in place."""
    shown = {o: display_unit(units[o], "zh", magnitude=magnitude_of(values[o])) for o in units}
    factor = np.array([shown[o][0] for o in table["output"]])
    for c in _OUTPUT_UNIT_COLUMNS:
        if c in table.columns:
            table[c] = table[c].to_numpy(dtype=np.float64) * factor
    table["unit"] = [shown[o][1] for o in table["output"]]


def check_budget(method: str, samples: Any, d: int, n_years: int, *, yes: bool = False,
                 max_memory: str | int | None = None) -> None:
    """Refuse, before the design is drawn, a design too large or a run too long.

    Rows: ``N (d + 2)`` for Sobol', ``N (d + 1)`` for Morris (docs/robustness.md). Invalid
    ``samples`` are left to :func:`unit_design` (its own one-line error).
    """
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 2:
        return
    rows = int(samples) * (d + 2 if method == "sobol" else d + 1)
    budget.check_runs(rows, n_years, yes=yes, what="model runs")
    budget.check_design(rows, d, max_memory=max_memory, what=f"the {method} design")


def output_column(arr: np.ndarray, ref: OutputRef, years: Sequence[int],
                  rows: int) -> np.ndarray:
    """The ``(rows,)`` values of one output reference from a gathered array."""
    if ref.year is None:
        col = arr.reshape(arr.shape[0])
    else:
        col = arr[:, list(years).index(ref.year)]
        if ref.label is not None:
            dims, coords = output_layout()
            col = col[:, list(coords[dims[ref.variable][0]]).index(ref.label)]
    return np.broadcast_to(col, (rows,)).astype(np.float64)


# ---------------------------------------------------------------------------------------------
# reporting
# ---------------------------------------------------------------------------------------------


def format_table(result: SensitivityResult, lang: str = "zh") -> str:
    """The indices as aligned text, one block per output, largest total effect first;
    parameters by their names in ``lang`` (zh: the catalogue's Chinese name)."""
    t = result.table
    sobol = result.method == "sobol"
    cols = ("S1", "S1_conf", "ST", "ST_conf") if sobol else ("mu_star", "mu_star_conf", "mu",
                                                              "sigma")
    heads = ("S1", "±", "ST", "±") if sobol else ("mu*", "±", "mu", "sigma")

    labels = [parameter_label(p, k, lang) for p, k in zip(t["parameter"], t["kind"], strict=True)]
    width = max(text_width(x) for x in labels) + 2
    how = (f"Sobol' (Saltelli), N = {result.samples}" if sobol else
           f"Morris, {result.samples} trajectories")
    lines = [f"{result.scenario}: {how}, {len(result.parameters)} uncertain parameters, "
             f"{result.runs} model runs, seed {result.seed}"]
    for out in dict.fromkeys(t["output"]):
        sub = t[t["output"] == out].sort_values(cols[2] if sobol else cols[0], ascending=False)
        lines.append("")
        lines.append(f"{out} [{sub['unit'].iloc[0]}]")
        lines.append(" " * width + "".join(f"{h:>9}" for h in heads))
        for _, row in sub.iterrows():
            lines.append(pad(parameter_label(row["parameter"], row["kind"], lang), width)
                         + "".join(f"{_g3(row[c]):>9}" for c in cols))
    ci = "± = 95 % confidence half-width (bootstrap)"
    lines.append("")
    lines.append(ci if sobol else ci + "; mu* per unit of the parameter's probability scale")
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _kind(name: str, leaves) -> str:
    """``multiplier``, ``value``, or ``timing`` (a project's commissioning delay)."""
    if name not in leaves:
        return "timing"
    return "multiplier" if leaves[name].multiplier is not None else "value"


def _g3(x: float) -> str:
    """A table number: 3 decimals for indices (0–1), 3 significant digits for effects."""
    return f"{x:.3f}" if abs(x) < 10 else round_sig(x, 3)


def parameter_label(parameter: str, kind: str, lang: str = "en") -> str:
    """A parameter as the table and tornado show it: its path (en) or Chinese name (zh)."""
    name = parameter
    if lang == "zh":
        param = resolve_catalogue(None).get(parameter)
        if param is not None and param.zh:
            name = param.zh.split("(")[0].split("(")[0].rstrip("。. ")
    if kind == "timing":
        return f"{name} (推迟)" if lang == "zh" else f"{name} (delay)"
    return f"{name} (×)" if kind == "multiplier" else name


def write(result: SensitivityResult, out_dir: str | os.PathLike) -> list[Path]:
    """Write ``sensitivity.csv`` (the index table) into ``out_dir``; the tornado charts are
    drawn by :func:`energysim.briefing.chart_files.write_tornado_charts`.

    Returns
    -------
    list of pathlib.Path
        The file written (atomically).
    """
    csv = Path(out_dir) / "sensitivity.csv"
    with atomic_path(csv) as tmp:
        result.table.to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.6g")
    return [csv]


# ---------------------------------------------------------------------------------------------
# top drivers (the brief)
# ---------------------------------------------------------------------------------------------

#: Outputs whose drivers the brief lists: 2030 CO2, the peak year, 2025 energy intensity.
DRIVER_OUTPUTS = ("co2_total@2030", "co2_peak_year", "energy_intensity@2025")


def driver_label(name: str, kind: str, lang: str = "zh") -> str:
    """A planner's name for an input: the catalogue's description, or a project's name.

    ``projects.<id>`` → "<project name> 投运时间" / "<name>: commissioning year"; a multiplier
    on a path → "… (整体倍数)" / "(× path)".
    """
    if kind == "timing":
        p = load_register().projects[name.split(".", 1)[1]]
        if lang == "zh":
            return f"{p.name.get('zh', p.id)} 投运时间"
        return f"{p.name.get('en', p.id)}: commissioning year"

    param = catalogue().get(name)
    text = name if param is None else (param.zh if lang == "zh" else param.en)
    text = text.rstrip("。.").split("(")[0].split("(")[0].strip() or name  # catalogue text
    if kind == "multiplier":
        text += " (整体倍数)" if lang == "zh" else " (× path)"
    return text


def top_drivers(scenario: Any = None, outputs: Sequence[str] = DRIVER_OUTPUTS, *,
                trajectories: int = 8, seed: int = 0, top: int = 5, lang: str = "zh"):
    """The inputs that move each output most: a Morris screening of the scenario.

    Parameters
    ----------
    scenario : str, PathLike or Scenario, optional
        Default: the baseline.
    outputs : sequence of str
        ``variable@year`` or ``variable`` references (as :func:`analyse_scenario`).
    trajectories : int
        Morris trajectories (``trajectories · (d + 1)`` runs; 8 with the baseline's ~90 inputs
        is ~750 runs, about a second).
    seed, top, lang

    Returns
    -------
    pandas.DataFrame
        Columns ``output``, ``rank`` (1 = largest), ``parameter``, ``kind``, ``label`` (for
        ``lang``), ``mu_star`` (mean absolute elementary effect, the output's unit) and ``share``
        (``mu_star`` over the sum of ``mu_star`` of the output, fraction); ``top`` rows per
        output, outputs that do not vary omitted.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    r = analyse_scenario(scenario, ",".join(outputs), method="morris", samples=trajectories,
                         seed=seed, progress=False)
    rows = []
    for out, t in r.table.groupby("output", sort=False):
        total = float(t["mu_star"].sum())
        if not total > 0:
            continue
        best = t.sort_values("mu_star", ascending=False).head(top)
        for k, (_, row) in enumerate(best.iterrows(), start=1):
            rows.append({"output": out, "rank": k, "parameter": row["parameter"],
                         "kind": row["kind"], "label": driver_label(row["parameter"],
                                                                    row["kind"], lang),
                         "mu_star": float(row["mu_star"]),
                         "share": float(row["mu_star"]) / total})
    return pd.DataFrame(rows, columns=["output", "rank", "parameter", "kind", "label",
                                       "mu_star", "share"])
