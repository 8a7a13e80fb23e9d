"""Money in the reports: investment and system-cost lines, comparisons, abatement costs (issue 16).

The cost outputs themselves come from :mod:`energysim.model.costs` (in the engine). This module
turns results into what a reader asks for:

* :func:`run_lines` — the lines ``energysim run`` prints (investment, system cost, LCOE, LCOH);
* :func:`money_table` — per scenario: cumulative investment 2023–2030 and 2023–2060 and the
  annual system-cost difference against the reference scenario (``energysim compare``);
* :func:`abatement_costs` — the average abatement cost of each lever of the wedge
  decomposition [CNY/tCO2]: the lever's discounted system-cost contribution over its discounted
  CO2 reduction, both summed over the years after the base year
  (``AAC_i = Σ_t δ_t ΔS_i[t] / Σ_t δ_t (−ΔCO2_i[t])``, ``δ_t = (1 + r)^−(t − t₀)``);
* :func:`mac_chart` — the marginal-abatement-cost chart (levers sorted by cost; bar width = CO2
  avoided, height = cost per tonne);
* :func:`money_page_blocks` — the money page of the brief.

Money is shown in 亿元 (zh; "10⁸ CNY" in English: the same unit, :func:`money_unit`), in real
yuan of ``energysim.units.CURRENCY_YEAR``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from energysim.text.labels import check_lang
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
    from energysim.text.labels import display_unit

    check_lang(lang)
    return display_unit("bnCNY", lang)


def _central(da):
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
    from energysim.text.labels import category_names

    f, unit = money_unit(lang)
    lines = []
    done = set()
    for start, end in WINDOWS:
        a, b = _window(ds, start, end)
        if a > b or (a, b) in done:  # a run ending in 2030 has one window
            continue
        done.add((a, b))
        per_sample = cumulative(ds, "investment", a, b)
        by_asset = _central(per_sample) * f
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
        v = float(_central(cost)) * f
        parts.append(f"{y} {v:,.0f}{_band(cost, f, ',.0f')}")
    lines.append(_t(lang, f"能源供应系统净成本: {'; '.join(parts)} {unit}/年"
                    f"({CURRENCY_YEAR}年价格)",
                    f"system cost of energy supply: {'; '.join(parts)} {unit}/yr "
                    f"({CURRENCY_YEAR} prices)"))
    for y in show:
        lc = _central(ds["lcoe"].sel(year=y))
        lh = _central(ds["lcoh"].sel(year=y))
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
    import pandas as pd

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
            row[label] = float(_central(cumulative(ds, "investment_total", a, b))) * f
        for y in DIFF_YEARS:
            if y not in set(int(v) for v in ds["year"].values):
                continue
            cost = float(_central(ds["system_cost"].sel(year=y))) * f
            ref_cost = float(_central(ref["system_cost"].sel(year=y))) * f
            row[_t(lang, f"{y}年系统成本", f"system cost {y}")] = cost
            row[_t(lang, f"{y}年较参照", f"vs reference {y}")] = cost - ref_cost
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(names, name=_t(lang, "情景", "scenario")))
    table.attrs["unit"] = unit
    return table


def format_money_table(table, lang: str = "zh", *, width: int | None = None) -> str:
    """The money table as text: one line per quantity, one column per scenario, split into
    blocks of scenarios when wider than the terminal (``width``)."""
    from energysim.text.tables import year_blocks

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
        import pandas as pd

        from energysim.analysis.wedges import lever_name

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
    from energysim.analysis.compare import central_params
    from energysim.analysis.wedges import decompose, parent_of
    from energysim.scenario import load_scenario

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
    from energysim.analysis.wedges import lever_name

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


# ------------------------------------------------------------------------ charts


def mac_chart(ac: AbatementCosts, *, lang: str = "zh", ax=None, fig=None, label=None):
    """Marginal abatement cost chart: levers cheapest first, width = CO2 avoided (discounted),
    height = average abatement cost [CNY/tCO2]. Levers that avoid no CO2 are listed, not drawn.
    ``label`` names a scenario in the title (default: its id).

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
    """
    from matplotlib.figure import Figure

    from energysim.analysis.wedges import lever_name

    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.4), layout="constrained")
        ax = fig.subplots()
    levers = [lv for lv in ac.sorted_levers() if np.isfinite(ac.aac[lv])]
    from energysim.briefing.plots import lever_color

    scale = 100.0  # Mt → 万吨 (10⁴ t), the report's unit in both languages
    x = 0.0
    centres: list[tuple[float, float]] = []
    for lv in levers:
        width = ac.abated[lv] * scale
        height = ac.aac[lv]
        ax.bar(x, height, width=width, align="edge", color=lever_color(lv),  # one per lever
               edgecolor="white", linewidth=0.8, label=lever_name(lv, lang))
        centres.append((x + width / 2, height))
        x += width
    total = max(x, 1e-9)
    for cx, height in centres:  # labels kept inside the plot (never over the tick labels)
        ha = "left" if cx < 0.06 * total else "right" if cx > 0.94 * total else "center"
        ax.annotate(f"{height:,.0f}", (cx, height), ha=ha,
                    va="bottom" if height >= 0 else "top", fontsize=7)
    ax.axhline(0.0, color="0.3", linewidth=0.6)
    ax.set_xlim(0, max(x, 1e-9))
    ax.set_xlabel(_t(lang, f"累计减排量(折现,万吨CO2,{ac.years[0]}–{ac.years[1]})",
                     f"CO2 avoided (discounted, 10⁴ t, {ac.years[0]}–{ac.years[1]})"))
    ax.set_ylabel(_t(lang, "平均减排成本(元/吨CO2)", "Abatement cost (CNY/tCO2)"))
    child, parent = (label or str)(ac.child_name), (label or str)(ac.parent_name)
    ax.set_title(_t(lang, f"边际减排成本曲线:{child} 相对 {parent}",
                    f"Marginal abatement cost: {child} vs {parent}"),
                 fontsize=9)
    if levers:
        ax.legend(fontsize=7, frameon=False, loc="best")
    missing = [lever_name(lv, lang) for lv in ac.levers if lv not in levers]
    if missing:
        ax.text(0.99, 0.02, _t(lang, "不减排: ", "no abatement: ") + ", ".join(missing),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.35")
    return ax.figure


def investment_chart(ds, *, lang: str = "zh", ax=None, fig=None, end: int | None = None,
                     title: str | None = None):
    """Stacked bars of investment by asset and year (central values) [亿元/yr = 10⁸ CNY/yr];
    ``title`` names the scenario (default: its id)."""
    from matplotlib.figure import Figure

    from energysim.text.labels import category_names

    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.subplots()
    f, unit = money_unit(lang)
    inv = _central(ds["investment"]) * f
    if end is not None:
        inv = inv.sel(year=slice(None, end))
    years = inv["year"].values
    assets = [str(a) for a in inv["asset"].values]
    names = category_names("asset", assets, lang)
    bottom = np.zeros(len(years))
    for j, name in enumerate(names):
        v = inv.isel(asset=j).values
        if not np.any(v):
            continue
        ax.bar(years, v, bottom=bottom, label=name, width=0.8)
        bottom += v
    ax.set_ylabel(_t(lang, f"投资({unit}/年)", f"Investment ({unit}/yr)"))
    name = title if title is not None else ds.attrs.get("scenario", "")
    ax.set_title(_t(lang, f"{name} 分类投资", f"{name}: investment by asset"), fontsize=9)
    ax.legend(fontsize=6.5, frameon=False, ncol=3, loc="upper right")
    return ax.figure


def levelised_chart(datasets: Mapping[str, Any], *, lang: str = "zh", ax=None, fig=None):
    """LCOE of wind, solar and coal and LCOH of both routes over the years (first scenario solid,
    others dashed)."""
    from matplotlib.figure import Figure

    from energysim.text.labels import category_names

    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.subplots()
    ax2 = ax.twinx()
    styles = ["-", "--", ":", "-."]
    for k, ds in enumerate(datasets.values()):
        lc = _central(ds["lcoe"])
        lh = _central(ds["lcoh"])
        techs = category_names("tech", [str(x) for x in lc["tech"].values], lang)
        routes = category_names("route", [str(x) for x in lh["route"].values], lang)
        for j, t in enumerate(techs):
            ax.plot(lc["year"], lc.isel(tech=j), styles[k % 4], color=f"C{j}",
                    label=f"{t}" if k == 0 else None)
        for j, rname in enumerate(routes):
            ax2.plot(lh["year"], lh.isel(route=j), styles[k % 4], color=f"C{3 + j}",
                     label=f"{rname}" if k == 0 else None)
    ax.set_ylabel(_t(lang, "平准化度电成本(元/千瓦时)", "LCOE (CNY/kWh)"))
    ax2.set_ylabel(_t(lang, "氢气平准化成本(元/千克)", "LCOH (CNY/kg)"))
    ax.set_ylim(bottom=0)
    ax2.set_ylim(bottom=0)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=6.5, frameon=False, ncol=3, loc="lower left")
    ax.set_title(_t(lang, "新建机组平准化成本(实线为参照情景)",
                    "Levelised costs of new capacity (solid: reference)"), fontsize=9)
    return ax.figure


def write_money_charts(datasets: Mapping[str, Any], abatement: Sequence[AbatementCosts],
                       outdir, *, lang: str = "zh") -> list:
    """Write the money charts (PNG) of a comparison; returns the paths written."""
    from pathlib import Path

    from energysim.briefing.plots import style

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with style():
        for name, ds in datasets.items():
            fig = investment_chart(ds, lang=lang)
            path = out / f"investment-{_safe(name)}.png"
            fig.savefig(path, dpi=130)
            written.append(path)
        fig = levelised_chart(datasets, lang=lang)
        path = out / "levelised-costs.png"
        fig.savefig(path, dpi=130)
        written.append(path)
        for ac in abatement:
            fig = mac_chart(ac, lang=lang)
            path = out / f"mac-{_safe(ac.child_name)}.png"
            fig.savefig(path, dpi=130)
            written.append(path)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def comparison_abatement(scenarios: Mapping[str, Any]) -> list[AbatementCosts]:
    """Abatement costs of every scenario after the first that extends a parent."""
    out = []
    items = list(scenarios.items())
    for _name, s in (items[1:] if len(items) > 1 else items):
        if len(getattr(s, "chain", ())) < 2:
            continue
        out.append(abatement_costs(s))
    return out


# ------------------------------------------------------------------------ the brief's money page


def _money_rows(table, lang: str, label=str) -> tuple[list, list]:
    """Columns and rows of the money table for the brief (``report._Table`` parts); ``label``
    names a scenario (the brief's :meth:`~energysim.briefing.report.Brief.label`: its title in the
    brief's language, as on the other pages)."""
    from energysim.briefing.report import _Col

    cols = [_Col(_t(lang, "情景", "scenario"), 1.35)]
    cols += [_Col(str(c), 0.98, "right") for c in table.columns]
    rows = []
    d = 0  # 亿元 (10⁸ CNY in English) without decimals
    for name, row in table.iterrows():
        cells = [label(name)]
        for c in table.columns:
            diff = "较参照" in c or "vs reference" in c
            v = float(row[c]) + 0.0  # no "-0"
            cells.append(f"{v:+,.{d}f}" if diff else f"{v:,.{d}f}")
        rows.append(cells)
    return cols, rows


def _abatement_rows(ac: AbatementCosts, lang: str) -> tuple[list, list]:
    from energysim.analysis.wedges import lever_name
    from energysim.briefing.report import _Col

    f, unit = money_unit(lang)
    cols = [
        _Col(_t(lang, "政策杠杆", "lever"), 1.9),
        _Col(_t(lang, "减排量(折现)[万吨]", "CO2 avoided (discounted) [10⁴ t]"), 1.55, "right"),
        _Col(_t(lang, f"成本变化(折现)[{unit}]", f"cost change (discounted) [{unit}]"), 1.55,
             "right"),
        _Col(_t(lang, "平均减排成本[元/吨CO2]", "abatement cost [CNY/tCO2]"), 1.55, "right"),
    ]
    rows = []
    for lv in ac.sorted_levers():
        aac = ac.aac[lv]
        rows.append([
            f"{lever_name(lv, lang)} ({lv})",
            f"{ac.abated[lv] * 100.0:,.0f}",  # 万吨 = 10⁴ t
            f"{ac.cost[lv] * f:+,.0f}",
            f"{aac:,.0f}" if np.isfinite(aac) else _t(lang, "不减排", "no abatement"),
        ])
    return cols, rows


def _labels(brief):
    """Names for the money page: the brief's label of a compared scenario; a parent outside
    the comparison (the MAC chart's reference) by its own title, else its name."""
    def label(name: str) -> str:
        if name in brief.comparison.scenarios:
            return brief.label(name)
        from energysim.errors import ScenarioError
        from energysim.briefing.report import scenario_label
        from energysim.scenario.loader import load_scenario

        try:
            return scenario_label(load_scenario(name), brief.lang)
        except (ScenarioError, OSError):
            return name

    return label


def money_note(brief, lang: str) -> str:
    r = ""
    if getattr(brief, "money", None):
        r = _t(lang, f",折现率{brief.money[0].discount_rate:.1%}",
               f", discounted at {brief.money[0].discount_rate:.1%}")
    return _t(
        lang,
        f"{CURRENCY_YEAR}年价格(实际){r}。投资计入投运当年;系统成本=年化资本+固定与变动运维+燃料"
        "(煤炭按坑口价、柴油)+CCUS−外送电力和氢气收入。平均减排成本=各杠杆的折现系统成本变化÷折现减排量"
        "(楔形分解)。成本参数及来源见 calibration/costs.md。",
        f"Real {CURRENCY_YEAR} yuan{r}. Investment counted in the year capacity starts; system "
        "cost = annualised capital + fixed and variable O&M + fuel (coal at the pithead price, "
        "diesel) + CCUS − sales of electricity and hydrogen. Average abatement cost = a lever's "
        "discounted system-cost change ÷ its discounted CO2 reduction (wedge decomposition). "
        "Cost parameters and sources: calibration/costs.md.",
    )


def money_page(brief):
    """The brief's money page (A4 Figure): investment and costs by scenario, investment by
    asset and year, LCOE/LCOH, abatement cost per lever with the MAC chart."""
    from energysim.briefing.report import _chart_row, _heading, _page, _Table, _table_block

    lang = brief.lang
    datasets = brief.comparison.datasets
    blocks = [_heading(_t(lang, "投资与成本", "Investment and cost"),
                       _t(lang, "Investment and cost", "投资与成本"))]
    cols, rows = _money_rows(money_table(datasets, lang), lang, brief.label)
    unit = money_unit(lang)[1]
    blocks.append(_table_block(_Table(cols, rows, size=6.8),
                               _t(lang, f"单位:{unit}。", f"Unit: {unit}. ")
                               + money_note(brief, lang)))
    last = list(datasets)[-1]
    blocks.append(_chart_row(2.55, [
        lambda sf: investment_chart(datasets[last], lang=lang, fig=sf, end=2060,
                                    title=brief.label(last)),
        lambda sf: levelised_chart(datasets, lang=lang, fig=sf),
    ]))
    for ac in (getattr(brief, "money", None) or [])[:2]:
        blocks.append(_chart_row(2.45, [lambda sf, ac=ac: mac_chart(ac, lang=lang, fig=sf,
                                                                    label=_labels(brief))]))
        acols, arows = _abatement_rows(ac, lang)
        blocks.append(_table_block(_Table(acols, arows, size=6.8)))
    return _page(blocks)


def money_html(brief, dpi: int = 110) -> str:
    """The money section of the HTML brief."""
    import html

    from energysim.briefing.report import _html_table, _png_base64, _Table

    lang = brief.lang
    e = html.escape
    datasets = brief.comparison.datasets
    cols, rows = _money_rows(money_table(datasets, lang), lang, brief.label)
    parts = [f"<h2>{e(_t(lang, '投资与成本', 'Investment and cost'))}</h2>",
             _html_table(_Table(cols, rows)),
             f"<p class=\"note\">{e(money_note(brief, lang))}</p>"]
    figs = [investment_chart(ds, lang=lang, title=brief.label(n)) for n, ds in datasets.items()]
    figs.append(levelised_chart(datasets, lang=lang))
    for ac in getattr(brief, "money", None) or []:
        figs.append(mac_chart(ac, lang=lang, label=_labels(brief)))
    for fig in figs:
        parts.append(f'<p><img alt="chart" src="data:image/png;base64,{_png_base64(fig, dpi)}">'
                     "</p>")
    for ac in getattr(brief, "money", None) or []:
        acols, arows = _abatement_rows(ac, lang)
        parts.append(_html_table(_Table(acols, arows)))
    return "\n".join(parts)
