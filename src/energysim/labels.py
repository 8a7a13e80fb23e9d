"""Display names and display units of result variables, in Chinese and English.

One place for what a reader sees: the briefing charts (:mod:`energysim.plots`), the brief
(:mod:`energysim.report`), the target table (:mod:`energysim.targets`) and the comparison
(:mod:`energysim.compare`) all take their labels and unit conversions from here.

* :func:`display_unit` — the unit a variable is shown in and the factor from its canonical unit.
  Chinese uses the report's units (万千瓦, 亿千瓦时, 亿吨, 万吨, 亿立方米, 亿元); English keeps
  the canonical units (GW, TWh, Mt …). Shares (canonical unit ``""``) are shown in %. Factors
  come from :func:`energysim.units.conversion_factor` (never typed by hand).
* :func:`var_label` — ``long_name_zh`` / ``long_name`` of a variable, with its unit.
* :func:`category_names` — names of the labels of a category dimension (``tech``, ``sector``,
  ``product``, ``powertrain``, ``water_sector``): Chinese from the sector modules' ``*_ZH``
  tables, English from :data:`CATEGORY_EN`.

Only the standard library and :mod:`energysim.units` are imported here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

__all__ = [
    "LANGS",
    "check_lang",
    "display_unit",
    "var_label",
    "var_name",
    "category_names",
    "CATEGORY_EN",
    "STATUS_TEXT",
]

LANGS = ("zh", "en")

#: Canonical unit → (zh pint unit, zh label, en pint unit, en label). Annual flows are shown
#: without the "/yr" in Chinese, as the report writes them (原煤产量3.2亿吨).
_UNITS: dict[str, tuple[str, str, str, str]] = {
    "GW": ("万千瓦", "万千瓦", "GW", "GW"),
    "GW/yr": ("万千瓦/yr", "万千瓦/年", "GW/yr", "GW/yr"),
    "GWh": ("万千瓦时", "万千瓦时", "GWh", "GWh"),
    "TWh/yr": ("亿千瓦时/yr", "亿千瓦时", "TWh/yr", "TWh/yr"),
    "Mt/yr": ("亿吨/yr", "亿吨", "Mt/yr", "Mt/yr"),
    "kt/yr": ("万吨/yr", "万吨", "kt/yr", "kt/yr"),
    "Mtce/yr": ("万吨标准煤/yr", "万吨标准煤", "Mtce/yr", "Mtce/yr"),
    "Mm3/yr": ("亿立方米/yr", "亿立方米", "Mm3/yr", "million m³/yr"),
    "bnCNY": ("亿元", "亿元", "bnCNY", "bn CNY"),
    "h/yr": ("h/yr", "小时", "h/yr", "h/yr"),
    "tce/(1e4 CNY)": ("tce/(1e4 CNY)", "吨标准煤/万元", "tce/(1e4 CNY)", "tce/10⁴ CNY"),
    "t/(1e4 CNY)": ("t/(1e4 CNY)", "吨/万元", "t/(1e4 CNY)", "t/10⁴ CNY"),
    "yr": ("yr", "年", "yr", "year"),
}
#: Counts: canonical unit → (zh label, en label); factor 1.
_COUNTS = {
    "vehicle": ("辆", "vehicles"),
    "vehicle/yr": ("辆/年", "vehicles/yr"),
    "station": ("座", "stations"),
}
#: Variables shown in another unit than their canonical unit's default (zh only):
#: coal-chemical output in 万吨 (the report's "千万吨级"), not 亿吨.
_VAR_UNITS_ZH = {
    "chem_output": ("万吨/yr", "万吨"),
    "chem_coal_use": ("万吨/yr", "万吨"),
    "h2_grey_coal_use": ("万吨/yr", "万吨"),
    "coal_other_use": ("万吨/yr", "万吨"),
    "other_industry_coal": ("万吨/yr", "万吨"),
    "buildings_coal": ("万吨/yr", "万吨"),
    "co2": ("万吨/yr", "万吨"),
    "co2_total": ("万吨/yr", "万吨"),
    "chem_co2": ("万吨/yr", "万吨"),
    "h2_grey_co2": ("万吨/yr", "万吨"),
    "co2_captured": ("万吨/yr", "万吨"),
    "chem_co2_avoided": ("万吨/yr", "万吨"),
}

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
        from energysim.errors import ScenarioError

        raise ScenarioError(f"unknown language (expected zh or en, got {lang!r})", key="lang")
    return lang


def display_unit(canonical: str, lang: str = "zh", var: str | None = None) -> tuple[float, str]:
    """The unit a value is shown in, and the factor from its canonical unit.

    Parameters
    ----------
    canonical : str
        Canonical unit of the variable (its ``units`` attribute), e.g. ``"GW"``, ``"Mt/yr"``.
    lang : {"zh", "en"}
    var : str, optional
        Variable name, for the few variables shown in another unit (chemicals in 万吨).

    Returns
    -------
    factor : float
        Multiply canonical values by it.
    label : str
        The unit as shown (``"万千瓦"``, ``"%"``, ``"Mt/yr"`` …; ``""`` for none).
    """
    check_lang(lang)
    unit = (canonical or "").strip()
    if unit in ("", "1", "dimensionless"):
        return 100.0, "%"
    if unit in _COUNTS:
        zh, en = _COUNTS[unit]
        return 1.0, zh if lang == "zh" else en
    if lang == "zh" and var in _VAR_UNITS_ZH:
        target, label = _VAR_UNITS_ZH[var]
        return _factor(unit, target), label
    if unit in _UNITS:
        zh_u, zh_l, en_u, en_l = _UNITS[unit]
        target, label = (zh_u, zh_l) if lang == "zh" else (en_u, en_l)
        return _factor(unit, target), label
    return 1.0, unit


@functools.lru_cache(maxsize=256)
def _factor(src: str, dst: str) -> float:
    from energysim.units import conversion_factor

    return conversion_factor(src, dst)


def var_name(attrs, lang: str = "zh", fallback: str = "") -> str:
    """A variable's long name in ``lang`` (``long_name_zh`` / ``long_name``)."""
    check_lang(lang)
    key = "long_name_zh" if lang == "zh" else "long_name"
    return str(attrs.get(key) or attrs.get("long_name") or fallback)


def var_label(da, lang: str = "zh") -> str:
    """Axis label ``"name [unit]"`` of a DataArray, in the display unit of ``lang``."""
    _, unit = display_unit(da.attrs.get("units", ""), lang, da.name)
    name = var_name(da.attrs, lang, str(da.name))
    return f"{name} [{unit}]" if unit else name


@functools.lru_cache(maxsize=1)
def _zh_tables() -> tuple[dict[str, str], ...]:
    """Every ``*_ZH`` label table of the sector modules."""
    from energysim.catalogue.entries import SECTOR_MODULES

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
