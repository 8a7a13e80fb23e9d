"""Scenario values as people read and write them: the report's units.

Parameters are stored in canonical units (GW, Mt/yr, bnCNY, fractions); a person sees and
writes them in the units :func:`energysim.text.labels.display_unit` decides (万千瓦, 亿吨, 亿元,
%). This module renders one parameter value (a :class:`~energysim.scenario.spec.Leaf`) that
way, for ``energysim show``, ``energysim params``, the parameter diff of ``compare``, the
brief's assumptions and the lever list that ``energysim new`` writes:

* :func:`leaf_text` — one line (``{2022: 132, 2023: 264} 万千瓦 (step)``);
* :func:`leaf_yaml` — the same as scenario YAML that reads back to the same value
  (``{values: {2022: 132万千瓦, 2023: 264万千瓦}, interpolation: step}``);
* :func:`param_display` — the display unit of a catalogue parameter.

Only the standard library, :mod:`energysim.text.labels` and the scenario value classes are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from energysim.scenario.series import Const, Growth, Series
from energysim.text.labels import display_unit, magnitude_of, round_sig

__all__ = ["is_share", "param_display", "leaf_text", "leaf_yaml", "leaf_magnitude"]

_PURE = ("", "1", "dimensionless")
#: Distribution arguments that are pure numbers whatever the parameter's unit.
_PURE_ARGS = ("gsd", "weights")


#: Pure-number parameters bounded like shares that are not shares (a slope, a 0/1 switch).
_NOT_SHARES = frozenset({"power.curtailment.slope", "water.cap_binding"})


def is_share(param: Any) -> bool:
    """Whether a catalogue parameter is a share or a rate (a pure number bounded within
    [-100%, 200%]: shares, growth rates, efficiencies), shown in %."""
    unit = (getattr(param, "unit", "") or "").strip()
    if unit not in _PURE or getattr(param, "path", "") in _NOT_SHARES:
        return False
    lo, hi = getattr(param, "bounds", (None, None)) or (None, None)
    return lo is not None and hi is not None and lo >= -1 and hi <= 2


def leaf_magnitude(leaf: Any) -> float | None:
    """The typical size of a leaf's values, in its canonical unit (None if none)."""
    values: list[float] = []
    b = getattr(leaf, "base", None)
    if isinstance(b, Const):
        values.append(b.value)
    elif isinstance(b, Series):
        values.extend(float(v) for v in b.values)
    elif isinstance(b, Growth):
        values.append(b.start)
    d = getattr(leaf, "dist", None)
    if d is not None:
        for k, v in d.args.items():
            if k in _PURE_ARGS:
                continue
            values.extend(float(x) for x in (v if isinstance(v, tuple) else (v,)))

    return magnitude_of(values) if values else None


def param_display(param: Any, lang: str = "zh", magnitude: float | None = None):
    """Factor and label of the unit a parameter is shown in (see :func:`display_unit`)."""
    return display_unit(param.unit, lang, magnitude=magnitude, share=is_share(param))


def _num(x: float, factor: float) -> str:
    return round_sig(float(x) * factor, 6)


def leaf_text(leaf: Any, param: Any, lang: str = "zh") -> str:
    """One line of a parameter value in display units.

    Parameters
    ----------
    leaf : Leaf
        The value (canonical units).
    param : Param
        Its catalogue entry (unit, bounds).
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"470 万千瓦"``, ``"15%"``, ``"{2022: 132, 2023: 264} 万千瓦 (step)"``,
        ``"triangular(low=2000, mode=2400, high=2800) 小时"``, ``"… × triangular(0.6, 1, 1.2)"``.
    """
    f, label = param_display(param, lang, leaf_magnitude(leaf))
    pct = label == "%"
    unit = "" if pct or not label else f" {label}"
    sfx = "%" if pct else ""
    b = leaf.base
    if leaf.dist is not None:
        text = _dist_text(leaf.dist, f, sfx) + unit
    elif isinstance(b, Const):
        text = f"{_num(b.value, f)}{sfx}{unit}"
    elif isinstance(b, Series):
        pts = ", ".join(f"{y}: {_num(v, f)}{sfx}" for y, v in zip(b.years, b.values, strict=True))
        text = f"{{{pts}}}{unit}" + ("" if b.interpolation == "linear" else f" ({b.interpolation})")
    else:
        rates = (f"{round_sig(b.rates[0] * 100, 4)}%" if not b.years else "{" + ", ".join(
            f"{y}: {round_sig(r * 100, 4)}%" for y, r in zip(b.years, b.rates, strict=True)) + "}")
        per = "每年增长" if lang == "zh" else "growth per yr"
        text = f"{_num(b.start, f)}{sfx}{unit}, {per} {rates}"
    if leaf.multiplier is not None:
        text += " × " + _dist_text(leaf.multiplier, 1.0, "")
    return text


def _dist_text(d: Any, factor: float, sfx: str) -> str:
    args = []
    for k, v in d.args.items():
        if k in _PURE_ARGS:
            args.append(f"{k}={_pure(v)}")
            continue
        if isinstance(v, tuple):
            args.append(f"{k}=[{', '.join(_num(x, factor) + sfx for x in v)}]")
        else:
            args.append(f"{k}={_num(v, factor)}{sfx}")
    return f"{d.kind}({', '.join(args)})"


def _q(x: float, factor: float, label: str) -> str:
    """A quantity as scenario YAML text in the display unit: ``132万千瓦``, ``15%``, ``2400 h``."""
    text = _num(x, factor)
    if label == "%":
        return f"{text}%"
    if not label:
        return text
    if label.isascii():
        return f"{text} {label}"
    return f"{text}{label}"


def leaf_yaml(leaf: Any, param: Any) -> str:
    """A parameter value as one line of scenario YAML in the report's units (flow style).

    It reads back (:func:`energysim.scenario.loader.loads_scenario`) to the same value to
    six significant digits.
    """
    f, label = param_display(param, "zh", leaf_magnitude(leaf))
    if label and not label.isascii():
        label = label.removesuffix("/年")  # 万千瓦/年 → 万千瓦: the parameter's unit is per year
    b = leaf.base
    if leaf.dist is not None:
        return _dist_yaml(leaf.dist, f, label)
    if isinstance(b, Const):
        out = _q(b.value, f, label)
        if leaf.multiplier is None:
            return out
        return f"{{value: {out}, multiplier: {_dist_yaml(leaf.multiplier, 1.0, '')}}}"
    if isinstance(b, Series):
        pts = ", ".join(f"{y}: {_q(v, f, label)}" for y, v in zip(b.years, b.values, strict=True))
        parts = [f"values: {{{pts}}}"]
        if b.interpolation != "linear":
            parts.append(f"interpolation: {b.interpolation}")
    else:
        growth = (f"{round_sig(b.rates[0] * 100, 6)}%" if not b.years else "{" + ", ".join(
            f"{y}: {round_sig(r * 100, 6)}%" for y, r in zip(b.years, b.rates, strict=True)) + "}")
        parts = [f"start: {_q(b.start, f, label)}", f"growth: {growth}"]
    if leaf.multiplier is not None:
        parts.append(f"multiplier: {_dist_yaml(leaf.multiplier, 1.0, '')}")
    return "{" + ", ".join(parts) + "}"


def _dist_yaml(d: Any, factor: float, label: str) -> str:
    parts = [f"dist: {d.kind}"]
    for k, v in d.args.items():
        if k in _PURE_ARGS:
            parts.append(f"{k}: {_pure(v)}")
            continue
        if isinstance(v, tuple):
            parts.append(f"{k}: [{', '.join(_q(x, factor, label) for x in v)}]")
        else:
            parts.append(f"{k}: {_q(v, factor, label)}")
    return "{" + ", ".join(parts) + "}"


def _pure(v: Any) -> str:
    """A pure-number argument (``gsd``, ``weights``): ``1.2`` or ``[0.5, 0.5]``."""
    if isinstance(v, tuple):
        return "[" + ", ".join(round_sig(x, 6) for x in v) + "]"
    return round_sig(v, 6)


def mapping_text(value: Mapping) -> str:
    """A plain mapping as ``key: value, …`` (no braces or quotes)."""
    return ", ".join(f"{k}: {v}" for k, v in value.items())
