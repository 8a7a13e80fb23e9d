"""Display names and display units of result variables, in Chinese and English.

One place for what a reader sees: the briefing charts (:mod:`energysim.briefing.plots`), the
brief (:mod:`energysim.briefing.report`), the target table (:mod:`energysim.analysis.targets`),
the comparison (:mod:`energysim.analysis.compare`) and the loader's messages all take their labels
and unit conversions from here.

* :func:`display_unit` — THE decision of the unit a person sees, and the factor from the
  canonical unit: the report's units (万千瓦, 亿千瓦时, 亿吨, 万吨, 亿立方米, 亿元; English
  labels name the same units, 10⁴ kW, 10⁸ t …), chosen by canonical unit and the size of the
  values (亿吨 or 万吨), never by variable name. Shares (canonical unit ``""``) are shown in %.
  Factors come from :func:`energysim.units.conversion_factor` (never typed by hand);
  :func:`show_value` formats one value with it.
* :func:`var_label` — ``long_name_zh`` / ``long_name`` of a variable, with its unit.
* :func:`category_names` — names of the labels of a category dimension (``tech``, ``sector``,
  ``product``, ``powertrain``, ``water_sector``): Chinese from the sector modules' ``*_ZH``
  tables, English from :data:`CATEGORY_EN`.

Only the standard library and :mod:`energysim.units` are imported here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from energysim.core.sectors import SECTOR_MODULES
from energysim.errors import ScenarioError
from energysim.units import conversion_factor

__all__ = [
    "LANGS",
    "check_lang",
    "display_unit",
    "show_value",
    "magnitude_of",
    "round_sig",
    "var_label",
    "var_name",
    "category_names",
    "CATEGORY_EN",
    "STATUS_TEXT",
]

LANGS = ("zh", "en")

#: The report's units, by canonical unit: candidates (pint unit, zh label, en label), largest
#: first. :func:`display_unit` takes the first in which the typical value shown reaches 1
#: (3.2亿吨, but 5800万吨 rather than 0.58亿吨), so a new output needs no entry of its own:
#: its canonical unit decides. Annual flows are shown without the "/yr" in Chinese, as the
#: report writes them (原煤产量3.2亿吨); English labels name the same units (10⁸ t), so both
#: languages show the same numbers.
REPORT_UNITS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "GW": (("万千瓦", "万千瓦", "10⁴ kW"),),
    "MW": (("万千瓦", "万千瓦", "10⁴ kW"),),
    "GW/yr": (("万千瓦/yr", "万千瓦/年", "10⁴ kW/yr"),),
    "GWh": (("万千瓦时", "万千瓦时", "10⁴ kWh"),),
    "TWh/yr": (("亿千瓦时/yr", "亿千瓦时", "10⁸ kWh"), ("万千瓦时/yr", "万千瓦时", "10⁴ kWh")),
    "TWh": (("亿千瓦时", "亿千瓦时", "10⁸ kWh"), ("万千瓦时", "万千瓦时", "10⁴ kWh")),
    "Mt/yr": (("亿吨/yr", "亿吨", "10⁸ t"), ("万吨/yr", "万吨", "10⁴ t")),
    "kt/yr": (("亿吨/yr", "亿吨", "10⁸ t"), ("万吨/yr", "万吨", "10⁴ t")),
    "Mt": (("亿吨", "亿吨", "10⁸ t"), ("万吨", "万吨", "10⁴ t")),
    "Mtce/yr": (("万吨标准煤/yr", "万吨标准煤", "10⁴ tce"),),
    "Mm3/yr": (("亿立方米/yr", "亿立方米", "10⁸ m³"), ("万立方米/yr", "万立方米", "10⁴ m³")),
    "bnCNY": (("亿元", "亿元", "10⁸ CNY"),),
    "h/yr": (("h/yr", "小时", "h/yr"),),
    "h": (("h", "小时", "h"),),
    "tce/(1e4 CNY)": (("tce/(1e4 CNY)", "吨标准煤/万元", "tce/10⁴ CNY"),),
    "t/(1e4 CNY)": (("t/(1e4 CNY)", "吨/万元", "t/10⁴ CNY"),),
    "yr": (("yr", "年", "yr"),),
}
#: Counts: canonical unit → (zh label, en label); factor 1.
_COUNTS = {
    "vehicle": ("辆", "vehicles"),
    "vehicle/yr": ("辆/年", "vehicles/yr"),
    "station": ("座", "stations"),
}
#: Pure numbers shown as percentages (shares); ``share=False`` keeps a plain number.
_PURE = ("", "1", "dimensionless")

#: English names of category labels (Chinese names come from the sector modules).
CATEGORY_EN = {
    "tech": {"coal": "Coal power", "wind": "Wind", "solar": "Solar PV"},
    "powertrain": {"diesel": "Diesel", "bev": "Battery-electric", "fcev": "Fuel-cell"},
    "product": {
        "olefins": "Olefins",
        "coal_to_liquids": "Coal-to-liquids",
        "coal_to_gas": "Coal-to-gas (SNG)",
        "ethylene_glycol": "Ethylene glycol",
        "aromatics": "Aromatics",
    },
    "sector": {
        "power": "Power",
        "chemicals": "Coal chemicals",
        "mining": "Coal mining",
        "transport": "Transport",
        "hydrogen": "Grey hydrogen",
        "other": "Other industry & buildings",
    },
    "water_sector": {
        "municipal": "Municipal",
        "agriculture": "Agriculture",
        "industry_other": "Other industry",
        "power": "Coal power",
        "mining": "Coal mining",
        "electrolysis": "Electrolysis",
        "chemicals": "Coal chemicals",
    },
}

#: Traffic-light status → (zh, en, symbol, colour).
STATUS_TEXT = {
    "met": ("达标", "met", "🟢", "#2e9d49"),
    "at_risk": ("有风险", "at risk", "🟡", "#f2b01e"),
    "missed": ("未达标", "missed", "🔴", "#d7301f"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``, else raise ScenarioError."""
    if lang not in LANGS:
        raise ScenarioError(f"unknown language (expected zh or en, got {lang!r})", key="lang")
    return lang


def display_unit(
    canonical: str,
    lang: str = "zh",
    var: str | None = None,
    *,
    magnitude: float | None = None,
    share: bool = True,
) -> tuple[float, str]:
    """The unit a value is shown in to a person, and the factor from its canonical unit.

    The one decision of display units: every table, workbook, CSV, diff, listing, brief and
    chart takes its unit from here. Values stay in canonical units in NetCDF files and in the
    API; people see the report's units (万千瓦, 亿千瓦时, 亿吨, 万吨, 亿元, 亿立方米, %).

    Parameters
    ----------
    canonical : str
        Canonical unit (a variable's ``units`` attribute, a parameter's catalogue unit), e.g.
        ``"GW"``, ``"Mt/yr"``.
    lang : {"zh", "en"}
        Language of the label only: the unit (and so every number) is the same in both.
    var : str, optional
        Unused; kept so that older calls ``display_unit(unit, lang, name)`` keep working.
    magnitude : float, optional
        The typical size of the values shown (:func:`magnitude_of`), in the canonical unit;
        picks between a unit and its smaller sibling (亿吨 / 万吨, 亿立方米 / 万立方米): the
        largest in which it reaches 1. Default: the largest unit.
    share : bool
        Whether a pure number is a share (shown in %; default) or a plain number (factor 1).

    Returns
    -------
    factor : float
        Multiply canonical values by it.
    label : str
        The unit as shown (``"万千瓦"``, ``"%"``, ``"10⁴ kW"`` …; ``""`` for a plain number).
    """
    check_lang(lang)
    unit = (canonical or "").strip()
    if unit in _PURE:
        return (100.0, "%") if share else (1.0, "")
    if unit in _COUNTS:
        zh, en = _COUNTS[unit]
        return 1.0, zh if lang == "zh" else en
    candidates = REPORT_UNITS.get(unit)
    if not candidates:
        return 1.0, pretty_unit(unit)
    chosen = candidates[0]
    if magnitude is not None and np_isfinite(magnitude) and magnitude != 0:
        for cand in candidates:
            chosen = cand
            if abs(magnitude) * _factor(unit, cand[0]) >= 1.0:
                break
    target, zh, en = chosen
    return _factor(unit, target), zh if lang == "zh" else en


def np_isfinite(x: float) -> bool:
    """``math.isfinite`` that accepts numpy scalars."""
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def magnitude_of(values) -> float | None:
    """The typical size of ``values`` for choosing a display unit: the median of the finite
    non-zero absolute values (None when there is none). A median, not the maximum, so that a
    path that is mostly below 1亿吨 is shown in 万吨 (CO2: 5800万吨), one mostly above in 亿吨
    (raw coal: 3.2亿吨)."""
    a = np.abs(np.asarray(values, dtype=np.float64)).ravel()
    a = a[np.isfinite(a) & (a > 0)]
    return float(np.median(a)) if a.size else None


def pretty_unit(unit: str) -> str:
    """A canonical unit as people write it: ``m3`` → ``m³``, ``1/yr`` → ``/yr``."""
    return unit.replace("m3", "m³").replace("1/yr", "/yr") if unit else unit


def show_value(value: float, canonical: str, lang: str = "zh", *, share: bool = True,
               digits: int = 3, magnitude: float | None = None) -> str:
    """One canonical value as people read it: ``"470 万千瓦"``, ``"15%"``, ``"3.2 亿吨"``.

    Parameters
    ----------
    value : float
        In the canonical unit.
    canonical : str
    lang : {"zh", "en"}
    share : bool
        See :func:`display_unit`.
    digits : int
        Significant digits.
    magnitude : float, optional
        Size that chooses the unit (default: ``value`` itself; give the value's when showing
        a tolerance).
    """
    size = value if magnitude is None else magnitude
    factor, label = display_unit(canonical, lang, magnitude=size, share=share)
    text = round_sig(value * factor, digits)
    if label == "%":
        return f"{text}%"
    return f"{text} {label}" if label else text


def round_sig(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, without exponent for everyday sizes."""
    if not np_isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(digits - 1 - mag, 0)
    if abs(x) >= 1e9 or abs(x) < 1e-4:
        return f"{x:.{digits}g}"
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.lru_cache(maxsize=256)
def _factor(src: str, dst: str) -> float:
    return conversion_factor(src, dst)


def var_name(attrs, lang: str = "zh", fallback: str = "") -> str:
    """A variable's long name in ``lang`` (``long_name_zh`` / ``long_name``)."""
    check_lang(lang)
    key = "long_name_zh" if lang == "zh" else "long_name"
    return str(attrs.get(key) or attrs.get("long_name") or fallback)


def var_label(da, lang: str = "zh") -> str:
    """Axis label ``"name [unit]"`` of a DataArray, in the display unit of ``lang``."""
    _, unit = display_unit(da.attrs.get("units", ""), lang, magnitude=magnitude_of(da.values))
    name = var_name(da.attrs, lang, str(da.name))
    return f"{name} [{unit}]" if unit else name


@functools.lru_cache(maxsize=1)
def _zh_tables() -> tuple[dict[str, str], ...]:
    """Every ``*_ZH`` label table of the sector modules."""
    tables = []
    for m in SECTOR_MODULES:
        for name in dir(m):
            value = getattr(m, name)
            if name.endswith("_ZH") and isinstance(value, dict):
                tables.append(dict(value))
    return tuple(tables)


def category_names(dim: str, labels: Iterable[str], lang: str = "zh") -> list[str]:
    """Reader names of category labels.

    Parameters
    ----------
    dim : str
        The category dimension (``tech``, ``sector``, ``water_sector`` …).
    labels : iterable of str
        Its coordinate labels.
    lang : {"zh", "en"}

    Returns
    -------
    list of str
        One name per label; the label itself where no name is known.
    """
    check_lang(lang)
    labels = [str(x) for x in labels]
    if lang == "en":
        table = CATEGORY_EN.get(dim, {})
        return [table.get(x, x.replace("_", " ").capitalize()) for x in labels]
    want = set(labels)
    preferred = _preferred_zh(dim)
    for table in ([preferred] if preferred else []) + list(_zh_tables()):
        if want <= set(table):
            return [table[x] for x in labels]
    return labels


def _preferred_zh(dim: str) -> dict[str, str] | None:
    """The ``*_ZH`` table that belongs to ``dim`` (by the label set of its English table)."""
    en = CATEGORY_EN.get(dim)
    if not en:
        return None
    for table in _zh_tables():
        if set(table) == set(en):
            return table
    return None


def join_names(names: Sequence[str], lang: str) -> str:
    """``"风电+光伏"`` / ``"Wind + Solar PV"``."""
    return ("+" if lang == "zh" else " + ").join(names)


def scenario_label(s, lang: str) -> str:
    """A scenario's short name for readers: its title in ``lang`` up to the first colon
    (``基准情景:落实…`` → ``基准情景``; ``Accelerated transition: …`` → ``Accelerated
    transition``), the other language's title, or its name."""
    for key in ((lang, "zh", "en") if lang == "zh" else (lang, "en", "zh")):
        title = str(s.title.get(key, "") or "").strip()
        if title:
            short = re.split(r"[:：(（]", title, maxsplit=1)[0].strip()
            return short or title
    return s.name
