"""Compare scenarios: key indicators side by side and the resolved parameter differences.

* :func:`run_scenario` — run a scenario for a briefing: one run at the *central values*
  (``samples=1``) or an ensemble (``samples > 1``, :func:`energysim.run`);
* :func:`central_params` — the central values of a scenario: every deterministic value as
  written; an uncertain parameter at the value the scenario writes (the path a ``multiplier``
  scales, i.e. multiplier 1, or the ``mode`` of a triangular/PERT distribution) and, for
  distributions without a mode, their median;
* :func:`parameter_diff` — exactly the parameters whose resolved values differ between two
  scenarios (deterministic path over the simulated years, or distribution), with both values
  in canonical units;
* :func:`key_table` / :func:`format_comparison` — the side-by-side table of key indicators;

The comparison charts are drawn by :func:`energysim.briefing.chart_files.write_comparison_charts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from energysim.errors import ScenarioError
from energysim.execution import pipeline
from energysim.results.dataset import indicators
from energysim.scenario import compile_scenario, load_scenario
from energysim.scenario.display import leaf_magnitude, leaf_text, param_display
from energysim.scenario.spec import dist_to_plain
from energysim.text.labels import check_lang
from energysim.text.numbers import fmt_number
from energysim.text.tables import terminal_width, wrap, year_blocks

__all__ = [
    "central_params",
    "run_scenario",
    "parameter_diff",
    "format_diff",
    "key_table",
    "format_comparison",
    "Comparison",
    "compare",
    "KEY_YEARS",
]

#: Years of the side-by-side table (those within the horizon).
#: Default years of the side-by-side table: the same as ``energysim run``'s table.
KEY_YEARS = (2022, 2025, 2030, 2035, 2060)


# ---------------------------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------------------------


def central_params(scenario: Any, *, end_year: int | None = None):
    """The scenario's parameters at their central values (one sample).

    A thin wrapper of :func:`energysim.scenario.compile_scenario` with ``method="central"``
    (modes of triangular/PERT distributions, medians of the others, multipliers at their
    central value).

    Returns
    -------
    Params
        Every catalogue path, shape ``(1, n_years)``, canonical units.
    """
    return compile_scenario(scenario, method="central", end_year=end_year).params()


def run_scenario(scenario: Any, *, samples: int = 1, seed: int | None = None,
                 method: str = "mc", end_year: int | None = None):
    """Run a scenario for a briefing.

    Parameters
    ----------
    scenario : str, PathLike or Scenario
    samples : int
        1: one run at the central values (:func:`central_params`); more: an ensemble
        (:func:`energysim.run`).
    seed : int, optional
    method : {"mc", "lhs", "sobol"}
    end_year : int, optional

    Returns
    -------
    xarray.Dataset
        Results with the usual attributes; ``method`` is ``"central"`` for a central run.
    """
    return pipeline.run(load_scenario(scenario), samples=samples, seed=seed,
                      method="central" if samples == 1 else method, end_year=end_year)


# ---------------------------------------------------------------------------------------------
# the scenario diff
# ---------------------------------------------------------------------------------------------


def _years_of(a, b) -> np.ndarray:
    return np.arange(min(a.base_year, b.base_year), max(a.end_year, b.end_year) + 1)


def _uncertainty_of(leaf) -> Any:
    if leaf.dist is not None:
        return ("dist", dist_to_plain(leaf.dist, leaf.unit))
    if leaf.multiplier is not None:
        return ("multiplier", dist_to_plain(leaf.multiplier, ""))
    return None


def leaves_differ(la, lb, years: np.ndarray, base_year_a: int, base_year_b: int) -> bool:
    """Whether two leaves of one parameter resolve to different values.

    Deterministic paths are compared over ``years`` (a series and a constant that give the same
    numbers are equal); distributions and multipliers by their parameters.
    """
    if _uncertainty_of(la) != _uncertainty_of(lb):
        return True
    if la.base is None or lb.base is None:
        return (la.base is None) != (lb.base is None)
    va = la.base.evaluate(years, base_year_a)
    vb = lb.base.evaluate(years, base_year_b)
    return not np.array_equal(np.asarray(va, dtype=float), np.asarray(vb, dtype=float))


def _projects_text(s, other) -> str:
    """``"16 projects, timing uncertain; not in the other: a, b"``."""
    only = [p for p in s.projects if p not in other.projects]
    text = f"{len(s.projects)} projects, timing {s.project_timing}"
    return text + (f"; not in the other: {', '.join(only)}" if only else "")


def parameter_diff(a: Any, b: Any, lang: str = "zh"):
    """The parameters whose resolved values differ between scenarios ``a`` and ``b``.

    Parameters
    ----------
    a, b : str, PathLike or Scenario
    lang : {"zh", "en"}
        Language of the display units of ``unit``, ``a`` and ``b``.

    Returns
    -------
    pandas.DataFrame
        One row per changed parameter, in catalogue order: ``path``, ``lever`` (its top-level
        group), ``unit``, ``a`` and ``b`` (the values as text in the report's units, as
        ``energysim show`` writes them: :func:`energysim.scenario.display.leaf_text`), ``en``,
        ``zh`` (descriptions), and for programs ``unit_canonical``, ``a_canonical``,
        ``b_canonical`` (canonical units).
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables


    sa, sb = load_scenario(a), load_scenario(b)
    years = _years_of(sa, sb)
    rows = []
    for path, param in sa.catalogue.items():
        la, lb = sa.leaf(path), sb.leaf(path)
        if leaves_differ(la, lb, years, sa.base_year, sb.base_year):
            rows.append({"path": path, "lever": path.split(".")[0],
                         "unit": param_display(param, lang, leaf_magnitude(la))[1],
                         "a": leaf_text(la, param, lang), "b": leaf_text(lb, param, lang),
                         "en": param.en, "zh": param.zh, "unit_canonical": param.unit,
                         "a_canonical": la.describe(), "b_canonical": lb.describe()})
    if sa.projects != sb.projects or sa.project_timing != sb.project_timing:
        pa, pb = _projects_text(sa, sb), _projects_text(sb, sa)
        rows.append({"path": "projects", "lever": "projects", "unit": "",
                     "a": pa, "b": pb,
                     "en": "Named projects of the register included (docs/projects.md)",
                     "zh": "纳入的项目库重点项目", "unit_canonical": "", "a_canonical": pa,
                     "b_canonical": pb})
    if sa.base_year != sb.base_year or sa.end_year != sb.end_year:
        ya, yb = f"{sa.base_year}–{sa.end_year}", f"{sb.base_year}–{sb.end_year}"
        rows.insert(0, {"path": "years", "lever": "years", "unit": "年" if lang == "zh" else "yr",
                        "a": ya, "b": yb, "en": "Simulated years", "zh": "模拟年份",
                        "unit_canonical": "yr", "a_canonical": ya, "b_canonical": yb})
    return pd.DataFrame(rows, columns=["path", "lever", "unit", "a", "b", "en", "zh",
                                       "unit_canonical", "a_canonical", "b_canonical"])


def format_diff(diff, name_a: str, name_b: str, lang: str = "en") -> str:
    """The diff as text: ``path: a → b`` with descriptions."""
    check_lang(lang)
    if not len(diff):
        return (f"{name_b} 与 {name_a} 的参数相同" if lang == "zh"
                else f"{name_b}: no parameter differs from {name_a}")
    head = (f"{name_b} 相对 {name_a} 的参数差异({len(diff)} 项):" if lang == "zh"
            else f"{name_b} vs {name_a}: {len(diff)} parameter(s) differ:")

    width = terminal_width()
    lines = [head]
    for _, r in diff.iterrows():
        desc = r["zh"] if lang == "zh" else r["en"]
        lines.extend(f"  {x}" for x in wrap(f"{r['path']}  ({desc})", width - 2))
        for name, text in ((name_a, r["a"]), (name_b, r["b"])):
            first, *rest = wrap(f"{name}: {text}", width - 6)
            lines.append(f"      {first}")
            lines.extend(f"        {x}" for x in rest)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# key indicators side by side
# ---------------------------------------------------------------------------------------------


def _years_in(ds, years: Iterable[int] | None) -> list[int]:
    avail = [int(y) for y in ds["year"].values]
    want = KEY_YEARS if years is None else tuple(int(y) for y in years)
    chosen = [y for y in want if y in avail]
    if years is not None and len(chosen) != len(want):
        bad = [y for y in want if y not in avail]
        raise ScenarioError(f"years outside the simulated years (expected {avail[0]}–"
                            f"{avail[-1]}, got {bad})", key="years")
    if not chosen:
        chosen = [avail[-1]]
    return chosen


def key_table(datasets: Mapping[str, Any], years: Iterable[int] | None = None,
              stat: str = "p50"):
    """Key indicators of several runs in the report's units, side by side.

    Parameters
    ----------
    datasets : mapping of scenario name to xarray.Dataset
    years : iterable of int, optional
        Default :data:`KEY_YEARS` within the horizon.
    stat : str
        ``"p50"``, ``"mean"``, ``"p5"`` ….

    Returns
    -------
    pandas.DataFrame
        Index: indicator key; columns ``en``, ``zh``, ``unit``, then a MultiIndex-like flat
        column ``(year, scenario)`` per year and scenario; the peak year row has it in every
        year column.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables


    first = next(iter(datasets.values()))
    yrs = _years_in(first, years)
    frames = {}
    for name, ds in datasets.items():
        frames[name] = indicators(ds, [y for y in yrs if y in set(ds["year"].values.tolist())],
                                  stat=stat, scale_from=first)
    keys = list(dict.fromkeys(k for f in frames.values() for k in f.index))
    rows = []
    for k in keys:
        ref = next(f.loc[k] for f in frames.values() if k in f.index)
        row = {"key": k, "en": ref["en"], "zh": ref["zh"], "unit": ref["unit"]}
        for y in yrs:
            for name, f in frames.items():
                v = np.nan
                if k in f.index:
                    if k == "co2_peak_year":
                        v = f.loc[k, [c for c in f.columns if isinstance(c, int)][0]]
                    elif y in f.columns:
                        v = f.at[k, y]
                row[(y, name)] = float(v) if v is not None else np.nan
        row["unit_en"] = ref.get("unit_en", ref["unit"])
        rows.append(row)
    return pd.DataFrame(rows).set_index("key")


def format_comparison(table, lang: str = "zh", *, width: int | None = None) -> str:
    """The side-by-side table as text: per indicator, one line per scenario and one column per
    year, split into blocks of years when wider than the terminal (``width``)."""
    check_lang(lang)
    cols = [c for c in table.columns if isinstance(c, tuple)]
    names = list(dict.fromkeys(n for _, n in cols))
    yrs = list(dict.fromkeys(y for y, _ in cols))
    labels, cells = [], []
    for key, r in table.iterrows():
        labels.append(f"{r['zh']} [{r['unit']}]" if lang == "zh"
                      else f"{r['en']} [{r.get('unit_en', r['unit'])}]")
        cells.append([""] * len(yrs))
        for n in names:
            labels.append(f"  {n}")
            row = []
            for y in yrs:
                v = r[(y, n)]
                if key == "co2_peak_year" and y != yrs[0]:
                    row.append("")
                elif not np.isfinite(v):
                    row.append("–")
                else:
                    row.append(f"{v:.0f}" if key == "co2_peak_year" else fmt_number(v))
            cells.append(row)
    return year_blocks(labels, [str(y) for y in yrs], cells, width=width)


@dataclass
class Comparison:
    """Runs of several scenarios with their key table and parameter diffs.

    Attributes
    ----------
    datasets : dict of str to xarray.Dataset
        Scenario name → results, in the order given.
    scenarios : dict of str to Scenario
    table : pandas.DataFrame
        :func:`key_table`.
    diffs : dict of str to pandas.DataFrame
        Scenario name → :func:`parameter_diff` against the first scenario (the others).
    """

    datasets: dict
    scenarios: dict
    table: Any
    diffs: dict

    @property
    def reference(self) -> str:
        return next(iter(self.datasets))


def _unique_names(scenarios: Sequence) -> list[str]:
    names, seen = [], {}
    for s in scenarios:
        n = s.name
        seen[n] = seen.get(n, 0) + 1
        names.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return names


def compare(scenarios: Sequence[Any], *, samples: int = 1, seed: int | None = None,
            method: str = "mc", years: Iterable[int] | None = None,
            datasets: Sequence[Any] | None = None, lang: str = "zh") -> Comparison:
    """Run scenarios and compare them.

    Parameters
    ----------
    scenarios : sequence of str, PathLike or Scenario
        The first one is the reference of the diffs.
    samples, seed, method
        See :func:`run_scenario`.
    years : iterable of int, optional
        Years of the key table.
    datasets : sequence of xarray.Dataset, optional
        Results already computed (same order), to avoid rerunning.
    lang : {"zh", "en"}
        Language of the units of the parameter diffs.

    Returns
    -------
    Comparison
    """
    loaded = [load_scenario(s) for s in scenarios]
    if not loaded:
        raise ScenarioError("no scenario to compare (expected at least one, got none)",
                            key="scenarios")
    names = _unique_names(loaded)
    if datasets is None:
        datasets = [run_scenario(s, samples=samples, seed=seed, method=method) for s in loaded]
    runs = dict(zip(names, datasets, strict=True))
    table = key_table(runs, years)
    diffs = {n: parameter_diff(loaded[0], s, lang)
             for n, s in zip(names[1:], loaded[1:], strict=True)}
    return Comparison(datasets=runs, scenarios=dict(zip(names, loaded, strict=True)),
                      table=table, diffs=diffs)
