"""The resolved scenario: immutable value objects that remember where each value came from."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from energysim.core.catalogue import catalogue
from energysim.errors import ScenarioError
from energysim.scenario.frozen import FrozenDict
from energysim.scenario.series import Const, Growth, Series
from energysim.scenario.uncertainty import Distribution
from energysim.units import format_quantity, parse_quantity


@dataclass(frozen=True)
class Source:
    """Where a value was written: ``file:line``."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class Leaf:
    """The value of one catalogue parameter in a scenario.

    Attributes
    ----------
    path : str
        Catalogue path.
    unit : str
        Canonical unit (all numbers below are in it).
    base : Const, Series, Growth or None
        The deterministic value (``None`` when the value itself is a distribution).
    dist : Distribution or None
        The parameter's distribution (a scalar uncertain in its value).
    multiplier : Distribution or None
        A pure-number distribution multiplying the whole ``base`` path.
    source : Source
        Where the leaf was written (``catalogue`` for defaults).
    """

    path: str
    unit: str
    base: Const | Series | Growth | None
    dist: Distribution | None = None
    multiplier: Distribution | None = None
    source: Source = field(default_factory=lambda: Source("catalogue"))

    @property
    def uncertain(self) -> bool:
        return self.dist is not None or self.multiplier is not None

    @property
    def form(self) -> str:
        """``"scalar"``, ``"series"``, ``"growth"`` or ``"distribution"``."""
        if self.dist is not None:
            return "distribution"
        return {Const: "scalar", Series: "series", Growth: "growth"}[type(self.base)]

    def describe(self) -> str:
        """One-line text of the value in canonical units (used by ``energysim show``)."""
        text = self._describe_base() if self.dist is None else describe_dist(self.dist, self.unit)
        if self.multiplier is not None:
            text += f" × {describe_dist(self.multiplier, '')}"
        return text

    def _describe_base(self) -> str:
        b, u = self.base, self.unit
        unit = f" {u}" if u else ""
        if isinstance(b, Const):
            return format_quantity(b.value, u)
        if isinstance(b, Series):
            pts = ", ".join(f"{y}: {_g(v)}" for y, v in zip(b.years, b.values, strict=True))
            return f"{{{pts}}}{unit} ({b.interpolation})"
        if not b.years:
            return f"start {format_quantity(b.start, u)}, growth {_g(b.rates[0] * 100)}% per yr"
        pts = ", ".join(f"{y}: {_g(r * 100)}%" for y, r in zip(b.years, b.rates, strict=True))
        return f"start {format_quantity(b.start, u)}, growth {{{pts}}} per yr"

    def to_plain(self) -> Any:
        """The leaf as plain YAML-able data in canonical units, exact (``repr`` floats)."""
        u = self.unit
        if self.dist is not None:
            return dist_to_plain(self.dist, u)
        b = self.base
        if isinstance(b, Const):
            out: Any = quantity_text(b.value, u)
            if self.multiplier is not None:
                out = {"value": out}
        elif isinstance(b, Series):
            pairs = zip(b.years, b.values, strict=True)
            out = {"values": {y: quantity_text(v, u) for y, v in pairs}}
            if b.interpolation != "linear":
                out["interpolation"] = b.interpolation
        else:
            growth: Any = (
                {y: quantity_text(r, "1/yr") for y, r in zip(b.years, b.rates, strict=True)}
                if b.years
                else quantity_text(b.rates[0], "1/yr")
            )
            out = {"start": quantity_text(b.start, u), "growth": growth}
        if self.multiplier is not None:
            out["multiplier"] = dist_to_plain(self.multiplier, "")
        return out


def _g(x: float) -> str:
    return f"{x:.6g}"


def quantity_text(value: float, unit: str) -> Any:
    """Exact text of a quantity (a bare float for pure numbers)."""
    if unit.strip() in ("", "1", "dimensionless"):
        return float(value)
    return format_quantity(value, unit, digits=0)


def describe_dist(d: Distribution, unit: str) -> str:
    """``"triangular(low=50, mode=55, high=60) kWh/kg"``."""
    args = ", ".join(
        f"{k}={[_g(x) for x in v] if isinstance(v, tuple) else _g(v)}".replace("'", "")
        for k, v in d.args.items()
    )
    unit_text = f" {unit}" if unit else ""
    return f"{d.kind}({args}){unit_text}"


def dist_to_plain(d: Distribution, unit: str) -> dict:
    out: dict[str, Any] = {"dist": d.kind}
    for k, v in d.args.items():
        if isinstance(v, tuple):
            out[k] = [float(x) if k == "weights" else quantity_text(x, unit) for x in v]
        elif k == "gsd":
            out[k] = float(v)
        else:
            out[k] = quantity_text(v, unit)
    return out


@dataclass(frozen=True)
class Correlation:
    """A rank correlation (Gaussian copula) between two uncertain parameters."""

    params: tuple[str, str]
    rho: float
    source: Source


COMPARATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "≈": "≈", "~": "≈"}
STRENGTHS = ("firm", "aspirational")
#: The accounts a target is judged on (docs/model.md, "Accounts"): the indicator's account.
ACCOUNTS = {
    "physical": ("实物量", "physical"),
    "territorial": ("属地口径", "territorial"),
    "consumption": ("消费侧口径", "consumption-side"),
    "total_control": ("总量考核口径", "total-control account"),
    "intensity_control": ("强度考核口径", "intensity-control account"),
    "statistical": ("统计口径", "statistical"),
}
#: Relative tolerance of an ``≈`` target that gives none.
DEFAULT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Target:
    """A target from a plan or report, checked against a result indicator.

    Attributes
    ----------
    indicator : str
        Result variable name (see docs/glossary.md).
    year : int
    comparator : {">=", "<=", "≈"}
    value : str or float
        The value as written (``"3.2亿吨"``); convert with :meth:`value_in`.
    tolerance : str or float or None
        For ``≈``: relative (``"5%"``, ``0.05``) or absolute (``"0.1亿吨"``).
    strength : {"firm", "aspirational"}
        确保 (make sure) is firm; 力争 (strive for) is aspirational.
    source : str
        The report's sentence.
    where : Source
    account : str
        The account the target is judged on (a key of :data:`ACCOUNTS`); default
        ``"physical"``.
    """

    indicator: str
    year: int
    comparator: str
    value: Any
    tolerance: Any = None
    strength: str = "firm"
    source: str = ""
    where: Source = field(default_factory=lambda: Source("?"))
    account: str = "physical"

    def value_in(self, unit: str) -> float:
        """The target value in ``unit`` (the indicator's canonical unit).

        A bare number is accepted for a calendar-year indicator (unit ``yr``, e.g. a peak
        year ``2030``) besides the usual pure-number indicators.

        Raises
        ------
        UnitError
            When the value's dimension does not fit ``unit`` (with file:line).
        """
        if unit.strip() in ("yr", "year", "a") and isinstance(self.value, (int, float)):
            if not isinstance(self.value, bool):
                return float(self.value)
        return parse_quantity(
            self.value,
            expected_unit=unit,
            key=f"targets.{self.indicator}",
            file=self.where.file,
            line=self.where.line,
        )

    def tolerance_in(self, unit: str) -> float:
        """Absolute tolerance in ``unit`` (``0`` unless the comparator is ``≈``)."""
        if self.comparator != "≈":
            return 0.0
        tol = DEFAULT_TOLERANCE if self.tolerance is None else self.tolerance
        where = {
            "key": f"targets.{self.indicator}.tolerance",
            "file": self.where.file,
            "line": self.where.line,
        }
        try:
            rel = parse_quantity(tol, expected_unit="", **where)
        except Exception:
            return abs(parse_quantity(tol, expected_unit=unit, **where))
        return abs(rel * self.value_in(unit))


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario (after ``extends``), validated and immutable.

    Attributes
    ----------
    name : str
    title : mapping
        ``{"zh": …, "en": …}`` (either may be missing).
    description : str
    base_year, end_year : int
        Simulated years are ``base_year … end_year``.
    parameters : mapping of str to Leaf
        Every parameter the scenario (or one of its parents) sets, in catalogue order.
    correlations : tuple of Correlation
    targets : tuple of Target
    projects : tuple of str
        Ids of the register's projects the scenario includes (register order); their sizes add
        to the generic series of their parameter (:mod:`energysim.scenario.projects`).
    project_timing : {"uncertain", "planned"}
        Commissioning years sampled from the verbs' priors, or the planned years always.
    file : str or None
        The scenario file (``None`` for text).
    chain : tuple of str
        The files merged, lowest precedence first (the file itself last).
    catalogue : mapping of str to Param
        The catalogue it was validated against (not compared).
    """

    name: str
    title: Mapping[str, str]
    description: str
    base_year: int
    end_year: int
    parameters: Mapping[str, Leaf]
    correlations: tuple[Correlation, ...] = ()
    targets: tuple[Target, ...] = ()
    projects: tuple[str, ...] = ()
    project_timing: str = "uncertain"
    file: str | None = None
    chain: tuple[str, ...] = ()
    catalogue: Mapping[str, Any] = field(default_factory=FrozenDict, repr=False, compare=False)

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Paths of uncertain parameters in catalogue order."""
        return tuple(p for p, leaf in self.parameters.items() if leaf.uncertain)

    def leaf(self, path: str) -> Leaf:
        """The scenario's leaf for ``path``, or the catalogue default as a leaf."""
        if path in self.parameters:
            return self.parameters[path]
        return default_leaf(self.catalogue[path])

    def to_dict(self) -> dict:
        """A self-contained scenario (no ``extends``) as plain data in canonical units.

        Loading it back (e.g. ``yaml.safe_dump`` then :func:`load_scenario`) gives the same
        compiled arrays, bit for bit; results files store it to be rerun exactly.
        """
        out: dict[str, Any] = {"name": self.name}
        if self.title:
            out["title"] = dict(self.title)
        if self.description:
            out["description"] = self.description
        out["base_year"] = self.base_year
        out["end_year"] = self.end_year
        out["parameters"] = {p: leaf.to_plain() for p, leaf in self.parameters.items()}
        if self.correlations:
            out["correlations"] = [
                {"params": list(c.params), "rho": c.rho} for c in self.correlations
            ]
        if self.targets:
            out["targets"] = [_target_plain(t) for t in self.targets]
        if self.projects:
            out["projects"] = {"include": list(self.projects), "timing": self.project_timing}
        return out

    def to_yaml(self) -> str:
        """:meth:`to_dict` as YAML text (UTF-8, Chinese kept readable)."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def _target_plain(t: Target) -> dict:
    out = {"indicator": t.indicator, "year": t.year, "comparator": t.comparator, "value": t.value}
    if t.tolerance is not None:
        out["tolerance"] = t.tolerance
    out["strength"] = t.strength
    if t.account != "physical":
        out["account"] = t.account
    if t.source:
        out["source"] = t.source
    return out


# -- the catalogue a scenario is validated against, and its defaults as leaves ------------------
@functools.cache
def _default_catalogue() -> Mapping:
    return FrozenDict(catalogue())


def resolve_catalogue(catalogue: Mapping | None) -> Mapping:
    """The catalogue to validate against: ``catalogue``, or when None the model's own
    (:func:`energysim.core.catalogue.catalogue`, frozen once)."""
    if catalogue is None:
        return _default_catalogue()
    return catalogue if isinstance(catalogue, FrozenDict) else FrozenDict(catalogue)


def default_leaf(param) -> Leaf:
    """The catalogue default of ``param`` as a :class:`Leaf` (a constant or a linear series)."""
    d = param.default
    if d is None:
        unit = param.unit if param.unit.strip() else "a pure number"
        raise ScenarioError(
            f"required parameter not set (expected a value in {unit}, got none)",
            key=f"parameters.{param.path}",
        )
    if isinstance(d, Mapping):
        years = sorted(int(y) for y in d)
        base: Any = Series(tuple(years), tuple(float(d[y]) for y in years))
    else:
        base = Const(float(d))
    return Leaf(param.path, param.unit, base)
