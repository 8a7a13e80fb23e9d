"""Target tracking: each target's value, probability of being met and traffic-light status.

A target (:class:`energysim.scenario.Target`, read from a scenario's ``targets:`` list or from
``scenarios/targets/report-2023.yaml``) names a result *indicator*, a year, a comparator and a
value. On a results Dataset (one sample or an ensemble):

* the indicator's value per sample in the target year, ``x`` (canonical unit); an indicator
  ``var[a,b]`` is ``var`` summed over the labels ``a`` and ``b`` of its category dimension,
  and a variable with a category dimension and no selector is summed over all its labels;
  a variable without a year (``co2_peak_year``) is read as is;
* the *slack* ``s`` of each sample — how far it is on the good side of the line:
  ``>=``: ``s = x − T``; ``<=``: ``s = T − x``; ``≈``: ``s = tol − |x − T|``; a sample meets
  the target when ``s ≥ 0`` (the line itself counts as met);
* ``P(meet)`` = the share of samples with ``s ≥ 0`` (0 or 1 for a single run);
* the status, with the thresholds of :class:`Thresholds` (documented in docs/briefing.md):

  ========== =====================================================================
  missed     ``P < 0.5``
  at risk    ``0.5 ≤ P < 0.9``, or ``P ≥ 0.9`` but the median slack is below the
             margin band (``margin × |T|``, 2 %; 1 year for a calendar-year target)
  met        ``P ≥ 0.9`` and median slack ≥ the band
  ========== =====================================================================

  The band makes a single run (``P`` is 0 or 1) show a close call as *at risk* rather than
  *met*; a run that misses the line, even narrowly, is *missed*.

:func:`evaluate` gives the table for the targets' years; :func:`track` follows one target's
line over all simulated years. :func:`format_table` prints the table (``energysim targets``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from energysim.core.engine import output_specs
from energysim.errors import ScenarioError
from energysim.scenario import load_scenario, loads_scenario
from energysim.scenario.loader import raise_problems
from energysim.scenario.spec import ACCOUNTS, Scenario, Target
from energysim.text.labels import (
    STATUS_TEXT,
    category_names,
    check_lang,
    display_unit,
    magnitude_of,
    var_name,
)
from energysim.text.numbers import fmt_number
from energysim.text.tables import clip, pad, terminal_width, text_width, wrap
from energysim.units import parse_quantity, split_quantity

__all__ = [
    "Thresholds",
    "STATUSES",
    "REPORT_TARGETS",
    "load_targets",
    "targets_for",
    "parse_indicator",
    "indicator_samples",
    "indicator_unit",
    "indicator_label",
    "slack",
    "classify",
    "evaluate",
    "track",
    "format_table",
    "select_indicator",
    "target_display",
    "resolve_targets",
    "output_units",
    "check_targets",
    "target_problems",
]

STATUSES = ("met", "at_risk", "missed")
#: The bundled targets file (the report's 2023 targets and the national goals).
REPORT_TARGETS = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "targets" / (
    "report-2023.yaml"
)
#: Units of calendar-year indicators (their band is in years, not relative).
_YEAR_UNITS = ("yr", "year", "a")


@dataclass(frozen=True)
class Thresholds:
    """Thresholds of the traffic light.

    Attributes
    ----------
    p_met : float
        Smallest probability of meeting the target that can be *met* [fraction].
    p_at_risk : float
        Smallest probability that is *at risk* rather than *missed* [fraction].
    margin : float
        Relative margin band: a median slack below ``margin × |target|`` is *at risk*.
    margin_years : float
        Margin band of calendar-year targets (peak year) [yr].
    """

    p_met: float = 0.9
    p_at_risk: float = 0.5
    margin: float = 0.02
    margin_years: float = 1.0

    def band(self, target: float, unit: str) -> float:
        """Margin band of a target value in ``unit`` (canonical) [same unit]."""
        if unit.strip() in _YEAR_UNITS:
            return float(self.margin_years)
        return float(self.margin) * abs(float(target))


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def load_targets(source: Any = None) -> tuple:
    """Targets from a scenario or targets file (default: the bundled report targets).

    Parameters
    ----------
    source : str, PathLike, Scenario or sequence of Target, optional

    Returns
    -------
    tuple of Target
    """
    if source is None:
        source = REPORT_TARGETS
    if isinstance(source, Sequence) and not isinstance(source, str):
        if all(isinstance(t, Target) for t in source):
            return tuple(source)
    s = source if isinstance(source, Scenario) else load_scenario(source)
    return tuple(s.targets)


def targets_for(scenario: Any) -> tuple:
    """A scenario's own targets, or the bundled report targets when it lists none."""
    s = load_scenario(scenario)
    return tuple(s.targets) if s.targets else load_targets(None)


# ---------------------------------------------------------------------------------------------
# indicators
# ---------------------------------------------------------------------------------------------

_INDICATOR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[([^\]]*)\])?\s*$")


def parse_indicator(text: str) -> tuple[str, tuple[str, ...] | None]:
    """``"power_add[wind,solar]"`` → ``("power_add", ("wind", "solar"))``.

    Raises
    ------
    ScenarioError
        When the text is not ``name`` or ``name[label, …]``.
    """
    m = _INDICATOR.match(str(text))
    if not m:
        raise ScenarioError(
            f"not an indicator (expected name or name[label,…], got {text!r})", key="indicator"
        )
    name, sel = m.group(1), m.group(2)
    if sel is None:
        return name, None
    labels = tuple(x.strip() for x in sel.split(",") if x.strip())
    return name, labels


def _where(target) -> dict[str, Any]:
    w = getattr(target, "where", None)
    return {"file": getattr(w, "file", None), "line": getattr(w, "line", None),
            "key": f"targets.{getattr(target, 'indicator', '?')}"}


def select_indicator(ds, indicator: str, target=None):
    """The indicator as a DataArray over (sample[, year]), summed over its category dim."""
    name, labels = parse_indicator(indicator)
    where = _where(target) if target is not None else {"key": f"targets.{indicator}"}
    if name not in ds.data_vars:
        from difflib import get_close_matches  # lazy: only on the error path (a did-you-mean hint)

        close = get_close_matches(name, list(ds.data_vars), n=1)
        raise ScenarioError(
            f"unknown indicator (expected a result variable, got {name!r})",
            hint=f"did you mean {close[0]!r}?" if close else None, **where)
    da = ds[name]
    cats = [d for d in da.dims if d not in ("sample", "year")]
    if labels is not None and not cats:
        raise ScenarioError(
            f"{name} has no category dimension (expected {name} without [..], got {indicator!r})",
            **where)
    if cats:
        dim = cats[0]
        if labels is not None:
            known = [str(x) for x in ds[dim].values]
            bad = [x for x in labels if x not in known]
            if bad:
                raise ScenarioError(
                    f"unknown {dim} label(s) {bad} (expected some of {', '.join(known)})",
                    **where)
            da = da.sel({dim: list(labels)})
        da = da.sum(dim, keep_attrs=True)
    return da


def indicator_unit(ds, indicator: str, target=None) -> str:
    """Canonical unit of an indicator (its variable's ``units``)."""
    return str(select_indicator(ds, indicator, target).attrs.get("units", ""))


def indicator_samples(ds, indicator: str, year: int | None = None, target=None) -> np.ndarray:
    """The indicator's value of every sample in ``year``.

    Parameters
    ----------
    ds : xarray.Dataset
        Results (with ``sample``).
    indicator : str
        ``name`` or ``name[label,…]``.
    year : int, optional
        Calendar year (ignored for variables without a year, e.g. ``co2_peak_year``).

    Returns
    -------
    ndarray of float64, shape (n_samples,)
        In the indicator's canonical unit.
    """
    da = select_indicator(ds, indicator, target)
    if "year" in da.dims:
        years = [int(y) for y in ds["year"].values]
        if year is None or int(year) not in years:
            where = _where(target) if target is not None else {"key": f"targets.{indicator}"}
            raise ScenarioError(
                f"target year outside the simulated years (expected {years[0]}–{years[-1]}, "
                f"got {year})", **where)
        da = da.sel(year=int(year))
    if "sample" not in da.dims:
        return np.atleast_1d(np.asarray(da.values, dtype=np.float64))
    return np.asarray(da.transpose("sample").values, dtype=np.float64)


def indicator_label(ds, indicator: str, lang: str = "zh", *, short: bool = True) -> str:
    """Reader name of an indicator: the variable's long name plus the selected labels.

    ``short`` drops parenthesised qualifiers of the long name (units, "after water limits"),
    which the table shows elsewhere.
    """
    check_lang(lang)
    name, labels = parse_indicator(indicator)
    if name not in ds.data_vars:
        return indicator
    text = var_name(ds[name].attrs, lang, name)
    if short:
        text = re.sub(r"\s*[(（][^()（）]*[)）]", "", text).strip() or text
        text = re.sub(r"\s+by (product|powertrain|sector|tech)$", "", text)
        text = text.replace("分部门", "").replace("(按动力类型)", "")
    if labels:
        dim = next(d for d in ds[name].dims if d not in ("sample", "year"))
        names = category_names(dim, labels, lang)
        text += f"({'+'.join(names)})" if lang == "zh" else f" ({' + '.join(names)})"
    return text


# ---------------------------------------------------------------------------------------------
# slack and status
# ---------------------------------------------------------------------------------------------


def slack(values, target: float, comparator: str, tolerance: float = 0.0) -> np.ndarray:
    """How far each value is on the good side of the target line (≥ 0: met).

    Parameters
    ----------
    values : array_like
        Indicator values [canonical unit].
    target : float
        Target value [same unit].
    comparator : {">=", "<=", "≈"}
    tolerance : float
        Absolute tolerance of ``≈`` [same unit].

    Returns
    -------
    ndarray
        ``x − T`` for ``>=``, ``T − x`` for ``<=``, ``tol − |x − T|`` for ``≈``.
    """
    x = np.asarray(values, dtype=np.float64)
    if comparator == ">=":
        return x - target
    if comparator == "<=":
        return target - x
    if comparator == "≈":
        return tolerance - np.abs(x - target)
    raise ScenarioError(f"unknown comparator (expected >=, <= or ≈, got {comparator!r})",
                        key="comparator")


def classify(prob: float, median_slack: float, band: float,
             thresholds: Thresholds = Thresholds()) -> str:
    """Traffic-light status from the probability of meeting and the median slack.

    Parameters
    ----------
    prob : float
        Share of samples meeting the target [0–1].
    median_slack : float
        Median slack across samples [canonical unit].
    band : float
        Margin band (:meth:`Thresholds.band`) [same unit].
    thresholds : Thresholds

    Returns
    -------
    {"met", "at_risk", "missed"}
        A non-finite probability or slack (a NaN result) is never "met": it is "missed".
    """
    if not (np.isfinite(prob) and np.isfinite(median_slack)):
        return "missed"
    if prob < thresholds.p_at_risk:
        return "missed"
    if prob < thresholds.p_met or median_slack < band:
        return "at_risk"
    return "met"


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------

_COLUMNS = ("indicator", "name", "year", "comparator", "target", "tolerance", "unit", "mean",
            "p5", "p50", "p95", "p_meet", "status", "strength", "source", "n_samples", "account")


def target_display(ds, target, lang: str) -> tuple[float, str]:
    """(factor from canonical, unit label) in which a target row is shown.

    Chinese: the unit the target was written in (its report's unit); English: the
    variable's English display unit. A bare number (a peak year) keeps the canonical unit.
    """
    canonical = indicator_unit(ds, target.indicator, target)
    name, _ = parse_indicator(target.indicator)
    if lang == "zh" and isinstance(target.value, str):
        parts = split_quantity(target.value)
        if parts is not None and parts[1].strip():
            unit = parts[1].strip()
            one = parse_quantity(f"1 {unit}", expected_unit=canonical, **_where(target))
            return 1.0 / one, unit
    magnitude = magnitude_of(ds[name].values) if name in ds else None
    return display_unit(canonical, lang, magnitude=magnitude)


def _target_values(ds, target) -> tuple[float, float, str]:
    unit = indicator_unit(ds, target.indicator, target)
    return target.value_in(unit), target.tolerance_in(unit), unit


def evaluate(ds, targets: Any = None, *, thresholds: Thresholds = Thresholds(),
             lang: str = "zh"):
    """Evaluate targets on a results Dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        Results of one scenario (one sample or an ensemble).
    targets : sequence of Target, scenario or file, optional
        Default: the targets stored in the run's scenario (``ds.attrs["scenario_yaml"]``), or
        the bundled report targets when it has none.
    thresholds : Thresholds
    lang : {"zh", "en"}
        Language of ``name`` and of the display unit.

    Returns
    -------
    pandas.DataFrame
        One row per target with columns ``indicator``, ``name``, ``year``, ``comparator``,
        ``target``, ``tolerance``, ``unit`` (display unit), ``mean``, ``p5``, ``p50``,
        ``p95`` (display unit), ``p_meet`` [0–1], ``status`` (met / at_risk / missed),
        ``strength``, ``source``, ``n_samples``.
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    check_lang(lang)
    tlist = resolve_targets(ds, targets)
    rows = []
    for t in tlist:
        tv, tol, unit = _target_values(ds, t)
        x = indicator_samples(ds, t.indicator, t.year, t)
        s = slack(x, tv, t.comparator, tol)
        prob = float(np.mean(s >= 0.0))
        med = float(np.median(s))
        status = classify(prob, med, thresholds.band(tv, unit), thresholds)
        f, shown = target_display(ds, t, lang)
        q = np.quantile(x, [0.05, 0.5, 0.95]) if x.size > 1 else np.repeat(x, 3)
        rows.append({
            "indicator": t.indicator, "name": _with_account(
                indicator_label(ds, t.indicator, lang), t.account, lang),
            "year": int(t.year), "comparator": t.comparator, "target": tv * f,
            "tolerance": tol * f, "unit": shown, "mean": float(x.mean()) * f,
            "p5": float(q[0]) * f, "p50": float(q[1]) * f, "p95": float(q[2]) * f,
            "p_meet": prob, "status": status, "strength": t.strength, "source": t.source,
            "n_samples": int(x.size), "account": t.account,
        })
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def _with_account(name: str, account: str, lang: str) -> str:
    """The indicator's name with the account it is judged on (physical quantities: as is)."""
    if account == "physical" or account not in ACCOUNTS:
        return name
    zh, en = ACCOUNTS[account]
    label = zh if lang == "zh" else en
    if label in name:
        return name
    return f"{name}({label})" if lang == "zh" else f"{name} ({label})"


def resolve_targets(ds, targets) -> tuple:
    """The targets to evaluate: ``targets`` when given, else the ones of the scenario stored in
    ``ds.attrs["scenario_yaml"]``, else the report's targets (:data:`REPORT_TARGETS`)."""
    if targets is not None:
        return load_targets(targets)
    text = ds.attrs.get("scenario_yaml") if hasattr(ds, "attrs") else None
    if text:
        try:
            s = loads_scenario(text, file=f"<{ds.attrs.get('scenario', 'results')}>")
        except ScenarioError:
            s = None
        if s is not None and s.targets:
            return tuple(s.targets)
    return load_targets(None)


def track(ds, target, *, thresholds: Thresholds = Thresholds(), lang: str = "zh"):
    """One target's line applied to every simulated year.

    Parameters
    ----------
    ds : xarray.Dataset
    target : Target
    thresholds : Thresholds
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``mean``, ``p5``, ``p50``, ``p95`` (display unit), ``target``,
        ``p_meet``, ``status``. A variable without a year gives one row (the target's year).
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    tv, tol, unit = _target_values(ds, target)
    f, _ = target_display(ds, target, lang)
    da = select_indicator(ds, target.indicator, target)
    years = [int(y) for y in ds["year"].values] if "year" in da.dims else [int(target.year)]
    rows = []
    for y in years:
        x = indicator_samples(ds, target.indicator, y, target)
        s = slack(x, tv, target.comparator, tol)
        prob = float(np.mean(s >= 0.0))
        q = np.quantile(x, [0.05, 0.5, 0.95])
        rows.append({"year": y, "mean": float(x.mean()) * f, "p5": q[0] * f, "p50": q[1] * f,
                     "p95": q[2] * f, "target": tv * f, "p_meet": prob,
                     "status": classify(prob, float(np.median(s)),
                                        thresholds.band(tv, unit), thresholds)})
    return pd.DataFrame(rows).set_index("year")


# ---------------------------------------------------------------------------------------------
# text table
# ---------------------------------------------------------------------------------------------

_HEAD = {
    "zh": ("指标", "年份", "目标", "数值", "达标概率", "状态"),
    "en": ("indicator", "year", "target", "value", "P(meet)", "status"),
}


def status_text(status: str, lang: str = "zh", *, emoji: bool = True) -> str:
    """``"🟢 达标"`` (terminal) or ``"[met]"`` / ``"[达标]"`` (plain text)."""
    zh, en, symbol, _ = STATUS_TEXT[status]
    word = zh if lang == "zh" else en
    return f"{symbol} {word}" if emoji else f"[{word}]"


def target_text(row, lang: str = "zh") -> str:
    """``"≥ 470 万千瓦"``, ``"≈ 3.2 ± 0.16 亿吨"``, ``"≤ 2030 年"``."""
    comp = {">=": "≥", "<=": "≤", "≈": "≈"}[row["comparator"]]
    text = f"{comp} {_year_or_number(row['target'], row['unit'])}"
    if row["comparator"] == "≈" and row["tolerance"]:
        text += f" ± {fmt_number(row['tolerance'])}"
    unit = "" if row["unit"] in ("年", "year", "yr") else row["unit"]
    return f"{text} {unit}".rstrip()


def value_text(row) -> str:
    """Median, and ``[p5–p95]`` for an ensemble whose spread is not nil."""
    mid = _year_or_number(row["p50"], row["unit"])
    if row["n_samples"] > 1 and row["p95"] - row["p5"] > 1e-12 * max(1.0, abs(row["p50"])):
        lo = _year_or_number(row["p5"], row["unit"])
        hi = _year_or_number(row["p95"], row["unit"])
        return f"{mid} [{lo}–{hi}]"
    return mid


def value_with_unit(row) -> str:
    """:func:`value_text` followed by the unit (none for calendar years)."""
    unit = "" if row["unit"] in ("年", "year", "yr") else row["unit"]
    return f"{value_text(row)} {unit}".rstrip()


def _year_or_number(v: float, unit: str) -> str:
    if unit in ("年", "year", "yr"):
        return f"{v:.0f}"
    return fmt_number(v)


def format_table(table, lang: str = "zh", *, emoji: bool = True, title: str | None = None,
                 thresholds: Thresholds = Thresholds()) -> str:
    """The target table as aligned text.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`evaluate`.
    lang : {"zh", "en"}
    emoji : bool
        🟢/🟡/🔴 (terminal) or ``[met]``-style words (files, pipes).
    title : str, optional
        A first line.

    Returns
    -------
    str
    """
    check_lang(lang)
    head = _HEAD[lang]
    body = [
        (str(r["name"]), str(r["year"]), target_text(r, lang), value_with_unit(r),
         f"{100 * r['p_meet']:.0f}%", status_text(r["status"], lang, emoji=emoji))
        for _, r in table.iterrows()
    ]

    widths = [max(text_width(row[i]) for row in [head, *body]) for i in range(len(head))]
    room = terminal_width()
    over = sum(widths) + 2 * (len(widths) - 1) - room
    if over > 0:  # narrow terminal: shorten the names (the first column), never the numbers
        widths[0] = max(widths[0] - over, 12)
        body = [(clip(row[0], widths[0]), *row[1:]) for row in body]
    lines = [title] if title else []
    lines.append("  ".join(pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    n = int(table["n_samples"].max()) if len(table) else 1
    note = (f"数值为中位数 [p5–p95],{n} 个样本" if n > 1 else "单次运行(中心值)") if lang == "zh" \
        else (f"value: median [p5–p95] of {n} samples" if n > 1 else "single run (central values)")
    lines.extend(wrap(f"{note}; {status_rule(thresholds, lang)}", room))
    return "\n".join(lines)


def status_rule(thresholds: Thresholds = Thresholds(), lang: str = "zh") -> str:
    """One line stating the traffic-light thresholds."""
    pm, pr = 100 * thresholds.p_met, 100 * thresholds.p_at_risk
    m, my = 100 * thresholds.margin, thresholds.margin_years
    if lang == "zh":
        return (f"达标: P≥{pm:g}% 且中位数距目标线≥{m:g}%(年份目标{my:g}年);"
                f"有风险: {pr:g}%≤P<{pm:g}% 或余量不足;未达标: P<{pr:g}%")
    return (f"met: P ≥ {pm:g}% and median ≥ {m:g}% clear of the line ({my:g} yr for years); "
            f"at risk: {pr:g}% ≤ P < {pm:g}% or closer; missed: P < {pr:g}%")


def summary_counts(table) -> dict[str, int]:
    """Number of targets in each status."""
    return {s: int((table["status"] == s).sum()) for s in STATUSES}


# -- checking a scenario's targets against the model's outputs ---------------------------------
def output_units() -> dict[str, str]:
    """Result indicator → canonical unit [pint expression], from the sector models' outputs."""
    return {name: o.unit for name, o in output_specs().items()}


def check_targets(s) -> None:
    """Each target names a model result and has a value of its dimension.

    Raises
    ------
    ScenarioError
        At the target's file and line, with a "did you mean" for a misspelt indicator (the
        first problem, carrying every one in ``exc.problems``).
    """
    raise_problems(target_problems(s))


def target_problems(s) -> list[ScenarioError]:
    """Every problem of :func:`check_targets`, one per target at most."""
    units = output_units()
    if not units:
        return []
    problems: list[ScenarioError] = []
    for t in s.targets:
        base = t.indicator.split("[")[0]  # `var[a,b]` selects labels of var
        if base not in units:
            import difflib  # lazy: only on the error path (a did-you-mean hint)

            close = difflib.get_close_matches(base, list(units), n=1)
            problems.append(ScenarioError(
                f"unknown indicator (expected a result variable, got {t.indicator!r})",
                file=t.where.file,
                line=t.where.line,
                key=f"targets.{t.indicator}",
                hint=f"did you mean {close[0]!r}?" if close else None,
            ))
            continue
        try:
            t.value_in(units[base])
            t.tolerance_in(units[base])
        except ScenarioError as exc:
            problems.append(exc)
    return problems
