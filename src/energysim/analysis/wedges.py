"""Policy wedges: split a scenario's difference from its parent into the levers that cause it.

A *lever* is a top-level parameter group (``power``, ``storage``, ``transport``, ``hydrogen``
…; ``depth=2`` splits further: ``power.coal``, ``power.wind`` …) in which the scenario's
resolved parameters differ from its parent's (the scenario it ``extends``;
:func:`energysim.analysis.compare.parameter_diff`). For an output ``y`` (``co2_total``,
``coal_output``), let ``v(S)`` be its path when the levers in ``S`` take the scenario's values
and all others the parent's, at central values
(:func:`energysim.analysis.compare.central_params`).

Method (docs/briefing.md):

* ``L ≤ 6`` levers: the **Shapley value** (average over all orders of adding the levers)::

      φ_i = Σ_{S ⊆ N∖{i}} |S|! (L − |S| − 1)! / L! · (v(S ∪ {i}) − v(S))

  which needs the 2^L combinations; they run as ONE vectorized ensemble (each combination is
  a sample; parameters that differ get one row per combination, the others broadcast);
* more levers: **one at a time** in a stated order (default: the catalogue order of the
  levers), ``φ_k = v({1..k}) − v({1..k−1})`` — L + 1 runs, again as one ensemble.

Either way the contributions add up exactly (to rounding) to ``v(N) − v(∅)``, the scenario's
path minus the parent's, in every year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from energysim.analysis.compare import central_params, parameter_diff
from energysim.core import engine
from energysim.core.params import Params
from energysim.errors import InheritanceError, ScenarioError
from energysim.scenario import load_scenario, loads_scenario
from energysim.scenario.loader import BUNDLED_DIR, bundled_names, bundled_parent, locate
from energysim.scenario.yamlio import read_yaml
from energysim.text.labels import check_lang, display_unit, magnitude_of

__all__ = ["WedgeResult", "decompose", "parent_of", "wedge_parent", "lever_name",
           "MAX_SHAPLEY_LEVERS", "DEFAULT_OUTPUTS"]

#: Largest number of levers decomposed by Shapley values (2^6 = 64 runs).
MAX_SHAPLEY_LEVERS = 6
DEFAULT_OUTPUTS = ("co2_total", "coal_output")

#: Reader names of levers (top-level parameter groups).
LEVER_NAMES = {
    "economy": ("经济增长", "Economy"),
    "demand": ("终端需求", "Demand"),
    "power": ("电力结构", "Power mix"),
    "storage": ("储能", "Storage"),
    "transport": ("交通电动化/氢能化", "Transport"),
    "chemicals": ("煤化工", "Coal chemicals"),
    "water": ("水资源", "Water"),
    "hydrogen": ("绿氢", "Green hydrogen"),
    "coal": ("煤炭", "Coal mining"),
    "emissions": ("排放因子", "Emission factors"),
    "power.coal": ("煤电", "Coal power"),
    "power.wind": ("风电", "Wind"),
    "power.solar": ("光伏", "Solar PV"),
    "power.curtailment": ("弃风弃光", "Curtailment"),
    "transport.heavy_trucks": ("运煤重卡", "Heavy trucks"),
    "transport.mining_trucks": ("矿用卡车", "Mining trucks"),
    "hydrogen.electrolyser": ("电解槽", "Electrolysers"),
    "power.export": ("外送通道", "Export outlets"),
    "storage.power_add": ("独立储能", "Stand-alone storage"),
    "storage.allocation_share": ("新能源配储", "Storage with new energy"),
}


def lever_name(lever: str, lang: str = "zh") -> str:
    """Reader name of a lever (the lever key itself when unknown)."""
    check_lang(lang)
    zh, en = LEVER_NAMES.get(lever, (lever, lever))
    return zh if lang == "zh" else en


@dataclass
class WedgeResult:
    """Contributions of each lever to a scenario's difference from its parent.

    Attributes
    ----------
    child_name, parent_name : str
    levers : tuple of str
        In the order of the catalogue (Shapley) or of adding (one at a time).
    paths : dict of str to tuple of str
        Lever → the parameter paths it changes.
    method : {"shapley", "one_at_a_time"}
    years : ndarray of int, shape (n_years,)
    year : int
        The year of the table and of the bars.
    outputs : dict
        Output name → ``{"unit": canonical unit, "parent": (n_years,), "child": (n_years,),
        "contrib": {lever: (n_years,)}}`` in canonical units.
    runs : int
        Combinations simulated.
    """

    child_name: str
    parent_name: str
    levers: tuple[str, ...]
    paths: dict[str, tuple[str, ...]]
    method: str
    years: np.ndarray
    year: int
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: int = 0

    def table(self, year: int | None = None, lang: str = "zh"):
        """Contributions in one year, in display units.

        Returns
        -------
        pandas.DataFrame
            Index: lever; columns ``name``, ``n_params`` and per output ``<output>``
            (contribution) in the display unit of ``lang``; a last row ``total``.
        """
        import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

        y = self.year if year is None else int(year)
        yrs = [int(x) for x in self.years]
        if y not in yrs:
            raise ScenarioError(f"year outside the simulated years (expected {yrs[0]}–"
                                f"{yrs[-1]}, got {y})", key="year")
        i = yrs.index(y)
        rows = []
        for lv in self.levers:
            row = {"lever": lv, "name": lever_name(lv, lang), "n_params": len(self.paths[lv])}
            for out, o in self.outputs.items():
                f, _ = self.display(out, lang)
                row[out] = float(o["contrib"][lv][i]) * f
            rows.append(row)
        total = {"lever": "total", "name": "合计" if lang == "zh" else "total",
                 "n_params": sum(len(p) for p in self.paths.values())}
        for out, o in self.outputs.items():
            f, _ = self.display(out, lang)
            total[out] = float(o["child"][i] - o["parent"][i]) * f
        rows.append(total)
        return pd.DataFrame(rows).set_index("lever")

    def units(self, lang: str = "zh") -> dict[str, str]:
        """Display unit of each output."""
        return {out: self.display(out, lang)[1] for out in self.outputs}

    def display(self, output: str, lang: str = "zh") -> tuple[float, str]:
        """Factor and label of ``output``'s display unit, sized by the parent's path (so the
        wedges of several scenarios against one parent share a unit;
        :func:`energysim.text.labels.display_unit`)."""
        o = self.outputs[output]
        return display_unit(o["unit"], lang, magnitude=magnitude_of(o["parent"]))


def parent_of(scenario: Any):
    """The scenario a scenario extends (all its parents merged), resolved.

    Raises
    ------
    InheritanceError
        When the scenario has no file or extends nothing.
    """
    s = load_scenario(scenario)
    if not s.file or len(s.chain) < 2:
        raise InheritanceError(
            f"scenario {s.name!r} extends no parent (expected `extends: …` to decompose "
            "against, got none)", file=s.file, key="extends",
            hint="give the parent explicitly (energysim.analysis.wedges.decompose(child, parent))")
    path, display = locate(s.file)
    root = read_yaml(path, display=display)
    node = root.value.get("extends") if root.is_map else None
    refs = node.plain() if node is not None else None
    refs = [refs] if isinstance(refs, str) else list(refs or [])
    if len(refs) == 1:
        ref = refs[0]
        if "/" in ref or ref.endswith((".yaml", ".yml")):
            beside = Path(path).resolve().parent / ref
            return load_scenario(beside if beside.is_file() else bundled_parent(ref) or beside)
        return load_scenario(bundled_parent(ref) or ref)
    text = f"name: parent-of-{s.name}\nextends: [{', '.join(repr(r) for r in refs)}]\n"
    return loads_scenario(text, file=f"<parent of {s.name}>",
                          base_dir=Path(path).resolve().parent)


def wedge_parent(scenario: Any):
    """The scenario to decompose a scenario against: its parent, or the bundled scenario its
    file was copied from.

    A bundled scenario extends *parts* (``parts/calibrated.yaml``: fitted parameters, not a
    scenario). A copy of it (``cp scenarios/baseline.yaml 我的情景.yaml``, renamed and edited)
    extends the same parts; its wedges are against the bundled scenario that extends those
    parts (``baseline``), not against the parts. Otherwise (``extends: baseline``, as
    ``energysim new`` writes) the parent is :func:`parent_of`.

    Raises
    ------
    InheritanceError
        When the scenario extends nothing.
    """
    s = load_scenario(scenario)
    parent = parent_of(s)
    parts_dir = (BUNDLED_DIR / "parts").resolve()
    if not parent.file or parts_dir not in Path(parent.file).resolve().parents:
        return parent
    own = Path(s.file).resolve()
    parts = tuple(str(Path(f).resolve()) for f in s.chain[:-1])
    for name in bundled_names():
        path = (BUNDLED_DIR / f"{name}.yaml").resolve()
        if path == own:
            return parent  # the bundled scenario itself: against its parts
        bundled = load_scenario(path)
        if tuple(str(Path(f).resolve()) for f in bundled.chain[:-1]) == parts:
            return bundled
    return parent


def _group(path: str, depth: int) -> str:
    return ".".join(path.split(".")[:depth])


def _masks(n_levers: int, method: str) -> list[tuple[bool, ...]]:
    if method == "shapley":
        return [tuple(bool(k >> j & 1) for j in range(n_levers)) for k in range(2 ** n_levers)]
    return [tuple(j < k for j in range(n_levers)) for k in range(n_levers + 1)]


def _shapley(values: dict[tuple[bool, ...], np.ndarray], n: int) -> list[np.ndarray]:
    """Shapley values of each player from the coalition values ``v(mask)``."""
    out = []
    for i in range(n):
        phi = np.zeros_like(next(iter(values.values())))
        others = [j for j in range(n) if j != i]
        for size in range(n):
            w = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for combo in combinations(others, size):
                without = tuple(j in combo for j in range(n))
                with_i = tuple(j in combo or j == i for j in range(n))
                phi = phi + w * (values[with_i] - values[without])
        out.append(phi)
    return out


def decompose(child: Any, parent: Any = None, *, year: int = 2030,
              outputs: Sequence[str] = DEFAULT_OUTPUTS, depth: int = 1,
              order: Sequence[str] | None = None,
              max_shapley: int = MAX_SHAPLEY_LEVERS) -> WedgeResult:
    """Decompose a scenario's difference from its parent into lever contributions.

    Parameters
    ----------
    child : str, PathLike or Scenario
    parent : str, PathLike or Scenario, optional
        Default: the scenario ``child`` extends, or the bundled scenario it was copied from
        (:func:`wedge_parent`).
    year : int
        Year of the table and bars (the contributions are computed for every year).
    outputs : sequence of str
        Result variables without category dimension (default CO2 and coal output).
    depth : int
        Lever granularity: 1 = top-level groups (``power``), 2 = ``power.coal`` ….
    order : sequence of str, optional
        Order of adding levers for the one-at-a-time method (default: catalogue order).
    max_shapley : int
        Use Shapley values up to this many levers, one at a time beyond.

    Returns
    -------
    WedgeResult

    Raises
    ------
    ScenarioError
        When the scenarios' years differ, or an output or the year is unknown.
    """
    c = load_scenario(child)
    p = wedge_parent(c) if parent is None else load_scenario(parent)
    if (c.base_year, c.end_year) != (p.base_year, p.end_year):
        raise ScenarioError(
            f"scenario and parent simulate different years (expected {p.base_year}–"
            f"{p.end_year}, got {c.base_year}–{c.end_year})", file=c.file, key="end_year")
    specs = engine.output_specs()
    for out in outputs:
        if out not in specs or specs[out].dims:
            raise ScenarioError(
                f"cannot decompose {out!r} (expected a result variable without category "
                "dimension, e.g. co2_total)", key="outputs")
    diff = parameter_diff(p, c)
    pp, cp = central_params(p), central_params(c)
    changed = [x for x in diff["path"] if x != "projects"]
    if "projects" in set(diff["path"]):
        # different named projects (docs/projects.md): the parameters they add to are levers of
        # their own groups (a coal plant is a power lever), wherever the central arrays differ
        changed += [x for x in pp.values if x not in changed
                    and not np.array_equal(pp.values[x], cp.values[x])]
    paths: dict[str, list[str]] = {}
    for path in changed:
        paths.setdefault(_group(path, depth), []).append(path)
    levers = list(paths)
    method = "shapley" if len(levers) <= max_shapley else "one_at_a_time"
    if method == "one_at_a_time" and order is not None:
        unknown = [x for x in order if x not in paths]
        missing = [x for x in levers if x not in order]
        if unknown or missing:
            raise ScenarioError(
                f"order must list each lever once (expected {levers}, got {list(order)})",
                key="order")
        levers = list(order)
    years = np.asarray(cp.years)
    if not levers:
        masks: list[tuple[bool, ...]] = [()]
    else:
        masks = _masks(len(levers), method)
    n = len(masks)
    values = {}
    for path, prow in pp.values.items():
        lever = next((lv for lv in levers if path in paths[lv]), None)
        if lever is None:
            values[path] = prow
            continue
        j = levers.index(lever)
        pick = np.array([m[j] for m in masks])[:, None]
        values[path] = np.where(pick, cp.values[path], prow)
    res = engine.simulate(Params(years=years, n_samples=n, values=values), keep=list(outputs))
    yr = [int(x) for x in years]
    if int(year) not in yr:
        raise ScenarioError(f"year outside the simulated years (expected {yr[0]}–{yr[-1]}, "
                            f"got {year})", key="year")
    out_data: dict[str, dict[str, Any]] = {}
    for out in outputs:
        arr = np.broadcast_to(res[out], (n, len(years)))
        v = {m: arr[k] for k, m in enumerate(masks)}
        none, full = tuple(False for _ in levers), tuple(True for _ in levers)
        if method == "shapley":
            contrib = _shapley(v, len(levers)) if levers else []
        else:
            contrib = [v[masks[k + 1]] - v[masks[k]] for k in range(len(levers))]
        out_data[out] = {"unit": specs[out].unit, "parent": np.array(v[none]),
                         "child": np.array(v[full]),
                         "contrib": dict(zip(levers, [np.array(x) for x in contrib],
                                             strict=True))}
    return WedgeResult(child_name=c.name, parent_name=p.name, levers=tuple(levers),
                       paths={lv: tuple(paths[lv]) for lv in levers}, method=method,
                       years=years, year=int(year), outputs=out_data, runs=n)
