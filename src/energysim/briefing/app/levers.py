"""Levers of the what-if page: catalogue parameters as sliders, and sliders back to a scenario.

Only the standard library, numpy and energysim's own modules are imported here (no web
framework), so the slider ↔ parameter mapping is unit-tested without a server.

What a lever is
---------------
A lever is one catalogue parameter (:class:`energysim.core.catalogue.Param`) that a planner moves
from the year :attr:`LeverSpec.start` on (by default 2024, the first year after the report's plan
year). The slider shows the parameter's value in its *reference year* (``ref``, the year whose
value the reader knows, e.g. the 2035 capacity of a chemical product) in the report's units
(:func:`energysim.text.labels.display_unit`: 万千瓦, 亿吨, %, …). Moving it to ``v`` changes the
scenario's path ``b(y)`` as follows:

* ``"level"`` — when ``b`` is the same in every year ≥ ``start`` (a constant, or a path that
  reached its final value): ``b'(y) = v`` for ``y ≥ start``;
* ``"scale"`` — otherwise: ``b'(y) = b(y) · v / b(ref)`` for ``y ≥ start`` (the planned shape is
  kept, scaled so that the reference year shows ``v``); when ``b(ref) = 0`` the reference year
  becomes the first later year with a non-zero value;
* years before ``start`` keep ``b``. A parameter's uncertainty multiplier is kept.

Ranges come from the catalogue's bounds; an open bound is replaced by a multiple of the
scenario's own path (:data:`OPEN_RANGE`), so the slider never lets a value through that
``energysim validate`` would refuse. The baseline mark is the scenario's value in ``ref``.

Which parameters are levers is data: :data:`LEVER_GROUPS` lists *path patterns* per chapter of
the government work report (``fnmatch`` style: ``"power.export.*"`` takes every export
parameter the catalogue has, ``"chemicals.*.capacity"`` every product's capacity). A pattern
that matches nothing is skipped, so the page follows the catalogue as the model grows.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from energysim.errors import ScenarioError
from energysim.scenario.series import Const, Series
from energysim.scenario.spec import dist_to_plain, quantity_text
from energysim.scenario.uncertainty import central_value
from energysim.text.labels import REPORT_UNITS, display_unit
from energysim.units import conversion_factor, parse_quantity

__all__ = [
    "LeverSpec",
    "Lever",
    "LEVER_GROUPS",
    "levers_for",
    "lever_path",
    "override_text",
    "child_yaml",
    "nice_step",
]

#: First year a lever changes by default: the report's plan covers 2023.
DEFAULT_START = 2024
#: An open upper bound becomes this multiple of the largest value of the scenario's path
#: (from ``start`` on); an open lower bound becomes 0 (or the bound).
OPEN_RANGE = 3.0


@dataclass(frozen=True)
class LeverSpec:
    """A pattern of catalogue paths and how its sliders read.

    Attributes
    ----------
    pattern : str
        ``fnmatch`` pattern over catalogue paths (``"power.solar.add"``, ``"power.export.*"``).
    ref : int, optional
        Reference year whose value the slider shows (default: ``start``).
    start : int
        First year the lever changes.
    zh_unit : str, optional
        A pint unit to show in Chinese instead of the default display unit (e.g. ``"万吨/yr"``
        for chemical capacities, as the report writes 万吨).
    """

    pattern: str
    ref: int | None = None
    start: int = DEFAULT_START
    zh_unit: str | None = None


def _specs(*items: str | tuple) -> tuple[LeverSpec, ...]:
    return tuple(LeverSpec(i) if isinstance(i, str) else LeverSpec(*i) for i in items)


#: (key, zh title, en title, lever specs) per chapter of the report, in page order.
LEVER_GROUPS: tuple[tuple[str, str, str, tuple[LeverSpec, ...]], ...] = (
    ("energy", "新能源与电力", "Renewables and power", _specs(
        "power.wind.add",
        "power.solar.add",
        ("power.coal.add", 2026),
        "power.coal.lifetime",
        "power.coal.min_hours",
        "power.coal.max_hours",
        "power.export.*",
        "storage.allocation_share",
        "storage.power_add",
        "storage.duration",
    )),
    ("hydrogen", "氢能", "Hydrogen", _specs(
        "hydrogen.electrolyser.add",
        "hydrogen.electrolyser.*share*",  # its power source: grid / dedicated renewables
        "hydrogen.*source*",
        "hydrogen.*dedicated*",
        "hydrogen.*grid*",
        "hydrogen.max_substitution_share",
    )),
    ("transport", "交通(重卡、矿卡)", "Trucks", _specs(
        "transport.heavy_trucks.bev.sales_ceiling",
        "transport.heavy_trucks.bev.sales_midpoint",
        "transport.heavy_trucks.fcev.sales_ceiling",
        "transport.mining_trucks.bev.sales_ceiling",
        "transport.mining_trucks.bev.sales_midpoint",
    )),
    ("chemicals", "现代煤化工", "Coal chemicals", _specs(
        ("chemicals.*.capacity", 2035, DEFAULT_START, "万吨/yr"),
    )),
    ("ccus", "碳捕集(CCUS)", "Carbon capture (CCUS)", _specs(
        ("power.coal.ccus_share", 2030, 2030),
        "power.coal.ccus_capture_rate",
    )),
    ("coal", "煤炭", "Coal", _specs(
        ("coal.output_cap",),
        ("coal.mine_capacity", 2030),
        ("coal.outbound_demand", 2030),
    )),
    ("water", "水资源", "Water", _specs("water.cap")),
    ("economy", "经济", "Economy", _specs("economy.gdp_growth")),
)


@dataclass(frozen=True)
class Lever:
    """One slider, in canonical units (the page converts with ``factor``).

    Attributes
    ----------
    path : str
        Catalogue path.
    group : str
        Key of its chapter in :data:`LEVER_GROUPS`.
    unit : str
        Canonical unit (pint).
    start, ref : int
        First year changed; year whose value the slider shows.
    mode : {"level", "scale"}
        How a slider value becomes a path (module docstring). Either way, the baseline mark
        gives the scenario's own path.
    baseline : float
        The scenario's value in ``ref`` [unit] (the baseline mark).
    lo, hi : float
        Slider range [unit], inside the catalogue bounds.
    display : mapping
        Per language ``{"factor": f, "unit": label, "pint": pint unit, "step": step}``:
        shown value = canonical × ``factor``, in ``unit``; ``step`` in the shown unit.
    zh, en : str
        One-line explanation from the catalogue.
    """

    path: str
    group: str
    unit: str
    start: int
    ref: int
    mode: str
    baseline: float
    lo: float
    hi: float
    display: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    zh: str = ""
    en: str = ""
    calendar: bool = False
    distribution: bool = False

    def as_json(self) -> dict[str, Any]:
        """Plain data for the page."""
        return {
            "path": self.path, "group": self.group, "unit": self.unit, "start": self.start,
            "ref": self.ref, "mode": self.mode, "baseline": self.baseline, "lo": self.lo,
            "hi": self.hi, "display": {k: dict(v) for k, v in self.display.items()},
            "zh": self.zh, "en": self.en, "calendar": self.calendar,
            "distribution": self.distribution,
        }

    def clamp(self, value: float) -> float:
        """``value`` [unit] kept inside the slider's range."""
        return float(min(max(value, self.lo), self.hi))


# -- building levers from the catalogue and a scenario -----------------------------------------
def lever_path(scenario, path: str) -> np.ndarray:
    """The scenario's deterministic path of ``path`` on its years [canonical unit].

    A parameter whose value is itself a distribution gives its central value in every year;
    an uncertainty multiplier is not applied (it is kept when the lever writes the path).
    """
    leaf = scenario.leaf(path)
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    if leaf.base is None:
        return np.full(len(years), float(central_value(leaf.dist)))
    return leaf.base.evaluate(years, scenario.base_year)


def _year_index(scenario, year: int) -> int:
    return int(min(max(year, scenario.base_year), scenario.end_year) - scenario.base_year)


def nice_step(span: float) -> float:
    """A round slider step giving about 100–200 positions over ``span`` (>0): 1, 2 or 5 × 10^k."""
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / 200.0
    k = math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * 10**k >= raw:
            return m * 10**k
    return 10.0 ** (k + 1)  # pragma: no cover - the loop always returns


def _display(unit: str, zh_unit: str | None) -> dict[str, dict[str, Any]]:
    """Per language: factor from the canonical unit, label shown, pint unit written to YAML."""
    out = {}
    for lang in ("zh", "en"):
        factor, label = display_unit(unit, lang)
        if unit.strip() in ("", "1", "dimensionless"):
            pint_unit = "%"
        elif unit in REPORT_UNITS:  # the report's unit (written to YAML in it)
            pint_unit = REPORT_UNITS[unit][0][0]
        else:
            pint_unit = unit
        if lang == "zh" and zh_unit is not None:
            factor, pint_unit, label = conversion_factor(unit, zh_unit), zh_unit, zh_unit
            label = label.replace("/yr", "")
        out[lang] = {"factor": float(factor), "unit": label, "pint": pint_unit}
    return out


def _range(param, future: np.ndarray) -> tuple[float, float]:
    """Slider range [canonical]: the catalogue's bounds, narrowed to ``OPEN_RANGE`` × the largest
    magnitude of the scenario's path (an open bound is replaced by it; a path that is zero
    throughout reaches 1 canonical unit, e.g. 0–1 GW/yr = 0–100万千瓦/年)."""
    top = float(np.max(np.abs(future))) if future.size else 0.0
    reach = OPEN_RANGE * top if top > 0 else 1.0
    lo_b, hi_b = param.bounds
    lo = 0.0 if lo_b is None else max(float(lo_b), min(0.0, -reach))
    hi = reach if hi_b is None else min(float(hi_b), reach)
    if hi <= lo:
        hi = lo + 1.0 if hi_b is None else float(hi_b)
    return lo, hi


def _is_year_param(param) -> bool:
    lo, hi = param.bounds
    return param.unit.strip() == "" and lo is not None and lo >= 1000 and hi is not None


def _coal_cap_range(scenario, param) -> tuple[float, float] | None:
    """The output cap's default (far above any mine) is "no cap": range up to 1.5 × capacity."""
    if param.path != "coal.output_cap" or "coal.mine_capacity" not in scenario.catalogue:
        return None
    top = float(np.max(lever_path(scenario, "coal.mine_capacity")))
    return 0.0, max(1.5 * top, 1e-9)


def make_lever(scenario, param, spec: LeverSpec, group: str) -> Lever | None:
    """The lever of one catalogue parameter in ``scenario`` (None if it cannot be a slider)."""
    leaf = scenario.leaf(param.path)
    values = lever_path(scenario, param.path)
    start = max(spec.start, scenario.base_year)
    if leaf.base is None:  # a distribution (constant in time): the lever scales it, all years
        start = scenario.base_year
        spec = LeverSpec(spec.pattern, start, start, spec.zh_unit)
        if values[0] == 0.0:
            return None
    if start > scenario.end_year:
        return None
    ref = spec.ref if spec.ref is not None else start
    ref = min(max(ref, start), scenario.end_year)
    future = values[_year_index(scenario, start):]
    constant = bool(np.all(future == future[0]))
    if not constant and values[_year_index(scenario, ref)] == 0.0:
        # a planned path that is zero in the reference year: refer to its first non-zero year,
        # so that the baseline position leaves the plan as it is
        ref = start + int(np.flatnonzero(future)[0])
    baseline = float(values[_year_index(scenario, ref)])
    mode = "level" if constant and leaf.base is not None else "scale"
    lo, hi = _coal_cap_range(scenario, param) or _range(param, future)
    display = _display(param.unit, spec.zh_unit)
    if _is_year_param(param):  # a calendar year (S-curve midpoints): shown as a year
        display = {lang: {"factor": 1.0, "unit": "年" if lang == "zh" else "year",
                          "pint": ""} for lang in ("zh", "en")}
        lo, hi = max(lo, float(scenario.base_year)), min(hi, float(scenario.end_year + 20))
    for d in display.values():
        d["step"] = nice_step((hi - lo) * d["factor"])
    return Lever(path=param.path, group=group, unit=param.unit, start=start, ref=ref, mode=mode,
                 baseline=baseline, lo=lo, hi=hi, display=display, zh=param.zh, en=param.en,
                 calendar=_is_year_param(param), distribution=leaf.base is None)


def levers_for(scenario, groups: Sequence = LEVER_GROUPS) -> list[dict[str, Any]]:
    """The page's lever groups for ``scenario``.

    Returns
    -------
    list of dict
        ``{"key", "zh", "en", "levers": [Lever, …]}`` per group that has a lever; each
        catalogue path appears once (in the first group whose pattern takes it).
    """
    cat = scenario.catalogue
    taken: set[str] = set()
    out = []
    for key, zh, en, specs in groups:
        levers = []
        for spec in specs:
            for path in [p for p in cat if fnmatch.fnmatchcase(p, spec.pattern)]:
                if path in taken:
                    continue
                lever = make_lever(scenario, cat[path], spec, key)
                if lever is not None:
                    taken.add(path)
                    levers.append(lever)
        if levers:
            out.append({"key": key, "zh": zh, "en": en, "levers": levers})
    return out


# -- slider values back to YAML ----------------------------------------------------------------
def _num(x: float) -> float | int:
    """``x`` rounded to 9 significant digits (what is written is what runs); ints stay ints."""
    y = float(f"{float(x):.9g}")
    return int(y) if y.is_integer() and abs(y) < 1e15 else y


def _quantity(value: float, lever: Lever) -> Any:
    """``value`` [canonical] as YAML in the report's (zh) unit: ``"300 万千瓦/yr"``, ``"15%"``,
    or a bare number for pure numbers and calendar years."""
    d = lever.display["zh"]
    if lever.calendar or not d["pint"]:
        return _num(value)
    if d["pint"] == "%":
        return f"{_num(value * 100.0)}%"
    return f"{_num(value * d['factor'])} {d['pint']}"


def _exact(value: float, lever: Lever) -> Any:
    """``value`` [canonical] as text that reads back bit for bit (years the lever keeps): the
    report's unit when its 9 digits do, else the canonical unit in full (``repr``)."""
    text = _quantity(value, lever)
    try:
        if parse_quantity(text, expected_unit=lever.unit) == value:
            return text
    except Exception:  # noqa: BLE001 - any doubt: write it exactly
        pass
    return quantity_text(value, lever.unit)


def new_path(lever: Lever, base: np.ndarray, years: np.ndarray, value: float) -> np.ndarray:
    """The parameter's path with the lever at ``value`` [canonical], on ``years``."""
    out = np.array(base, dtype=np.float64)
    after = years >= lever.start
    if lever.mode == "scale":
        out[after] = base[after] * (value / lever.baseline)
    else:
        out[after] = value
    return out


def _points(scenario, lever: Lever, value: float) -> tuple[dict[int, float], str]:
    """Year → value [canonical] points and interpolation of the lever's new path.

    A series keeps its own points and interpolation (scaled, or replaced by the level, from
    ``start`` on); anything else becomes a step series of the yearly path, one point per change.
    """
    base = scenario.leaf(lever.path).base
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    start = lever.start
    b = lever_path(scenario, lever.path)

    def new(y: int, v: float) -> float:
        if y < start:
            return v
        return v * (value / lever.baseline) if lever.mode == "scale" else value

    if isinstance(base, Const):
        pts = {scenario.base_year: base.value} if start > scenario.base_year else {}
        pts[start] = new(start, base.value)
        return pts, "step"
    if isinstance(base, Series):
        pts = {y: v for y, v in zip(base.years, base.values, strict=True) if y < start}
        if base.interpolation == "linear" and start - 1 >= scenario.base_year:
            pts[start - 1] = float(b[start - 1 - scenario.base_year])
        pts[start] = new(start, float(b[start - scenario.base_year]))
        if lever.mode == "scale":
            pts.update({y: new(y, v) for y, v in zip(base.years, base.values, strict=True)
                        if y > start})
        return dict(sorted(pts.items())), base.interpolation
    path = new_path(lever, b, years, value)
    pts, last = {}, None
    for y, v in zip(years, path, strict=True):
        if v != last:
            pts[int(y)] = float(v)
            last = v
    return pts, "step"


def override_plain(scenario, lever: Lever, value: float) -> Any:
    """The YAML value of ``lever`` at ``value`` [canonical].

    The scenario's series keeps its points and interpolation (:func:`_points`); values are
    written in the report's unit to 9 significant digits, and the scenario's uncertainty
    multiplier is kept. The page runs the text it writes, so the file reproduces the page.
    """
    leaf = scenario.leaf(lever.path)
    if leaf.dist is not None:
        return _scaled_distribution(leaf.dist, lever, value / lever.baseline)
    pts, interpolation = _points(scenario, lever, value)
    if len(pts) == 1 and leaf.multiplier is None:
        return _quantity(next(iter(pts.values())), lever)
    out: dict[str, Any] = {"values": {y: (_exact(v, lever) if y < lever.start else
                                          _quantity(v, lever)) for y, v in pts.items()}}
    if interpolation != "linear":
        out["interpolation"] = interpolation
    if leaf.multiplier is not None:
        out["multiplier"] = dist_to_plain(leaf.multiplier, "")
    return out


def _scaled_distribution(dist, lever: Lever, factor: float) -> Any:
    """A parameter's distribution with every value-like argument × ``factor`` (spread kept
    relative; ``gsd`` and ``weights`` unchanged), clipped to the catalogue bounds
    (``lever.lo``/``lever.hi`` lie inside them). A distribution that this collapses (e.g. the
    slider at 0) is written as the plain value."""
    lo_b, hi_b = dist.bounds
    lo_b = -math.inf if lo_b is None else lo_b
    hi_b = math.inf if hi_b is None else hi_b

    def scaled(x: float) -> float:
        return min(max(float(x) * factor, lo_b), hi_b)

    args: dict[str, Any] = {}
    for k, v in dist.args.items():
        if k in ("gsd", "weights"):
            args[k] = v
        elif isinstance(v, tuple):
            args[k] = tuple(scaled(x) for x in v)
        else:
            args[k] = scaled(v)
    written = {k: (v if k in ("gsd", "weights") else
                   [_quantity(x, lever) for x in v] if isinstance(v, tuple) else
                   _quantity(v, lever)) for k, v in args.items()}
    degenerate = (
        ("low" in args and not args["low"] < args["high"])
        or ("sd" in args and not args["sd"] > 0)
        or ("median" in args and not args["median"] > 0)
        or ("mean" in args and dist.kind == "lognormal" and not args["mean"] > 0)
        or ("low" in written and written["low"] == written["high"])
    )
    if degenerate:
        return _quantity(lever.baseline * factor, lever)
    out: dict[str, Any] = {"dist": dist.kind}
    for k, v in written.items():
        out[k] = [float(x) for x in v] if k == "weights" else (float(v) if k == "gsd" else v)
    return out


def changed(levers: Sequence[Lever], values: Mapping[str, float]) -> dict[str, float]:
    """The lever values [canonical] that differ from the baseline marks (clamped to range).

    Unknown paths and non-finite values raise ``ScenarioError`` (one line, key = the path).
    """
    by_path = {lv.path: lv for lv in levers}
    out = {}
    for path, raw in values.items():
        lever = by_path.get(path)
        if lever is None:
            raise ScenarioError(f"not a lever of this page (expected one of the sliders, got "
                                f"{path!r})", key=path)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            raise ScenarioError(f"not a number (expected a value in {lever.unit or '1'}, got "
                                f"{raw!r})", key=path)
        value = lever.clamp(value)
        if value != lever.clamp(lever.baseline):
            out[path] = value
    return out


def override_text(scenario, levers: Sequence[Lever], values: Mapping[str, float]) -> str:
    """The ``parameters:`` block (YAML text) of the levers moved away from their marks."""
    by_path = {lv.path: lv for lv in levers}
    moved = changed(levers, values)
    params = {p: override_plain(scenario, by_path[p], v) for p, v in moved.items()}
    if not params:
        return "parameters: {}\n"
    return yaml.safe_dump({"parameters": params}, allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=None)


def child_yaml(scenario, levers: Sequence[Lever], values: Mapping[str, float], *,
               extends: str | None, name: str | None = None, note: str = "") -> str:
    """A scenario file of the current slider values.

    Parameters
    ----------
    scenario : Scenario
        The scenario the page started from.
    levers : sequence of Lever
    values : mapping of path to float
        Slider values [canonical unit]; those at their baseline mark are not written.
    extends : str or None
        What the child extends (a bundled name or an absolute path). ``None`` writes a
        self-contained file: the scenario's resolved parameters (canonical units) with the
        levers' values on top.
    name : str, optional
        Scenario name (default ``<parent>-whatif``).
    note : str
        A comment line at the top (date, tool).
    """
    name = name or f"{scenario.name}-whatif"
    title = {"zh": f"{scenario.title.get('zh', scenario.name)}(情景推演)",
             "en": f"{scenario.title.get('en', scenario.name)} (what-if)"}
    head = {"name": name}
    if extends is not None:
        head["extends"] = extends
    head["title"] = title
    text = f"# {note}\n" if note else ""
    text += yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=100)
    if extends is None:
        body = scenario.to_dict()
        body.pop("name", None)
        body.pop("title", None)
        by_path = {lv.path: lv for lv in levers}
        for p, v in changed(levers, values).items():
            body["parameters"][p] = override_plain(scenario, by_path[p], v)
        return text + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100,
                                     default_flow_style=None)
    return text + override_text(scenario, levers, values)
