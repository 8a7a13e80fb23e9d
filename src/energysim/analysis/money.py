"""Money in the reports: investment and system-cost lines, comparisons, abatement costs (issue 16).

The cost outputs themselves come from :mod:`energysim.core.model.costs` (in the engine). This module
turns results into what a reader asks for:

* :func:`run_lines` — the lines ``energysim run`` prints (investment, system cost, LCOE, LCOH);
* :func:`money_table` — per scenario: cumulative investment 2023–2030 and 2023–2060 and the
  annual system-cost difference against the reference scenario (``energysim compare``);
* :func:`abatement_costs` — the average abatement cost of each lever of the wedge
  decomposition [CNY/tCO2]: the lever's discounted system-cost contribution over its discounted
  CO2 reduction, both summed over the years after the base year
  (``AAC_i = Σ_t δ_t ΔS_i[t] / Σ_t δ_t (−ΔCO2_i[t])``, ``δ_t = (1 + r)^−(t − t₀)``);
* :func:`comparison_abatement` — the abatement costs of every scenario that extends a parent.

The charts (MAC curve, investment, levelised costs) and the brief's money page are drawn by
:mod:`energysim.briefing.money_pages`.

Money is shown in 亿元 (zh; "10⁸ CNY" in English: the same unit, :func:`money_unit`), in real
yuan of ``energysim.units.CURRENCY_YEAR``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from energysim.analysis.compare import central_params
from energysim.analysis.wedges import decompose, lever_name, parent_of
from energysim.scenario import load_scenario
from energysim.text.labels import category_names, check_lang, display_unit
from energysim.text.tables import year_blocks
from energysim.units import CURRENCY_YEAR

#: The cumulative-investment windows of the comparison (inclusive years).
WINDOWS = ((2023, 2030), (2023, 2060))
#: Years of the annual cost difference.
DIFF_YEARS = (2030, 2060)


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def money_unit(lang: str) -> tuple[float, str]:
    """Factor from bnCNY and the label of money: ``(10, "亿元")`` or ``(10, "10⁸ CNY")`` — the
    report's unit, decided by :func:`energysim.text.labels.display_unit` like every other unit."""
    check_lang(lang)
    return display_unit("bnCNY", lang)


def central_value(da):
    """Central value of an output: the sample median (the value itself for one sample); for a
    streamed summary (``stat`` dimension) the mean, so that sums over years stay exact."""
    if "stat" in da.dims:
        return da.sel(stat="mean")
    return da.median("sample") if "sample" in da.dims and da.sizes["sample"] > 1 else (
        da.isel(sample=0) if "sample" in da.dims else da
    )


def _band(da, f: float, fmt: str) -> str:
    """`` [p5–p95]`` of an output over the samples of an ensemble (scaled by ``f``, formatted
    with ``fmt``), as the indicator table shows it; empty for one sample or a summary."""
    if "sample" not in da.dims or da.sizes["sample"] < 2:
        return ""
    lo, hi = (float(da.quantile(q, dim="sample")) * f for q in (0.05, 0.95))
    return f" [{lo:{fmt}}–{hi:{fmt}}]"


def _window(ds, start: int, end: int) -> tuple[int, int]:
    years = [int(y) for y in ds["year"].values]
    return max(start, years[0]), min(end, years[-1])


def cumulative(ds, name: str, start: int, end: int):
    """Sum of an annual output over ``start … end`` (inclusive, clipped to the run) per sample.

    Returns
    -------
    xarray.DataArray
        Dimensions of the output without ``year`` [canonical unit × yr].
    """
    a, b = _window(ds, start, end)
    return ds[name].sel(year=slice(a, b)).sum("year")


def run_lines(ds, lang: str = "zh") -> list[str]:
    """Lines ``energysim run`` prints after the indicator table: money of the run.

    Cumulative investment 2023–2030 and 2023–2060 with its three largest assets, the system
    cost, LCOE and LCOH in 2030 and in the last year (central values: sample medians; an
    ensemble's investment totals and system costs also carry their p5–p95 band).
    """
    f, unit = money_unit(lang)
    lines = []
    done = set()
    for start, end in WINDOWS:
        a, b = _window(ds, start, end)
        if a > b or (a, b) in done:  # a run ending in 2030 has one window
            continue
        done.add((a, b))
        per_sample = cumulative(ds, "investment", a, b)
        by_asset = central_value(per_sample) * f
        total = float(by_asset.sum())
        band = _band(per_sample.sum("asset"), f, ",.0f")
        assets = [str(x) for x in by_asset["asset"].values]
        names = category_names("asset", assets, lang)
        order = np.argsort(-by_asset.values)[:3]
        top = ", ".join(f"{names[i]} {float(by_asset.values[i]):,.0f}" for i in order)
        lines.append(_t(lang, f"累计投资 {a}–{b}: {total:,.0f}{band} {unit}(其中 {top})",
                        f"investment {a}–{b}: {total:,.0f}{band} {unit} (of which {top})"))
    years = [int(y) for y in ds["year"].values]
    show = [y for y in (2030, years[-1]) if y in years]
    show = sorted(set(show))
    parts = []
    for y in show:
        cost = ds["system_cost"].sel(year=y)
        v = float(central_value(cost)) * f
        parts.append(f"{y} {v:,.0f}{_band(cost, f, ',.0f')}")
    lines.append(_t(lang, f"能源供应系统净成本: {'; '.join(parts)} {unit}/年"
                    f"({CURRENCY_YEAR}年价格)",
                    f"system cost of energy supply: {'; '.join(parts)} {unit}/yr "
                    f"({CURRENCY_YEAR} prices)"))
    for y in show:
        lc = central_value(ds["lcoe"].sel(year=y))
        lh = central_value(ds["lcoh"].sel(year=y))
        techs = category_names("tech", [str(x) for x in lc["tech"].values], lang)
        routes = category_names("route", [str(x) for x in lh["route"].values], lang)
        e = ", ".join(f"{n} {float(v):.3f}" for n, v in zip(techs, lc.values, strict=True))
        h = ", ".join(f"{n} {float(v):.1f}" for n, v in zip(routes, lh.values, strict=True))
        lines.append(_t(lang, f"{y} 平准化度电成本(元/千瓦时): {e}; 氢(元/千克): {h}",
                        f"{y} LCOE [CNY/kWh]: {e}; LCOH [CNY/kg]: {h}"))
    return lines


def money_table(datasets: Mapping[str, Any], lang: str = "zh"):
    """Cumulative investment and annual cost difference of each scenario against the first.

    Parameters
    ----------
    datasets : mapping of str to xarray.Dataset
        Scenario name → results; the first is the reference.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        Index: scenario; columns: cumulative investment over each of :data:`WINDOWS`, the system
        cost in :data:`DIFF_YEARS` and its difference from the reference, in 亿元 (10⁸ CNY)
        (central values).
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    f, unit = money_unit(lang)
    names = list(datasets)
    ref = datasets[names[0]]
    rows = []
    for name in names:
        ds = datasets[name]
        row: dict[str, Any] = {}
        for start, end in WINDOWS:
            a, b = _window(ds, start, end)
            label = _t(lang, f"累计投资{a}–{b}", f"investment {a}–{b}")
            row[label] = float(central_value(cumulative(ds, "investment_total", a, b))) * f
        for y in DIFF_YEARS:
            if y not in set(int(v) for v in ds["year"].values):
                continue
            cost = float(central_value(ds["system_cost"].sel(year=y))) * f
            ref_cost = float(central_value(ref["system_cost"].sel(year=y))) * f
            row[_t(lang, f"{y}年系统成本", f"system cost {y}")] = cost
            row[_t(lang, f"{y}年较参照", f"vs reference {y}")] = cost - ref_cost
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(names, name=_t(lang, "情景", "scenario")))
    table.attrs["unit"] = unit
    return table


def format_money_table(table, lang: str = "zh", *, width: int | None = None) -> str:
    """The money table as text: one line per quantity, one column per scenario, split into
    blocks of scenarios when wider than the terminal (``width``)."""
    unit = table.attrs.get("unit", "")
    head = _t(lang, f"投资与成本({unit},{CURRENCY_YEAR}年价格)",
              f"Investment and cost ({unit}, {CURRENCY_YEAR} prices)")
    names = [str(i) for i in table.index]
    labels, cells = [], []
    for c in table.columns:
        signed = "较参照" in c or "vs reference" in c
        labels.append(str(c))
        cells.append([f"{v:+,.0f}" if signed else f"{v:,.0f}" for v in table[c]])
    return head + "\n" + year_blocks(labels, names, cells, width=width)


# ------------------------------------------------------------------------ abatement costs


@dataclass
class AbatementCosts:
    """Average abatement cost of each lever of a wedge decomposition.

    Attributes
    ----------
    child_name, parent_name : str
    levers : tuple of str
    cost : dict of str to float
        Lever → discounted system-cost change over the horizon [bnCNY] (positive: costs more).
    abated : dict of str to float
        Lever → discounted CO2 avoided over the horizon [Mt] (positive: less CO2).
    aac : dict of str to float
        Lever → average abatement cost [CNY/tCO2] (NaN where the lever avoids no CO2).
    discount_rate : float
    years : tuple of int
        First and last year summed.
    """

    child_name: str
    parent_name: str
    levers: tuple[str, ...]
    cost: dict[str, float]
    abated: dict[str, float]
    aac: dict[str, float]
    discount_rate: float
    years: tuple[int, int]

    def table(self, lang: str = "zh"):
        """Levers sorted by abatement cost (pandas DataFrame, display units)."""
        import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables


        f, unit = money_unit(lang)
        rows = [
            {
                "lever": lv,
                _t(lang, "杠杆", "lever name"): lever_name(lv, lang),
                _t(lang, "减排量(折现,万吨)", "CO2 avoided (discounted, 10⁴ t)"):
                    self.abated[lv] * 100.0,  # Mt → 万吨 (10⁴ t): the report's unit
                _t(lang, f"成本变化(折现,{unit})", f"cost change (discounted, {unit})"):
                    self.cost[lv] * f,
                _t(lang, "平均减排成本(元/吨CO2)", "abatement cost (CNY/tCO2)"): self.aac[lv],
            }
            for lv in self.sorted_levers()
        ]
        return pd.DataFrame(rows).set_index("lever")

    def sorted_levers(self) -> list[str]:
        """Levers that avoid CO2, cheapest first; then the others."""
        good = [lv for lv in self.levers if np.isfinite(self.aac[lv])]
        rest = [lv for lv in self.levers if lv not in good]
        return sorted(good, key=lambda lv: self.aac[lv]) + rest


def abatement_costs(child: Any, parent: Any = None, *, depth: int = 1,
                    start: int | None = None) -> AbatementCosts:
    """Average abatement cost [CNY/tCO2] of each lever separating ``child`` from its parent.

    The contributions of the levers to ``co2_total`` and ``system_cost`` come from
    :func:`energysim.analysis.wedges.decompose` (Shapley values, or one at a time for many
    levers), so they add up to the scenarios' differences. Both are discounted to the base year
    at the parent's central discount rate (``costs.discount_rate``) and summed from ``start``
    (default the year after the base year) to the end.
    """
    c = load_scenario(child)
    p = parent_of(c) if parent is None else load_scenario(parent)
    w = decompose(c, p, outputs=("co2_total", "system_cost"), depth=depth)
    years = np.asarray(w.years)
    first = int(years[0]) + 1 if start is None else int(start)
    pick = years >= first
    r = float(np.asarray(central_params(p)["costs.discount_rate"])[0, 0])
    disc = (1.0 + r) ** -(years - years[0]).astype(float)
    cost, abated, aac = {}, {}, {}
    for lv in w.levers:
        dc = float(np.sum((disc * w.outputs["system_cost"]["contrib"][lv])[pick]))  # bnCNY
        da = float(np.sum((disc * -w.outputs["co2_total"]["contrib"][lv])[pick]))  # Mt
        cost[lv], abated[lv] = dc, da
        # bnCNY / Mt = 1e9 CNY / 1e6 t = 1e3 CNY/t; only levers that avoid CO2 have a cost
        aac[lv] = dc / da * 1e3 if da > 1e-9 else float("nan")
    return AbatementCosts(child_name=w.child_name, parent_name=w.parent_name,
                          levers=tuple(w.levers), cost=cost, abated=abated, aac=aac,
                          discount_rate=r, years=(first, int(years[-1])))


def format_abatement(ac: AbatementCosts, lang: str = "zh") -> str:
    """Abatement costs as text lines."""
    f, unit = money_unit(lang)
    head = _t(lang, f"{ac.child_name} 相对 {ac.parent_name} 的平均减排成本"
                    f"({ac.years[0]}–{ac.years[1]},折现率{ac.discount_rate:.1%}):",
              f"Average abatement cost of {ac.child_name} vs {ac.parent_name} "
              f"({ac.years[0]}–{ac.years[1]}, discounted at {ac.discount_rate:.1%}):")
    lines = [head]
    for lv in ac.sorted_levers():
        cost = ac.aac[lv]
        text = (_t(lang, f"{cost:,.0f} 元/吨CO2", f"{cost:,.0f} CNY/tCO2") if np.isfinite(cost)
                else _t(lang, "不减排", "no abatement"))
        lines.append(
            f"  {lever_name(lv, lang):<16} "
            + _t(lang, f"{text}(减排 {ac.abated[lv] * 100:,.0f} 万吨,"
                       f"成本 {ac.cost[lv] * f:+,.0f} {unit})",
                 f"{text} (avoids {ac.abated[lv] * 100:,.0f} 10⁴ t, cost "
                 f"{ac.cost[lv] * f:+,.0f} {unit})")
        )
    return "\n".join(lines)


def comparison_abatement(scenarios: Mapping[str, Any]) -> list[AbatementCosts]:
    """Abatement costs of every scenario after the first that extends a parent."""
    out = []
    items = list(scenarios.items())
    for _name, s in (items[1:] if len(items) > 1 else items):
        if len(getattr(s, "chain", ())) < 2:
            continue
        out.append(abatement_costs(s))
    return out
