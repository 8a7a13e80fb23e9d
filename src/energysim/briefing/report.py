"""The brief: one to three A4 pages for decision makers, as PDF, PNG or self-contained HTML.

Contents (docs/briefing.md):

1. title (Chinese, English subtitle — or the reverse for ``lang="en"``), the scenarios, and
   a few highlights computed from the runs; the key numbers of each scenario side by side; the
   traffic-light target table (:mod:`energysim.analysis.targets`);
2. four to six charts (:mod:`energysim.briefing.plots`): the scenario comparison (small multiples),
   CO2 by sector with its uncertainty band and peak year, the capacity mix;
3. the policy wedges of each alternative against the scenario it extends
   (:mod:`energysim.analysis.wedges`), the assumptions that differ between scenarios (the scenario
   diff, :func:`energysim.analysis.compare.parameter_diff`) and the provenance of every run (package
   version, seed, method, samples, scenario sha256, date).

Pages are matplotlib figures laid out as vertical stacks of blocks (text drawn in inches, charts
in sub-figures) and written with :class:`~matplotlib.backends.backend_pdf.PdfPages`; no LaTeX,
no network. Every output is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from energysim.analysis.compare import compare
from energysim.analysis.money import abatement_costs
from energysim.analysis.sensitivity import top_drivers
from energysim.analysis.targets import (
    evaluate,
    status_rule,
    summary_counts,
    target_text,
    value_with_unit,
)
from energysim.analysis.wedges import decompose, wedge_parent
from energysim.briefing import plots
from energysim.briefing.layout import (
    INK,
    MARGIN,
    MUTED,
    PAGE_H,
    PAGE_W,
    RULE,
    Block,
    Col,
    Table,
    chart_row,
    heading,
    html_table,
    page,
    paginate,
    paragraph,
    png_base64,
    share_y_scale,
    table_block,
    text_block,
)
from energysim.briefing.money_pages import money_html, money_page
from energysim.briefing.plots import style, units_like
from energysim.errors import ScenarioError
from energysim.results.dataset import atomic_path
from energysim.scenario import load_scenario
from energysim.scenario.display import leaf_text
from energysim.text.labels import check_lang, scenario_label
from energysim.text.numbers import fmt_number

__all__ = ["Brief", "build_brief", "write_brief", "render_pages", "FORMATS", "TITLE"]

FORMATS = ("pdf", "png", "html")
#: Title of the brief: (zh, en).
TITLE = ("准格尔旗能源转型情景简报", "Zhunge'er Banner energy-transition scenario brief")


# ---------------------------------------------------------------------------------------------
# the content
# ---------------------------------------------------------------------------------------------


@dataclass
class Brief:
    """Everything a brief shows, computed once and rendered to any format.

    Attributes
    ----------
    comparison : energysim.analysis.compare.Comparison
        Runs (name → Dataset), scenarios, key table, diffs against the first scenario.
    targets : dict of str to pandas.DataFrame
        Scenario name → :func:`energysim.analysis.targets.evaluate` table.
    wedges : dict of str to WedgeResult
        Scenario name → its decomposition against its parent (scenarios with a parent).
    lang : {"zh", "en"}
    samples : int
    seed : int or None
    date : str
        ISO date of the brief.
    version : str
    """

    comparison: Any
    targets: dict
    wedges: dict
    lang: str = "zh"
    samples: int = 1
    seed: int | None = None
    date: str = ""
    version: str = ""
    wedge_year: int = 2030
    notes: list[str] = field(default_factory=list)
    #: Abatement costs per lever (energysim.analysis.money.AbatementCosts) of the wedged scenarios.
    money: list = field(default_factory=list)
    #: Top drivers of the first scenario (:func:`energysim.analysis.sensitivity.top_drivers`),
    #: or None.
    drivers: Any = None

    @property
    def names(self) -> list[str]:
        return list(self.comparison.datasets)

    def label(self, name: str) -> str:
        """How the brief names a scenario: the short form of its title in the brief's
        language (``基准情景`` for ``baseline``), else its name."""
        return scenario_label(self.comparison.scenarios[name], self.lang)


def build_brief(scenarios: Sequence[Any], *, samples: int = 1, seed: int | None = None,
                method: str = "mc", lang: str = "zh", wedge_year: int = 2030,
                datasets: Sequence[Any] | None = None, drivers: int = 0) -> Brief:
    """Run the scenarios and compute the brief's tables.

    Parameters
    ----------
    scenarios : sequence of str, PathLike or Scenario
        The first is the reference of the comparison and the diffs.
    samples : int
        1: central values; more: an ensemble per scenario (P(meet) and p5–p95 bands).
    seed : int, optional
    method : {"mc", "lhs", "sobol"}
    lang : {"zh", "en"}
    wedge_year : int
        Year of the wedge table.
    datasets : sequence of xarray.Dataset, optional
        Runs already made (same order as ``scenarios``).
    drivers : int
        Morris trajectories for the top drivers of the first scenario's 2030 CO2, peak year
        and 2025 energy intensity (0: no driver table; the ``report`` command uses 8).

    Returns
    -------
    Brief
    """
    from energysim import __version__  # lazy: importlib.metadata (~20 ms) only when written

    check_lang(lang)
    if not scenarios:
        raise ScenarioError("no scenario for the brief (expected one or more, got none)",
                            key="scenarios")
    comp = compare(scenarios, samples=samples, seed=seed, method=method, datasets=datasets)
    tables = {n: evaluate(ds, lang=lang) for n, ds in comp.datasets.items()}
    wedges, notes = {}, []
    # wedges of the alternatives (all scenarios but the reference), or of a lone scenario
    chosen = list(comp.scenarios.items())
    chosen = chosen[1:] if len(chosen) > 1 else chosen
    parents: dict = {}
    for name, s in chosen:
        if len(s.chain) < 2:
            continue
        try:
            parent = wedge_parent(s)
        except ScenarioError as exc:  # pragma: no cover - parent resolved when loading
            notes.append(exc.one_line())
            continue
        years = comp.datasets[name]["year"].values
        year = wedge_year if wedge_year in set(int(y) for y in years) else int(years[-1])
        w = decompose(s, parent, year=year)
        if not w.levers:  # nothing differs from its parent: no wedges to draw
            notes.append(_t(lang, f"{scenario_label(s, lang)}与{scenario_label(parent, lang)}"
                                  "参数相同,无政策楔形。",
                            f"{scenario_label(s, lang)}: same parameters as "
                            f"{scenario_label(parent, lang)}, no policy wedges."))
            continue
        wedges[name] = w
        parents[name] = parent

    # against the same parent as the wedges (a copied bundled scenario: that bundled scenario)
    money = [abatement_costs(comp.scenarios[name], parents[name]) for name in wedges]
    top = None
    if drivers:
        first = next(iter(comp.scenarios.values()))
        if first.uncertain or first.projects:
            top = top_drivers(first, trajectories=int(drivers), seed=seed or 0, lang=lang)
    return Brief(comparison=comp, targets=tables, wedges=wedges, lang=lang, samples=samples,
                 seed=seed, date=_dt.date.today().isoformat(), version=__version__,
                 wedge_year=wedge_year, notes=notes, money=money, drivers=top)


# ---------------------------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------------------------


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# ---------------------------------------------------------------------------------------------
# page contents
# ---------------------------------------------------------------------------------------------


def _scenario_title(s, lang: str) -> str:
    zh, en = s.title.get("zh", ""), s.title.get("en", "")
    if lang == "zh":
        return f"{zh} / {en}" if zh and en else (zh or en or s.name)
    return f"{en} / {zh}" if zh and en else (en or zh or s.name)


def _run_kind(brief: Brief) -> str:
    lang = brief.lang
    if brief.samples > 1:
        seed = brief.seed if brief.seed is not None else 0
        return _t(lang, f"集合模拟 {brief.samples} 个样本(种子 {seed}),数值为中位数",
                  f"ensemble of {brief.samples} samples (seed {seed}), medians shown")
    return _t(lang, "单次运行(不确定参数取中心值)", "single run at central values")


def _highlights(brief: Brief) -> list[str]:
    """One sentence per scenario: its conclusion (:func:`conclusion`)."""
    return [conclusion(brief, name) for name in brief.names]


#: The year of the national CO2 peak goal ("2030年前碳达峰").
PEAK_GOAL_YEAR = 2030


def conclusion(brief: Brief, name: str) -> str:
    """A one-sentence conclusion about a scenario, generated from its numbers.

    Whether CO2 peaks before the national goal (2030), its emissions in 2030 (and the change
    against the first scenario), the renewable share of generation, and its targets:
    ``"基准情景:2030年前未实现碳达峰(2032年达峰),2030年排放10,483万吨,新能源发电占比28%;
    12项目标中达标2项、有风险4项、未达标6项。"``
    """
    lang = brief.lang
    table = brief.comparison.table
    ref = brief.names[0]
    yrs = sorted({c[0] for c in table.columns if isinstance(c, tuple)})
    y = PEAK_GOAL_YEAR if PEAK_GOAL_YEAR in yrs else yrs[-1]
    bits = []
    if "co2_peak_year" in table.index:
        peak = table.at["co2_peak_year", (yrs[0], name)]
        if np.isfinite(peak):
            ok = peak <= PEAK_GOAL_YEAR
            bits.append(_t(lang, f"{PEAK_GOAL_YEAR}年前{'实现' if ok else '未实现'}碳达峰"
                                 f"({peak:.0f}年达峰)",
                           f"CO2 {'peaks' if ok else 'does not peak'} by {PEAK_GOAL_YEAR} "
                           f"(peak in {peak:.0f})"))
    if "co2_total" in table.index:
        v = table.at["co2_total", (y, name)]
        unit = table.at["co2_total", "unit" if lang == "zh" else "unit_en"]
        text = _t(lang, f"{y}年排放{v:,.0f}{unit}", f"{y} emissions {v:,.0f} {unit}")
        if name != ref:
            r = table.at["co2_total", (y, ref)]
            if r:
                change = f"{(v - r) / r:+.0%}"
                text += _t(lang, f"(较{brief.label(ref)}{change})",
                           f" ({change} vs {brief.label(ref)})")
        bits.append(text)
    if "re_share" in table.index:
        v = table.at["re_share", (y, name)]
        bits.append(_t(lang, f"新能源发电占比{v:.0f}%", f"renewables {v:.0f}% of generation"))
    water = water_shortfall_text(brief.comparison.datasets[name], lang)
    if water:
        bits.append(water)
    counts = summary_counts(brief.targets[name])
    n = sum(counts.values())
    tail = _t(lang, f"{n}项目标中达标{counts['met']}项、有风险{counts['at_risk']}项、"
                    f"未达标{counts['missed']}项。",
              f"of {n} targets {counts['met']} met, {counts['at_risk']} at risk, "
              f"{counts['missed']} missed.")
    sep, end = (",", ";") if lang == "zh" else (", ", "; ")
    return f"{brief.label(name)}: " + sep.join(bits) + end + tail


def water_shortfall_text(ds, lang: str = "zh") -> str:
    """One plain sentence on how much water the plan lacks against its cap (四水四定), or "".

    Parameters
    ----------
    ds : xarray.Dataset
        A run with ``water_deficit`` [Mm3/yr] (mean over samples).

    Returns
    -------
    str
        E.g. ``"用水超出上限:最多缺水0.40亿立方米(2035年)"``; empty when the cap holds.
    """
    if "water_deficit" not in ds:
        return ""
    lack = ds["water_deficit"]
    if "sample" in lack.dims:
        lack = lack.mean("sample")
    values = np.asarray(lack.values, dtype=float)
    years = np.asarray(lack["year"].values)
    short = values >= 0.5  # Mm3/yr: below what the brief can show (0.01亿立方米)
    if not short.any():
        return ""
    year, most, first = int(years[np.argmax(values)]), float(values.max()), int(years[short][0])
    return _t(lang, f"用水超出上限:{first}年起缺水,最多{most / 100:.2f}亿立方米({year}年)",
              f"water above the cap from {first}: short by up to {most / 100:.2f} 10⁸ m³ "
              f"({year})")


def _key_numbers_table(brief: Brief) -> Table:
    lang = brief.lang
    table = brief.comparison.table
    names = brief.names
    years = sorted({c[0] for c in table.columns if isinstance(c, tuple)})
    if len(names) > 2:
        years = [y for y in years if y in (2030, 2060)] or years[-2:]
    width = PAGE_W - 2 * MARGIN
    label_w = 2.45
    n = len(years) * len(names)
    vw = (width - label_w) / max(n, 1)
    cols = [Col(_t(lang, "指标", "indicator"), label_w)]
    for y in years:
        for name in names:
            cols.append(Col(f"{y}\n{brief.label(name)}", vw, "right"))
    rows = []
    for key, r in table.iterrows():
        label = (f"{r['zh']} {r['en']} [{r['unit']}]" if lang == "zh"
                 else f"{r['en']} [{r.get('unit_en', r['unit'])}]")
        cells = [label]
        for y in years:
            for name in names:
                v = r[(y, name)]
                if not np.isfinite(v):
                    cells.append("–")
                elif key == "co2_peak_year":
                    cells.append(f"{v:.0f}")
                else:
                    cells.append(fmt_number(float(v)))
        rows.append(cells)
    return Table(cols, rows, size=7.0)


def _target_table(brief: Brief) -> Table:
    lang = brief.lang
    names = brief.names
    first = brief.targets[names[0]]
    width = PAGE_W - 2 * MARGIN
    fixed = [Col(_t(lang, "目标", "target"), 1.95), Col(_t(lang, "年份", "year"), 0.42),
             Col(_t(lang, "目标值", "target value"), 1.35)]
    rest = width - sum(c.width for c in fixed)
    per = rest / len(names)
    prob = brief.samples > 1
    cols = list(fixed)
    for name in names:
        what = (_t(lang, "(数值 · 达标概率)", " (value · P(meet))") if prob
                else _t(lang, "(数值)", " (value)"))
        cols.append(Col(f"{brief.label(name)}{what}", per))
    rows = []
    for i, r in first.iterrows():
        strength = "" if r["strength"] == "firm" else _t(lang, "(力争)", " (aspirational)")
        cells: list[Any] = [f"{r['name']}{strength}", str(r["year"]), target_text(r, lang)]
        for name in names:
            rr = brief.targets[name].iloc[i]
            text = value_with_unit(rr)
            if prob:
                text += f" · {100 * rr['p_meet']:.0f}%"
            cells.append((text, rr["status"]))
        rows.append(cells)
    return Table(cols, rows, size=6.8)


def _status_legend(brief: Brief) -> str:
    lang = brief.lang
    extra = _t(lang, "。(力争)为力争/预期性目标,其余为确保或约束性目标。",
               ". (aspirational) marks 力争/expected targets; the others are firm or binding.")
    return f"{status_rule(lang=lang)}{extra}"


def _diff_table(brief: Brief, max_rows: int) -> tuple[Table | None, str]:
    lang = brief.lang
    names = brief.names
    if len(names) < 2:
        return None, ""
    ref = names[0]
    paths: list[str] = []
    for n in names[1:]:
        for p in brief.comparison.diffs[n]["path"]:
            if p not in paths:
                paths.append(p)
    width = PAGE_W - 2 * MARGIN
    pw = 2.35
    vw = (width - pw) / len(names)
    cols = [Col(_t(lang, "参数", "parameter"), pw)]
    cols += [Col(brief.label(n), vw) for n in names]

    rows = []
    scen = brief.comparison.scenarios
    for p in paths[:max_rows]:
        if p == "years":
            cells = [_t(lang, "模拟年份", "simulated years")]
            cells += [f"{scen[n].base_year}–{scen[n].end_year}" for n in names]
        elif p == "projects":
            sc = [load_scenario(scen[n]) for n in names]
            cells = [_t(lang, "纳入的重点项目", "named projects")]
            cells += [f"{len(x.projects)} ({x.project_timing})" for x in sc]
        else:
            cells = [assumption_name(scen[names[0]].catalogue[p], lang)]
            cells += [leaf_text(load_scenario(scen[n]).leaf(p), scen[n].catalogue[p], lang)
                      for n in names]
        rows.append(cells)
    more = len(paths) - max_rows
    note = _t(lang, f"{brief.label(ref)}为参照;仅列出取值不同的参数,共{len(paths)}项。",
              f"{brief.label(ref)} is the reference; only parameters whose resolved values "
              "differ are listed "
              f"({len(paths)}).")
    if more > 0:
        note += _t(lang, f"另有{more}项未列出,见 energysim compare。",
                   f" {more} more not shown: see `energysim compare`.")
    return Table(cols, rows, size=6.2, head_size=6.8), note


def assumption_name(param, lang: str) -> str:
    """A parameter as a reader names it: its description (first clause), not its path."""
    text = (param.zh if lang == "zh" else param.en) or param.path
    text = text.split("(")[0].split("(")[0].rstrip("。. ")
    return text or param.path


def _wedge_table(brief: Brief, name: str) -> Table:
    lang = brief.lang
    w = brief.wedges[name]
    tab = w.table(lang=lang)
    units = w.units(lang)
    cols = [Col(_t(lang, "政策杠杆", "lever"), 1.9),
            Col(_t(lang, "参数数", "params"), 0.6, "right")]
    outs = list(w.outputs)
    names = {"co2_total": _t(lang, "二氧化碳", "CO2"),
             "coal_output": _t(lang, "原煤产量", "coal output")}
    for o in outs:
        cols.append(Col(f"Δ{names.get(o, o)} {w.year} [{units[o]}]", 1.45, "right"))
    rows = []
    for lever, r in tab.iterrows():
        label = r["name"] if lever == "total" else f"{r['name']} ({lever})"
        rows.append([label, str(int(r["n_params"]))] + [fmt_number(float(r[o])) for o in outs])
    return Table(cols, rows, size=6.8, zebra=True)


def _driver_blocks(brief: Brief) -> list:
    """Heading and table of the top drivers (empty when not computed)."""
    t = brief.drivers
    if t is None or len(t) == 0:
        return []
    lang = brief.lang
    names = {"co2_total@2030": _t(lang, "2030年二氧化碳排放", "2030 CO2"),
             "co2_peak_year": _t(lang, "碳排放达峰年份", "CO2 peak year"),
             "energy_intensity@2025": _t(lang, "2025年单位GDP能耗", "2025 energy intensity")}
    cols = [Col(_t(lang, "指标", "indicator"), 1.5), Col("#", 0.3, "right"),
            Col(_t(lang, "影响因素", "driver"), 4.35),
            Col(_t(lang, "相对影响", "share"), 0.9, "right")]
    rows = [[names.get(r.output, r.output) if r.rank == 1 else "", str(r.rank), r.label,
             f"{100 * r.share:.0f}%"] for r in t.itertuples()]
    note = _t(lang, f"{brief.label(brief.names[0])}的Morris筛选"
                    "(平均绝对基本效应μ*占该指标全部因素之和的比例);"
                    "“投运时间”为项目库中按动词先验抽样的投运延迟。",
              f"Morris screening of {brief.label(brief.names[0])} (mean absolute elementary "
              "effect μ* as a share of the sum over all inputs); \"commissioning year\" is a "
              "register project's delay drawn from its verb's prior.")
    return [heading(_t(lang, "主要不确定性来源", "Top drivers of uncertainty"),
                     _t(lang, "Top drivers of uncertainty", "主要不确定性来源")),
            table_block(Table(cols, rows, size=6.8, zebra=True), note)]


def _provenance_lines(brief: Brief) -> list[tuple[str, float, str]]:
    lang = brief.lang
    lines = [(_t(lang, f"生成日期 {brief.date} · energysim {brief.version} · {_run_kind(brief)}",
                 f"generated {brief.date} · energysim {brief.version} · {_run_kind(brief)}"),
              6.8, INK)]
    for name, ds in brief.comparison.datasets.items():
        a = ds.attrs
        s = brief.comparison.scenarios[name]
        lines.append((f"{brief.label(name)} ({name}): {_t(lang, '文件', 'file')} {s.file or '-'} · "
                      f"seed {_seed_text(a)} · method {a.get('method', '-')} · "
                      f"samples {a.get('n_samples', '-')} · "
                      f"sha256 {str(a.get('scenario_sha256', ''))[:16]}… · "
                      f"energysim {a.get('energysim_version', '-')}", 6.5, MUTED))
    for w in brief.wedges.values():
        method = {"shapley": _t(lang, f"Shapley值(对{len(w.levers)}个杠杆的全部加入顺序取平均,"
                                      f"{w.runs}次组合运行)",
                               f"Shapley values (average over all orders of {len(w.levers)} "
                               f"levers, {w.runs} combined runs)"),
                  "one_at_a_time": _t(lang, "逐项累加(按所列顺序)",
                                      "one lever at a time, in the order listed")}[w.method]
        lines.append((_t(lang, f"政策楔形 {w.child_name} 相对 {w.parent_name}: {method},"
                               "各项之和等于两情景之差。",
                         f"Wedges {w.child_name} vs {w.parent_name}: {method}; contributions "
                         "add up to the difference."), 6.5, MUTED))
    lines.extend((n, 6.5, MUTED) for n in brief.notes)
    return lines


def _seed_text(a) -> str:
    seed = a.get("seed", None)
    return "–" if seed is None or int(seed) < 0 else str(int(seed))


def _page1_blocks(brief: Brief) -> tuple[list[Block], bool]:
    """Blocks of the first page, and whether the comparison chart fitted on it."""
    lang = brief.lang
    zh, en = TITLE
    main, sub = (zh, en) if lang == "zh" else (en, zh)
    scen_lines = [(f"• {brief.label(n)} ({n}): {_scenario_title(s, lang)}", 7.5, INK)
                  for n, s in brief.comparison.scenarios.items()]

    def header(ax):
        ax.text(MARGIN, 0.42, main, fontsize=19, color=INK, va="baseline")
        ax.text(MARGIN, 0.70, sub, fontsize=11, color=MUTED, va="baseline")
        ax.text(PAGE_W - MARGIN, 0.70, brief.date, fontsize=8, color=MUTED, ha="right",
                va="baseline")
        ax.plot([MARGIN, PAGE_W - MARGIN], [0.80, 0.80], color=RULE, lw=1.6)

    blocks = [text_block(0.86, header),
              paragraph(scen_lines + [(_run_kind(brief), 6.8, MUTED)]),
              heading(_t(lang, "要点", "Highlights"), _t(lang, "Highlights", "要点")),
              paragraph([(f"• {t}", 7.5, INK) for t in _highlights(brief)]),
              heading(_t(lang, "一、关键指标", "1. Key numbers"),
                       _t(lang, "Key numbers", "关键指标")),
              table_block(_key_numbers_table(brief),
                           _t(lang, "单位为报告口径(万千瓦、亿吨、万吨等);"
                                    "二氧化碳为辖区内排放(生产侧核算)。",
                              "Units as the report writes them; CO2 is territorial "
                              "(production-based).")),
              heading(_t(lang, "二、目标跟踪", "2. Targets"),
                       _t(lang, "Target tracking", "目标跟踪")),
              table_block(_target_table(brief), _status_legend(brief), status_legend=lang)]
    room = PAGE_H - sum(b.height for b in blocks) - 0.15
    if len(brief.names) > 1 and room >= _MIN_COMPARISON_H:
        blocks.append(chart_row(min(room, 4.3), [_comparison_fn(brief)]))
        return blocks, True
    return blocks, False


#: Smallest height of the comparison chart on the first page [in].
_MIN_COMPARISON_H = 3.1


def _comparison_fn(brief: Brief) -> Callable:
    titles = {n: brief.label(n) for n in brief.names}
    return lambda sf: plots.scenario_comparison(brief.comparison.datasets, lang=brief.lang,
                                                fig=sf, titles=titles)


def _chart_fns(brief: Brief, comparison_done: bool = False
               ) -> list[tuple[float, list[Callable]]]:
    """Rows of charts (height [in], draw functions) of the chart page.

    Several scenarios: the comparison (unless already on page 1), CO2 by sector and the
    capacity mix of the first and last scenario, and (when the comparison went to page 1) the
    energy flows of the last scenario. One scenario: CO2, capacity, generation, coal, flows.
    """
    lang = brief.lang
    runs = brief.comparison.datasets
    names = list(runs)
    rows: list[tuple[float, list[Callable]]] = []
    if len(names) > 1:
        if not comparison_done:
            rows.append((4.3, [_comparison_fn(brief)]))
        per_row, height = 2, 3.0
        for chart in (plots.co2_by_sector, plots.capacity_mix):  # every scenario, one scale
            for i in range(0, len(names), per_row):
                rows.append((height, [
                    lambda sf, n=n, chart=chart: _in_units_of(runs[names[0]], _labelled, chart,
                                                              runs[n], brief.label(n), lang, sf)
                    for n in names[i:i + per_row]], per_row, chart.__name__))
        if comparison_done:
            last = names[-1]
            yrs = {int(y) for y in runs[last]["year"].values}
            year = brief.wedge_year if brief.wedge_year in yrs else None
            rows.append((4.6, [lambda sf: _labelled(plots.energy_flow, runs[last],
                                                    brief.label(last), lang, sf, year=year)]))
    else:
        ds = runs[names[0]]
        rows.append((3.0, [lambda sf: plots.co2_by_sector(ds, lang=lang, fig=sf),
                           lambda sf: plots.capacity_mix(ds, lang=lang, fig=sf)]))
        rows.append((3.0, [lambda sf: plots.generation_mix(ds, lang=lang, fig=sf),
                           lambda sf: plots.coal_balance(ds, lang=lang, fig=sf)]))
        rows.append((3.4, [lambda sf: plots.energy_flow(ds, lang=lang, fig=sf)]))
    return rows


def _in_units_of(reference, fn, *args, **kw):
    """``fn(*args, **kw)`` with charts in the display units of ``reference``."""
    with units_like(reference):
        return fn(*args, **kw)


def _labelled(fn, ds, name, lang, sf, **kw):
    fig = fn(ds, lang=lang, fig=sf, **kw)
    ax = fig.axes[0]
    ax.set_title(f"{ax.get_title(loc='left')} · {name}", loc="left")
    return fig


def _page2_blocks(brief: Brief, comparison_done: bool) -> list[Block]:
    lang = brief.lang
    blocks = [heading(_t(lang, "三、情景图表", "3. Charts"), _t(lang, "Charts", "情景图表"))]
    groups: dict[str, list[Block]] = {}
    for row in _chart_fns(brief, comparison_done):
        height, fns, *more = row
        block = chart_row(height, fns, columns=more[0] if more else None)
        blocks.append(block)
        if more:  # rows of one chart over scenarios: one y-scale across the rows
            groups.setdefault(more[1], []).append(block)
    for group in groups.values():
        _share_y_across(group)
    return blocks


def _share_y_across(blocks: list[Block]) -> None:
    """Rows of the same chart (several scenarios) drawn with one y-scale across all rows."""
    drawn: list = []
    draws = [b.draw for b in blocks]

    def wrap(i):
        def draw(sf):
            draws[i](sf)
            drawn.extend(ax for part in sf.subfigs or [sf] for ax in part.axes[:1])
            if i == len(blocks) - 1:
                share_y_scale(drawn)
        return draw

    for i, b in enumerate(blocks):
        b.draw = wrap(i)


def _provenance_blocks(brief: Brief) -> list[Block]:
    lang = brief.lang
    return [heading(_t(lang, "六、运行信息", "6. Provenance"), _t(lang, "Provenance", "运行信息")),
            paragraph(_provenance_lines(brief))]


def _page3(brief: Brief) -> list:
    """The pages after the charts: the wedges of every alternative (two per page), then the
    assumptions that differ and the provenance."""
    lang = brief.lang
    blocks: list[Block] = []
    if brief.wedges:
        blocks.append(heading(_t(lang, "四、政策楔形", "4. Policy wedges"),
                               _t(lang, "Policy wedges", "政策楔形")))
        for name in brief.wedges:
            w = brief.wedges[name]
            chart = chart_row(2.75, [lambda sf, w=w: _wedge_chart(brief, w, sf)])
            chart.keep_with_next = True  # a wedge chart and its table on one page
            blocks += [chart, table_block(_wedge_table(brief, name))]
    blocks += _driver_blocks(brief)
    pages = paginate(blocks) if blocks else [[]]
    last = pages[-1]
    used = sum(b.height for b in last)
    prov_head, prov = _provenance_blocks(brief)
    room = PAGE_H - 0.3 - used - prov.height - prov_head.height - 0.38
    if len(brief.names) > 1 and room < 1.2:  # no room for the diff: a page of its own
        pages.append([])
        room = PAGE_H - 0.3 - prov.height - prov_head.height - 0.38
    if len(brief.names) > 1 and not any(len(d) for d in brief.comparison.diffs.values()):
        same = _t(lang, "各情景参数与参照情景相同。",
                  "All scenarios have the reference's parameters.")
        pages[-1] += [heading(_t(lang, "五、情景假设差异", "5. Assumptions that differ"),
                               _t(lang, "Assumptions that differ", "情景假设差异")),
                      paragraph([(same, 7.5, INK)])]
    elif len(brief.names) > 1:
        rows = 60
        while rows > 0:
            table, note = _diff_table(brief, rows)
            block = table_block(table, note)
            if block.height <= room or rows <= 3:
                break
            rows -= 1
        pages[-1] += [heading(_t(lang, "五、情景假设差异", "5. Assumptions that differ"),
                               _t(lang, "Assumptions that differ", "情景假设差异")), block]
    pages[-1] += [prov_head, prov]
    return [page(p) for p in pages]


def _wedge_chart(brief: Brief, w, sf):
    """The wedge chart of one alternative, titled with the scenarios' reader names."""
    fig = plots.wedges(w, lang=brief.lang, fig=sf)
    names = {n: brief.label(n) for n in (w.child_name, w.parent_name) if n in brief.names}
    texts = [t for ax in fig.axes for t in (ax.title, ax._left_title, *(
        ax.get_legend().get_texts() if ax.get_legend() else ()))]
    if getattr(fig, "_suptitle", None) is not None:
        texts.append(fig._suptitle)
    for t in texts:
        text = t.get_text()
        for n in sorted(names, key=len, reverse=True):  # ids → the brief's scenario names
            text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", names[n], text)
        t.set_text(text)
    return fig


def render_pages(brief: Brief) -> list:
    """The brief's pages as matplotlib Figures (A4 portrait); chart and wedge sections run
    over as many pages as they need (up to six scenarios: every scenario's charts and every
    alternative's wedges, nothing dropped)."""
    with style():
        first, done = _page1_blocks(brief)
        second = _page2_blocks(brief, done)
        pages = [page(first)]
        if not brief.wedges and len(brief.names) == 1 and brief.drivers is None:
            # nothing for a third page
            prov = _provenance_blocks(brief)
            if sum(b.height for b in second + prov) <= PAGE_H - 0.2:
                return [*pages, _money_page(brief), page(second + prov)]
        pages += [page(p) for p in paginate(second)]
        pages.append(_money_page(brief))  # issue 16: after the charts, before the wedges
        pages += _page3(brief)
    return pages


def _money_page(brief: Brief):
    return money_page(brief)


# ---------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is None:
        fmt = path.suffix.lstrip(".").lower() or "pdf"
        if fmt not in FORMATS:
            fmt = "pdf"
    if fmt not in FORMATS:
        raise ScenarioError(f"unknown brief format (expected one of {', '.join(FORMATS)}, got "
                            f"{fmt!r})", key="--format")
    return fmt


def write_brief(brief: Brief, path: str | os.PathLike, *, format: str | None = None,
                dpi: int = 150) -> Path:
    """Write the brief atomically.

    Parameters
    ----------
    brief : Brief
    path : path-like
    format : {"pdf", "png", "html"}, optional
        Default from the file suffix (pdf if unknown). PNG: the pages one under another in
        one image; HTML: one self-contained file (charts as base64 PNG).
    dpi : int
        Resolution of PNG output and of the charts in HTML.

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    fmt = _format_of(target, format)
    if fmt == "html":
        text = render_html(brief, dpi=dpi)
        with atomic_path(target) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        return target
    pages = render_pages(brief)
    with style(), atomic_path(target) as tmp:
        if fmt == "pdf":
            # lazy: matplotlib (~0.2 s) loads only when drawing
            from matplotlib.backends.backend_pdf import PdfPages

            with PdfPages(tmp, metadata=_pdf_metadata(brief)) as pdf:
                for fig in pages:
                    pdf.savefig(fig)
        else:
            _stack_png(pages, tmp, dpi)
    return target


def _pdf_metadata(brief: Brief) -> dict[str, str]:
    zh, en = TITLE
    return {"Title": f"{zh} / {en}", "Subject": ", ".join(brief.names),
            "Creator": f"energysim {brief.version}", "Keywords": "energysim brief"}


def _stack_png(pages: list, path: str, dpi: int) -> None:
    import matplotlib.image as mimage  # lazy: matplotlib (~0.2 s) loads only when drawing

    # lazy: matplotlib (~0.2 s) loads only when drawing
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    images = []
    for fig in pages:
        canvas = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        canvas.draw()
        images.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        sep = np.full((max(2, dpi // 20), images[-1].shape[1], 3), 200, dtype=np.uint8)
        images.append(sep)
    mimage.imsave(path, np.concatenate(images[:-1], axis=0), format="png")


_CSS = """
body{font-family:"Noto Sans SC","Source Han Sans SC","Microsoft YaHei",sans-serif;max-width:60em;
margin:2em auto;color:#1a1a1a;font-size:14px;line-height:1.45}
h1{margin-bottom:0}h1+p.sub{color:#666;margin-top:.2em;font-size:1.2em}
h2{color:#1f4e79;border-bottom:1px solid #1f4e79;font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:12px;margin:.5em 0}
th{background:#e8eef5;text-align:left;padding:3px 6px}td{padding:3px 6px;vertical-align:top}
tbody tr:nth-child(even){background:#f5f5f5}td.num{text-align:right}
.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.4em;
vertical-align:-.1em}.note{color:#666;font-size:12px}img{max-width:100%}
"""


def render_html(brief: Brief, *, dpi: int = 110) -> str:
    """The brief as one self-contained HTML document (charts as base64 PNG)."""
    lang = brief.lang
    zh, en = TITLE
    main, sub = (zh, en) if lang == "zh" else (en, zh)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head>"
             f"<meta charset=\"utf-8\"><title>{e(main)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(main)}</h1><p class=\"sub\">{e(sub)} · {e(brief.date)}</p><ul>"]
    for n, s in brief.comparison.scenarios.items():
        parts.append(f"<li><b>{e(n)}</b>: {e(_scenario_title(s, lang))}</li>")
    parts.append(f"</ul><p class=\"note\">{e(_run_kind(brief))}</p>")
    parts.append(f"<h2>{e(_t(lang, '要点', 'Highlights'))}</h2><ul>")
    parts.extend(f"<li>{e(t)}</li>" for t in _highlights(brief))
    parts.append("</ul>")
    parts.append(f"<h2>{e(_t(lang, '一、关键指标', '1. Key numbers'))}</h2>")
    parts.append(html_table(_key_numbers_table(brief)))
    parts.append(f"<h2>{e(_t(lang, '二、目标跟踪', '2. Targets'))}</h2>")
    parts.append(html_table(_target_table(brief)))
    parts.append(f"<p class=\"note\">{e(_status_legend(brief))}</p>")
    parts.append(f"<h2>{e(_t(lang, '三、情景图表', '3. Charts'))}</h2>")
    with style():
        for _, fns, *_ in _chart_fns(brief):
            for fn in fns:
                fig = fn(None)
                parts.append(f'<p><img alt="chart" src="data:image/png;base64,'
                             f'{png_base64(fig, dpi)}"></p>')
        if brief.wedges:
            parts.append(f"<h2>{e(_t(lang, '四、政策楔形', '4. Policy wedges'))}</h2>")
            for name, w in brief.wedges.items():
                fig = plots.wedges(w, lang=lang)
                parts.append(f'<p><img alt="wedges" src="data:image/png;base64,'
                             f'{png_base64(fig, dpi)}"></p>')
                parts.append(html_table(_wedge_table(brief, name)))
    if len(brief.names) > 1:
        table, note = _diff_table(brief, 10_000)
        parts.append(f"<h2>{e(_t(lang, '五、情景假设差异', '5. Assumptions that differ'))}</h2>")
        parts.append(html_table(table))
        parts.append(f"<p class=\"note\">{e(note)}</p>")
    parts.append(_money_html(brief, dpi))
    parts.append(f"<h2>{e(_t(lang, '六、运行信息', '6. Provenance'))}</h2>")
    parts.extend(f"<p class=\"note\">{e(t)}</p>" for t, _, _ in _provenance_lines(brief))
    parts.append("</body></html>")
    return "\n".join(parts)


def _money_html(brief: Brief, dpi: int) -> str:
    """The money section (issue 16; energysim.briefing.money_pages)."""
    with style():
        return money_html(brief, dpi)
