"""The calibration configuration: which parameters to fit, to which data, how.

A configuration is a YAML file (``calibration/baseline.yaml`` is the example); paths in it are
relative to the file. Keys::

    scenario: baseline              # bundled name or path: the scenario whose parameters are fitted
    description: …                  # optional text
    parameters:                     # parameters to fit (catalogue paths)
      economy.gdp_base:
        bounds: [1000亿元, 1600亿元]  # required; a quantity with a unit (kind: value)
        start: 1200亿元              # optional; default: the catalogue default, inside the bounds
        kind: value                 # value (default): one number for every year, replacing the
                                    #   scenario's value; multiplier: scales the scenario's path
                                    #   (bounds are then pure numbers, e.g. [0.7, 1.3])
        note: …                     # why these bounds
    observations:                   # data series compared with result variables
      - variable: gdp               # result variable expression (calibration.variables)
        file: data/zhungeer_gov_work_report_2023.csv
        indicator: gdp
        region: zhungeer            # default zhungeer (files without a region column: ignored)
        period: annual              # default annual; a part of the year needs `scale`
        scale: 1.5                  # factor applied to the values (12/8 for Jan–Aug), with a note
        years: [2021, 2022]         # years that must be in the file (a missing one is an error)
        role: fit                   # fit (default), monitor (reported, not fitted) or validate
                                    #   (out-of-sample: may hold years after 2022, never fitted)
        weight: 1                   # weight of the series' squared relative residuals
        name: GDP (report)          # label in the report (default: indicator and file)
    fit: {loss: linear, f_scale: 1.0, max_evaluations: 400}   # scipy.optimize.least_squares
    hindcast:                       # leave-last-years-out validation (--holdout N)
      from_year: 2021               # the run starts here (initial stocks = end of 2020)
      holdout: 1                    # default N of --holdout (0: no hindcast unless asked)
      scenario: …                   # optional: another scenario for the hindcast runs
    ensemble:                       # energysim calibrate --samples N
      samples: 0                    # default ensemble size (0: none)
      method: lhs                   # mc, lhs or sobol
      seed: 1
      sigma: 2%                     # relative error scale of the importance weights
      tolerance: 5%                 # ABC rejection: RMS relative error of the fitted series
    output:
      parameters: ../src/energysim/data/scenarios/parts/calibrated.yaml  # calibrated file
      report: output                # fit report, tables and figures
      plot_end_year: 2030           # figures show the fitted run to this year

Every error is a :class:`~energysim.errors.ScenarioError` with one line
``file:line: key: what is wrong (expected …, got …)``.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from energysim.analysis.calibration.variables import parse_expr
from energysim.errors import ScenarioError, display_path
from energysim.scenario.spec import resolve_catalogue
from energysim.scenario.yamlio import read_yaml
from energysim.units import format_quantity, parse_quantity

__all__ = ["FitParam", "ObsSpec", "CalibrationConfig", "load_config", "ROLES", "KINDS"]

ROLES = ("fit", "monitor", "validate")
KINDS = ("value", "multiplier")
LOSSES = ("linear", "soft_l1", "huber", "cauchy", "arctan")
TOP_KEYS = ("scenario", "description", "parameters", "observations", "fit", "hindcast",
            "ensemble", "output")
PARAM_KEYS = ("bounds", "start", "kind", "note")
OBS_KEYS = ("variable", "file", "indicator", "region", "period", "scale", "years", "role",
            "weight", "name", "note")
FIT_KEYS = ("loss", "f_scale", "max_evaluations")
HINDCAST_KEYS = ("from_year", "scenario", "holdout")
ENSEMBLE_KEYS = ("samples", "method", "seed", "sigma", "tolerance")
OUTPUT_KEYS = ("parameters", "report", "plot_end_year")


@dataclass(frozen=True)
class FitParam:
    """One fitted parameter.

    Attributes
    ----------
    path : str
        Catalogue path.
    kind : {"value", "multiplier"}
    lower, upper : float
        Bounds (canonical unit for ``value``, pure factor for ``multiplier``).
    start : float
        Starting point of the fit (never taken from an earlier calibration, so reruns agree).
    unit : str
        Canonical unit of the parameter.
    note : str
    line : int
        Where it was declared in the configuration.
    """

    path: str
    kind: str
    lower: float
    upper: float
    start: float
    unit: str
    note: str = ""
    line: int | None = None

    @property
    def fit_unit(self) -> str:
        """Unit of the fitted number (``""`` for a multiplier)."""
        return self.unit if self.kind == "value" else ""


@dataclass(frozen=True)
class ObsSpec:
    """One observed series, as declared (the data are read by :mod:`.problem`)."""

    name: str
    variable: str
    file: Path
    file_display: str
    indicator: str
    region: str
    period: str
    scale: float
    years: tuple[int, ...] | None
    role: str
    weight: float
    note: str
    line: int | None


@dataclass(frozen=True)
class CalibrationConfig:
    """A checked calibration configuration (see the module docstring for the keys)."""

    file: str
    base_dir: Path
    scenario: str
    description: str
    parameters: tuple[FitParam, ...]
    observations: tuple[ObsSpec, ...]
    loss: str = "linear"
    f_scale: float = 1.0
    max_evaluations: int = 400
    hindcast_from: int | None = None
    hindcast_scenario: str | None = None
    holdout: int = 0
    samples: int = 0
    method: str = "lhs"
    seed: int = 1
    sigma: float = 0.02
    tolerance: float = 0.05
    parameters_out: Path | None = None
    report_dir: Path | None = None
    plot_end_year: int | None = None
    lines: dict[str, int] = field(default_factory=dict)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def err(self, message: str, node, key: str, hint: str | None = None) -> ScenarioError:
        line = getattr(node, "line", None) if node is not None else None
        return ScenarioError(message, file=self.file, line=line, key=key, hint=hint)

    def mapping(self, node, key: str, allowed: tuple[str, ...]) -> dict:
        if not node.is_map:
            raise self.err(f"expected a mapping with keys {', '.join(allowed)} (got "
                           f"{_kind(node.value)})", node, key)
        for k in node.value:
            if k not in allowed:
                import difflib  # lazy: only on the error path (a did-you-mean hint)

                close = difflib.get_close_matches(str(k), allowed, n=1)
                raise ScenarioError(
                    f"unknown key (expected one of {', '.join(allowed)}, got {k!r})",
                    file=self.file, line=node.key_lines.get(k), key=f"{key}.{k}" if key else k,
                    hint=f"did you mean {close[0]!r}?" if close else None)
        return node.value

    def text(self, node, key: str) -> str:
        if not isinstance(node.value, str) or not node.value.strip():
            raise self.err(f"expected text (got {_show(node.value)})", node, key)
        return node.value.strip()

    def number(self, node, key: str, lo: float | None = None, hi: float | None = None,
               *, percent: bool = False) -> float:
        v = node.value
        if isinstance(v, str) and percent:
            v = parse_quantity(v, expected_unit="", key=key, file=self.file, line=node.line)
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise self.err(f"not a number (expected a number, got {_show(node.value)})", node, key)
        v = float(v)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"{lo if lo is not None else '-inf'} … {hi if hi is not None else 'inf'}"
            raise self.err(f"out of range (expected {rng}, got {v:g})", node, key)
        return v

    def integer(self, node, key: str, lo: int, hi: int) -> int:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not lo <= v <= hi:
            raise self.err(f"expected an integer {lo} … {hi} (got {_show(v)})", node, key)
        return int(v)

    def choice(self, node, key: str, options: tuple[str, ...]) -> str:
        if node.value not in options:
            raise self.err(f"unknown value (expected one of {', '.join(options)}, got "
                           f"{_show(node.value)})", node, key)
        return node.value


def _kind(v: Any) -> str:
    return {dict: "a mapping", list: "a list"}.get(type(v), type(v).__name__)


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or os.sep in ref or ref.endswith((".yaml", ".yml"))




def load_config(path: str | os.PathLike) -> CalibrationConfig:
    """Read and check a calibration configuration.

    Parameters
    ----------
    path : str or PathLike
        The YAML file.

    Returns
    -------
    CalibrationConfig

    Raises
    ------
    ScenarioError
        One line ``file:line: key: what is wrong (expected …, got …)``.
    """
    path = Path(path)
    file = os.fspath(path) if not path.is_absolute() else display_path(path)
    if not path.is_file():
        raise ScenarioError(
            f"{'is a directory' if path.is_dir() else 'file not found'} (expected a calibration "
            f"configuration file, got {os.fspath(path)!r})", file=file)
    root = read_yaml(path, display=file)
    rd = _Reader(file)
    base_dir = path.resolve().parent
    if not root.is_map:
        raise rd.err(f"a calibration configuration is a mapping (expected keys "
                     f"{', '.join(TOP_KEYS)}, got {_kind(root.value)})", root, "")
    top = rd.mapping(root, "", TOP_KEYS)
    for key in ("scenario", "parameters", "observations"):
        if key not in top:
            raise ScenarioError(f"missing key (expected {key!r}, got none)", file=file, line=1,
                                key=key)
    lines = {k: root.key_lines[k] for k in top}
    scenario = rd.text(top["scenario"], "scenario")
    if _looks_like_path(scenario):
        scenario = os.fspath(base_dir / scenario)
    description = rd.text(top["description"], "description") if "description" in top else ""

    params = _parameters(rd, top["parameters"])
    observations = _observations(rd, top["observations"], base_dir)
    kw: dict[str, Any] = {}
    if "fit" in top:
        fit = rd.mapping(top["fit"], "fit", FIT_KEYS)
        if "loss" in fit:
            kw["loss"] = rd.choice(fit["loss"], "fit.loss", LOSSES)
        if "f_scale" in fit:
            kw["f_scale"] = rd.number(fit["f_scale"], "fit.f_scale", 1e-12)
        if "max_evaluations" in fit:
            kw["max_evaluations"] = rd.integer(fit["max_evaluations"], "fit.max_evaluations",
                                               1, 100_000)
    if "hindcast" in top:
        h = rd.mapping(top["hindcast"], "hindcast", HINDCAST_KEYS)
        if "from_year" not in h:
            raise rd.err("missing key (expected 'from_year', got none)", top["hindcast"],
                         "hindcast.from_year")
        kw["hindcast_from"] = rd.integer(h["from_year"], "hindcast.from_year", 1900, 2100)
        if "holdout" in h:
            kw["holdout"] = rd.integer(h["holdout"], "hindcast.holdout", 0, 200)
        if "scenario" in h:
            ref = rd.text(h["scenario"], "hindcast.scenario")
            kw["hindcast_scenario"] = os.fspath(base_dir / ref) if _looks_like_path(ref) else ref
    if "ensemble" in top:
        e = rd.mapping(top["ensemble"], "ensemble", ENSEMBLE_KEYS)
        if "samples" in e:
            kw["samples"] = rd.integer(e["samples"], "ensemble.samples", 0, 10_000_000)
        if "method" in e:
            kw["method"] = rd.choice(e["method"], "ensemble.method", ("mc", "lhs", "sobol"))
        if "seed" in e:
            kw["seed"] = rd.integer(e["seed"], "ensemble.seed", 0, 2**63 - 1)
        if "sigma" in e:
            kw["sigma"] = rd.number(e["sigma"], "ensemble.sigma", 1e-9, percent=True)
        if "tolerance" in e:
            kw["tolerance"] = rd.number(e["tolerance"], "ensemble.tolerance", 1e-9, percent=True)
    if "output" in top:
        o = rd.mapping(top["output"], "output", OUTPUT_KEYS)
        if "parameters" in o:
            kw["parameters_out"] = base_dir / rd.text(o["parameters"], "output.parameters")
        if "report" in o:
            kw["report_dir"] = base_dir / rd.text(o["report"], "output.report")
        if "plot_end_year" in o:
            kw["plot_end_year"] = rd.integer(o["plot_end_year"], "output.plot_end_year",
                                             1900, 2200)
    return CalibrationConfig(file=file, base_dir=base_dir, scenario=scenario,
                             description=description, parameters=params,
                             observations=observations, lines=lines, **kw)


def _parameters(rd: _Reader, node) -> tuple[FitParam, ...]:
    if not node.is_map or not node.value:
        raise rd.err(f"expected a mapping of catalogue paths to {{bounds: [lo, hi]}} (got "
                     f"{_kind(node.value) if node.value else 'nothing'})", node, "parameters")
    cat = resolve_catalogue(None)
    out = []
    for path, spec in node.value.items():
        key = f"parameters.{path}"
        line = node.key_lines.get(path)
        if path not in cat:
            import difflib  # lazy: only on the error path (a did-you-mean hint)

            close = difflib.get_close_matches(str(path), list(cat), n=1)
            raise ScenarioError(
                f"unknown parameter (expected a catalogue path, see `energysim params`, got "
                f"{path!r})", file=rd.file, line=line, key=key,
                hint=f"did you mean {close[0]!r}?" if close else None)
        param = cat[path]
        fields = rd.mapping(spec, key, PARAM_KEYS)
        kind = rd.choice(fields["kind"], f"{key}.kind", KINDS) if "kind" in fields else "value"
        if "bounds" not in fields:
            raise ScenarioError("missing bounds (expected bounds: [low, high], got none)",
                                file=rd.file, line=line, key=key)
        b = fields["bounds"]
        if not b.is_seq or len(b.value) != 2:
            raise rd.err(f"bounds are two values (expected [low, high], got {_show(b.plain())})",
                         b, f"{key}.bounds")
        unit = param.unit if kind == "value" else ""

        def q(n, k, unit=unit, kind=kind):
            if kind == "multiplier":
                return rd.number(n, k, 0.0)
            return parse_quantity(n.value, expected_unit=unit, key=k, file=rd.file, line=n.line)

        lo, hi = (q(n, f"{key}.bounds") for n in b.value)
        if not lo < hi:
            raise rd.err(f"empty bounds (expected low < high, got [{lo:g}, {hi:g}])", b,
                         f"{key}.bounds")
        if kind == "value":
            clo, chi = param.bounds
            if (clo is not None and lo < clo) or (chi is not None and hi > chi):
                rng = (f"{format_quantity(clo, unit) if clo is not None else '-inf'} … "
                       f"{format_quantity(chi, unit) if chi is not None else 'inf'}")
                raise rd.err(f"bounds outside the catalogue's (expected within {rng}, got "
                             f"[{format_quantity(lo, unit)}, {format_quantity(hi, unit)}])", b,
                             f"{key}.bounds")
        if "start" in fields:
            start = q(fields["start"], f"{key}.start")
            if not lo <= start <= hi:
                raise rd.err(f"start outside the bounds (expected {lo:g} … {hi:g}, got "
                             f"{start:g})", fields["start"], f"{key}.start")
        elif kind == "multiplier":
            start = min(max(1.0, lo), hi)
        else:
            d = param.default
            start = float(d) if isinstance(d, numbers.Real) else 0.5 * (lo + hi)
            if not lo <= start <= hi:
                start = 0.5 * (lo + hi)
        note = rd.text(fields["note"], f"{key}.note") if "note" in fields else ""
        out.append(FitParam(path=path, kind=kind, lower=lo, upper=hi, start=start,
                            unit=param.unit, note=note, line=line))
    return tuple(out)


def _observations(rd: _Reader, node, base_dir: Path) -> tuple[ObsSpec, ...]:
    if not node.is_seq or not node.value:
        raise rd.err(f"expected a list of observed series (got "
                     f"{_kind(node.value) if node.value else 'nothing'})", node, "observations")
    out = []
    names: dict[str, int] = {}
    for i, item in enumerate(node.value):
        key = f"observations[{i}]"
        f = rd.mapping(item, key, OBS_KEYS)
        for req in ("variable", "file", "indicator"):
            if req not in f:
                raise rd.err(f"missing key (expected {req!r}, got none)", item, f"{key}.{req}")
        variable = rd.text(f["variable"], f"{key}.variable")

        parse_expr(variable, file=rd.file, line=f["variable"].line, key=f"{key}.variable")
        ref = rd.text(f["file"], f"{key}.file")
        path = base_dir / ref
        indicator = rd.text(f["indicator"], f"{key}.indicator")
        region = rd.text(f["region"], f"{key}.region") if "region" in f else "zhungeer"
        period = rd.text(f["period"], f"{key}.period") if "period" in f else "annual"
        scale = rd.number(f["scale"], f"{key}.scale", 1e-12) if "scale" in f else 1.0
        if period != "annual" and "scale" not in f:
            raise rd.err(f"a part-year period needs a scale to annual values (expected e.g. "
                         f"scale: 1.5 for Jan-Aug, with a note on how, got period "
                         f"{period!r} without scale)", f["period"], f"{key}.scale")
        years = None
        if "years" in f:
            y = f["years"]
            if not y.is_seq or not y.value:
                raise rd.err(f"expected a list of years (got {_show(y.plain())})", y,
                             f"{key}.years")
            years = tuple(rd.integer(n, f"{key}.years", 1900, 2100) for n in y.value)
        role = rd.choice(f["role"], f"{key}.role", ROLES) if "role" in f else "fit"
        weight = rd.number(f["weight"], f"{key}.weight", 0.0) if "weight" in f else 1.0
        if role == "fit" and weight == 0.0:
            raise rd.err("a fitted series needs a positive weight (expected weight > 0, got 0; "
                         "use role: monitor to report a series without fitting it)",
                         f["weight"], f"{key}.weight")
        name = (rd.text(f["name"], f"{key}.name") if "name" in f
                else f"{indicator} ({Path(ref).stem})")
        if name in names:
            raise rd.err(f"duplicate series name (expected a unique name, got {name!r} again; "
                         f"first in observations[{names[name]}])", item, f"{key}.name")
        names[name] = i
        note = rd.text(f["note"], f"{key}.note") if "note" in f else ""
        out.append(ObsSpec(name=name, variable=variable, file=path,
                           file_display=display_path(path), indicator=indicator, region=region,
                           period=period, scale=scale, years=years, role=role, weight=weight,
                           note=note, line=item.line))
    if not any(o.role == "fit" for o in out):
        raise rd.err("nothing to fit (expected at least one observation with role: fit, got "
                     "none)", node, "observations")
    return tuple(out)
