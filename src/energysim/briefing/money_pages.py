"""Money in the brief and in chart files: MAC curve, investment, levelised costs (issue 16).

The numbers come from :mod:`energysim.analysis.money`; this module draws them:

* :func:`mac_chart` — the marginal-abatement-cost chart (levers sorted by cost; bar width = CO2
  avoided, height = cost per tonne);
* :func:`investment_chart`, :func:`levelised_chart` — investment by asset and year; LCOE/LCOH;
* :func:`write_money_charts` — the charts of a comparison as PNG files;
* :func:`money_page`, :func:`money_html` — the money page of the PDF/PNG and HTML brief.

matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from energysim.analysis.money import (
    AbatementCosts,
    central_value,
    money_table,
    money_unit,
)
from energysim.analysis.wedges import lever_name
from energysim.briefing.layout import (
    Col,
    Table,
    chart_row,
    heading,
    html_table,
    page,
    png_base64,
    table_block,
)
from energysim.briefing.plots import lever_color, style
from energysim.errors import ScenarioError
from energysim.scenario.loader import load_scenario
from energysim.text.labels import category_names, scenario_label
from energysim.units import CURRENCY_YEAR


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# -- charts ---------------------------------------------------------------------------------


def mac_chart(ac: AbatementCosts, *, lang: str = "zh", ax=None, fig=None, label=None):
    """Marginal abatement cost chart: levers cheapest first, width = CO2 avoided (discounted),
    height = average abatement cost [CNY/tCO2]. Levers that avoid no CO2 are listed, not drawn.
    ``label`` names a scenario in the title (default: its id).

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
    """
    from matplotlib.figure import Figure  # lazy: matplotlib (~0.2 s) loads only when drawing


    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.4), layout="constrained")
        ax = fig.subplots()
    levers = [lv for lv in ac.sorted_levers() if np.isfinite(ac.aac[lv])]

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
    from matplotlib.figure import Figure  # lazy: matplotlib (~0.2 s) loads only when drawing


    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.subplots()
    f, unit = money_unit(lang)
    inv = central_value(ds["investment"]) * f
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
    from matplotlib.figure import Figure  # lazy: matplotlib (~0.2 s) loads only when drawing


    if ax is None:
        if fig is None:
            fig = Figure(figsize=(6.4, 3.2), layout="constrained")
        ax = fig.subplots()
    ax2 = ax.twinx()
    styles = ["-", "--", ":", "-."]
    for k, ds in enumerate(datasets.values()):
        lc = central_value(ds["lcoe"])
        lh = central_value(ds["lcoh"])
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


# -- the brief's money page -------------------------------------------------------------------


def _money_rows(table, lang: str, label=str) -> tuple[list, list]:
    """Columns and rows of the money table for the brief (``report.Table`` parts); ``label``
    names a scenario (the brief's :meth:`~energysim.briefing.report.Brief.label`: its title in the
    brief's language, as on the other pages)."""

    cols = [Col(_t(lang, "情景", "scenario"), 1.35)]
    cols += [Col(str(c), 0.98, "right") for c in table.columns]
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

    f, unit = money_unit(lang)
    cols = [
        Col(_t(lang, "政策杠杆", "lever"), 1.9),
        Col(_t(lang, "减排量(折现)[万吨]", "CO2 avoided (discounted) [10⁴ t]"), 1.55, "right"),
        Col(_t(lang, f"成本变化(折现)[{unit}]", f"cost change (discounted) [{unit}]"), 1.55,
             "right"),
        Col(_t(lang, "平均减排成本[元/吨CO2]", "abatement cost [CNY/tCO2]"), 1.55, "right"),
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

    lang = brief.lang
    datasets = brief.comparison.datasets
    blocks = [heading(_t(lang, "投资与成本", "Investment and cost"),
                       _t(lang, "Investment and cost", "投资与成本"))]
    cols, rows = _money_rows(money_table(datasets, lang), lang, brief.label)
    unit = money_unit(lang)[1]
    blocks.append(table_block(Table(cols, rows, size=6.8),
                               _t(lang, f"单位:{unit}。", f"Unit: {unit}. ")
                               + money_note(brief, lang)))
    last = list(datasets)[-1]
    blocks.append(chart_row(2.55, [
        lambda sf: investment_chart(datasets[last], lang=lang, fig=sf, end=2060,
                                    title=brief.label(last)),
        lambda sf: levelised_chart(datasets, lang=lang, fig=sf),
    ]))
    for ac in (getattr(brief, "money", None) or [])[:2]:
        blocks.append(chart_row(2.45, [lambda sf, ac=ac: mac_chart(ac, lang=lang, fig=sf,
                                                                    label=_labels(brief))]))
        acols, arows = _abatement_rows(ac, lang)
        blocks.append(table_block(Table(acols, arows, size=6.8)))
    return page(blocks)


def money_html(brief, dpi: int = 110) -> str:
    """The money section of the HTML brief."""

    lang = brief.lang
    e = html.escape
    datasets = brief.comparison.datasets
    cols, rows = _money_rows(money_table(datasets, lang), lang, brief.label)
    parts = [f"<h2>{e(_t(lang, '投资与成本', 'Investment and cost'))}</h2>",
             html_table(Table(cols, rows)),
             f"<p class=\"note\">{e(money_note(brief, lang))}</p>"]
    figs = [investment_chart(ds, lang=lang, title=brief.label(n)) for n, ds in datasets.items()]
    figs.append(levelised_chart(datasets, lang=lang))
    for ac in getattr(brief, "money", None) or []:
        figs.append(mac_chart(ac, lang=lang, label=_labels(brief)))
    for fig in figs:
        parts.append(f'<p><img alt="chart" src="data:image/png;base64,{png_base64(fig, dpi)}">'
                     "</p>")
    for ac in getattr(brief, "money", None) or []:
        acols, arows = _abatement_rows(ac, lang)
        parts.append(html_table(Table(acols, arows)))
    return "\n".join(parts)
