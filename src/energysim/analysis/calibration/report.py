"""Files of a calibration: the calibrated parameter file, the fit report, tables, figures.

Every file is written to a temporary name in its directory and renamed when complete, so a
failed or interrupted calibration leaves the previous files in place. The calibrated
parameter file is loaded back (:func:`energysim.scenario.load_scenario`) before it replaces
the old one.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import hashlib
import io
import math
import os
from pathlib import Path

import numpy as np
import yaml

from energysim.analysis.calibration.figures import draw_figures
from energysim.errors import ScenarioError, display_path
from energysim.scenario.loader import loads_scenario
from energysim.scenario.series import Const, Growth, Series
from energysim.scenario.spec import Leaf
from energysim.scenario.uncertainty import central_value
from energysim.text.numbers import fmt_sig as _g  # short: used in long f-strings
from energysim.units import format_quantity

__all__ = ["write_all", "parameters_yaml", "atomic_write"]


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _q(x: float, unit: str, digits: int = 6) -> str:
    return _g(x, digits) + (f" {unit}" if unit and not (isinstance(x, float) and math.isnan(x))
                            else "")


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# the calibrated parameter file
# ---------------------------------------------------------------------------------------------


def _fitted_leaf(cal, fp, x: float):
    """The scenario leaf of a fitted parameter (a value, or the scaled path)."""
    if fp.kind == "value":
        return Leaf(fp.path, fp.unit, Const(float(x)))
    leaf = cal.problem.scenario.leaf(fp.path)
    b = leaf.base
    if isinstance(b, Const):
        base = Const(b.value * x)
    elif isinstance(b, Series):
        base = Series(b.years, tuple(v * x for v in b.values), b.interpolation)
    elif isinstance(b, Growth):
        base = Growth(b.start * x, b.years, b.rates)
    else:  # a distribution on the value: fitted as its central value times x

        return Leaf(fp.path, fp.unit, Const(central_value(leaf.dist) * x))
    return dataclasses.replace(leaf, base=base)


def _plain(value) -> str:
    """One YAML line's value: a scalar as text, a mapping in flow style."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=10_000).strip()


def parameters_yaml(cal, *, when: str, data_files: dict) -> str:
    """Text of the calibrated parameter file (a scenario fragment with a header)."""
    from energysim import __version__  # lazy: importlib.metadata (~20 ms) only when written

    cfg, res, problem = cal.config, cal.result, cal.problem
    fps = problem.fit_params
    n_res = problem.n_residuals
    scen = problem.scenario
    years = problem.years
    fit_years = sorted({int(y) for o, f in zip(problem.observations, problem.fitted,
                                               strict=True) for y in o.years[f]})
    h = [
        "# Calibrated parameters — written by energysim; do not edit by hand, rerun:",
        f"#   {cal.command}",
        f"# date: {when}   energysim {__version__}",
        f"# configuration: {display_path(Path(cfg.file))} (sha256 {_sha(Path(cfg.file))[:16]})",
        f"# scenario fitted: {scen.name} ({scen.file}); deterministic runs from "
        f"{int(years[0])} at central values",
        "#   (modes of triangular/PERT distributions, medians of others); years fitted: "
        + ", ".join(map(str, fit_years)),
        "# data:",
    ]
    used: dict[str, list[str]] = {}
    for o in problem.observations:
        used.setdefault(o.spec.file_display, []).append(o.spec.indicator)
    for df in data_files.values():
        if df.file in used:
            names = ", ".join(dict.fromkeys(used[df.file]))
            h.append(f"#   {df.file} (sha256 {df.sha256[:16]}): {names}")
    h += [
        f"# fit: scipy.optimize.least_squares (trf, loss {cfg.loss}), {len(fps)} parameter"
        f"{'s' if len(fps) > 1 else ''}, {n_res} residual{'s' if n_res != 1 else ''} "
        f"(weighted, relative), {res.nfev} runs, cost {res.cost:.3g}, status {res.status}: "
        f"{res.message}",
        "# goodness of fit:",
    ]
    for s in cal.stats:
        h.append(f"#   {s.name} [{s.points}]: n={s.n}, RMSE {_q(s.rmse, s.unit, 4)}, "
                 f"MAPE {_g(s.mape, 3)}%, bias {_q(s.bias, s.unit, 3)}")
    if cal.hindcast is not None:
        hc = cal.hindcast
        for s in hc.stats:
            if s.points == "holdout":
                h.append(f"#   hindcast from {hc.from_year}, {s.name} held out: n={s.n}, "
                         f"MAPE {_g(s.mape, 3)}%, bias {_q(s.bias, s.unit, 3)}")
    if cal.ensemble is not None:
        e = cal.ensemble
        h.append(f"# ensemble: {e.n} samples ({e.method}, seed {e.seed}); ESS "
                 f"{e.weights.ess_importance:.1f} (importance, sigma {e.weights.sigma:g}), "
                 f"{e.weights.ess_rejection} within ABC tolerance {e.weights.tolerance:g}")
    h += [
        "# Use: `extends: parts/calibrated.yaml` (the bundled baseline does). A scenario's own",
        "# value of a parameter overrides the one below; the fit report explains each number.",
        "",
        "name: calibrated",
        "title:",
        "  zh: 历史数据校准参数",
        "  en: Parameters fitted to the banner's recorded history",
        "description:",
        "  en: >-",
        "    Written by `energysim calibrate` from the configuration named above; the parameters",
        "    below are fitted by least squares to the data files listed, see the fit report.",
        "parameters:",
    ]
    for fp, x, se in zip(fps, res.x, res.stderr, strict=True):
        leaf = _fitted_leaf(cal, fp, float(x))
        value = leaf.to_plain()
        if fp.kind == "value":
            value = format_quantity(float(x), fp.unit, digits=10)
            unit = fp.unit
            note = (f"fitted in [{_g(fp.lower)}, {_g(fp.upper)}] {unit} from {_g(fp.start)}; "
                    f"s.e. {_g(se, 3)}")
        else:
            note = (f"path × {_g(float(x), 8)} fitted in [{_g(fp.lower)}, {_g(fp.upper)}]; "
                    f"s.e. {_g(se, 3)}")
        if fp.path in res.at_bound:
            note += "; AT A BOUND"
        h.append(f"  {fp.path}: {_plain(value)}   # {note}")
    return "\n".join(h) + "\n"


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------

STAT_COLUMNS = ("set", "series", "variable", "unit", "role", "points", "n", "rmse", "mape_pct",
                "bias", "rel_bias_pct")
POINT_COLUMNS = ("set", "series", "variable", "unit", "role", "year", "observed", "model",
                 "error", "error_pct", "fitted", "held_out", "file", "line", "source_text")


def _stat_rows(cal):
    rows = [("main", s) for s in cal.stats]
    if cal.hindcast is not None:
        rows += [(f"hindcast_{cal.hindcast.from_year}", s) for s in cal.hindcast.stats]
    return rows


def _point_rows(cal):
    sets = [("main", cal.problem, cal.result.x, ())]
    if cal.hindcast is not None:
        hc = cal.hindcast
        sets.append((f"hindcast_{hc.from_year}", hc.problem, hc.result.x, hc.held_out))
    out = []
    for name, problem, x, held in sets:
        model = problem.model_values(problem.simulate(x))
        for o, m, f, col in zip(problem.observations, model, problem.fitted, problem.cols,
                                strict=True):
            for j, r in enumerate(o.records):
                if col[j] < 0:
                    continue
                obs, mod = float(o.values[j]), float(m[0, j])
                err = mod - obs
                out.append({
                    "set": name, "series": o.name, "variable": o.expr.text,
                    "unit": o.expr.unit, "role": o.spec.role, "year": int(o.years[j]),
                    "observed": obs, "model": mod, "error": err,
                    "error_pct": 100.0 * err / abs(obs) if obs else float("nan"),
                    "fitted": bool(f[j]),
                    "held_out": o.spec.role == "fit" and int(o.years[j]) in held,
                    "file": r.file, "line": r.line, "source_text": r.source_text,
                })
    return out


def _csv(rows: list[dict], columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue()


def _stats_csv(cal) -> str:
    rows = []
    for set_name, s in _stat_rows(cal):
        rows.append({"set": set_name, "series": s.name, "variable": s.variable, "unit": s.unit,
                     "role": s.role, "points": s.points, "n": s.n, "rmse": s.rmse,
                     "mape_pct": s.mape, "bias": s.bias, "rel_bias_pct": s.rel_bias})
    return _csv(rows, STAT_COLUMNS)


# ---------------------------------------------------------------------------------------------
# the markdown report
# ---------------------------------------------------------------------------------------------


def _md_table(header, rows) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def _stats_table(stats) -> list[str]:
    return _md_table(
        ("series", "variable", "unit", "points", "n", "RMSE", "MAPE %", "bias", "bias %"),
        [(s.name, f"`{s.variable}`", s.unit or "–", s.points, s.n, _g(s.rmse, 4),
          _g(s.mape, 3), _g(s.bias, 3), _g(s.rel_bias, 3)) for s in stats])


def _params_table(cal, problem, result) -> list[str]:
    rows = []
    for fp, x, se in zip(problem.fit_params, result.x, result.stderr, strict=True):
        central = problem.central[fp.path][0]
        before = _g(float(central[0])) if np.ptp(central) == 0 else (
            f"{_g(float(central[0]))} … {_g(float(central[-1]))}")
        rows.append((f"`{fp.path}`", fp.kind, fp.fit_unit or "–", _g(fp.start),
                     f"[{_g(fp.lower)}, {_g(fp.upper)}]", f"**{_g(float(x), 7)}**", _g(se, 3),
                     before + (" ×" if fp.kind == "multiplier" else ""),
                     "yes" if fp.path in result.at_bound else "", fp.note))
    return _md_table(("parameter", "kind", "unit", "start", "bounds", "fitted", "s.e.",
                      "scenario value without the calibrated file (central)", "at bound",
                      "why these bounds"), rows)


def _report_md(cal, when: str, files: dict, data_files: dict) -> str:
    from energysim import __version__  # lazy: importlib.metadata (~20 ms) only when written

    cfg, res, problem = cal.config, cal.result, cal.problem
    years = problem.years
    L = [
        f"# Calibration report: {problem.scenario.name}",
        "",
        f"Written by `{cal.command}` on {when} (energysim {__version__}). Configuration "
        f"`{display_path(Path(cfg.file))}`; method and definitions in docs/calibration.md.",
        "",
    ]
    if cfg.description:
        L += [" ".join(cfg.description.split()), ""]
    L += [
        "## Main fit",
        "",
        f"Scenario `{problem.scenario.name}` ({problem.scenario.file}), deterministic runs "
        f"{int(years[0])}–{int(years[-1])} at central values (uncertain parameters at the mode "
        f"of a triangular or PERT distribution, the median of others). "
        f"scipy.optimize.least_squares (trust-region reflective, bounds, loss "
        f"`{cfg.loss}`) on weighted relative residuals: {problem.n_residuals} residuals, "
        f"{len(problem.fit_params)} parameters, {res.nfev} runs, cost {res.cost:.3g}; "
        f"status {res.status}: {res.message}",
        "",
    ]
    if problem.n_residuals <= len(problem.fit_params):
        L += ["**Note:** no more fitted points than parameters: the fit is exactly determined "
              "(standard errors undefined); the goodness of fit below says how well the data "
              "are reproduced, not how well the parameters are known.", ""]
    if res.at_bound:
        L += [f"**Warning:** at a bound after the fit: {', '.join(res.at_bound)}: the data "
              "push the parameter past its range; widen the bounds or question the data.", ""]
    L += _params_table(cal, problem, res)
    L += ["", "### Goodness of fit", "",
          "Points: `fit` = fitted, `monitor` = compared but not fitted, `validate` = "
          "out-of-sample data. RMSE and bias in the variable's unit (growth: fraction).", ""]
    L += _stats_table(cal.stats)
    L += ["", "### Points", ""]
    pts = _point_rows(cal)
    L += _md_table(
        ("set", "series", "year", "observed", "model", "error %", "fitted", "source"),
        [(p["set"], p["series"], p["year"], _g(p["observed"]), _g(p["model"]),
          _g(p["error_pct"], 3), "yes" if p["fitted"] else ("held out" if p["held_out"] else ""),
          f"{p['file']}:{p['line']}") for p in pts])
    unused = [(o.name, int(y)) for o, col in zip(problem.observations, problem.cols, strict=True)
              for y, c in zip(o.years, col, strict=True) if c < 0]
    if unused:
        L += ["", "Outside the main run (used only by the hindcast): "
              + ", ".join(f"{n} {y}" for n, y in unused) + "."]
    if cal.hindcast is not None:
        hc = cal.hindcast
        L += ["", f"## Hindcast: from {hc.from_year}, last {len(hc.held_out)} year"
              f"{'s' if len(hc.held_out) > 1 else ''} held out", "",
              f"The run starts in {hc.from_year} (initial stocks = end of {hc.from_year - 1}; "
              f"base-year parameters refer to {hc.from_year}). The same parameters are refitted "
              f"on {', '.join(map(str, hc.fit_years))} only; "
              f"{', '.join(map(str, hc.held_out))} {'is' if len(hc.held_out) == 1 else 'are'} "
              "predicted out of sample. "
              f"{hc.result.nfev} runs, cost {hc.result.cost:.3g}.", ""]
        L += _params_table(cal, hc.problem, hc.result)
        L += [""]
        L += _stats_table(hc.stats)
    if cal.ensemble is not None:
        e = cal.ensemble
        w = e.weights
        L += ["", "## Ensemble weighted by fit", "",
              f"{e.n} samples ({e.method}, seed {e.seed}) of the scenario's uncertain "
              f"parameters, fit applied. Importance weights ∝ exp(−SSR/2σ²) with σ = "
              f"{w.sigma:g}: effective sample size **{w.ess_importance:.1f}** of {e.n}. "
              f"ABC rejection (RMS relative error ≤ {w.tolerance:g}): **{w.ess_rejection}** "
              f"samples kept. RMS relative error: median {_g(float(np.median(w.rms)), 3)}, "
              f"min {_g(float(np.min(w.rms)), 3)}, max {_g(float(np.max(w.rms)), 3)}. "
              "Per-sample weights: `ensemble-weights.csv`.", ""]
        if e.prior_posterior:
            L += _md_table(("parameter (first year)", "unit", "prior mean", "prior sd",
                            "weighted mean", "weighted sd"),
                           [(f"`{p}`", u or "–", _g(a), _g(b), _g(c), _g(d))
                            for p, u, a, b, c, d in e.prior_posterior])
    L += ["", "## Data", ""]
    L += _md_table(("file", "sha256", "indicators used"),
                   [(df.file, df.sha256[:16],
                     ", ".join(dict.fromkeys(o.spec.indicator for o in problem.observations
                                             if o.spec.file_display == df.file)))
                    for df in data_files.values()])
    figs = [(k.split(":", 1)[1], v) for k, v in files.items() if k.startswith("figure:")]
    if figs:
        L += ["", "## Figures", ""]
        for text, path in figs:
            L += [f"![{text}]({Path(path).name})", ""]
    L += ["", "## Files", ""]
    for k, v in files.items():
        if not k.startswith("figure:"):
            L.append(f"- {k}: `{display_path(Path(v))}`")
    return "\n".join(L).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# everything
# ---------------------------------------------------------------------------------------------


def write_all(cal, out_dir: Path, params_out: Path, *, figures: bool = True,
              data_files: dict | None = None) -> dict[str, Path]:
    """Write the parameter file, report, tables and figures; returns name → path."""
    data_files = data_files or {}
    when = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    files: dict[str, Path] = {}
    text = parameters_yaml(cal, when=when, data_files=data_files)
    try:  # the file must load as a scenario before it replaces the old one
        loads_scenario(text, file=str(params_out))
    except ScenarioError as exc:  # pragma: no cover - a bug here, not bad input
        raise RuntimeError(f"calibrated parameter file does not load: {exc}") from exc
    files["parameters"] = atomic_write(params_out, text)
    files["statistics"] = atomic_write(out_dir / "fit-statistics.csv", _stats_csv(cal))
    files["points"] = atomic_write(out_dir / "fit-points.csv",
                                   _csv(_point_rows(cal), POINT_COLUMNS))
    if cal.ensemble is not None:
        w = cal.ensemble.weights
        rows = [{"sample": i, "ssr": float(w.ssr[i]), "rms_rel_error": float(w.rms[i]),
                 "importance_weight": float(w.importance[i]), "accepted": bool(w.accepted[i])}
                for i in range(len(w.ssr))]
        files["weights"] = atomic_write(
            out_dir / "ensemble-weights.csv",
            _csv(rows, ("sample", "ssr", "rms_rel_error", "importance_weight", "accepted")))
    if figures:
        files.update(draw_figures(cal, out_dir, atomic_write))
    report_path = out_dir / "fit-report.md"
    files = {"report": report_path, **files}
    atomic_write(report_path, _report_md(cal, when, files, data_files))
    return files
