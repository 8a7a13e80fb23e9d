"""Briefing charts, in Chinese or English: one function per chart, each returning the Figure.

Every chart function takes a results Dataset (or several) and

* ``lang="zh"`` or ``"en"``: titles, axis labels, legends; units are the report's for Chinese
  (万千瓦, 亿千瓦时, 亿吨, 万吨, 亿立方米) and canonical for English, converted in one place
  (:func:`energysim.text.labels.display_unit`, built on :mod:`energysim.units`);
* ``fig=None``: a new :class:`matplotlib.figure.Figure`, or a Figure / SubFigure to draw into
  (the brief lays several charts out on one page this way);

and returns the Figure (or SubFigure) it drew. Ensembles (``sample`` > 1): stacked areas show
the mean across samples (means add up; medians do not), and so do the lines drawn with them
(a total is the top of its stack), each with its p5–p95 band; the scenario comparison shows
medians with p5–p95 bands.

The values drawn are also kept on each Axes as ``ax.energysim_series`` (label → array in the
display unit), so that tests and notebooks can check the data without reading pixels.

matplotlib is imported only here (and in :mod:`energysim.briefing.report`), never through
pyplot: the figures are plain :class:`~matplotlib.figure.Figure` objects that render with the
Agg/PDF backends and leave no global state. Chinese text uses Noto Sans SC, shipped by the pip
package ``pylopdf-fonts-zh-cn`` and registered with matplotlib on first use
(docs/dependencies.md).

Charts: :func:`capacity_mix`, :func:`generation_mix`, :func:`coal_balance`,
:func:`co2_by_sector`, :func:`hydrogen_balance`, :func:`storage`, :func:`truck_fleet`,
:func:`water_use`, :func:`energy_flow` (Sankey), :func:`scenario_comparison`,
:func:`tornado`, :func:`wedges` (policy wedges); :data:`CHARTS` lists the single-run ones.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import unicodedata
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from energysim.analysis.compare import central_params
from energysim.analysis.targets import select_indicator
from energysim.analysis.wedges import lever_name
from energysim.errors import ScenarioError
from energysim.results.dataset import atomic_path
from energysim.scenario import loads_scenario
from energysim.text.labels import (
    category_names,
    check_lang,
    display_unit,
    magnitude_of,
    var_label,
    var_name,
)
from energysim.text.numbers import fmt_number

__all__ = [
    "capacity_mix",
    "generation_mix",
    "coal_balance",
    "co2_by_sector",
    "hydrogen_balance",
    "storage",
    "truck_fleet",
    "water_use",
    "energy_flow",
    "energy_flows",
    "scenario_comparison",
    "tornado",
    "wedges",
    "save",
    "CHARTS",
    "font_families",
]

#: Colours by category label.
COLORS = {
    "tech": {"coal": "#5b5b5b", "wind": "#4a90d9", "solar": "#f5b82e"},
    "sector": {"power": "#5b5b5b", "chemicals": "#8e6bb8", "mining": "#a0522d",
               "transport": "#e07b39", "hydrogen": "#9aa5b1", "other": "#c9b48a"},
    "powertrain": {"diesel": "#7f7f7f", "bev": "#2ca02c", "fcev": "#17becf"},
    "water_sector": {"municipal": "#9ecae1", "agriculture": "#74c476", "industry_other": "#bcbddc",
                     "power": "#5b5b5b", "mining": "#a0522d", "electrolysis": "#17becf",
                     "chemicals": "#8e6bb8"},
}
#: Line colours of scenarios in comparisons.
SCENARIO_COLORS = ("#1f4e79", "#d7301f", "#2e9d49", "#8e6bb8", "#e07b39", "#17becf")
_BAND_ALPHA = 0.22


# ---------------------------------------------------------------------------------------------
# matplotlib set-up (lazy)
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Register the CJK font with matplotlib (once) and return the font family list.

    Returns
    -------
    tuple of str
        ``("Noto Sans SC", "DejaVu Sans")``: Chinese from Noto Sans SC, glyphs it lacks (₂, ⁴)
        from matplotlib's own DejaVu Sans.

    Raises
    ------
    ScenarioError
        When no CJK font can be found (the ``pylopdf-fonts-zh-cn`` package is missing).
    """
    from matplotlib import font_manager  # lazy: matplotlib (~0.2 s) loads only when drawing

    path = _cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    return (name, "DejaVu Sans")


def _cjk_font_path() -> Path:
    try:
        import pylopdf_fonts_zh_cn  # lazy: the font package loads only when fonts are registered

        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.is_file():
            return path
    except ImportError:
        pass
    raise ScenarioError(
        "no Chinese font for the charts (expected the pip package pylopdf-fonts-zh-cn, "
        "got none installed)", key="plots", hint="pip install pylopdf-fonts-zh-cn")


def rc_params() -> dict[str, Any]:
    """matplotlib settings of every chart (fonts, embedding, sizes)."""
    return {
        "font.family": list(font_families()),
        "font.size": 8.0,
        "axes.titlesize": 9.0,
        "axes.labelsize": 8.0,
        "legend.fontsize": 7.0,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "axes.unicode_minus": True,
        "pdf.fonttype": 3,  # Type 3: valid PDF for a CFF (OTF) font; 42 embeds it as TrueType
        "ps.fonttype": 3,
        "svg.fonttype": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": 0.5,
        "figure.dpi": 100,
        "savefig.dpi": 150,
    }


@contextlib.contextmanager
def style():
    """Context in which charts are built and saved (fonts registered lazily)."""
    import matplotlib  # lazy: matplotlib (~0.2 s) loads only when drawing

    with matplotlib.rc_context(rc_params()):
        yield


def _chart(fn: Callable) -> Callable:
    """Run a chart function inside :func:`style` and check its ``lang``."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        check_lang(kwargs.get("lang", "zh"))
        with style():
            return fn(*args, **kwargs)

    return wrapper


def _figure(fig, figsize: tuple[float, float]):
    if fig is not None:
        return fig
    from matplotlib.figure import Figure  # lazy: matplotlib (~0.2 s) loads only when drawing

    return Figure(figsize=figsize, layout="constrained")


def _axes(fig, nrows: int = 1, ncols: int = 1, **kw) -> list:
    axs = fig.subplots(nrows, ncols, squeeze=False, **kw)
    out = [ax for row in axs for ax in row]
    for ax in out:
        _style_axes(ax)
    return out


def _style_axes(ax) -> None:
    # tick labels are made at draw time: give them the CJK font explicitly, so that a figure
    # saved outside :func:`style` still renders Chinese tick labels
    ax.tick_params(labelfontfamily=list(font_families()))
    ax.energysim_series = {}


def _record(ax, label: str, values) -> None:
    ax.energysim_series[str(label)] = np.asarray(values, dtype=np.float64)


def _title(target, zh: str, en: str, lang: str) -> None:
    """Title of an Axes or (sub)figure."""
    text = zh if lang == "zh" else en
    if hasattr(target, "set_title"):
        target.set_title(text, loc="left")
    else:
        target.suptitle(text, x=0.02, ha="left", fontsize=9.5)


def save(fig, path: str | os.PathLike, *, dpi: int = 150, format: str | None = None) -> Path:
    """Save a chart atomically (temporary name, then rename); returns the path."""
    target = Path(path)
    fmt = format or (target.suffix.lstrip(".").lower() or "png")
    root = getattr(fig, "figure", fig) or fig
    with style(), atomic_path(target) as tmp:
        root.savefig(tmp, dpi=dpi, format=fmt)
    return target


# ---------------------------------------------------------------------------------------------
# data helpers
# ---------------------------------------------------------------------------------------------


def _years(ds) -> np.ndarray:
    return np.asarray(ds["year"].values, dtype=np.int64)


def n_samples(ds) -> int:
    """Number of samples of a results Dataset (1 without a ``sample`` dimension)."""
    return int(ds.sizes.get("sample", 1))


def _need(ds, *names: str) -> None:
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise ScenarioError(
            f"results lack variable(s) {missing} needed by this chart (expected a full run, "
            f"got {len(ds.data_vars)} variables)", key="chart")


def _mean(da) -> np.ndarray:
    """Mean over samples, as an array ``(n_years[, k])``."""
    if "sample" in da.dims:
        v = da.transpose("sample", ...).values
        return np.asarray(v.mean(axis=0) if v.shape[0] > 1 else v[0], dtype=np.float64)
    return np.asarray(da.values, dtype=np.float64)


def _quantiles(da, qs=(0.05, 0.5, 0.95)) -> np.ndarray:
    """Quantiles over samples, shape ``(len(qs), n_years)``."""
    if "sample" not in da.dims:
        v = np.asarray(da.values, dtype=np.float64)
        return np.stack([v] * len(qs))
    v = np.asarray(da.transpose("sample", ...).values, dtype=np.float64)
    if v.shape[0] == 1:
        return np.repeat(v, len(qs), axis=0)
    return np.quantile(v, qs, axis=0)


#: Results whose values size the display units of the charts drawn inside
#: :func:`units_like` (charts of several scenarios side by side share their units).
_UNIT_REFERENCE: list = []


@contextlib.contextmanager
def units_like(ds):
    """Draw charts in the display units ``ds`` (a reference scenario's results) gets, so that
    side-by-side charts of several scenarios show the same unit (万吨, not 万吨 here and 亿吨
    there) and can share one scale."""
    _UNIT_REFERENCE.append(ds)
    try:
        yield
    finally:
        _UNIT_REFERENCE.pop()


def _unit(da, lang: str) -> tuple[float, str]:
    """Display unit of a chart's variable, sized by its total over categories (a stack's
    height): :func:`energysim.text.labels.display_unit`."""
    if _UNIT_REFERENCE and da.name is not None and da.name in _UNIT_REFERENCE[-1]:
        ref = _UNIT_REFERENCE[-1][da.name]
        if set(ref.dims) == set(da.dims) or ref.dims == da.dims:
            da = ref
    cats = [d for d in da.dims if d not in ("sample", "year", "stat")]
    total = da.sum(cats) if cats else da
    return display_unit(da.attrs.get("units", ""), lang, magnitude=magnitude_of(total.values))


def _cat_dim(da) -> str:
    return next(d for d in da.dims if d not in ("sample", "year"))


def _stack(ax, years, da, lang: str, *, colors: Mapping[str, str] | None = None,
           factor: float | None = None, labels: Sequence[str] | None = None) -> np.ndarray:
    """Stacked areas of a variable with a category dimension (mean over samples).

    Returns
    -------
    ndarray, shape (n_years,)
        The top of the stack (display unit).
    """
    dim = _cat_dim(da)
    f = _unit(da, lang)[0] if factor is None else factor
    keys = [str(x) for x in da[dim].values] if labels is None else list(labels)
    names = category_names(dim, keys, lang)
    base = np.zeros(len(years))
    cols = colors or COLORS.get(dim, {})
    for key, name in zip(keys, names, strict=True):
        y = _mean(da.sel({dim: key})) * f
        if not np.any(y):
            continue
        ax.fill_between(years, base, base + y, label=name, color=cols.get(key),
                        linewidth=0.0, alpha=0.9)
        _record(ax, name, y)
        base = base + y
    return base


def _stack_vars(ax, years, ds, names: Sequence[str], lang: str, factor: float,
                colors: Sequence[str]) -> np.ndarray:
    """Stacked areas of several variables in one unit (mean over samples)."""
    base = np.zeros(len(years))
    for name, color in zip(names, colors, strict=False):
        if name not in ds:
            continue
        y = _mean(ds[name]) * factor
        if not np.any(y):
            continue
        label = _short(var_name(ds[name].attrs, lang, name))
        ax.fill_between(years, base, base + y, label=label, color=color, linewidth=0.0,
                        alpha=0.9)
        _record(ax, label, y)
        base = base + y
    return base


def _short(name: str) -> str:
    """A legend label: the long name without parenthesised qualifiers."""
    return re.sub(r"\s*[(（][^()（）]*[)）]", "", name).strip() or name


def _line_band(ax, years, da, lang: str, *, factor: float | None = None, label: str | None = None,
               color: str = "black", lw: float = 1.4, ls: str = "-", band: bool = True,
               center: str = "mean"):
    """Line of a variable (mean or median over samples) with its p5–p95 band (ensembles).

    Returns
    -------
    ndarray, shape (3, n_years)
        p5, centre line, p95 (display unit).
    """
    f = _unit(da, lang)[0] if factor is None else factor
    q = _quantiles(da) * f
    if center == "mean":
        q[1] = _mean(da) * f
    name = label if label is not None else var_name(da.attrs, lang, str(da.name))
    ax.plot(years, q[1], color=color, lw=lw, ls=ls, label=name)
    _record(ax, name, q[1])
    if band and not np.allclose(q[0], q[2]):
        ax.fill_between(years, q[0], q[2], color=color, alpha=_BAND_ALPHA, linewidth=0.0,
                        label=f"{name} p5–p95")
        _record(ax, f"{name} p5", q[0])
        _record(ax, f"{name} p95", q[2])
    return q


def _legend(ax, *, loc: str = "upper left", ncol: int = 1, **kw):
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc=loc, ncol=ncol, frameon=False, **kw)


def _legend_below(fig, axes: Sequence, *, ncol: int = 3) -> None:
    """One legend for ``axes`` under the chart (outside the data), bands last."""
    handles, labels, seen = [], [], set()
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in seen and not lab.startswith("_"):
                seen.add(lab)
                handles.append(h)
                labels.append(lab)
    if handles:
        ncol = _fitting_columns(fig, labels, min(ncol, len(handles)))
        fig.legend(handles, labels, loc="outside lower center", ncol=ncol,
                   frameon=False, columnspacing=1.2, handlelength=1.6)


def _fitting_columns(fig, labels: Sequence[str], ncol: int) -> int:
    """The most legend columns (≤ ``ncol``) whose rows fit the figure's width, so that the
    legends of charts side by side never run into each other."""
    from matplotlib import rcParams  # lazy: matplotlib (~0.2 s) loads only when drawing

    # lazy: matplotlib (~0.2 s) loads only when drawing
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=rcParams["legend.fontsize"]).get_size_in_points()
    try:
        width = fig.bbox.width / fig.dpi  # a SubFigure has the width of its slot
    except (AttributeError, ValueError):  # pragma: no cover - no layout yet
        return ncol

    def text_w(t: str) -> float:
        em = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in t)
        return em * size / 72.0

    item = max(text_w(t) for t in labels) + (1.6 + 0.8 + 1.2) * size / 72.0  # handle + gaps
    while ncol > 1 and ncol * item > 0.95 * width:
        ncol -= 1
    return ncol


def _xaxis(ax, years) -> None:
    ax.set_xlim(years[0], years[-1])
    ax.margins(x=0)


def _ylabel(ax, text: str) -> None:
    ax.set_ylabel(text)


def _ylim0(ax) -> None:
    """Start the y axis at 0 when nothing drawn is negative."""
    if ax.dataLim.y0 >= -1e-12:
        ax.set_ylim(bottom=0)


@functools.lru_cache(maxsize=16)
def _central(yaml_text: str, end_year: int):
    return central_params(loads_scenario(yaml_text, file="<results>"), end_year=end_year)


def scenario_param(ds, path: str) -> np.ndarray | None:
    """A parameter's central path for the run's years, from the scenario stored in ``ds``.

    Returns
    -------
    ndarray of float64, shape (n_years,) or None
        Canonical unit; None when the results carry no scenario.
    """
    text = ds.attrs.get("scenario_yaml")
    if not text:
        return None
    years = _years(ds)
    try:
        params = _central(str(text), int(years[-1]))
    except ScenarioError:
        return None
    if path not in params.values:
        return None
    row = np.asarray(params.values[path][0], dtype=np.float64)
    pyears = np.asarray(params.years)
    return np.interp(years, pyears, row)


# ---------------------------------------------------------------------------------------------
# single-run charts
# ---------------------------------------------------------------------------------------------


@_chart
def capacity_mix(ds, *, lang: str = "zh", fig=None, storage_line: bool = True):
    """Installed capacity by technology (stacked areas), with battery storage power.

    Parameters
    ----------
    ds : xarray.Dataset
        Results with ``power_cap`` (sample, year, tech) [GW] and ``storage_cap`` [GW].
    lang : {"zh", "en"}
    fig : Figure or SubFigure, optional
    storage_line : bool
        Also draw battery power as a dashed line.

    Returns
    -------
    Figure
    """
    _need(ds, "power_cap")
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    da = ds["power_cap"]
    f, unit = _unit(da, lang)
    _stack(ax, years, da, lang, factor=f)
    if storage_line and "storage_cap" in ds:
        _line_band(ax, years, ds["storage_cap"], lang, factor=f, color="#d7301f", ls="--",
                   lw=1.2)
    _xaxis(ax, years)
    _ylim0(ax)
    _ylabel(ax, f"{var_name(da.attrs, lang)} [{unit}]")
    _title(ax, "装机容量结构", "Installed capacity mix", lang)
    _legend_below(fig, [ax], ncol=4)
    return fig


@_chart
def generation_mix(ds, *, lang: str = "zh", fig=None):
    """Generation by technology (stacked areas) and the renewable share (right axis, %).

    Parameters
    ----------
    ds : xarray.Dataset
        ``power_gen`` (sample, year, tech) [TWh/yr], ``renewable_gen_share`` [fraction].

    Returns
    -------
    Figure
    """
    _need(ds, "power_gen", "renewable_gen_share")
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    da = ds["power_gen"]
    f, unit = _unit(da, lang)
    _stack(ax, years, da, lang, factor=f)
    _xaxis(ax, years)
    _ylim0(ax)
    _ylabel(ax, f"{var_name(da.attrs, lang)} [{unit}]")
    ax2 = ax.twinx()
    ax2.tick_params(labelfontfamily=list(font_families()))
    ax2.energysim_series = {}
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    share = ds["renewable_gen_share"]
    _line_band(ax2, years, share, lang, color="#2e9d49", lw=1.6)
    ax2.set_ylim(0, 100)
    ax2.set_ylabel(var_label(share, lang))
    _title(ax, "发电量结构与新能源占比", "Generation mix and renewable share", lang)
    _legend_below(fig, [ax, ax2], ncol=3)
    return fig


_COAL_USES = ("coal_power_use", "chem_coal_use", "h2_grey_coal_use", "coal_other_use",
              "coal_shipments")
_COAL_COLORS = ("#5b5b5b", "#8e6bb8", "#9aa5b1", "#c9b48a", "#d9d9d9")


@_chart
def coal_balance(ds, *, lang: str = "zh", fig=None):
    """Raw-coal output and its uses (stacked), with the output cap and mine capacity.

    The uses stack to output + imports (coal balance); the policy cap (``coal.output_cap``)
    is drawn when it is within twice the output (the catalogue default means no cap), and the
    mines' capacity × maximum utilisation as a dotted line.

    Returns
    -------
    Figure
    """
    _need(ds, "coal_output", *_COAL_USES)
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    out = ds["coal_output"]
    f, unit = _unit(out, lang)
    _stack_vars(ax, years, ds, _COAL_USES, lang, f, _COAL_COLORS)
    _line_band(ax, years, out, lang, factor=f, color="black", lw=1.6)
    peak = float(np.max(_quantiles(out)[2]))
    cap = scenario_param(ds, "coal.output_cap")
    if cap is not None and np.any(cap <= 2.0 * peak):
        y = np.where(cap <= 2.0 * peak, cap, np.nan) * f
        ax.plot(years, y, color="#d7301f", lw=1.4, ls="--",
                label="产量上限" if lang == "zh" else "Output cap")
        _record(ax, "cap", y)
    mine = scenario_param(ds, "coal.mine_capacity")
    util = scenario_param(ds, "coal.max_utilization")
    if mine is not None and util is not None:
        y = mine * util * f
        ax.plot(years, y, color="#a0522d", lw=1.0, ls=":",
                label="煤矿产能×最大利用率" if lang == "zh" else "Mine capacity × max use")
        _record(ax, "mine_capacity", y)
    _xaxis(ax, years)
    _ylim0(ax)
    _ylabel(ax, f"{var_name(out.attrs, lang)} [{unit}]")
    _title(ax, "原煤产量及去向", "Raw coal output and its uses", lang)
    _legend_below(fig, [ax], ncol=2)
    return fig


@_chart
def co2_by_sector(ds, *, lang: str = "zh", fig=None):
    """CO2 by sector (stacked, mean), the total (median, p5–p95 band) and the peak year.

    Returns
    -------
    Figure
    """
    _need(ds, "co2", "co2_total")
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    total = ds["co2_total"]
    f, unit = _unit(total, lang)
    _stack(ax, years, ds["co2"], lang, factor=f)
    q = _line_band(ax, years, total, lang, factor=f, color="black", lw=1.6)
    if "co2_peak_year" in ds:
        pq = _quantiles(ds["co2_peak_year"])
        peak = float(pq[1])
        ax.axvline(peak, color="#d7301f", lw=1.0, ls="--")
        spread = f"({pq[0]:.0f}–{pq[2]:.0f})" if pq[2] > pq[0] else ""
        text = f"达峰 {peak:.0f}{spread}" if lang == "zh" else f"peak {peak:.0f}{spread}"
        # in the headroom above the data (the y axis gets 12 % more room below)
        ax.annotate(text, (peak, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -1),
                    textcoords="offset points", color="#d7301f", fontsize=7.5, va="top")
        ax.energysim_series["peak_year"] = np.asarray([peak])
    _xaxis(ax, years)
    _ylim0(ax)
    ax.set_ylim(top=float(np.nanmax(q[2])) * 1.14)
    _ylabel(ax, f"{var_name(total.attrs, lang)} [{unit}]")
    _title(ax, "分部门二氧化碳排放", "CO2 emissions by sector", lang)
    _legend_below(fig, [ax], ncol=4)
    return fig


_H2_USES = ("h2_truck_use", "h2_chem_substitution", "h2_other_use", "h2_export")
_H2_COLORS = ("#17becf", "#8e6bb8", "#c9b48a", "#bdd7ee")


@_chart
def hydrogen_balance(ds, *, lang: str = "zh", fig=None):
    """Hydrogen uses (stacked: trucks, chemicals substitution, other, export) and supply.

    The uses add up to the supply (electrolytic + grey); the electrolytic supply is the solid
    line, the total supply the dashed one, so that the grey hydrogen is the gap between them.

    Returns
    -------
    Figure
    """
    _need(ds, "h2_electrolytic_supply", "h2_grey_supply", *_H2_USES)
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    green = ds["h2_electrolytic_supply"]
    f, unit = _unit(green, lang)
    _stack_vars(ax, years, ds, _H2_USES, lang, f, _H2_COLORS)
    _line_band(ax, years, green, lang, factor=f, color="#2e9d49", lw=1.6, band=False)
    total = ds["h2_electrolytic_supply"] + ds["h2_grey_supply"]
    total.attrs.update(ds["h2_electrolytic_supply"].attrs)
    _line_band(ax, years, total, lang, factor=f, color="black", lw=1.0, ls="--",
               label="氢气总供应(电解氢+灰氢)" if lang == "zh" else
               "Total supply (electrolytic + grey)")
    _xaxis(ax, years)
    _ylim0(ax)
    _ylabel(ax, ("氢气" if lang == "zh" else "Hydrogen") + f" [{unit}]")
    _title(ax, "氢气供应与需求", "Hydrogen supply and demand", lang)
    _legend_below(fig, [ax], ncol=3)
    return fig


@_chart
def storage(ds, *, lang: str = "zh", fig=None):
    """Battery storage: power capacity (area, left) and energy capacity (line, right).

    Returns
    -------
    Figure
    """
    _need(ds, "storage_cap", "storage_energy_cap")
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    power = ds["storage_cap"]
    f, unit = _unit(power, lang)
    y = _mean(power) * f
    name = var_name(power.attrs, lang)
    ax.fill_between(years, 0, y, color="#f5b82e", alpha=0.8, lw=0, label=name)
    _record(ax, name, y)
    _xaxis(ax, years)
    _ylim0(ax)
    ax.set_ylabel(f"{name} [{unit}]")
    ax2 = ax.twinx()
    ax2.tick_params(labelfontfamily=list(font_families()))
    ax2.energysim_series = {}
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    energy = ds["storage_energy_cap"]
    _line_band(ax2, years, energy, lang, color="#1f4e79", lw=1.6)
    ax2.set_ylabel(var_label(energy, lang))
    _ylim0(ax2)
    _title(ax, "新型储能", "Battery storage", lang)
    _legend_below(fig, [ax, ax2], ncol=3)
    return fig


@_chart
def truck_fleet(ds, *, lang: str = "zh", fig=None):
    """Heavy-truck and mining-truck fleets by powertrain (two panels, stacked).

    Returns
    -------
    Figure
    """
    _need(ds, "heavy_truck_fleet", "mining_truck_fleet")
    fig = _figure(fig, (7.0, 3.2))
    axs = _axes(fig, 1, 2)
    years = _years(ds)
    for ax, name in zip(axs, ("heavy_truck_fleet", "mining_truck_fleet"), strict=True):
        da = ds[name]
        f, unit = _unit(da, lang)
        _stack(ax, years, da, lang, factor=f)
        _xaxis(ax, years)
        _ylim0(ax)
        title = var_name(da.attrs, lang).replace("(按动力类型)", "").replace(" by powertrain", "")
        ax.set_title(title, loc="left")
        ax.set_ylabel(unit)
    _legend_below(fig, axs, ncol=3)
    fig.suptitle("卡车保有量(按动力类型)" if lang == "zh" else "Truck fleets by powertrain",
                 x=0.02, ha="left", fontsize=9.5)
    return fig


@_chart
def water_use(ds, *, lang: str = "zh", fig=None):
    """Water use by user (stacked) against the water-use cap.

    Returns
    -------
    Figure
    """
    _need(ds, "water_use")
    fig = _figure(fig, (6.0, 3.4))
    (ax,) = _axes(fig)
    years = _years(ds)
    da = ds["water_use"]
    f, unit = _unit(da, lang)
    _stack(ax, years, da, lang, factor=f)
    cap = scenario_param(ds, "water.cap")
    if cap is not None:
        y = cap * f
        ax.plot(years, y, color="#d7301f", lw=1.4, ls="--",
                label="用水总量控制指标" if lang == "zh" else "Water-use cap")
        _record(ax, "cap", y)
    _xaxis(ax, years)
    _ylim0(ax)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.05)
    _ylabel(ax, f"{var_name(da.attrs, lang)} [{unit}]")
    _title(ax, "用水量与用水总量指标", "Water use against the cap", lang)
    _legend_below(fig, [ax], ncol=4)
    return fig


# ---------------------------------------------------------------------------------------------
# energy-flow (Sankey) diagram
# ---------------------------------------------------------------------------------------------

#: Nodes of the energy-flow diagram: key → (column, zh, en, colour).
FLOW_NODES = {
    "coal_out": (0, "原煤生产", "Coal mined", "#5b5b5b"),
    "coal_in": (0, "原煤调入", "Coal brought in", "#8c8c8c"),
    "el_in": (1, "电力受入", "Electricity imported", "#bdbdbd"),
    "wind": (1, "风电", "Wind", "#4a90d9"),
    "solar": (1, "光伏", "Solar PV", "#f5b82e"),
    "power_plant": (1, "煤电厂", "Coal power plants", "#5b5b5b"),
    "chemicals": (1, "煤化工", "Coal chemicals", "#8e6bb8"),
    "grey_h2": (1, "煤制氢", "Coal-based hydrogen", "#9aa5b1"),
    "other_coal": (1, "其他工业和建筑", "Other industry & buildings", "#c9b48a"),
    "ship": (1, "原煤外运", "Coal shipped out", "#d9d9d9"),
    "electricity": (2, "电力", "Electricity", "#1f4e79"),
    "conv_loss": (2, "发电损失", "Conversion losses", "#e6e6e6"),
    "el_local": (3, "本地用电", "Local electricity use", "#1f4e79"),
    "el_loss": (3, "厂用电和线损", "Own use & grid losses", "#9ecae1"),
    "el_export": (3, "外送电力", "Electricity exported", "#2e9d49"),
}


def energy_flows(ds, year: int) -> list[tuple[str, str, float]]:
    """Energy flows of one year in standard coal equivalent, mean over samples.

    Coal at ``coal.tce_per_t``, electricity at ``economy.electricity_tce_per_mwh`` (calorific
    equivalent). Every node balances: coal mined + brought in = its uses + shipments; coal
    power plants' coal = their generation + conversion losses; generation (+ imports) = local
    use + own use & losses + exports.

    Parameters
    ----------
    ds : xarray.Dataset
    year : int

    Returns
    -------
    list of (source, target, value)
        Node keys of :data:`FLOW_NODES`; value [Mtce/yr] > 0.
    """
    need = ("coal_output", "coal_imports", "coal_shipments", "coal_power_use", "chem_coal_use",
            "h2_grey_coal_use", "coal_other_use", "power_gen", "electricity_consumption",
            "own_use", "grid_losses", "net_export")
    _need(ds, *need)
    years = _years(ds)
    if int(year) not in set(years.tolist()):
        raise ScenarioError(f"year outside the simulated years (expected {years[0]}–"
                            f"{years[-1]}, got {year})", key="year")
    i = int(np.searchsorted(years, int(year)))
    tce_t = scenario_param(ds, "coal.tce_per_t")
    el = scenario_param(ds, "economy.electricity_tce_per_mwh")
    tce = 0.7143 if tce_t is None else float(tce_t[i])  # catalogue default, GB/T 2589
    e = 0.1229 if el is None else float(el[i])

    def v(name, **sel):
        da = ds[name].sel(year=int(year), **sel)
        return float(_mean(da))

    out, imp, ship = v("coal_output"), v("coal_imports"), v("coal_shipments")
    uses = {"power_plant": v("coal_power_use"), "chemicals": v("chem_coal_use"),
            "grey_h2": v("h2_grey_coal_use"), "other_coal": v("coal_other_use")}
    local = sum(uses.values())
    flows: list[tuple[str, str, float]] = [("coal_out", "ship", ship * tce)]
    from_out = max(out - ship, 0.0)
    for k, u in uses.items():
        share = u / local if local > 0 else 0.0
        flows.append(("coal_out", k, from_out * share * tce))
        flows.append(("coal_in", k, imp * share * tce))
    gen = {t: v("power_gen", tech=t) for t in ("coal", "wind", "solar")}
    flows.append(("power_plant", "electricity", gen["coal"] * e))
    flows.append(("power_plant", "conv_loss", uses["power_plant"] * tce - gen["coal"] * e))
    flows.append(("wind", "electricity", gen["wind"] * e))
    flows.append(("solar", "electricity", gen["solar"] * e))
    net = v("net_export")
    flows.append(("electricity", "el_local", v("electricity_consumption") * e))
    flows.append(("electricity", "el_loss", (v("own_use") + v("grid_losses")) * e))
    if net >= 0:
        flows.append(("electricity", "el_export", net * e))
    else:
        flows.append(("el_in", "electricity", -net * e))
    return [(a, b, x) for a, b, x in flows if x > 1e-12]


def _band_path(x0, y0a, y0b, x1, y1a, y1b):
    """Closed Bézier band from (x0, y0a..y0b) to (x1, y1a..y1b)."""
    from matplotlib.path import Path as MPath  # lazy: matplotlib (~0.2 s) loads only when drawing

    xm = (x0 + x1) / 2.0
    verts = [(x0, y0a), (xm, y0a), (xm, y1a), (x1, y1a), (x1, y1b), (xm, y1b), (xm, y0b),
             (x0, y0b), (x0, y0a)]
    codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO,
             MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
    return MPath(verts, codes)


@_chart
def energy_flow(ds, year: int | None = None, *, lang: str = "zh", fig=None):
    """Energy-flow (Sankey) diagram of one year, in standard coal equivalent.

    Drawn by hand with patches (nodes as bars, flows as Bézier bands whose widths are
    proportional to the flows); values from :func:`energy_flows`.

    Parameters
    ----------
    ds : xarray.Dataset
    year : int, optional
        Default 2030 if simulated, else the last year.
    lang : {"zh", "en"}
    fig : Figure or SubFigure, optional

    Returns
    -------
    Figure
        Its Axes carries ``energysim_series["flows"]`` (the flow values drawn, display unit)
        and ``energysim_flows`` (the list of (source, target, value)).
    """
    # lazy: matplotlib (~0.2 s) loads only when drawing
    from matplotlib.patches import PathPatch, Rectangle

    years = _years(ds)
    if year is None:
        year = 2030 if 2030 in set(years.tolist()) else int(years[-1])
    flows = energy_flows(ds, int(year))
    f, unit = display_unit("Mtce/yr", lang)
    fig = _figure(fig, (7.0, 4.2))
    (ax,) = _axes(fig)
    ax.grid(False)
    ax.set_axis_off()
    nodes = [k for k in FLOW_NODES if any(k in (a, b) for a, b, _ in flows)]
    inflow = {k: sum(x for a, b, x in flows if b == k) for k in nodes}
    outflow = {k: sum(x for a, b, x in flows if a == k) for k in nodes}
    size = {k: max(inflow[k], outflow[k]) for k in nodes}
    cols = sorted({FLOW_NODES[k][0] for k in nodes})
    gap, min_h, width = 0.03, 0.045, 0.03
    col_total = {c: sum(size[k] for k in nodes if FLOW_NODES[k][0] == c) for c in cols}
    col_n = {c: sum(1 for k in nodes if FLOW_NODES[k][0] == c) for c in cols}
    scale = min((1.0 - gap * (col_n[c] - 1) - min_h * col_n[c]) / col_total[c]
                for c in cols if col_total[c] > 0)
    xs = {c: 0.14 + 0.66 * j / max(len(cols) - 1, 1) for j, c in enumerate(cols)}
    top: dict[str, float] = {}
    height: dict[str, float] = {}
    for c in cols:
        y = 1.0
        for k in (k for k in nodes if FLOW_NODES[k][0] == c):
            h = size[k] * scale + min_h
            top[k], height[k] = y, h
            y -= h + gap
    out_off = {k: 0.0 for k in nodes}
    in_off = {k: 0.0 for k in nodes}
    drawn = []
    for a, b, x in flows:
        w = x * scale
        x0 = xs[FLOW_NODES[a][0]] + width
        x1 = xs[FLOW_NODES[b][0]]
        pad_a = (height[a] - size[a] * scale) / 2.0
        pad_b = (height[b] - size[b] * scale) / 2.0
        y0 = top[a] - pad_a - out_off[a]
        y1 = top[b] - pad_b - in_off[b]
        out_off[a] += w
        in_off[b] += w
        ax.add_patch(PathPatch(_band_path(x0, y0, y0 - w, x1, y1, y1 - w),
                               facecolor=FLOW_NODES[a][3], edgecolor="none", alpha=0.45))
        drawn.append(x * f)
    for k in nodes:
        c, zh, en, color = FLOW_NODES[k]
        ax.add_patch(Rectangle((xs[c], top[k] - height[k]), width, height[k], facecolor=color,
                               edgecolor="white", lw=0.5))
        first = c == cols[0]
        label = f"{zh if lang == 'zh' else en}\n{_fmt(size[k] * f)}"
        ax.text(xs[c] + (-0.008 if first else width + 0.008), top[k] - height[k] / 2.0, label,
                ha="right" if first else "left", va="center", fontsize=6.8, linespacing=1.1,
                zorder=6,  # above the flows, on an opaque label box: readable where flows pass
                bbox=None if first else {"boxstyle": "round,pad=0.2", "fc": "white",
                                         "ec": "#d0d0d0", "lw": 0.4, "alpha": 0.95})
    ax.set_xlim(0, 1)
    ax.set_ylim(min(top[k] - height[k] for k in nodes) - 0.01, 1.01)
    ax.energysim_series["flows"] = np.asarray(drawn)
    ax.energysim_flows = [(a, b, x * f) for a, b, x in flows]
    title = (f"{int(year)}年能源流向(单位:{unit})" if lang == "zh"
             else f"Energy flows in {int(year)} ({unit}, standard coal equivalent)")
    ax.set_title(title, loc="left").set_x(0.04)
    return fig


def _fmt(v: float) -> str:
    return fmt_number(v)


# ---------------------------------------------------------------------------------------------
# several runs, sensitivity, wedges
# ---------------------------------------------------------------------------------------------

#: Panels of :func:`scenario_comparison`: (indicator, zh title, en title).
COMPARISON_PANELS = (
    ("co2_total", "二氧化碳排放", "CO2 emissions"),
    ("coal_output", "原煤产量", "Raw coal output"),
    ("renewable_gen_share", "新能源发电量占比", "Renewable share of generation"),
    ("power_cap[wind,solar]", "风电+光伏装机", "Wind + solar capacity"),
    ("energy_intensity", "单位GDP能耗", "Energy intensity"),
    ("h2_green_supply", "绿氢产量", "Green hydrogen"),
)


def _names_of(datasets) -> dict[str, Any]:
    if isinstance(datasets, Mapping):
        return dict(datasets)
    out = {}
    for i, ds in enumerate(datasets):
        name = str(ds.attrs.get("scenario", f"run {i + 1}"))
        out[name if name not in out else f"{name} ({i + 1})"] = ds
    return out


@_chart
def scenario_comparison(datasets, *, lang: str = "zh", fig=None,
                        panels: Sequence[tuple[str, str, str]] = COMPARISON_PANELS,
                        ncols: int = 3, titles: Mapping[str, str] | None = None):
    """Small multiples: one panel per key indicator, one line per scenario (p5–p95 bands).

    Parameters
    ----------
    datasets : mapping of name to Dataset, or sequence of Dataset
        Names default to each run's ``scenario`` attribute.
    lang : {"zh", "en"}
    fig : Figure or SubFigure, optional
    panels : sequence of (indicator, zh title, en title)
        Indicators as in targets (``var`` or ``var[label,…]``, summed over the labels).
    ncols : int
    titles : mapping of name to legend text, optional

    Returns
    -------
    Figure
    """
    runs = _names_of(datasets)
    if not runs:
        raise ScenarioError("no results to compare (expected one or more, got none)",
                            key="datasets")
    nrows = -(-len(panels) // ncols)
    fig = _figure(fig, (7.2, 2.2 * nrows + 0.4))
    axs = _axes(fig, nrows, ncols)
    for ax, (ind, zh, en) in zip(axs, panels, strict=False):
        unit = ""
        for j, (name, ds) in enumerate(runs.items()):
            da = select_indicator(ds, ind)
            f, unit = _unit(da.rename(ind.split("[")[0]), lang)
            label = (titles or {}).get(name, name)
            _line_band(ax, _years(ds), da, lang, factor=f, label=label,
                       color=SCENARIO_COLORS[j % len(SCENARIO_COLORS)], lw=1.4,
                       center="median")
        ax.set_title(f"{zh if lang == 'zh' else en} [{unit}]", loc="left", fontsize=8)
        _xaxis(ax, _years(next(iter(runs.values()))))
        _ylim0(ax)
    for ax in axs[len(panels):]:
        ax.set_visible(False)
    handles, labels = axs[0].get_legend_handles_labels()
    keep = [(h, lab) for h, lab in zip(handles, labels, strict=True) if "p5–p95" not in lab]
    if keep:
        fig.legend([h for h, _ in keep], [lab for _, lab in keep], loc="outside lower center",
                   ncol=min(len(keep), 4), frameon=False)
    fig.suptitle("情景对比" if lang == "zh" else "Scenario comparison", x=0.02, ha="left",
                 fontsize=9.5)
    return fig


_INDEX_COLUMNS = ("ST", "S1", "mu_star", "sigma", "importance")


@_chart
def tornado(table, *, lang: str = "zh", fig=None, base: float | None = None,
            output: str | None = None, unit: str = "", top: int = 12):
    """Sensitivity tornado of a sensitivity table.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by parameter (or with a ``parameter`` column), with either

        * ``low`` and ``high``: the output with the parameter at its low / high value (the
          classic one-at-a-time tornado; bars from ``base``), or
        * an index column (``ST``, ``S1``, ``mu_star``, ``sigma``, ``importance``; the first
          present is drawn) — bars of that index, largest on top.
    lang : {"zh", "en"}
    fig : Figure or SubFigure, optional
    base : float, optional
        Output at the central values (default: the mean of ``low`` and ``high``).
    output : str, optional
        What the output is (x-axis label).
    unit : str
        Unit of ``low``/``high``.
    top : int
        Largest bars shown.

    Returns
    -------
    Figure
    """
    import pandas as pd  # lazy: pandas (~0.2 s) loads only for tables

    df = pd.DataFrame(table).copy()
    if "parameter" in df.columns:
        df = df.set_index("parameter")
    fig = _figure(fig, (6.0, 0.35 * min(len(df), top) + 1.2))
    (ax,) = _axes(fig)
    ax.grid(axis="y", visible=False)
    if {"low", "high"} <= set(df.columns):
        lo, hi = df["low"].astype(float), df["high"].astype(float)
        b = float(base) if base is not None else float(np.mean((lo + hi) / 2.0))
        order = (hi - lo).abs().sort_values(ascending=True).index[-top:]
        yy = np.arange(len(order))
        ax.barh(yy, lo[order] - b, left=b, color="#4a90d9",
                label="参数取低值" if lang == "zh" else "parameter low")
        ax.barh(yy, hi[order] - b, left=b, color="#d7301f",
                label="参数取高值" if lang == "zh" else "parameter high")
        ax.axvline(b, color="black", lw=0.8)
        _record(ax, "low", lo[order].values)
        _record(ax, "high", hi[order].values)
        xlabel = output or ("输出" if lang == "zh" else "output")
        if unit:
            xlabel += f" [{unit}]"
        _legend(ax, loc="lower right")
    else:
        col = next((c for c in _INDEX_COLUMNS if c in df.columns), None)
        if col is None:
            raise ScenarioError(
                "sensitivity table has no column to draw (expected low and high, or one of "
                f"{', '.join(_INDEX_COLUMNS)}, got {list(df.columns)})", key="table")
        vals = df[col].astype(float)
        order = vals.abs().sort_values(ascending=True).index[-top:]
        yy = np.arange(len(order))
        ax.barh(yy, vals[order], color="#1f4e79")
        _record(ax, col, vals[order].values)
        xlabel = (f"敏感性指数 {col}" if lang == "zh" else f"sensitivity index {col}")
        if output:
            xlabel += f" ({output})"
    ax.set_yticks(yy, [str(x) for x in order])
    ax.set_xlabel(xlabel)
    _title(ax, "参数敏感性", "Parameter sensitivity", lang)
    return fig


#: One colour per lever, the same in every chart and brief (policy wedges of any scenario).
LEVER_COLORS = {
    "economy": "#9aa5b1", "demand": "#a0522d", "power": "#4a90d9", "storage": "#17becf",
    "transport": "#e07b39", "chemicals": "#8e6bb8", "water": "#6baed6", "hydrogen": "#2e9d49",
    "coal": "#5a4a42", "emissions": "#c7c7c7", "power.coal": "#3d3d3d", "power.wind": "#4a90d9",
    "power.solar": "#f5b82e", "power.curtailment": "#b0c4de",
    "transport.heavy_trucks": "#e07b39", "transport.mining_trucks": "#c45a1a",
    "hydrogen.electrolyser": "#2e9d49",
}
_SPARE_COLORS = ("#d62728", "#bcbd22", "#7f7f7f", "#ff9896", "#98df8a", "#c5b0d5")


def lever_color(lever: str) -> str:
    """The colour of a lever (:data:`LEVER_COLORS`; an unknown lever gets a stable spare
    colour from its name, so it too keeps its colour across charts)."""
    if lever in LEVER_COLORS:
        return LEVER_COLORS[lever]

    return _SPARE_COLORS[zlib.crc32(lever.encode("utf-8")) % len(_SPARE_COLORS)]


@_chart
def wedges(result, *, lang: str = "zh", fig=None, output: str = "co2_total"):
    """Policy wedges: each lever's contribution to the difference from the parent scenario.

    Parameters
    ----------
    result : energysim.analysis.wedges.WedgeResult
        From :func:`energysim.analysis.wedges.decompose`.
    lang : {"zh", "en"}
    fig : Figure or SubFigure, optional
    output : str
        ``"co2_total"`` or ``"coal_output"``.

    Returns
    -------
    Figure
        Left: the parent's and the scenario's paths with the contributions as stacked wedges
        (reductions below the parent's path, increases above); right: the contributions in
        :attr:`~energysim.analysis.wedges.WedgeResult.year` as bars.
    """
    if output not in result.outputs:
        raise ScenarioError(f"no wedges for {output!r} (expected one of "
                            f"{', '.join(result.outputs)})", key="output")
    o = result.outputs[output]
    f, unit = result.display(output, lang)
    years = np.asarray(result.years)
    fig = _figure(fig, (7.2, 3.2))
    ax, bx = _axes(fig, 1, 2, width_ratios=[1.7, 1.0])
    parent, child = o["parent"] * f, o["child"] * f
    down = parent.copy()
    up = parent.copy()
    for lever in result.levers:
        c = o["contrib"][lever] * f
        name = lever_name(lever, lang)
        neg, pos = np.minimum(c, 0.0), np.maximum(c, 0.0)
        color = lever_color(lever)
        ax.fill_between(years, down + neg, down, color=color, alpha=0.85, lw=0, label=name)
        if np.any(pos > 0):
            ax.fill_between(years, up, up + pos, color=color, alpha=0.85, lw=0, hatch="//")
        down, up = down + neg, up + pos
        _record(ax, name, c)
    pname = result.parent_name
    ax.plot(years, parent, color="black", lw=1.4, label=pname)
    ax.plot(years, child, color="#d7301f", lw=1.4, ls="--", label=result.child_name)
    _record(ax, pname, parent)
    _record(ax, result.child_name, child)
    _xaxis(ax, years)
    _ylim0(ax)
    ax.set_ylabel(f"{_output_name(output, lang)} [{unit}]")
    _legend(ax, loc="lower left", ncol=2)
    i = int(np.searchsorted(years, result.year))
    vals = [o["contrib"][lv][i] * f for lv in result.levers]
    yy = np.arange(len(vals))[::-1]
    bx.barh(yy, vals, color=[lever_color(lv) for lv in result.levers])
    bx.set_yticks(yy, [lever_name(lv, lang) for lv in result.levers])
    bx.axvline(0, color="black", lw=0.8)
    bx.grid(axis="y", visible=False)
    _record(bx, str(result.year), np.asarray(vals))
    total = (child[i] - parent[i])
    bx.set_xlabel(f"{result.year}年变化 [{unit}],合计 {_fmt(total)}" if lang == "zh"
                  else f"change in {result.year} [{unit}], total {_fmt(total)}")
    method = {"shapley": ("Shapley平均分解", "Shapley (average over orders)"),
              "one_at_a_time": ("逐项累加分解", "one lever at a time")}[result.method]
    fig.suptitle((f"政策楔形:{result.child_name} 相对 {pname}({method[0]})" if lang == "zh"
                  else f"Policy wedges: {result.child_name} vs {pname} ({method[1]})"),
                 x=0.02, ha="left", fontsize=9.5)
    return fig


def _output_name(output: str, lang: str) -> str:
    names = {"co2_total": ("二氧化碳排放", "CO2 emissions"),
             "coal_output": ("原煤产量", "Raw coal output")}
    zh, en = names.get(output, (output, output))
    return zh if lang == "zh" else en


#: Charts of one results Dataset, by name (``energysim plot --chart NAME``).
CHARTS: dict[str, Callable] = {
    "capacity_mix": capacity_mix,
    "generation_mix": generation_mix,
    "coal_balance": coal_balance,
    "co2_by_sector": co2_by_sector,
    "hydrogen_balance": hydrogen_balance,
    "storage": storage,
    "truck_fleet": truck_fleet,
    "water_use": water_use,
    "energy_flow": energy_flow,
}
