"""Load a scenario file: YAML with line numbers, ``extends``, unit and bounds checks.

Precedence (the one order in which values are merged)
-----------------------------------------------------
1. catalogue defaults (lowest);
2. the parents named in ``extends``, in the order listed — each parent already resolved with
   its own parents the same way, so later parents override earlier ones;
3. the file itself (highest).

The merge is deep, mapping by mapping, down to the catalogue's parameters; the value of one
parameter (a scalar, a series, a growth form or a distribution, with its multiplier) is a
*leaf* and replaces the inherited leaf whole. ``null`` removes an inherited value (back to the
catalogue default). A file reached twice through different parents (a diamond) is applied once,
at its first place in that depth-first order. ``base_year`` and ``end_year`` are inherited;
``name``, ``title`` and ``description`` belong to each file. ``correlations`` merge by pair of
parameters and ``targets`` by (indicator, year, comparator), later files overriding.

Parents are bundled names (``extends: baseline`` → ``energysim/data/scenarios/baseline.yaml``)
or paths relative to the file that names them (anything with a ``/`` or ending ``.yaml``);
a relative path with no such file names the bundled file of that path, so a bundled scenario
copied anywhere (``extends: parts/calibrated.yaml``) still resolves; parts also resolve by name
(``extends: calibrated``). A cycle or a missing parent is an
:class:`~energysim.errors.InheritanceError` at the ``extends`` line, naming the chain.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from energysim.errors import BoundsError, InheritanceError, ScenarioError, UnitError, display_path
from energysim.scenario.projects import load_register
from energysim.scenario.series import INTERPOLATIONS, Const, Growth, Series
from energysim.scenario.spec import (
    ACCOUNTS,
    COMPARATORS,
    STRENGTHS,
    Correlation,
    FrozenDict,
    Leaf,
    Scenario,
    Source,
    Target,
    default_leaf,
    resolve_catalogue,
)
from energysim.scenario.uncertainty import KINDS, Distribution, cholesky_or_none
from energysim.scenario.yamlio import YNode, parse_yaml, read_yaml
from energysim.text.labels import display_unit
from energysim.units import format_quantity, parse_quantity

#: Where bundled scenarios live (``scenarios/`` at the repository root links here).
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "data" / "scenarios"
BASE_YEAR = 2022
END_YEAR = 2060
#: Series may reach this many years before the base year (history, calibration anchors).
HISTORY_YEARS = 50
#: Longest horizon allowed [years].
MAX_HORIZON = 200

TOP_KEYS = (
    "name",
    "title",
    "description",
    "base_year",
    "end_year",
    "extends",
    "parameters",
    "correlations",
    "targets",
    "projects",
)
#: Keys of the mapping form of ``projects:``.
PROJECT_KEYS = ("include", "exclude", "timing")
#: ``timing:`` of ``projects:``: sampled from the verb's prior, or the planned year always.
PROJECT_TIMINGS = ("uncertain", "planned")
FORM_KEYS = ("values", "interpolation", "multiplier", "start", "growth", "value", "dist")
#: Parameters that select the model's structure (docs/model.md): a plain 0 or 1, never a
#: series or a distribution.
MODE_SWITCHES = frozenset({"power.dispatch"})

TARGET_KEYS = (
    "indicator", "year", "comparator", "value", "tolerance", "strength", "source", "account"
)
_FORMS = {
    "values": ("values", "interpolation", "multiplier"),
    "start": ("start", "growth", "multiplier"),
    "value": ("value", "multiplier"),
}


# -- catalogue index -----------------------------------------------------------------------
class _Index:
    """Catalogue paths and the prefixes under which they nest."""

    def __init__(self, cat: Mapping) -> None:
        self.cat = cat
        self.prefixes: set[str] = set()
        for path in cat:
            parts = path.split(".")
            for i in range(1, len(parts)):
                self.prefixes.add(".".join(parts[:i]))
        self.names = sorted(set(cat) | self.prefixes)


_INDEXES: dict[int, tuple[Mapping, _Index]] = {}


def _index(cat: Mapping) -> _Index:
    hit = _INDEXES.get(id(cat))
    if hit is not None and hit[0] is cat:
        return hit[1]
    idx = _Index(cat)
    _INDEXES[id(cat)] = (cat, idx)
    return idx


def _did_you_mean(word: str, candidates) -> str | None:
    import difflib  # lazy: only on errors

    match = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else None


# -- one file --------------------------------------------------------------------------------
@dataclass
class _File:
    """One scenario file, parsed and checked on its own (before inheritance)."""

    file: str
    key: str  # identity (resolved path, or the display name for text)
    base_dir: Path
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    extends: list[tuple[str, int]] = field(default_factory=list)
    params: dict[str, Leaf | None] = field(default_factory=dict)
    correlations: dict[frozenset, Correlation] = field(default_factory=dict)
    targets: dict[tuple, Target] = field(default_factory=dict)
    #: ``projects:`` as written: (include ids or "all" or None, exclude ids, timing or None, line)
    projects: tuple | None = None
    #: Problems of this file, in reading order (the file is read to its end after a problem).
    problems: list = field(default_factory=list)
    #: Keys that failed (top keys, parameter paths, ``correlations``) → their line: checks of
    #: the resolved scenario that depend on them are skipped (:class:`Checked`).
    failed: dict[str, int] = field(default_factory=dict)
    #: Checks inside one value skipped because a part of the value failed: (check, key, line).
    skipped: list = field(default_factory=list)


class _Parser:
    def __init__(self, root: YNode, file: str, key: str, base_dir: Path, idx: _Index) -> None:
        self.root = root
        self.idx = idx
        self.out = _File(file=file, key=key, base_dir=base_dir)
        self.file = file
        #: Problems found so far; reading goes on after a problem in one key or parameter.
        self.problems: list[ScenarioError] = []

    # errors
    def err(self, cls, message: str, line: int | None, key: str | None = None, hint=None):
        return cls(message, file=self.file, line=line, key=key, hint=hint)

    def parse(self) -> _File:
        root = self.root
        if not root.is_map:
            raise self.err(
                ScenarioError,
                f"a scenario is a mapping (expected keys such as name, extends, parameters, got "
                f"a {_kind(root.value)})",
                root.line,
            )
        for key, node in root.value.items():
            line = root.key_lines[key]
            if key not in TOP_KEYS:
                self.problems.append(self.err(
                    ScenarioError,
                    f"unknown key (expected one of {', '.join(TOP_KEYS)}, got {key!r})",
                    line,
                    str(key),
                    _did_you_mean(key, TOP_KEYS),
                ))
                continue
            self.out.meta_lines[key] = line
            if not self._keep_going(getattr(self, f"_top_{key}"), node, line):
                self.out.failed.setdefault(key, line)
        self.out.problems = self.problems
        return self.out

    def _keep_going(self, fn, *args) -> bool:
        """Run one key's or parameter's check; record its problem and go on to the next.

        Returns False if it found a problem."""
        return _collect(self.problems, fn, *args)

    # -- metadata
    def _top_name(self, node: YNode, line: int) -> None:
        if not isinstance(node.value, str) or not node.value.strip():
            raise self.err(
                ScenarioError,
                f"name must be text (expected a short name, got {_show(node.value)})",
                node.line,
                "name",
            )
        self.out.meta["name"] = node.value.strip()

    def _top_title(self, node: YNode, line: int) -> None:
        self.out.meta["title"] = self._text_map(node, "title")

    def _top_description(self, node: YNode, line: int) -> None:
        value = self._text_map(node, "description")
        self.out.meta["description"] = "\n".join(value.values())

    def _text_map(self, node: YNode, key: str) -> dict[str, str]:
        if isinstance(node.value, str):
            lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in node.value) else "en"
            return {lang: node.value}
        if node.is_map:
            out = {}
            for k, v in node.value.items():
                if k not in ("zh", "en"):
                    raise self.err(
                        ScenarioError,
                        f"unknown language (expected zh or en, got {k!r})",
                        node.key_lines[k],
                        f"{key}.{k}",
                    )
                if not isinstance(v.value, str):
                    raise self.err(
                        ScenarioError,
                        f"must be text (expected text, got {_show(v.value)})",
                        v.line,
                        f"{key}.{k}",
                    )
                out[k] = v.value
            return out
        raise self.err(
            ScenarioError,
            f"must be text or {{zh: …, en: …}} (expected text, got {_show(node.value)})",
            node.line,
            key,
        )

    def _top_base_year(self, node: YNode, line: int) -> None:
        self.out.meta["base_year"] = self._int(node, "base_year", 1900, 2100)

    def _top_end_year(self, node: YNode, line: int) -> None:
        self.out.meta["end_year"] = self._int(node, "end_year", 1901, 2300)

    def _int(self, node: YNode, key: str, lo: int, hi: int) -> int:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise self.err(
                ScenarioError,
                f"not a valid year (expected an integer year in {lo}…{hi}, got {_show(v)})",
                node.line,
                key,
            )
        return v

    def _top_extends(self, node: YNode, line: int) -> None:
        items = node.value if node.is_seq else [node]
        for item in items:
            if not isinstance(item.value, str) or not item.value.strip():
                raise self.err(
                    InheritanceError,
                    f"parent must be a scenario name or path "
                    f"(expected text, got {_show(item.value)})",
                    item.line,
                    "extends",
                )
            self.out.extends.append((item.value.strip(), item.line))

    # -- parameters
    def _top_parameters(self, node: YNode, line: int) -> None:
        if node.value is None:
            return
        self._walk(node, "")

    def _walk(self, node: YNode, prefix: str) -> None:
        if not node.is_map:
            under = sorted(p for p in self.idx.names if p.startswith(prefix + "."))
            children = sorted({p[len(prefix) + 1 :].split(".")[0] for p in under})
            what = (
                f"a mapping of {', '.join(children[:6])}{' …' if len(children) > 6 else ''}"
                if prefix
                else "a mapping of parameters"
            )
            raise self.err(
                ScenarioError,
                f"{'group' if prefix else 'parameters'} is not a "
                f"mapping (expected {what}, got {_show(node.value)})",
                node.line,
                _kp(prefix) if prefix else "parameters",
            )
        for key, child in node.value.items():
            self._keep_going(self._walk_item, node, prefix, key, child)

    def _walk_item(self, node: YNode, prefix: str, key, child: YNode) -> None:
        line = node.key_lines[key]
        if not isinstance(key, str):
            raise self.err(
                ScenarioError,
                f"parameter names are text (expected a name, got {key!r})",
                line,
                _kp(prefix) if prefix else "parameters",
            )
        path = f"{prefix}.{key}" if prefix else key
        if path in self.idx.cat:
            if path in self.out.params:
                raise self.err(
                    ScenarioError,
                    "set twice in one file (expected each parameter once, got a second value)",
                    line,
                    _kp(path),
                )
            try:
                self.out.params[path] = self._leaf(child, self.idx.cat[path], path, line)
            except ScenarioError:
                self.out.failed[path] = line
                raise
        elif path in self.idx.prefixes:
            self._walk(child, path)
        else:
            raise self.err(
                ScenarioError,
                f"unknown parameter (expected a catalogue path, see `energysim params`, "
                f"got {path!r})",
                line,
                _kp(path),
                _did_you_mean(path, self.idx.names),
            )

    def _multiplier(self, mnode: YNode, path: str):
        """The ``multiplier:`` of a value: a distribution (one line otherwise)."""
        if not (mnode.is_map and "dist" in mnode.value):
            raise self.err(
                ScenarioError,
                "multiplier must be a distribution (expected "
                "{dist: normal, mean: 1, sd: 0.05}, got "
                f"{_show(mnode.plain())})",
                mnode.line,
                _kp(path, "multiplier"),
            )
        return self._dist(mnode, "", (0.0, None), f"{path}.multiplier", multiplier=True)

    def _leaf(self, node: YNode, param, path: str, key_line: int) -> Leaf | None:
        src = Source(self.file, key_line)
        v = node.value
        if v is None:
            return None
        if isinstance(v, list):
            raise self.err(
                ScenarioError,
                f"a list is not a value (expected a quantity in "
                f"{_ul(param.unit)}, a {{year: value}} series, or a mapping with "
                f"values/start/dist, got a list)",
                node.line,
                _kp(path),
            )
        if path in MODE_SWITCHES:  # the model's structure: one plain 0 or 1 for the whole run
            x = None if isinstance(v, dict) else self._value(node, param, path)
            if x not in (0.0, 1.0):
                raise self.err(
                    ScenarioError,
                    "a model switch (expected 0 or 1, the same for every sample and year, got "
                    + ("a series or distribution" if isinstance(v, dict) else _show(v)) + ")",
                    node.line,
                    _kp(path),
                )
            return Leaf(path, param.unit, Const(x), source=src)
        if not isinstance(v, dict):
            return Leaf(path, param.unit, Const(self._value(node, param, path)), source=src)
        if v and all(_is_year(k) for k in v):
            return Leaf(path, param.unit, self._series(node, param, path, "linear"), source=src)
        if "dist" in v:
            dist = self._dist(node, param.unit, param.bounds, path, multiplier=False)
            return Leaf(path, param.unit, None, dist=dist, source=src)
        if set(v) == {"multiplier"}:
            # a multiplier alone scales the inherited value (resolved in _resolve)
            mult = self._multiplier(v["multiplier"], path)
            return Leaf(path, param.unit, None, multiplier=mult, source=src)
        form = next((k for k in _FORMS if k in v), None)
        if form is None:
            bad = next(k for k in v if not _is_year(k))
            if any(_is_year(k) for k in v):
                self._year(bad, node.key_lines[bad], _kp(path))
            raise self.err(
                ScenarioError,
                f"unknown value form (expected {{year: value}}, or keys values, start, value or "
                f"dist, got {bad!r})",
                node.key_lines[bad],
                _kp(path),
                _did_you_mean(bad, FORM_KEYS),
            )
        for k in v:
            if k not in _FORMS[form]:
                raise self.err(
                    ScenarioError,
                    f"unexpected key beside {form!r} (expected {', '.join(_FORMS[form])}, got "
                    f"{k!r})",
                    node.key_lines[k],
                    _kp(path, k),
                    _did_you_mean(k, _FORMS[form]),
                )
        problems: list[ScenarioError] = []
        mult = None
        if "multiplier" in v:
            mult = _attempt(problems, self._multiplier, v["multiplier"], path)
        try:
            base = self._base(v, node, param, path, form)
        except ScenarioError as exc:
            problems.extend(getattr(exc, "problems", None) or [exc])
        raise_problems(problems)
        return Leaf(path, param.unit, base, multiplier=mult, source=src)  # type: ignore[arg-type]

    def _base(self, v: dict, node: YNode, param, path: str, form: str):
        """The deterministic part of a ``values:``, ``start:`` or ``value:`` form."""
        if form == "values":
            interp = "linear"
            if "interpolation" in v:
                inode = v["interpolation"]
                if inode.value not in INTERPOLATIONS:
                    raise self.err(
                        ScenarioError,
                        f"unknown interpolation (expected linear or "
                        f"step, got {_show(inode.value)})",
                        inode.line,
                        _kp(path, "interpolation"),
                        _did_you_mean(inode.value, INTERPOLATIONS),
                    )
                interp = inode.value
            vnode = v["values"]
            if not vnode.is_map or not vnode.value:
                if vnode.is_map or vnode.is_seq or vnode.value is None:
                    raise self.err(
                        ScenarioError,
                        f"values must be a {{year: value}} mapping "
                        f"(expected e.g. {{2022: …, 2030: …}}, got "
                        f"{_show(vnode.plain())})",
                        vnode.line,
                        _kp(path, "values"),
                    )
                base: Any = Const(self._value(vnode, param, path, sub="values"))
                if interp != "linear":
                    base = Series((0,), (base.value,), interp)  # pragma: no cover
            else:
                base = self._series(vnode, param, path, interp, sub="values")
        elif form == "start":
            base = self._growth(v, node, param, path)
        else:
            base = Const(self._value(v["value"], param, path, sub="value"))
        return base

    def _value(self, node: YNode, param, path: str, sub: str | None = None) -> float:
        key = _kp(path, sub)
        x = parse_quantity(
            node.value, expected_unit=param.unit, key=key, file=self.file, line=node.line
        )
        self._bounds(x, param.unit, param.bounds, key, node)
        return x

    def _bounds(self, x: float, unit: str, bounds, key: str, node: YNode) -> None:
        lo, hi = bounds
        if not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi):
            raise self.err(
                BoundsError,
                f"out of bounds (expected {_range(lo, hi, unit)}, got "
                f"{_shown(x, unit)}{_from(node.value, unit)})",
                node.line,
                key,
            )

    def _series(self, node: YNode, param, path: str, interp: str, sub=None) -> Series:
        pts: list = []
        problems: list[ScenarioError] = []

        def point(k, vnode) -> None:
            line = node.key_lines[k]
            year = self._year(k, line, _kp(path, sub))
            pts.append((year, self._value(vnode, param, path, sub=_sub(sub, year)), line))

        for k, vnode in node.value.items():
            _collect(problems, point, k, vnode)
        pts.sort()
        for (y0, _, _), (y1, _, line) in zip(pts, pts[1:], strict=False):
            if y0 == y1:
                problems.append(self.err(
                    ScenarioError,
                    f"year given twice (expected each year once, got {y1} again)",
                    line,
                    _kp(path, sub),
                ))
        raise_problems(sorted(problems, key=_line_of))
        return Series(
            tuple(p[0] for p in pts), tuple(p[1] for p in pts), interp, tuple(p[2] for p in pts)
        )

    def _year(self, k: Any, line: int, key: str) -> int:
        if _is_year(k):
            return int(k)
        raise self.err(
            ScenarioError,
            f"not a year (expected an integer year such as 2030, got {k!r})",
            line,
            key,
        )

    def _growth(self, v: dict, node: YNode, param, path: str) -> Growth:
        if "growth" not in v:
            raise self.err(
                ScenarioError,
                "growth form without a rate (expected start and "
                "growth, e.g. {start: 1300亿元, growth: 7%}, got start only)",
                node.line,
                _kp(path),
            )
        problems: list[ScenarioError] = []
        start = _attempt(problems, self._value, v["start"], param, path, "start")
        gnode = v["growth"]
        items = list(gnode.value.items()) if gnode.is_map else [(None, gnode)]
        if not items:
            problems.append(self.err(
                ScenarioError,
                "growth is empty (expected a rate such as 5% or {2023: 7%, 2026: 5%}, got {})",
                gnode.line,
                _kp(path, "growth"),
            ))
        pts: list = []
        for k, rnode in items:
            _collect(problems, self._rate, gnode, k, rnode, path, pts)
        raise_problems(problems)
        pts.sort(key=lambda p: -1 if p[0] is None else p[0])
        years = tuple(p[0] for p in pts if p[0] is not None)
        return Growth(start, years, tuple(p[1] for p in pts), tuple(p[2] for p in pts))

    def _rate(self, gnode: YNode, k, rnode: YNode, path: str, pts: list) -> None:
        """One growth rate (``5%`` or ``{year: 5%}``'s item), appended to ``pts``."""
        line = gnode.key_lines[k] if k is not None else rnode.line
        year = None if k is None else self._year(k, line, _kp(path, "growth"))
        key = _kp(path, "growth" if year is None else f"growth.{year}")
        try:
            r = parse_quantity(
                rnode.value, expected_unit="1/yr", key=key, file=self.file, line=rnode.line
            )
        except UnitError as exc:
            if isinstance(rnode.value, (int, float)):
                exc.hint = "write rates as percentages, e.g. 7%"
                raise UnitError(
                    exc.message, file=exc.file, line=exc.line, key=exc.key, hint=exc.hint
                ) from None
            raise
        if r <= -1.0:
            raise self.err(
                BoundsError,
                f"growth rate at or below -100% (expected a rate "
                f"> -100%/yr, got {_show(rnode.value)})",
                rnode.line,
                key,
            )
        pts.append((year, r, rnode.line))

    def _dist(self, node: YNode, unit: str, bounds, path: str, *, multiplier: bool):
        v = node.value
        key = _kp(path)
        knode = v["dist"]
        kind = knode.value
        if kind not in KINDS:
            raise self.err(
                ScenarioError,
                f"unknown distribution (expected one of {', '.join(KINDS)}, got {_show(kind)})",
                knode.line,
                _kp(path, "dist"),
                _did_you_mean(kind, KINDS),
            )
        given = set(v) - {"dist"}
        forms = KINDS[kind]
        chosen = next((f for f in forms if set(f) == given), None)
        if chosen is None:
            allowed = {k for f in forms for k in f}
            extra = sorted(str(k) for k in given - allowed)
            want = " or ".join("(" + ", ".join(f) + ")" for f in forms)
            if extra:
                k = next(k for k in v if str(k) == extra[0])
                raise self.err(
                    ScenarioError,
                    f"unexpected key for {kind} (expected {want}, got {extra[0]!r})",
                    node.key_lines[k],
                    _kp(path, extra[0]),
                    _did_you_mean(extra[0], allowed),
                )
            missing = sorted(set(forms[0]) - given)
            raise self.err(
                ScenarioError,
                f"{kind} needs {want} (expected {want}, got "
                f"{', '.join(sorted(map(str, given))) or 'none'}; missing "
                f"{', '.join(missing)})",
                node.line,
                key,
            )
        exp = "" if multiplier else unit
        args: dict[str, Any] = {}
        problems: list[ScenarioError] = []
        for name in chosen:
            args[name] = _attempt(problems, self._dist_arg, name, v[name], exp, bounds, path)
        if problems:
            self.out.skipped.append(("consistency of the distribution", key, node.line))
            raise_problems(problems)
        self._check_dist(kind, args, v, exp, bounds, path, node)
        return Distribution(kind, args, tuple(bounds))

    def _dist_arg(self, name: str, anode: YNode, exp: str, bounds, path: str):
        """One argument of a distribution (a quantity in ``exp``, or a list of them)."""
        sub = _kp(path, name)
        if name in ("values", "weights"):
            if not anode.is_seq or not anode.value:
                raise self.err(
                    ScenarioError,
                    f"{name} must be a non-empty list (expected "
                    f"[…], got {_show(anode.plain())})",
                    anode.line,
                    sub,
                )
            problems: list[ScenarioError] = []
            xs = [_attempt(problems, self._dist_item, name, item, f"{sub}[{i}]", exp, bounds)
                  for i, item in enumerate(anode.value)]
            raise_problems(problems)
            return tuple(xs)
        unit = "" if name == "gsd" else exp
        return parse_quantity(
            anode.value, expected_unit=unit, key=sub, file=self.file, line=anode.line
        )

    def _dist_item(self, name: str, item: YNode, isub: str, exp: str, bounds) -> float:
        if name == "weights":
            x = parse_quantity(item.value, expected_unit="", key=isub, file=self.file,
                               line=item.line)
            if x < 0:
                raise self.err(
                    BoundsError,
                    f"negative weight (expected ≥ 0, got {_show(item.value)})",
                    item.line,
                    isub,
                )
            return x
        x = parse_quantity(item.value, expected_unit=exp, key=isub, file=self.file,
                           line=item.line)
        self._bounds(x, exp, bounds, isub, item)
        return x

    def _check_dist(self, kind, a, v, unit, bounds, path, node) -> None:
        problems: list[ScenarioError] = []

        def fail(cls, msg, name):
            n = v[name]
            problems.append(self.err(cls, msg, n.line, _kp(path, name)))

        def q(name):
            return f"{name} {format_quantity(a[name], unit)}"

        if kind in ("uniform", "triangular", "pert"):
            if a["low"] >= a["high"]:
                fail(
                    BoundsError,
                    f"low ≥ high (expected low < high, got {q('low')} ≥ {q('high')})",
                    "high",
                )
            elif kind != "uniform" and not a["low"] <= a["mode"] <= a["high"]:
                fail(
                    BoundsError,
                    f"mode outside [low, high] (expected low ≤ mode ≤ high, got "
                    f"{q('low')}, {q('mode')}, {q('high')})",
                    "mode",
                )
            checked = ("low", "mode", "high") if kind != "uniform" else ("low", "high")
        elif kind == "normal":
            if a["sd"] <= 0:
                fail(BoundsError, f"sd must be positive (expected sd > 0, got {q('sd')})", "sd")
            checked = ("mean",)
        elif kind == "lognormal":
            if "median" in a:
                if a["median"] <= 0:
                    fail(
                        BoundsError,
                        f"median must be positive (expected > 0, got {q('median')})",
                        "median",
                    )
                if a["gsd"] <= 1:
                    fail(
                        BoundsError,
                        f"gsd must exceed 1 (expected a geometric standard "
                        f"deviation > 1, got {a['gsd']:g})",
                        "gsd",
                    )
                checked = ("median",)
            else:
                if a["mean"] <= 0:
                    fail(
                        BoundsError,
                        f"mean must be positive (expected > 0, got {q('mean')})",
                        "mean",
                    )
                if a["sd"] <= 0:
                    fail(BoundsError, f"sd must be positive (expected sd > 0, got {q('sd')})", "sd")
                checked = ("mean",)
        else:  # choice
            if "weights" in a:
                if len(a["weights"]) != len(a["values"]):
                    fail(
                        ScenarioError,
                        f"weights and values differ in length (expected "
                        f"{len(a['values'])} weights, got {len(a['weights'])})",
                        "weights",
                    )
                if sum(a["weights"]) <= 0:
                    fail(
                        BoundsError,
                        "weights sum to zero (expected a positive sum, got 0)",
                        "weights",
                    )
            checked = ()
        for name in checked:
            _collect(problems, self._bounds, a[name], unit, bounds, _kp(path, name), v[name])
        raise_problems(sorted(problems, key=_line_of))

    # -- correlations and targets
    def _top_projects(self, node: YNode, line: int) -> None:
        """``projects: all`` | ``[id, …]`` | ``{include: all | [id, …], exclude: [id, …],
        timing: uncertain | planned}`` (ids checked against the register)."""
        reg = load_register()
        if node.value is None:
            self.out.projects = ([], [], None, line)
            return
        if node.is_map:
            for k in node.value:
                if k not in PROJECT_KEYS:
                    raise self.err(
                        ScenarioError,
                        f"unknown key (expected one of {', '.join(PROJECT_KEYS)}, got {k!r})",
                        node.key_lines[k],
                        f"projects.{k}",
                        _did_you_mean(k, PROJECT_KEYS),
                    )
            inc = node.value.get("include")
            exc = node.value.get("exclude")
            tim = node.value.get("timing")
        else:
            inc, exc, tim = node, None, None
        include = None if inc is None else self._project_ids(inc, "projects.include", reg)
        exclude = [] if exc is None else self._project_ids(exc, "projects.exclude", reg)
        if exclude == "all":
            raise self.err(ScenarioError, "exclude takes a list of ids (expected [id, …], got "
                           "'all'; write projects: [] to select none)", exc.line,
                           "projects.exclude")
        timing = None
        if tim is not None:
            if tim.value not in PROJECT_TIMINGS:
                raise self.err(
                    ScenarioError,
                    f"unknown timing (expected one of {', '.join(PROJECT_TIMINGS)}, got "
                    f"{_show(tim.value)})",
                    tim.line,
                    "projects.timing",
                )
            timing = tim.value
        self.out.projects = (include, exclude, timing, line)

    def _project_ids(self, node: YNode, key: str, reg) -> list[str] | str:
        if node.value == "all":
            return "all"
        items = node.value if node.is_seq else None
        if items is None:
            raise self.err(
                ScenarioError,
                f"not a list of project ids (expected all or [id, …], got {_show(node.plain())})",
                node.line,
                key,
            )
        out: list[str] = []
        problems: list[ScenarioError] = []
        for i, item in enumerate(items):
            _collect(problems, self._project_id, item, f"{key}[{i}]", reg, out)
        raise_problems(problems)
        return out

    def _project_id(self, item: YNode, key_i: str, reg, out: list[str]) -> None:
        pid = item.value
        if not isinstance(pid, str) or pid not in reg.projects:
            raise self.err(
                ScenarioError,
                f"unknown project (expected an id of the register {reg.file}, see "
                f"`energysim projects`, got {_show(pid)})",
                item.line,
                key_i,
                _did_you_mean(pid, reg.projects) if isinstance(pid, str) else None,
            )
        if not reg.projects[pid].modelled:
            raise self.err(
                ScenarioError,
                f"project is not modelled (expected a project with a model parameter, got "
                f"{pid!r}: {reg.projects[pid].info.get('not_modelled', '')})",
                item.line,
                key_i,
            )
        if pid in out:
            raise self.err(ScenarioError, f"listed twice (expected each id once, got "
                           f"{pid!r} again)", item.line, key_i)
        out.append(pid)

    def _top_correlations(self, node: YNode, line: int) -> None:
        if node.value is None:
            return
        if not node.is_seq:
            raise self.err(
                ScenarioError,
                f"correlations must be a list (expected [{{params: "
                f"[a, b], rho: 0.5}}, …], got {_show(node.plain())})",
                node.line,
                "correlations",
            )
        for i, item in enumerate(node.value):
            if not self._keep_going(self._correlation, i, item):
                self.out.failed.setdefault("correlations", item.line)

    def _correlation(self, i: int, item: YNode) -> None:
        key = f"correlations[{i}]"
        if not item.is_map:
            raise self.err(
                ScenarioError,
                f"not a mapping (expected {{params: [a, b], rho: "
                f"0.5}}, got {_show(item.plain())})",
                item.line,
                key,
            )
        for k in item.value:
            if k not in ("params", "rho"):
                raise self.err(
                    ScenarioError,
                    f"unknown key (expected params, rho, got {k!r})",
                    item.key_lines[k],
                    f"{key}.{k}",
                    _did_you_mean(k, ("params", "rho")),
                )
        if "params" not in item.value or "rho" not in item.value:
            raise self.err(
                ScenarioError,
                "incomplete correlation (expected params and rho, "
                f"got {', '.join(map(str, item.value)) or 'none'})",
                item.line,
                key,
            )
        pnode, rnode = item.value["params"], item.value["rho"]
        names = [p.value for p in pnode.value] if pnode.is_seq else None
        if names is None or len(names) != 2 or len(set(map(str, names))) != 2:
            raise self.err(
                ScenarioError,
                "params must name two different parameters "
                f"(expected [a, b], got {_show(pnode.plain())})",
                pnode.line,
                f"{key}.params",
            )
        for p in pnode.value:
            if p.value not in self.idx.cat:
                raise self.err(
                    ScenarioError,
                    f"unknown parameter (expected a catalogue path, got {_show(p.value)})",
                    p.line,
                    f"{key}.params",
                    _did_you_mean(p.value, self.idx.cat),
                )
        rho = rnode.value
        if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not -1 < rho < 1:
            raise self.err(
                BoundsError,
                f"rho out of range (expected -1 < rho < 1, got {_show(rho)})",
                rnode.line,
                f"{key}.rho",
            )
        pair = frozenset(names)
        if pair in self.out.correlations:
            raise self.err(
                ScenarioError,
                "pair correlated twice (expected each pair once, got it again)",
                item.line,
                key,
            )
        self.out.correlations[pair] = Correlation(
            tuple(names), float(rho), Source(self.file, item.line)
        )

    def _top_targets(self, node: YNode, line: int) -> None:
        if node.value is None:
            return
        if not node.is_seq:
            raise self.err(
                ScenarioError,
                f"targets must be a list (expected [{{indicator: …, "
                f"year: …, comparator: …, value: …}}, …], got "
                f"{_show(node.plain())})",
                node.line,
                "targets",
            )
        for i, item in enumerate(node.value):
            self._keep_going(self._target_item, i, item)

    def _target_item(self, i: int, item: YNode) -> None:
        t = self._target(item, f"targets[{i}]")
        k = (t.indicator, t.year, t.comparator)
        if k in self.out.targets:
            raise self.err(
                ScenarioError,
                f"target given twice (expected one {t.comparator} "
                f"target for {t.indicator} in {t.year}, got another)",
                item.line,
                f"targets[{i}]",
            )
        self.out.targets[k] = t

    def _target(self, item: YNode, key: str) -> Target:
        if not item.is_map:
            raise self.err(
                ScenarioError,
                f"not a mapping (expected {{indicator: …, year: …, "
                f"comparator: …, value: …}}, got {_show(item.plain())})",
                item.line,
                key,
            )
        v = item.value
        for k in v:
            if k not in TARGET_KEYS:
                raise self.err(
                    ScenarioError,
                    f"unknown key (expected one of {', '.join(TARGET_KEYS)}, got {k!r})",
                    item.key_lines[k],
                    f"{key}.{k}",
                    _did_you_mean(k, TARGET_KEYS),
                )
        missing = [k for k in ("indicator", "year", "comparator", "value") if k not in v]
        if missing:
            raise self.err(
                ScenarioError,
                f"incomplete target (expected indicator, year, "
                f"comparator and value, got no {', '.join(missing)})",
                item.line,
                key,
            )
        ind = v["indicator"].value
        if not isinstance(ind, str) or not ind.strip():
            raise self.err(
                ScenarioError,
                f"indicator must be a result name (expected e.g. coal_output, got {_show(ind)})",
                v["indicator"].line,
                f"{key}.indicator",
            )
        key = f"targets.{ind}"
        problems: list[ScenarioError] = []
        year = _attempt(problems, self._year, v["year"].value, v["year"].line, f"{key}.year")
        comp = v["comparator"].value
        if comp not in COMPARATORS:
            problems.append(self.err(
                ScenarioError,
                f"unknown comparator (expected >=, <=, ≈, ≥, ≤ or ~, got {_show(comp)})",
                v["comparator"].line,
                f"{key}.comparator",
            ))
        comp = COMPARATORS.get(comp)
        value = v["value"].value
        try:
            parse_quantity(
                value, expected_unit="", key=f"{key}.value", file=self.file, line=v["value"].line
            )
        except UnitError as exc:  # any unit is fine here; only unknown units are errors
            if "unknown unit" in exc.message or "not a quantity" in exc.message:
                problems.append(exc)
        tol = None
        if "tolerance" in v:
            tnode = v["tolerance"]
            if comp is not None and comp != "≈":
                problems.append(self.err(
                    ScenarioError,
                    f"tolerance only applies to ≈ (expected no "
                    f"tolerance for {comp}, got {_show(tnode.value)})",
                    tnode.line,
                    f"{key}.tolerance",
                ))
            tol = tnode.value
            try:
                x = parse_quantity(
                    tol, expected_unit="", key=f"{key}.tolerance", file=self.file, line=tnode.line
                )
                if x < 0:
                    problems.append(self.err(
                        BoundsError,
                        f"negative tolerance (expected ≥ 0, got {_show(tol)})",
                        tnode.line,
                        f"{key}.tolerance",
                    ))
            except UnitError as exc:
                if "unknown unit" in exc.message or "not a quantity" in exc.message:
                    problems.append(exc)
        strength = "firm"
        if "strength" in v:
            strength = v["strength"].value
            if strength not in STRENGTHS:
                problems.append(self.err(
                    ScenarioError,
                    f"unknown strength (expected firm (确保) or "
                    f"aspirational (力争), got {_show(strength)})",
                    v["strength"].line,
                    f"{key}.strength",
                    _did_you_mean(strength, STRENGTHS),
                ))
        source = v["source"].value if "source" in v else ""
        if not isinstance(source, str):
            problems.append(self.err(
                ScenarioError,
                f"source must be text (expected the report's sentence, got {_show(source)})",
                v["source"].line,
                f"{key}.source",
            ))
        account = "physical"
        if "account" in v:
            account = v["account"].value
            if account not in ACCOUNTS:
                problems.append(self.err(
                    ScenarioError,
                    f"unknown account (expected one of {', '.join(ACCOUNTS)}, got "
                    f"{_show(account)})",
                    v["account"].line,
                    f"{key}.account",
                    _did_you_mean(str(account), tuple(ACCOUNTS)),
                ))
        raise_problems(problems)
        return Target(
            ind.strip(), year, comp, value, tol, strength, source, Source(self.file, item.line),
            account,
        )


# -- helpers ---------------------------------------------------------------------------------
def _kp(path: str, sub: Any = None) -> str:
    return f"parameters.{path}" + (f".{sub}" if sub is not None else "")


def _sub(sub: str | None, year: int) -> str:
    return f"{sub}.{year}" if sub else str(year)


def _is_year(k: Any) -> bool:
    if isinstance(k, bool):
        return False
    if isinstance(k, int):
        return True
    return isinstance(k, str) and k.strip().isdigit() and k.strip().isascii()


def _kind(v: Any) -> str:
    if isinstance(v, dict):
        return "mapping"
    if isinstance(v, list):
        return "list"
    return f"scalar {_show(v)}"


def _show(v: Any) -> str:
    text = repr(v) if isinstance(v, str) else str(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _ul(unit: str) -> str:
    return unit if unit.strip() else "a pure number"


def _shown(x: float, unit: str) -> str:
    """A value for a person: in the report's unit (万千瓦, 亿吨, % …) where there is one
    (:func:`energysim.text.labels.display_unit`, the one decision of display units), else as
    :func:`format_quantity` writes the canonical unit."""
    try:
        factor, label = display_unit(unit, "zh")
    except Exception:  # noqa: BLE001 - a unit the display table does not know: canonical
        return format_quantity(x, unit)
    if factor == 1.0 and label in (unit, ""):
        return format_quantity(x, unit)
    text = f"{x * factor:.6g}"
    return f"{text}{label}" if label == "%" else f"{text} {label}"


def _range(lo, hi, unit: str) -> str:
    if lo is not None and hi is not None:
        return f"{_shown(lo, unit)} ≤ value ≤ {_shown(hi, unit)}"
    if lo is not None:
        return f"value ≥ {_shown(lo, unit)}"
    return f"value ≤ {_shown(hi, unit)}"


def _from(raw: Any, unit: str) -> str:
    return f" from {raw!r}" if isinstance(raw, str) else ""


# -- every problem of a file --------------------------------------------------------------------
#: What :func:`_attempt` returns for a call that found a problem.
_FAILED: Any = object()


def _attempt(problems: list, fn, *args):
    """``fn(*args)``, or :data:`_FAILED` after adding its problems (every one) to ``problems``."""
    try:
        return fn(*args)
    except ScenarioError as exc:
        problems.extend(getattr(exc, "problems", None) or [exc])
        return _FAILED


def _collect(problems: list, fn, *args) -> bool:
    """Run ``fn(*args)``; False (its problems added to ``problems``) if it found any."""
    return _attempt(problems, fn, *args) is not _FAILED


def _line_of(problem: ScenarioError) -> int:
    return problem.line if problem.line is not None else 0


def raise_problems(problems: list[ScenarioError]) -> None:
    """Raise the first problem, carrying all of them (``exc.problems``) so that ``energysim
    validate`` prints one line per problem of a file."""
    if problems:
        first = problems[0]
        first.problems = list(problems)
        raise first


# -- locating files ----------------------------------------------------------------------------
def bundled_names() -> list[str]:
    """Names of the bundled scenarios (``energysim list``)."""
    if not BUNDLED_DIR.is_dir():
        return []
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def bundled_parent(ref: str) -> Path | None:
    """The bundled file a parent reference names, or None.

    A bundled scenario copied anywhere keeps working: ``extends: parts/calibrated.yaml``
    names the bundled part when no such file sits beside the copy, and parts also resolve by
    name (``extends: calibrated`` → ``parts/calibrated.yaml``).

    Parameters
    ----------
    ref : str
        The ``extends`` entry: a bundled name (``baseline``, ``calibrated``) or a path relative
        to the bundled directory (``parts/calibrated.yaml``).
    """
    if looks_like_path(ref):
        rel = Path(ref)
        if rel.is_absolute() or ".." in rel.parts:
            return None
        path = BUNDLED_DIR / rel
        return path if path.is_file() else None
    for path in (BUNDLED_DIR / f"{ref}.yaml", BUNDLED_DIR / "parts" / f"{ref}.yaml"):
        if path.is_file():
            return path
    return None


def looks_like_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml"))




def locate(source: str | os.PathLike) -> tuple[Path, str]:
    """The file of a scenario given as a path or a bundled name, and its display name.

    Raises
    ------
    ScenarioError
        When no such file or bundled scenario exists.
    """
    text = os.fspath(source)
    path = Path(text)
    if path.is_file():
        return path, text
    if not looks_like_path(text):
        bundled = BUNDLED_DIR / f"{text}.yaml"
        if bundled.is_file():
            return bundled, display_path(bundled)
        names = ", ".join(bundled_names()) or "none"
        raise ScenarioError(
            f"no such scenario (expected a file or a bundled name: {names}, got {text!r})",
            file=text,
            hint=_did_you_mean(text, bundled_names()),
        )
    if path.is_dir():
        raise ScenarioError(f"is a directory (expected a scenario file, got {text!r})", file=text)
    if path.exists():
        raise ScenarioError(f"not a regular file (expected a scenario file, got a device, pipe "
                            f"or socket {text!r})", file=text)
    raise ScenarioError(
        f"file not found (expected an existing scenario file, got {text!r})", file=text
    )


def _check_parent_file(ref: str, path: Path, child: _File, line: int) -> None:
    """A parent named by path is a regular ``.yaml``/``.yml`` file (after symlinks), so that
    ``extends`` cannot be used to read other files (devices, pipes, /etc/…)."""
    def refuse(what: str) -> InheritanceError:
        return InheritanceError(
            f"parent must be a scenario file (expected a regular .yaml file, got {what})",
            file=child.file, line=line, key="extends")

    if not ref.endswith((".yaml", ".yml")):
        raise refuse(f"{ref!r}")
    try:
        target = path.resolve(strict=True)
        mode = os.stat(target).st_mode
    except (OSError, RuntimeError):
        return  # missing: reported as "parent scenario not found"
    if not stat.S_ISREG(mode):
        raise refuse(f"a directory, device or pipe {ref!r}")
    if target.suffix not in (".yaml", ".yml"):
        raise refuse(f"a link to a file that is not .yaml: {ref!r}")


def _locate_parent(ref: str, child: _File, line: int) -> tuple[Path, str]:
    if looks_like_path(ref):
        path = child.base_dir / ref
        _check_parent_file(ref, path, child, line)
        if path.is_file():
            shown = os.path.normpath(os.path.join(os.path.dirname(child.file), ref))
            return path, shown
        bundled = bundled_parent(ref)
        if bundled is not None:
            return bundled, display_path(bundled)
        where = f"a path relative to {display_path(child.base_dir) or '.'}"
    else:
        path = bundled_parent(ref)
        if path is not None:
            return path, display_path(path)
        where = f"a bundled name ({', '.join(bundled_names()) or 'none'})"
    hint = None
    if not looks_like_path(ref) and (child.base_dir / f"{ref}.yaml").is_file():
        hint = f"did you mean './{ref}.yaml'?"
    elif not looks_like_path(ref):
        hint = _did_you_mean(ref, bundled_names())
    raise InheritanceError(
        f"parent scenario not found (expected {where}, got {ref!r})",
        file=child.file,
        line=line,
        key="extends",
        hint=hint,
    )


# -- public entry points ---------------------------------------------------------------------
def load_scenario(source, *, catalogue: Mapping | None = None) -> Scenario:
    """Load, resolve (``extends``) and validate a scenario.

    Parameters
    ----------
    source : str, PathLike or Scenario
        A scenario file, a bundled scenario name (``"baseline"``), or an already loaded
        :class:`Scenario` (returned as is).
    catalogue : mapping of str to Param, optional
        Parameters to validate against; default :func:`energysim.core.catalogue.catalogue`.

    Returns
    -------
    Scenario
        Immutable; every leaf remembers its file and line.

    Raises
    ------
    ScenarioError
        (or a subclass) with one line ``file:line: key.path: what (expected …, got …)``.
    """
    if isinstance(source, Scenario):
        return source
    return check_scenario(source, catalogue=catalogue).scenario_or_raise()


def made_certain(scenario: Scenario) -> list[tuple[Leaf, str]]:
    """Parameters the scenario's own file makes certain although its parents sample them.

    A leaf replaces the inherited one whole (docs/scenario-language.md), so a new path written
    without ``multiplier:`` drops the parent's range. Right where the scenario decides the value
    (a policy, a plant life), easy to miss where nobody does (a heat rate, a demand):
    ``energysim validate`` names them.

    Returns
    -------
    list of (Leaf, str)
        The scenario's certain leaf (with its ``file:line``) and the name of the nearest
        ancestor in which the parameter is uncertain, in catalogue order.
    """
    own = [leaf for leaf in scenario.parameters.values()
           if leaf.dist is None and leaf.multiplier is None
           and scenario.file is not None and leaf.source.file == scenario.file]
    if not own or len(scenario.chain) < 2:
        return []
    ancestors = []  # nearest (highest precedence) first, each resolved with its own parents
    for file in reversed(scenario.chain[:-1]):
        try:
            ancestors.append(load_scenario(file, catalogue=scenario.catalogue))
        except ScenarioError:  # a part that is not a scenario of its own: nothing to compare
            continue
    out = []
    for leaf in own:
        for parent in ancestors:
            inherited = parent.parameters.get(leaf.path)
            if inherited is not None:
                if inherited.dist is not None or inherited.multiplier is not None:
                    out.append((leaf, parent.name))
                break
    return out


def check_scenario(source, *, catalogue: Mapping | None = None) -> Checked:
    """Check a scenario file to its end: every problem, not only the first.

    Each key and parameter is read even after a problem in another, each part of a value
    (years of a series, rates of a growth form, arguments of a distribution) even after a
    problem in another part, and the checks of the resolved scenario run for everything that
    does not depend on a value that failed; those that do are named in
    :meth:`Checked.skipped_line`.

    Raises
    ------
    ScenarioError
        Only when nothing more can be checked: the file cannot be found or is not YAML.
    """
    cat = resolve_catalogue(catalogue)
    path, display = locate(source)
    return _resolve(_read(path, display, _index(cat)), cat)


def loads_scenario(
    text: str,
    *,
    file: str = "<string>",
    base_dir: str | os.PathLike | None = None,
    catalogue: Mapping | None = None,
) -> Scenario:
    """Like :func:`load_scenario`, from YAML text.

    Parameters
    ----------
    text : str
        The scenario YAML.
    file : str
        Name used in messages.
    base_dir : path, optional
        Directory relative ``extends`` paths resolve against (default: current directory).
    """
    cat = resolve_catalogue(catalogue)
    root = parse_yaml(text, file=file)
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    spec = _Parser(root, file, f"<text>{file}", base, _index(cat)).parse()
    return _resolve(spec, cat).scenario_or_raise()


def _read(path: Path, display: str, idx: _Index, *, echo: bool = True) -> _File:
    root = read_yaml(path, display=display, echo=echo)
    return _Parser(root, display, str(path.resolve()), path.resolve().parent, idx).parse()


def _linearize(spec: _File, stack: list[_File], idx: _Index, cache: dict) -> list[_File]:
    """Files in precedence order (lowest first), ``spec`` last; each file once."""
    order: list[_File] = []
    seen: set[str] = set()
    stack = [*stack, spec]
    for ref, line in spec.extends:
        path, display = _locate_parent(ref, spec, line)
        key = str(path.resolve())
        on_stack = [s.key for s in stack]
        if key in on_stack:
            start = on_stack.index(key)
            chain = " -> ".join([s.file for s in stack[start:]] + [display])
            raise InheritanceError(
                f"extends cycle (expected scenarios that do not extend themselves, got {chain})",
                file=spec.file,
                line=line,
                key="extends",
            )
        parent = cache.get(key)
        if parent is None:
            parent = cache[key] = _read(path, display, idx, echo=False)
        raise_problems(parent.problems)
        for item in _linearize(parent, stack, idx, cache):
            if item.key not in seen:
                seen.add(item.key)
                order.append(item)
    order.append(spec)
    return order


@dataclass
class Checked:
    """A scenario checked to its end (:func:`check_scenario`).

    Attributes
    ----------
    scenario : Scenario or None
        The resolved scenario (``None`` if its parents could not be resolved); valid only if
        there are no problems.
    problems : list of ScenarioError
        Every problem, in file order (the checked file first, then its parents).
    skipped : list of (str, str)
        Checks not made because a value they depend on failed: (check, what failed).
    """

    scenario: Scenario | None
    problems: list
    skipped: list
    file: str
    #: The checked file, then its parents (the order of :attr:`problems`).
    files: list = field(default_factory=list)

    def add(self, problems: list) -> None:
        """More problems (e.g. of the targets), kept in file order."""
        self.problems = _file_order([*self.problems, *problems], self.files)

    def skipped_line(self) -> str | None:
        """One line naming the checks skipped because of the problems above (or None)."""
        if not self.skipped:
            return None
        seen: dict[str, list[str]] = {}
        for check, cause in self.skipped:
            causes = seen.setdefault(check, [])
            if cause not in causes:
                causes.append(cause)
        parts = [f"{check} (needs {', '.join(causes)})" for check, causes in seen.items()]
        return (f"{self.file}: skipped checks, which depend on values that failed above and "
                f"run once those are fixed: {'; '.join(parts)}")

    def scenario_or_raise(self) -> Scenario:
        """The scenario, or the first problem raised carrying all of them (``exc.problems``)
        and the skipped-checks line (``exc.skipped``)."""
        if self.problems:
            first = self.problems[0]
            first.problems = list(self.problems)
            first.skipped = self.skipped_line()
            raise first
        assert self.scenario is not None
        return self.scenario


def _file_order(problems: list, files: list[str]) -> list:
    """Problems sorted by file (``files`` order, others after) and line; stable."""
    rank = {f: i for i, f in enumerate(files)}

    def key(p):
        return (rank.get(p.file, len(rank)), _line_of(p))

    return sorted(problems, key=key)


def _refuse_empty(spec: _File) -> None:
    """A scenario that sets nothing is refused (docs/robustness.md, "One truth for defaults").

    Without ``extends`` every parameter is at its catalogue default, which is *not* the
    calibrated baseline; a planner who saves an empty or comment-only file would get
    real-looking, uncalibrated numbers. One line says how to start from the baseline;
    ``extends: []`` asks for the catalogue defaults explicitly.
    """
    if ("extends" in spec.meta_lines or spec.params or spec.targets or spec.correlations
            or spec.projects is not None):
        return  # `extends: []` says it: start from the catalogue defaults
    raise ScenarioError(
        "scenario sets nothing (expected parameters or a parent scenario, got an empty "
        "scenario)",
        file=spec.file,
        line=1,
        hint="write `extends: baseline` to start from the calibrated baseline",
    )


def _resolve(spec: _File, cat: Mapping) -> Checked:
    idx = _index(cat)
    problems: list[ScenarioError] = list(spec.problems)
    skipped = [(f"{check} of {key}", f"line {line}") for check, key, line in spec.skipped]

    def done(scenario, files):
        return Checked(scenario, _file_order(problems, files), skipped, spec.file, files)

    if "extends" in spec.failed:
        skipped.append((_RESOLVED_CHECKS, f"extends at line {spec.failed['extends']}"))
        return done(None, [spec.file])
    try:
        chain = _linearize(spec, [], idx, {})
    except ScenarioError as exc:
        problems.extend(getattr(exc, "problems", None) or [exc])
        skipped.append((_RESOLVED_CHECKS, "the parents named in extends"))
        return done(None, [spec.file])
    failed = {p: line for p, line in spec.failed.items()}
    params: dict[str, Leaf] = {}
    meta: dict[str, Any] = {}
    corr: dict[frozenset, Correlation] = {}
    targets: dict[tuple, Target] = {}
    selected: list[str] = []
    timing = "uncertain"
    for f in chain:
        if f.projects is not None:
            selected, timing = _merge_projects(selected, timing, f.projects)
        for path, leaf in f.params.items():
            if leaf is None:
                params.pop(path, None)
            elif leaf.base is None and leaf.dist is None:
                scaled = _attempt(problems, _scale_inherited, params.get(path), leaf, cat[path])
                if scaled is not _FAILED:
                    params[path] = scaled
            else:
                params[path] = leaf
        for k in ("base_year", "end_year"):
            if k in f.meta:
                meta[k] = (f.meta[k], f.file, f.meta_lines[k])
        corr.update(f.correlations)
        targets.update(f.targets)
    base_year = meta.get("base_year", (BASE_YEAR, None, None))[0]
    end_year = meta.get("end_year", (END_YEAR, None, None))[0]
    horizon_failed = next((f"{k} at line {failed[k]}" for k in ("base_year", "end_year")
                           if k in failed), None)
    if horizon_failed is None and not base_year < end_year <= base_year + MAX_HORIZON:
        _, f, line = meta.get("end_year") or meta["base_year"]
        problems.append(ScenarioError(
            f"end_year not after base_year (expected {base_year} < end_year ≤ "
            f"{base_year + MAX_HORIZON}, got {end_year})",
            file=f,
            line=line,
            key="end_year",
        ))
        horizon_failed = f"end_year at line {line}"
    if not problems:  # "sets nothing" only when nothing else is wrong (a failed value is set)
        _collect(problems, _refuse_empty, spec)
    name = spec.meta.get("name") or Path(spec.file).stem
    scenario = Scenario(
        name=name,
        title=FrozenDict(spec.meta.get("title", {})),
        description=spec.meta.get("description", ""),
        base_year=base_year,
        end_year=end_year,
        parameters=FrozenDict({p: params[p] for p in cat if p in params}),
        correlations=_live_correlations(corr.values(), params, spec.file),
        targets=tuple(targets.values()),
        projects=tuple(selected),
        project_timing=timing,
        file=spec.file,
        chain=tuple(f.file for f in chain),
        catalogue=cat,
    )
    checks = _ResolvedChecks(scenario, failed, horizon_failed)
    checks.run()
    problems.extend(checks.problems)
    skipped.extend(checks.skipped)
    return done(scenario, [spec.file, *reversed([f.file for f in chain[:-1]])])


def _live_correlations(corr, params: Mapping[str, Leaf], file: str) -> tuple:
    """Correlations, without the inherited ones whose parameters a later file made fixed.

    A child that fixes an uncertain parameter of its parent (``gdp_growth: 4%``) drops the
    parent's correlations of that parameter; a correlation written in the file itself must
    name uncertain parameters (checked in :class:`_ResolvedChecks`).
    """
    def live(c) -> bool:
        return all(p in params and params[p].uncertain for p in c.params)

    return tuple(c for c in corr if c.source.file == file or live(c))


def _scale_inherited(prev: Leaf | None, leaf: Leaf, param) -> Leaf:
    """``{multiplier: …}`` alone: the inherited value (or the catalogue default), scaled.

    The merged leaf keeps the inherited value's source (where the number was written, e.g. a
    calibrated file); the multiplier replaces any inherited multiplier.
    """
    if prev is None:
        prev = default_leaf(param)
    if prev.base is None:
        raise ScenarioError(
            "a multiplier alone needs an inherited value to scale (expected a value, series or "
            "growth form above it, got a distribution)",
            file=leaf.source.file,
            line=leaf.source.line,
            key=_kp(leaf.path, "multiplier"),
        )
    return Leaf(leaf.path, leaf.unit, prev.base, multiplier=leaf.multiplier, source=prev.source)


def _merge_projects(selected: list[str], timing: str, spec: tuple) -> tuple[list[str], str]:
    """Apply one file's ``projects:`` to the inherited selection (register order kept)."""
    include, exclude, new_timing, _ = spec
    reg = load_register()
    if include == "all":
        chosen = set(reg.modelled)
    elif include is None:
        chosen = set(selected)
    else:
        chosen = set(include)
    chosen -= set(exclude)
    order = [p for p in reg.projects if p in chosen]
    return order, new_timing or timing


#: What cannot be checked without the resolved scenario (its parents).
_RESOLVED_CHECKS = ("checks of the resolved scenario (years in the horizon, growth paths, "
                    "required parameters, correlations, targets)")


class _ResolvedChecks:
    """Checks that need the resolved scenario: years in the horizon, growth paths within
    bounds, required parameters, correlations. Every problem is kept; a check that depends
    on a value that failed to read (``failed``: key → line) is skipped and named."""

    def __init__(self, s: Scenario, failed: Mapping[str, int], horizon_failed: str | None):
        self.s = s
        self.failed = failed
        self.horizon_failed = horizon_failed
        self.problems: list[ScenarioError] = []
        self.skipped: list[tuple[str, str]] = []

    def run(self) -> None:
        s = self.s
        if self.horizon_failed is not None:
            self.skipped.append(("years in the horizon and growth paths", self.horizon_failed))
        else:
            for path, leaf in s.parameters.items():
                _collect(self.problems, self._horizon, path, leaf)
            for t in s.targets:
                _collect(self.problems, self._target_year, t)
        for path, param in s.catalogue.items():
            if param.default is None and path not in s.parameters and path not in self.failed:
                self.problems.append(ScenarioError(
                    f"required parameter not set (expected a value in {_ul(param.unit)}, got "
                    f"none)",
                    file=s.file,
                    line=1,
                    key=_kp(path),
                ))
        self._correlations()

    def _horizon(self, path: str, leaf: Leaf) -> None:
        s = self.s
        lo_year, hi_year = s.base_year - HISTORY_YEARS, s.end_year
        b = leaf.base
        file = leaf.source.file
        problems: list[ScenarioError] = []
        if isinstance(b, Series):
            # a catalogue default (e.g. only a multiplier written) has no lines of its own
            lines = b.lines if len(b.lines) == len(b.years) else (leaf.source.line,) * len(b.years)
            for y, line in zip(b.years, lines, strict=True):
                if not lo_year <= y <= hi_year:
                    problems.append(ScenarioError(
                        f"year outside the horizon (expected {lo_year} ≤ year ≤ {hi_year}, got "
                        f"{y})",
                        file=file,
                        line=line,
                        key=_kp(path, y),
                    ))
        elif isinstance(b, Growth):
            for y, line in zip(b.years, b.lines, strict=False):
                if not s.base_year <= y <= hi_year:
                    problems.append(ScenarioError(
                        f"growth year outside the horizon (expected {s.base_year} ≤ year ≤ "
                        f"{hi_year}, got {y})",
                        file=file,
                        line=line,
                        key=_kp(path, f"growth.{y}"),
                    ))
            if problems:
                self.skipped.append((f"growth path of {path}", f"line {problems[0].line}"))
                raise_problems(problems)
            param = s.catalogue[path]
            years = np.arange(s.base_year, s.end_year + 1)
            values = b.evaluate(years, s.base_year)
            lo, hi = param.bounds
            bad = np.flatnonzero(
                ~np.isfinite(values)
                | ((values < lo) if lo is not None else False)
                | ((values > hi) if hi is not None else False)
            )
            if bad.size:
                y = int(years[bad[0]])
                raise BoundsError(
                    f"growth path out of bounds in {y} (expected {_range(lo, hi, leaf.unit)}, "
                    f"got {_shown(values[bad[0]], leaf.unit)})",
                    file=file,
                    line=leaf.source.line,
                    key=_kp(path, "growth"),
                )
        raise_problems(problems)

    def _target_year(self, t: Target) -> None:
        s = self.s
        lo_year, hi_year = s.base_year - HISTORY_YEARS, s.end_year
        if not lo_year <= t.year <= hi_year:
            raise ScenarioError(
                f"target year outside the horizon (expected {lo_year} ≤ year ≤ {hi_year}, got "
                f"{t.year})",
                file=t.where.file,
                line=t.where.line,
                key=f"targets.{t.indicator}.year",
            )

    def _correlations(self) -> None:
        s = self.s
        if not s.correlations and "correlations" not in self.failed:
            return
        uncertain = set(s.uncertain)
        complete = "correlations" not in self.failed
        if not complete:
            self.skipped.append(("the correlation matrix",
                                 f"correlations at line {self.failed['correlations']}"))
        for c in s.correlations:
            broken = [p for p in c.params if p in self.failed]
            if broken:
                complete = False
                where = (f"line {c.source.line}" if c.source.file == s.file
                         else f"{c.source.file}:{c.source.line}")
                self.skipped.append((f"the correlation at {where}",
                                     f"{broken[0]} at line {self.failed[broken[0]]}"))
                continue
            for p in c.params:
                if p not in uncertain:
                    complete = False
                    self.problems.append(ScenarioError(
                        f"correlated parameter is not uncertain (expected a distribution or a "
                        f"multiplier on {p}, got a fixed value)",
                        file=c.source.file,
                        line=c.source.line,
                        key="correlations",
                    ))
        if complete and cholesky_or_none(correlation_matrix(s)) is None:
            c = s.correlations[-1]
            self.problems.append(ScenarioError(
                "correlations are inconsistent (expected a positive definite correlation "
                "matrix, got one that is not; lower some |rho|)",
                file=c.source.file,
                line=c.source.line,
                key="correlations",
            ))


def correlation_matrix(s: Scenario):
    """The correlation matrix over :attr:`Scenario.uncertain` (``None`` if uncorrelated)."""
    if not s.correlations:
        return None
    cols = {p: i for i, p in enumerate(s.uncertain)}
    m = np.eye(len(cols))
    for c in s.correlations:
        i, j = cols[c.params[0]], cols[c.params[1]]
        m[i, j] = m[j, i] = c.rho
    return m
