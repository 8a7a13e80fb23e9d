"""The project register: the banner's named projects, their sizes, planned dates and timing priors.

Data: ``energysim/data/projects/register.yaml`` (documented in ``docs/projects.md``). Each
project names the catalogue parameter it adds to, its size (report units, converted to the
parameter's canonical unit), its planned commissioning year and month, and the report's verb,
which selects a *timing prior*: the probabilities that the project starts operating 0, 1, 2 …
years after its planned year, or never.

Two kinds of parameters take projects:

* **flows** (``power.coal.add`` [GW/yr] …): the size is added in the commissioning year only;
* **stocks** (``chemicals.*.capacity``, ``coal.mine_capacity`` [Mt/yr]): the size is added
  from the commissioning year on.

A project's *first-year operating fraction* [fraction of the year] is ``(12.5 − month) / 12``
(commissioning in the middle of ``month``); when the month is unknown, or the project is late (a
delayed project's month is not known), it takes the scenario's own first-year fraction of that
year (the catalogue default is 0.5, mid-year).

Pure functions of arrays; no randomness here: the compiler passes the uniforms
(:mod:`energysim.scenario.compile`, which draws them with the per-sample streams of
:mod:`energysim.scenario.uncertainty`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from energysim.core.model.kernels import use_compiled
from energysim.core.model.stocks import running_total
from energysim.errors import ScenarioError, display_path
from energysim.scenario.spec import resolve_catalogue
from energysim.scenario.yamlio import read_yaml
from energysim.units import parse_quantity

#: The bundled register.
REGISTER_FILE = Path(__file__).resolve().parents[1] / "data" / "projects" / "register.yaml"
#: Sentinel delay of a project that never operates (within the horizon) [yr].
NEVER = -1
#: First-year operating fraction when the month is unknown (mid-year) [fraction of the year].
DEFAULT_FIRST_YEAR_FRACTION = 0.5
#: Parameters whose projects are flows (added in one year) → their first-year-fraction parameter.
FLOW_FRACTIONS = {
    "power.coal.add": "power.coal.first_year_fraction",
    "power.wind.add": "power.wind.first_year_fraction",
    "power.solar.add": "power.solar.first_year_fraction",
    "storage.power_add": "storage.first_year_fraction",
    "hydrogen.electrolyser.add": "hydrogen.electrolyser.first_year_fraction",
}
#: Stock parameters that take projects → their first-year-fraction parameter (None: no fraction).
STOCK_FRACTIONS = {
    **{
        f"chemicals.{p}.capacity": f"chemicals.{p}.first_year_fraction"
        for p in ("olefins", "coal_to_liquids", "coal_to_gas", "ethylene_glycol", "aromatics")
    },
    "coal.mine_capacity": None,
}
PROJECT_TYPES = (
    "coal_power", "coal_mine", "wind", "solar", "wind_solar", "electrolyser", "hydrogen",
    "coal_chemical", "fine_chemical", "manufacturing", "trucks", "stations",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PROJECT_KEYS = (
    "id", "name", "type", "parameter", "not_modelled", "size", "size_source", "location", "owner",
    "planned", "planned_source", "verb", "verb_text", "report_year", "sentence", "record",
)


@dataclass(frozen=True)
class Prior:
    """Timing prior of a verb: a discrete distribution of the delay [whole years].

    Attributes
    ----------
    verb : str
    delays : tuple of int
        Possible delays [yr] (0 = the planned year), then :data:`NEVER`.
    probs : tuple of float
        Their probabilities (sum 1).
    en : str
        What the verb commits to.
    """

    verb: str
    delays: tuple[int, ...]
    probs: tuple[float, ...]
    en: str = ""

    @property
    def p_on_time(self) -> float:
        """P(operating in the planned year)."""
        return dict(zip(self.delays, self.probs, strict=True)).get(0, 0.0)

    @property
    def p_never(self) -> float:
        return dict(zip(self.delays, self.probs, strict=True)).get(NEVER, 0.0)

    @property
    def degenerate(self) -> bool:
        """True when one outcome has probability 1 (nothing to sample)."""
        return max(self.probs) >= 1.0

    @property
    def mode(self) -> int:
        """The most likely delay [yr] (ties: the earliest; may be :data:`NEVER`)."""
        return self.delays[int(np.argmax(self.probs))]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Delays for uniforms ``u`` in [0, 1) (inverse CDF), int64, same shape.

        Outcomes are ordered as listed (0, 1, 2 …, then never), so a larger ``u`` is never an
        earlier commissioning: the map is monotone, as a stratified design needs.
        """
        cum = np.cumsum(self.probs)
        cum[-1] = 1.0
        idx = np.searchsorted(cum, np.asarray(u, dtype=np.float64), side="right")
        return np.asarray(self.delays, dtype=np.int64)[np.clip(idx, 0, len(self.delays) - 1)]


@dataclass(frozen=True)
class Project:
    """One named project of the register.

    Attributes
    ----------
    id : str
    name : mapping
        ``{"zh": …, "en": …}``.
    type : str
    parameter : str or None
        Catalogue path it adds to; ``None`` when not modelled (see ``not_modelled``).
    size : float or None
        Size in the parameter's canonical unit (GW/yr for a flow, Mt/yr for a stock).
    size_text : str or None
        The size as written (report units).
    planned_year, planned_month : int or None
    verb : str
        Key of its :class:`Prior`.
    sentence : str
        The report's exact sentence.
    info : mapping
        The other fields as written (sources, record, location …).
    line : int
        Line of the project in the register.
    """

    id: str
    name: Mapping[str, str]
    type: str
    parameter: str | None
    size: float | None
    size_text: str | None
    planned_year: int | None
    planned_month: int | None
    verb: str
    sentence: str
    info: Mapping[str, Any] = field(default_factory=dict, repr=False)
    line: int = 0

    @property
    def modelled(self) -> bool:
        return self.parameter is not None

    @property
    def is_flow(self) -> bool:
        return self.parameter in FLOW_FRACTIONS

    @property
    def first_year_fraction(self) -> float:
        """Operating fraction of the commissioning year if on time [fraction of the year]."""
        return first_year_fraction(self.planned_month)


@dataclass(frozen=True)
class Register:
    """The register: projects by id (file order) and priors by verb."""

    projects: Mapping[str, Project]
    priors: Mapping[str, Prior]
    file: str

    @property
    def modelled(self) -> tuple[str, ...]:
        """Ids of the projects that have a model parameter, in file order."""
        return tuple(i for i, p in self.projects.items() if p.modelled)

    def prior(self, project_id: str) -> Prior:
        return self.priors[self.projects[project_id].verb]


def first_year_fraction(month: int | None) -> float:
    """Fraction of the commissioning year a project operates [fraction of the year].

    Commissioning in the middle of ``month`` (1–12) leaves ``(12.5 − month) / 12`` of the year;
    an unknown month gives :data:`DEFAULT_FIRST_YEAR_FRACTION` (mid-year, 0.5).
    """
    if month is None:
        return DEFAULT_FIRST_YEAR_FRACTION
    return (12.5 - month) / 12.0


# -- loading ------------------------------------------------------------------------------------
def load_register(path: str | Path | None = None, *, catalogue: Mapping | None = None) -> Register:
    """Read and validate a register file (default: the bundled one, cached).

    Raises
    ------
    ScenarioError
        One line ``file:line: key: what (expected …, got …)`` for any invalid entry.
    """
    if path is None and catalogue is None:
        return _bundled()
    return _load(Path(path or REGISTER_FILE), catalogue)


@functools.lru_cache(maxsize=1)
def _bundled() -> Register:
    return _load(REGISTER_FILE, None)


def _load(path: Path, catalogue: Mapping | None) -> Register:
    cat = resolve_catalogue(catalogue)
    display = display_path(path)
    root = read_yaml(path, display=display)

    def fail(msg: str, line: int | None, key: str) -> ScenarioError:
        return ScenarioError(msg, file=display, line=line, key=key)

    if not root.is_map or "priors" not in root.value or "projects" not in root.value:
        raise fail("a register is a mapping (expected keys priors and projects, got "
                   f"{sorted(root.value) if root.is_map else type(root.value).__name__})",
                   root.line, "register")
    priors = {verb: _prior(verb, node, fail) for verb, node in root.value["priors"].value.items()}
    projects: dict[str, Project] = {}
    items = root.value["projects"]
    if not items.is_seq:
        raise fail("projects must be a list (expected a list of projects, got "
                   f"{type(items.value).__name__})", items.line, "projects")
    for item in items.value:
        p = _project(item, priors, cat, fail)
        if p.id in projects:
            raise fail(f"duplicate project id (expected each id once, got {p.id!r} twice)",
                       item.line, f"projects.{p.id}")
        projects[p.id] = p
    return Register(projects=projects, priors=priors, file=display)


def _prior(verb: str, node, fail) -> Prior:
    key = f"priors.{verb}"
    if not node.is_map or "delay" not in node.value or not node.value["delay"].is_map:
        raise fail("a prior needs delay: {years: probability} and never (expected a mapping, "
                   f"got {node.plain()!r})", node.line, key)
    delays, probs = [], []
    for d, pnode in node.value["delay"].value.items():
        if isinstance(d, bool) or not isinstance(d, int) or d < 0:
            raise fail(f"delay must be whole years ≥ 0 (expected an integer, got {d!r})",
                       pnode.line, f"{key}.delay")
        delays.append(d)
        probs.append(pnode.value)
    never = node.value["never"].value if "never" in node.value else 0.0
    delays.append(NEVER)
    probs.append(never)
    for p in probs:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise fail(f"probability out of range (expected 0 ≤ p ≤ 1, got {p!r})",
                       node.line, key)
    if abs(sum(probs) - 1.0) > 1e-9:
        raise fail(f"probabilities do not sum to 1 (expected 1, got {sum(probs):.6g})",
                   node.line, key)
    en = node.value["en"].value if "en" in node.value else ""
    return Prior(verb, tuple(delays), tuple(float(p) for p in probs), str(en))


def _project(item, priors: Mapping[str, Prior], cat: Mapping, fail) -> Project:
    if not item.is_map:
        raise fail(f"a project is a mapping (expected keys id, type, … got {item.plain()!r})",
                   item.line, "projects")
    v = item.value
    pid = v["id"].value if "id" in v else None
    if not isinstance(pid, str) or not _ID.match(pid):
        raise fail(f"invalid project id (expected lower-case letters, digits and '-', got "
                   f"{pid!r})", item.line, "projects.id")
    key = f"projects.{pid}"
    for k in v:
        if k not in _PROJECT_KEYS:
            raise fail(f"unknown key (expected one of {', '.join(_PROJECT_KEYS)}, got {k!r})",
                       item.key_lines[k], key)
    for k in ("name", "type", "parameter", "verb", "planned", "sentence", "size"):
        if k not in v:
            raise fail(f"missing key (expected {k})", item.line, key)
    typ = v["type"].value
    if typ not in PROJECT_TYPES:
        raise fail(f"unknown type (expected one of {', '.join(PROJECT_TYPES)}, got {typ!r})",
                   v["type"].line, f"{key}.type")
    verb = v["verb"].value
    if verb not in priors:
        raise fail(f"unknown verb (expected one of {', '.join(priors)}, got {verb!r})",
                   v["verb"].line, f"{key}.verb")
    planned = v["planned"]
    year = planned.value.get("year").value if planned.is_map and "year" in planned.value else None
    month = (planned.value.get("month").value if planned.is_map and "month" in planned.value
             else None)
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                             or not 1950 <= year <= 2100):
        raise fail(f"invalid planned year (expected an integer year, got {year!r})",
                   planned.line, f"{key}.planned.year")
    if month is not None and (isinstance(month, bool) or not isinstance(month, int)
                              or not 1 <= month <= 12):
        raise fail(f"invalid planned month (expected 1–12 or null, got {month!r})",
                   planned.line, f"{key}.planned.month")
    param = v["parameter"].value
    size_text = v["size"].value
    size = None
    if param is None:
        if "not_modelled" not in v:
            raise fail("a project without a parameter says why (expected not_modelled: …)",
                       item.line, key)
    else:
        if param not in FLOW_FRACTIONS and param not in STOCK_FRACTIONS:
            allowed = ", ".join([*FLOW_FRACTIONS, *STOCK_FRACTIONS])
            raise fail(f"parameter does not take projects (expected one of {allowed}, got "
                       f"{param!r})", v["parameter"].line, f"{key}.parameter")
        if param not in cat:
            raise fail(f"unknown parameter (expected a catalogue path, got {param!r})",
                       v["parameter"].line, f"{key}.parameter")
        if year is None:
            raise fail("a modelled project needs a planned year (expected planned: {year: …}, "
                       "got none)", planned.line, f"{key}.planned.year")
        size = parse_quantity(size_text, expected_unit=cat[param].unit, key=f"{key}.size",
                              file=fail("", None, "").file, line=v["size"].line)
        if not size > 0:
            raise fail(f"size must be positive (expected > 0, got {size_text!r})",
                       v["size"].line, f"{key}.size")
    name = v["name"].plain()
    info = {k: n.plain() for k, n in v.items() if k not in ("id", "name", "type", "parameter",
                                                           "size", "verb", "sentence")}
    return Project(
        id=pid, name=name if isinstance(name, dict) else {"en": str(name)}, type=typ,
        parameter=param, size=size, size_text=None if size_text is None else str(size_text),
        planned_year=year, planned_month=month, verb=verb, sentence=str(v["sentence"].value),
        info=info, line=item.line,
    )


# -- compiling ----------------------------------------------------------------------------------
def commissioning_index(project: Project, delay: np.ndarray, base_year: int) -> np.ndarray:
    """Model-year index of commissioning for each delay (−1: never), int64, shape of ``delay``."""
    delay = np.asarray(delay, dtype=np.int64)
    idx = project.planned_year + delay - base_year
    return np.where(delay == NEVER, -1, idx)


def project_arrays(
    projects: Sequence[Project],
    delays: np.ndarray,
    base: Mapping[str, np.ndarray],
    fractions: Mapping[str, np.ndarray],
    n_years: int,
    base_year: int,
) -> dict[str, np.ndarray]:
    """Parameter arrays with the projects added, and the first-year fractions that follow.

    Parameters
    ----------
    projects : sequence of Project
        Modelled projects (``parameter`` set), in column order of ``delays``.
    delays : ndarray of int64, shape (m, len(projects))
        Delay of each project per row [yr]; :data:`NEVER` = never. ``m`` is the number of samples
        (or 1 when every row is the same).
    base : mapping of path to ndarray, shape (1 | m, n_years)
        The scenario's generic arrays of every affected parameter (canonical units).
    fractions : mapping of path to ndarray, shape (1 | m, n_years)
        The scenario's first-year fractions [fraction] of every affected flow or stock whose
        fraction parameter is in the catalogue, keyed by the FRACTION parameter's path. They
        apply to the generic additions and to projects without a known month (or late ones).
    n_years : int
    base_year : int

    Returns
    -------
    dict of path to ndarray, shape (m | 1, n_years)
        The affected parameters (generic + projects) and their first-year fractions:
        ``(g · f_g + Σ s_p · f_p) / (g + Σ s_p)`` with ``g`` the generic additions of the year
        (for a stock: its increase over the previous year, ≥ 0), ``s_p`` the projects
        commissioned that year and ``f_p`` their fraction (from the month if on time and known,
        else the scenario's fraction of that year); the scenario's fraction where nothing is
        added.
    """
    # Built year-major, (n_years, m), and returned as transposes (Fortran-ordered (m, n_years)):
    # the engine reads parameters year-major without a copy.
    delays = np.atleast_2d(np.asarray(delays, dtype=np.int64))
    m = delays.shape[0]
    out: dict[str, np.ndarray] = {}
    rows = np.arange(m)
    for path in dict.fromkeys(p.parameter for p in projects):
        mine = [(j, p) for j, p in enumerate(projects) if p.parameter == path]
        is_flow = path in FLOW_FRACTIONS
        fpath = FLOW_FRACTIONS.get(path) if is_flow else STOCK_FRACTIONS.get(path)
        fg = None if fpath is None or fpath not in fractions else np.asarray(fractions[fpath])
        # a project without a month takes the scenario's fraction of its year: when no project
        # has a month, the weighted mean is the scenario's fraction (exact, the common case)
        weigh = fg is not None and any(p.planned_month is not None for _, p in mine)
        fgt = None if fg is None else fg.T  # (n_years, 1 | m)
        g = np.asarray(base[path], dtype=np.float64).T  # (n_years, 1 | m)
        if use_compiled(m) and g.shape[1] <= m:  # ensembles: the loop below, compiled
            # lazy: numba loads only for ensembles (a single run keeps its start-up time)
            from energysim.scenario import project_kernel

            add, frac = project_kernel.path_arrays(mine, delays, g, fgt, is_flow, n_years,
                                                   base_year, NEVER)
            if frac is not None:
                out[fpath] = frac.T
            out[path] = add.T
            continue
        add = np.zeros((n_years, m))  # project additions commissioned in each year
        wsum = np.zeros((n_years, m)) if weigh else None  # Σ s_p · f_p
        for j, p in mine:
            idx = commissioning_index(p, delays[:, j], base_year)
            ok = (idx >= 0) & (idx < n_years)
            # one year per project and row: plain fancy-index accumulation is exact here
            add[idx[ok], rows[ok]] += p.size
            if weigh:
                r, y = rows[ok], idx[ok]
                f = fgt[y, r if fgt.shape[1] > 1 else 0]  # the scenario's fraction of that year
                if p.planned_month is not None:  # on time: from the month; late: unknown month
                    f = np.where(delays[ok, j] == 0, p.first_year_fraction, f)
                wsum[y, r] += p.size * f
        if weigh:
            if is_flow:
                generic = np.maximum(g, 0.0)
            else:
                generic = np.zeros_like(g)
                generic[1:] = np.maximum(np.diff(g, axis=0), 0.0)
            denom = generic + add
            num = generic * fgt + wsum
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = np.where(denom > 0, num / np.where(denom > 0, denom, 1.0), fgt)
            out[fpath] = frac.T
        if not is_flow:
            running_total(add, out=add)
        if g.shape[1] <= add.shape[1]:
            add += g
            out[path] = add.T
        else:  # per-sample generic series (a multiplier), the same projects in every row
            out[path] = (g + add).T
    return out
