"""What the what-if page shows: a session (scenario + levers) and its answers as plain data.

No web framework is imported here: :class:`Session` is the page's model, used by
:mod:`energysim.briefing.app.server` and tested directly.

Every answer is computed from the scenario *text* the page would download
(:meth:`Session.child_text` → :func:`energysim.scenario.loads_scenario` → :func:`energysim.run`),
so a downloaded file reproduces the page's numbers with ``energysim run`` by construction.

Units: series are sent in canonical units with, per language, the factor and label of their
display unit (:func:`energysim.text.labels.display_unit`); the page multiplies.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from energysim.analysis.targets import (
    check_targets,
    evaluate,
    indicator_label,
    parse_indicator,
    target_display,
)
from energysim.briefing.app.levers import Lever, changed, child_yaml, levers_for, override_text
from energysim.briefing.report import build_brief, write_brief
from energysim.core.engine import output_specs
from energysim.errors import ScenarioError
from energysim.execution import pipeline
from energysim.scenario.frozen import FrozenDict
from energysim.scenario.loader import BUNDLED_DIR, load_scenario, loads_scenario, locate
from energysim.scenario.spec import Scenario
from energysim.text.labels import category_names, display_unit, magnitude_of, var_name

#: Default ensemble of the uncertainty band: samples and seed (the same seed on every update,
#: so the band moves with the levers, not with the sampling noise).
ENSEMBLE_SAMPLES = 500
ENSEMBLE_SEED = 1
#: The year of the headline numbers.
HEADLINE_YEAR = 2030
#: Variables drawn with a p5–p95 band (those present in the results).
BAND_VARS = ("co2_total", "coal_output", "energy_intensity", "renewable_gen_share")
#: Scalar series of the page, by panel (those present in the results are sent).
SERIES_VARS = (
    "co2_total", "coal_output", "coal_local_use", "coal_shipments", "coal_power_use",
    "energy_intensity", "renewable_gen_share", "net_export", "generation",
    "h2_green_supply", "h2_grey_supply", "electrolyser_cap", "gdp",
)
#: Variables with a category dimension (stacked charts): name → dimension.
STACKED_VARS = {"co2": "sector", "power_cap": "tech", "power_gen": "tech"}
#: The file name the page's scenario is written under (messages, download).
CHILD_FILE = "what-if.yaml"


@dataclass(frozen=True)
class PageScenario(Scenario):
    """A what-if scenario that knows its own file text.

    :func:`energysim.run` stores ``scenario.to_yaml()`` in the results' attributes; for the page
    that is the child file it would download (``extends`` its base), which is what reproduces
    the run, and costs a few ms instead of ~20 ms for dumping the resolved scenario on every
    slider move.
    """

    text: str = field(default="", repr=False, compare=False)

    def to_yaml(self) -> str:
        return self.text


@dataclass(frozen=True)
class Base:
    """The scenario the page starts from.

    Attributes
    ----------
    scenario : Scenario
    extends : str or None
        How a child refers to it: a bundled name, an absolute path, or None for a file opened
        in the browser (children are then written self-contained).
    label : str
        File name or bundled name shown on the page.
    """

    scenario: Any
    extends: str | None
    label: str


def base_from_source(source: str) -> Base:
    """The base of a scenario given on the command line (bundled name or file path).

    Raises
    ------
    ScenarioError
        Exactly as ``energysim validate`` would (one line).
    """
    scenario = load_scenario(source)
    check_targets(scenario)
    path, _ = locate(source)
    bundled = path.resolve().parent == _bundled_dir().resolve()
    extends = path.stem if bundled else str(path.resolve())
    return Base(scenario=scenario, extends=extends, label=source)


def base_from_text(text: str, filename: str, base_dir: str | Path | None = None) -> Base:
    """The base of a scenario file opened in the browser.

    Raises
    ------
    ScenarioError
        The one line ``energysim validate FILENAME`` prints for the same file.
    """
    scenario = loads_scenario(text, file=filename, base_dir=base_dir)
    check_targets(scenario)
    return Base(scenario=scenario, extends=None, label=filename)


def _bundled_dir() -> Path:
    return Path(BUNDLED_DIR)


# -- answers -------------------------------------------------------------------------------------
def _units(var: str, canonical: str, values=None) -> dict[str, dict[str, Any]]:
    """Display factor and label per language; ``values`` pick 亿吨 or 万吨 by their size."""
    magnitude = magnitude_of(values) if values is not None else None
    out = {}
    for lang in ("zh", "en"):
        factor, label = display_unit(canonical, lang, var, magnitude=magnitude)
        out[lang] = {"factor": float(factor), "unit": label}
    return out


def _names(da) -> dict[str, str]:
    return {lang: var_name(da.attrs, lang, str(da.name)) for lang in ("zh", "en")}


def _first(da) -> np.ndarray:
    """The central run's values (sample 0 of a one-sample run)."""
    return np.asarray(da.isel(sample=0) if "sample" in da.dims else da, dtype=float)


def _clean(x: np.ndarray) -> list:
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(x, float).ravel()]


def series_answers(ds) -> dict[str, Any]:
    """The deterministic answers of one run (sample 0) as plain data.

    Returns
    -------
    dict
        ``years``; ``series[var] = {"values", "names", "units"}``; ``stacked[var] = {"dim",
        "labels", "names": {lang: [...]}, "values": [[...] per label], "units", "titles"}``;
        ``peak_year`` [yr]; ``headline`` (values in ``HEADLINE_YEAR``).
    """
    years = [int(y) for y in ds["year"].values]
    series = {}
    for var in SERIES_VARS:
        if var in ds:
            da = ds[var]
            values = _first(da)
            series[var] = {"values": _clean(values), "names": _names(da),
                           "units": _units(var, str(da.attrs.get("units", "")), values)}
    stacked = {}
    for var, dim in STACKED_VARS.items():
        if var in ds and dim in ds[var].dims:
            da = ds[var]
            labels = [str(x) for x in da[dim].values]
            values = _first(da.transpose(..., "year", dim))
            stacked[var] = {
                "dim": dim, "labels": labels,
                "names": {lang: category_names(dim, labels, lang) for lang in ("zh", "en")},
                "values": [_clean(values[:, i]) for i in range(len(labels))],
                "units": _units(var, str(da.attrs.get("units", "")), values),
                "titles": _names(da),
            }
    peak = float(_first(ds["co2_peak_year"])) if "co2_peak_year" in ds else None
    return {"years": years, "series": series, "stacked": stacked, "peak_year": peak,
            "headline_year": HEADLINE_YEAR if HEADLINE_YEAR in years else years[-1]}


def band_answers(ds) -> dict[str, Any]:
    """p5, p50 and p95 over samples of :data:`BAND_VARS` and of the peak year."""
    out: dict[str, Any] = {}
    for var in BAND_VARS:
        if var in ds:
            q = np.quantile(np.asarray(ds[var].values, float), [0.05, 0.5, 0.95], axis=0)
            out[var] = {"p5": _clean(q[0]), "p50": _clean(q[1]), "p95": _clean(q[2])}
    if "co2_peak_year" in ds:
        q = np.quantile(np.asarray(ds["co2_peak_year"].values, float), [0.05, 0.5, 0.95])
        out["co2_peak_year"] = {"p5": float(q[0]), "p50": float(q[1]), "p95": float(q[2])}
    return out


def target_labels(ds, targets) -> list[dict[str, dict[str, Any]]]:
    """Per target and language: its name, display unit and factor from the canonical unit.

    They depend on the variables' attributes only, so a session computes them once.
    """
    out = []
    for t in targets:
        row = {}
        for lang in ("zh", "en"):
            factor, unit = target_display(ds, t, lang)
            row[lang] = {"name": indicator_label(ds, t.indicator, lang), "unit": unit,
                         "factor": float(factor)}
        out.append(row)
    return out


def target_answers(ds, targets, labels) -> list[dict[str, Any]]:
    """The scenario's targets on ``ds`` (:func:`energysim.analysis.targets.evaluate`): median value,
    p5/p95, P(meet) and status, with names and values in both languages.

    ``labels`` is :func:`target_labels` of the same targets.
    """
    if not targets:
        return []
    table = evaluate(ds, targets, lang="zh")
    rows = []
    for (_, row), lab in zip(table.iterrows(), labels, strict=True):
        out = {"indicator": row["indicator"], "year": int(row["year"]),
               "comparator": row["comparator"], "status": row["status"],
               "p_meet": float(row["p_meet"]), "n_samples": int(row["n_samples"]),
               "strength": row["strength"]}
        to_canonical = 1.0 / lab["zh"]["factor"]
        for lang in ("zh", "en"):
            f = lab[lang]["factor"] * to_canonical
            out[lang] = {"name": lab[lang]["name"], "unit": lab[lang]["unit"],
                         **{k: float(row[c]) * f for k, c in (("target", "target"),
                            ("value", "p50"), ("p5", "p5"), ("p95", "p95"))}}
        rows.append(out)
    return rows


def _ensemble_keep(targets) -> list[str]:
    names = set(output_specs())
    keep = {v for v in (*BAND_VARS, "co2_peak_year") if v in names}
    for t in targets:
        base, _ = parse_indicator(t.indicator)
        if base in names:
            keep.add(base)
    return sorted(keep)


# -- the session -----------------------------------------------------------------------------------
class Session:
    """The page's state: the base scenario, its levers and the baseline's answers.

    Parameters
    ----------
    base : Base
    samples, seed : int
        The ensemble behind the band and P(meet).

    Thread-safe: the server runs requests in a thread pool; :meth:`open` swaps the base under a
    lock and each request works on the base it started with.
    """

    def __init__(self, base: Base, *, samples: int = ENSEMBLE_SAMPLES, seed: int = ENSEMBLE_SEED):
        self.samples = int(samples)
        self.seed = int(seed)
        self._lock = threading.Lock()
        self._generation = 0
        self._set(base)

    # state
    def _set(self, base: Base) -> None:
        groups = levers_for(base.scenario)
        levers = [lv for g in groups for lv in g["levers"]]
        ds = pipeline.run(base.scenario)
        labels = target_labels(ds, base.scenario.targets)
        baseline = self._answers(base, levers, labels, {}, samples=1)
        with self._lock:
            self._generation += 1
            self.base, self.groups, self.levers = base, groups, levers
            self.baseline, self._labels = baseline, labels
            self.token = f"{self._generation}:{base.label}"

    def open(self, text: str, filename: str, base_dir: str | Path | None = None) -> None:
        """Make a scenario file opened in the browser the page's base.

        Raises
        ------
        ScenarioError
            The file's one-line message; the session is left as it was.
        """
        self._set(base_from_text(text, filename, base_dir))

    def check_token(self, token: str | None) -> None:
        """Refuse values meant for another base (the page was opened before a file change)."""
        if token is not None and token != self.token:
            raise ScenarioError("the page's scenario was replaced (expected the current "
                                f"scenario {self.base.label!r}; reload the page)", key="token")

    # text
    def child_text(self, values: Mapping[str, float], *, base: Base | None = None,
                   levers: list[Lever] | None = None) -> str:
        """The scenario file of ``values`` [canonical units]; :func:`child_yaml`."""
        base = base or self.base
        levers = levers if levers is not None else self.levers
        note = (f"what-if scenario from `energysim app` on {_dt.date.today().isoformat()}; "
                "check with `energysim validate`, rerun with `energysim run`")
        return child_yaml(base.scenario, levers, values, extends=base.extends, note=note)

    def child_scenario(self, values: Mapping[str, float], *, base: Base | None = None,
                       levers: list[Lever] | None = None):
        """The scenario of :meth:`child_text` (what the page runs).

        Built as ``energysim`` resolves a child: the base's parameters, then the moved levers'
        values parsed from the same text the download writes (loading the whole file again
        would re-read the parents on every slider move). The tests check that the downloaded
        file gives the same numbers with ``energysim run``.
        """
        base = base or self.base
        levers = levers if levers is not None else self.levers
        moved = changed(levers, values)
        parent = base.scenario
        if not moved:
            return parent
        # the child is its parent with the moved levers' leaves, parsed from the file's text
        over = loads_scenario(override_text(parent, levers, values), file=CHILD_FILE)
        params = {p: over.parameters[p] if p in moved else parent.parameters[p]
                  for p in parent.catalogue if p in moved or p in parent.parameters}
        same = {f.name: getattr(parent, f.name) for f in fields(Scenario)}
        return PageScenario(**{**same, "name": f"{parent.name}-whatif",
                               "parameters": FrozenDict(params), "file": CHILD_FILE,
                               "chain": (*parent.chain, CHILD_FILE)},
                            text=self.child_text(values, base=base, levers=levers))

    def _answers(self, base: Base, levers, labels, values, *, samples: int) -> dict[str, Any]:
        scenario = self.child_scenario(values, base=base, levers=levers)
        if samples == 1:
            ds = pipeline.run(scenario)
            out = series_answers(ds)
            out["targets"] = target_answers(ds, scenario.targets, labels)
            out["kind"] = "det"
            return out
        keep = _ensemble_keep(scenario.targets)
        ds = pipeline.run(scenario, samples=samples, seed=self.seed, keep=keep)
        return {"kind": "ens", "bands": band_answers(ds),
                "targets": target_answers(ds, scenario.targets, labels),
                "n_samples": samples, "seed": self.seed}

    def _state(self) -> tuple[Base, list[Lever], list]:
        with self._lock:
            return self.base, self.levers, self._labels

    # answers
    def deterministic(self, values: Mapping[str, float]) -> dict[str, Any]:
        """Answers of the central run at ``values`` [canonical units]."""
        base, levers, labels = self._state()
        out = self._answers(base, levers, labels, values, samples=1)
        out["changed"] = sorted(changed(levers, values))
        return out

    def ensemble(self, values: Mapping[str, float]) -> dict[str, Any]:
        """p5–p95 bands and P(meet) of an ensemble of :attr:`samples` at ``values``."""
        base, levers, labels = self._state()
        return self._answers(base, levers, labels, values, samples=self.samples)

    def init(self) -> dict[str, Any]:
        """What the page needs to draw itself: scenario, levers, baseline answers."""
        s = self.base.scenario
        return {
            "token": self.token,
            "scenario": {"name": s.name, "label": self.base.label,
                         "title": {lang: s.title.get(lang, s.name) for lang in ("zh", "en")},
                         "base_year": s.base_year, "end_year": s.end_year},
            "groups": [{"key": g["key"], "zh": g["zh"], "en": g["en"],
                        "levers": [lv.as_json() for lv in g["levers"]]} for g in self.groups],
            "baseline": self.baseline,
            "ensemble": {"samples": self.samples, "seed": self.seed},
        }

    def brief_pdf(self, values: Mapping[str, float], lang: str = "zh") -> bytes:
        """The brief (``energysim report``) of the page's state, as PDF bytes.

        The base scenario is the reference; the what-if scenario, when a lever moved, is the
        alternative (with its policy wedges against the base).
        """
        base = self.base
        with tempfile.TemporaryDirectory(prefix="energysim-brief-") as tmp:
            scenarios: list[Any] = [base.scenario]
            if changed(self.levers, values):
                child = Path(tmp) / CHILD_FILE
                child.write_text(self.child_text(values), encoding="utf-8")
                scenarios.append(str(child))
            brief = build_brief(scenarios, samples=self.samples, seed=self.seed, lang=lang)
            path = write_brief(brief, Path(tmp) / "brief.pdf", format="pdf")
            return Path(path).read_bytes()
