"""Charts: each returns a Figure whose drawn data, series and labels match the Dataset.

Data are checked through ``ax.energysim_series`` (the arrays handed to matplotlib, in display
units) and through the artists themselves (lines' y data, the extent of filled areas); never
pixels. Every chart is also rendered with warnings turned into errors and matplotlib's font
log captured: Chinese must draw without missing glyphs or font fallbacks.
"""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
import pytest

from energysim.analysis.compare import run_scenario
from energysim.briefing import plots
from energysim.errors import ScenarioError

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402


@pytest.fixture(scope="module")
def det():
    return run_scenario("baseline")


@pytest.fixture(scope="module")
def ens():
    return run_scenario("accelerated", samples=24, seed=3)


def render(fig) -> None:
    """Draw the figure (PNG and PDF) with warnings as errors and no font complaints."""
    logger = logging.getLogger("matplotlib")
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for fmt in ("png", "pdf"):
                fig.savefig(io.BytesIO(), format=fmt)
    finally:
        logger.removeHandler(handler)
    bad = [r.getMessage() for r in records
           if "findfont" in r.getMessage() or "Glyph" in r.getMessage()
           or r.levelno >= logging.WARNING]
    assert not bad, bad


def legend_texts(fig) -> list[str]:
    out = []
    for lg in list(fig.legends) + [ax.get_legend() for ax in fig.axes]:
        if lg is not None:
            out += [t.get_text() for t in lg.get_texts()]
    return out


def mean_of(da) -> np.ndarray:
    return np.asarray(da.mean("sample").values, dtype=float)


def fills_top(ax) -> float:
    return max(c.get_datalim(ax.transData).y1 for c in ax.collections)


# ---- single-run charts ----------------------------------------------------------------------

def test_capacity_mix_zh(det):
    fig = plots.capacity_mix(det, lang="zh")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    s = ax.energysim_series
    for tech, name in (("coal", "煤电"), ("wind", "风电"), ("solar", "光伏")):
        np.testing.assert_allclose(s[name], mean_of(det["power_cap"].sel(tech=tech)) * 100.0)
    np.testing.assert_allclose(s["储能功率"], mean_of(det["storage_cap"]) * 100.0)
    top = sum(s[n] for n in ("煤电", "风电", "光伏"))
    assert fills_top(ax) == pytest.approx(top.max())
    assert ax.get_ylabel() == "发电装机容量 [万千瓦]"
    assert ax.get_title(loc="left") == "装机容量结构"
    assert {"煤电", "风电", "光伏", "储能功率"} <= set(legend_texts(fig))
    render(fig)


def test_capacity_mix_en_uses_the_reports_units(det):
    fig = plots.capacity_mix(det, lang="en")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Installed generating capacity [10⁴ kW]"  # 万千瓦, as in zh
    np.testing.assert_allclose(ax.energysim_series["Wind"],
                               mean_of(det["power_cap"].sel(tech="wind")) * 100.0)
    assert "Solar PV" in legend_texts(fig)
    render(fig)


def test_generation_mix_and_share(ens):
    fig = plots.generation_mix(ens, lang="zh")
    ax, ax2 = fig.axes
    np.testing.assert_allclose(ax.energysim_series["光伏"],
                               mean_of(ens["power_gen"].sel(tech="solar")) * 10.0)  # 亿千瓦时
    share = ens["renewable_gen_share"]
    np.testing.assert_allclose(ax2.energysim_series["新能源发电量占比"],
                               share.mean("sample").values * 100.0)
    np.testing.assert_allclose(ax2.energysim_series["新能源发电量占比 p95"],
                               share.quantile(0.95, "sample").values * 100.0)
    line = next(ln for ln in ax2.get_lines() if ln.get_label() == "新能源发电量占比")
    np.testing.assert_allclose(line.get_ydata(), share.mean("sample").values * 100.0)
    assert ax.get_ylabel() == "发电量 [亿千瓦时]" and ax2.get_ylim() == (0.0, 100.0)
    render(fig)


def test_coal_balance_uses_add_up_to_output_plus_imports(det):
    fig = plots.coal_balance(det, lang="zh")
    s = fig.axes[0].energysim_series
    uses = sum(v for k, v in s.items() if k not in ("原煤产量", "cap", "mine_capacity"))
    supply = mean_of(det["coal_output"] + det["coal_imports"]) / 100.0
    np.testing.assert_allclose(uses, supply, rtol=1e-9)
    np.testing.assert_allclose(s["原煤产量"], mean_of(det["coal_output"]) / 100.0)
    assert "mine_capacity" in s
    assert fig.axes[0].get_ylabel() == "原煤产量 [亿吨]"
    render(fig)


def test_co2_by_sector_band_and_peak(ens):
    fig = plots.co2_by_sector(ens, lang="zh")
    ax = fig.axes[0]
    s = ax.energysim_series
    total = ens["co2_total"]
    np.testing.assert_allclose(s["二氧化碳排放总量"], total.mean("sample").values * 100.0)
    sectors = sum(s[k] for k in ("电力", "煤化工", "煤炭开采", "交通运输", "制氢(灰氢)",
                                 "其他工业和建筑") if k in s)
    np.testing.assert_allclose(sectors, s["二氧化碳排放总量"], rtol=1e-9)  # the stack's top
    p5 = total.quantile(0.05, "sample").values * 100.0
    np.testing.assert_allclose(s["二氧化碳排放总量 p5"], p5)
    np.testing.assert_allclose(s["电力"], mean_of(ens["co2"].sel(sector="power")) * 100.0)
    assert s["peak_year"][0] == float(ens["co2_peak_year"].median())
    assert any(abs(ln.get_xdata()[0] - s["peak_year"][0]) < 1e-9 for ln in ax.get_lines()
               if len(ln.get_xdata()) == 2)  # the vertical peak marker
    assert any("达峰" in t.get_text() for t in ax.texts)
    assert "二氧化碳排放总量 p5–p95" in legend_texts(fig)
    assert ax.get_ylabel() == "二氧化碳排放总量 [万吨]"
    render(fig)


def test_co2_single_run_has_no_band(det):
    fig = plots.co2_by_sector(det, lang="en")
    s = fig.axes[0].energysim_series
    assert "Total CO2 emissions p5" not in s
    sectors = sum(v for k, v in s.items() if k not in ("Total CO2 emissions", "peak_year"))
    np.testing.assert_allclose(sectors, s["Total CO2 emissions"], rtol=1e-9)
    render(fig)


def test_hydrogen_uses_add_up_to_supply(ens):
    fig = plots.hydrogen_balance(ens, lang="zh")
    s = fig.axes[0].energysim_series
    uses = ("氢燃料电池卡车用氢量", "绿氢替代煤化工变换制氢量", "其他本地用户用氢量", "外销绿氢量")
    stacked = sum(s[k] for k in uses if k in s)
    supply = mean_of(ens["h2_electrolytic_supply"] + ens["h2_grey_supply"]) * 0.1  # 万吨
    np.testing.assert_allclose(stacked, supply, rtol=1e-9, atol=1e-12)
    assert "氢气总供应(电解氢+灰氢)" in s
    render(fig)


def test_storage_two_axes(det):
    fig = plots.storage(det, lang="en")
    ax, ax2 = fig.axes
    np.testing.assert_allclose(ax.energysim_series["Battery power capacity"],
                               mean_of(det["storage_cap"]) * 100.0)  # GW → 10⁴ kW
    np.testing.assert_allclose(ax2.energysim_series["Battery energy capacity"],
                               mean_of(det["storage_energy_cap"]) * 100.0)  # GWh → 10⁴ kWh
    assert ax2.get_ylabel() == "Battery energy capacity [10⁴ kWh]"
    render(fig)


def test_truck_fleet_two_panels(det):
    fig = plots.truck_fleet(det, lang="zh")
    heavy, mining = fig.axes
    np.testing.assert_allclose(heavy.energysim_series["柴油"],
                               mean_of(det["heavy_truck_fleet"].sel(powertrain="diesel")))
    total = sum(mining.energysim_series.values())
    np.testing.assert_allclose(total, mean_of(det["mining_truck_fleet"].sum("powertrain")))
    assert heavy.get_ylabel() == "辆"
    render(fig)


def test_water_use_against_cap(det):
    fig = plots.water_use(det, lang="zh")
    s = fig.axes[0].energysim_series
    cap = plots.scenario_param(det, "water.cap")
    np.testing.assert_allclose(s["cap"], cap / 100.0)  # Mm3 → 亿立方米
    users = sum(v for k, v in s.items() if k != "cap")
    np.testing.assert_allclose(users, mean_of(det["water_use"].sum("water_sector")) / 100.0)
    assert "用水总量控制指标" in legend_texts(fig)
    render(fig)


def test_energy_flow_balances(det):
    flows = plots.energy_flows(det, 2030)
    nodes = {n for a, b, _ in flows for n in (a, b)}
    inflow = {n: sum(x for a, b, x in flows if b == n) for n in nodes}
    outflow = {n: sum(x for a, b, x in flows if a == n) for n in nodes}
    for n in ("power_plant", "electricity"):
        assert inflow[n] == pytest.approx(outflow[n], rel=1e-9)
    tce = plots.scenario_param(det, "coal.tce_per_t")[8]
    coal = float(det["coal_output"].sel(year=2030).values[0]) * tce
    assert outflow["coal_out"] == pytest.approx(coal, rel=1e-9)
    fig = plots.energy_flow(det, 2030, lang="zh")
    ax = fig.axes[0]
    assert sum(isinstance(p, PathPatch) for p in ax.patches) == len(flows)
    np.testing.assert_allclose(ax.energysim_series["flows"], [x * 100.0 for *_, x in flows])
    assert "2030年能源流向" in ax.get_title(loc="left")
    assert any(t.get_text().startswith("原煤外运") for t in ax.texts)
    render(fig)
    with pytest.raises(ScenarioError, match="year outside the simulated years"):
        plots.energy_flows(det, 1999)


def test_charts_need_their_variables(det):
    with pytest.raises(ScenarioError, match=r"results lack variable\(s\) \['power_cap'\]"):
        plots.capacity_mix(det.drop_vars("power_cap"))
    with pytest.raises(ScenarioError, match="unknown language"):
        plots.capacity_mix(det, lang="fr")


# ---- several runs, sensitivity, wedges -------------------------------------------------------

def test_scenario_comparison_small_multiples(det, ens):
    fig = plots.scenario_comparison({"baseline": det, "accelerated": ens}, lang="zh")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(plots.COMPARISON_PANELS) == 6
    co2 = visible[0]
    np.testing.assert_allclose(co2.energysim_series["baseline"],
                               det["co2_total"].values[0] * 100.0)
    np.testing.assert_allclose(co2.energysim_series["accelerated"],
                               ens["co2_total"].median("sample").values * 100.0)
    ws = visible[3].energysim_series["accelerated"]
    np.testing.assert_allclose(
        ws, ens["power_cap"].sel(tech=["wind", "solar"]).sum("tech").median("sample") * 100.0)
    assert co2.get_title(loc="left") == "二氧化碳排放 [万吨]"
    assert set(legend_texts(fig)) == {"baseline", "accelerated"}
    render(fig)


def test_tornado_low_high_and_index_forms():
    import pandas as pd

    t = pd.DataFrame({"parameter": ["a.x", "b.y", "c.z"], "low": [90.0, 99.0, 95.0],
                      "high": [112.0, 100.5, 104.0]})
    fig = plots.tornado(t, base=100.0, lang="zh", output="CO2", unit="Mt")
    ax = fig.axes[0]
    assert [x.get_text() for x in ax.get_yticklabels()] == ["b.y", "c.z", "a.x"]  # widest on top
    np.testing.assert_allclose(ax.energysim_series["high"], [100.5, 104.0, 112.0])
    render(fig)
    idx = pd.DataFrame({"ST": [0.1, 0.6, 0.3]}, index=["p1", "p2", "p3"])
    ax = plots.tornado(idx, lang="en").axes[0]
    np.testing.assert_allclose(ax.energysim_series["ST"], [0.1, 0.3, 0.6])
    with pytest.raises(ScenarioError, match="sensitivity table has no column to draw"):
        plots.tornado(pd.DataFrame({"foo": [1.0]}))


def test_wedge_chart_draws_the_contributions():
    from energysim.analysis.wedges import decompose

    w = decompose("accelerated")
    fig = plots.wedges(w, lang="zh")
    ax, bx = fig.axes
    for lever in w.levers:
        from energysim.analysis.wedges import lever_name

        np.testing.assert_allclose(ax.energysim_series[lever_name(lever, "zh")],
                                   w.outputs["co2_total"]["contrib"][lever] * 100.0)
    i = list(w.years).index(2030)
    np.testing.assert_allclose(bx.energysim_series["2030"],
                               [w.outputs["co2_total"]["contrib"][lv][i] * 100 for lv in w.levers])
    assert "政策楔形" in fig._suptitle.get_text()
    render(fig)
    with pytest.raises(ScenarioError, match="no wedges for 'gdp'"):
        plots.wedges(w, output="gdp")


def test_charts_draw_into_a_given_subfigure(det):
    page = Figure(figsize=(8, 6), layout="constrained")
    left, right = page.subfigures(1, 2)
    assert plots.co2_by_sector(det, fig=left) is left
    assert plots.capacity_mix(det, fig=right) is right
    assert len(page.axes) == 2
    render(page)


def test_every_registered_chart_renders_in_both_languages(ens):
    for name, fn in plots.CHARTS.items():
        for lang in ("zh", "en"):
            fig = fn(ens, lang=lang)
            assert isinstance(fig, Figure), name
            assert fig.axes and all(hasattr(ax, "energysim_series") for ax in fig.axes), name
            render(fig)


def test_save_is_atomic(tmp_path, det):
    out = plots.save(plots.capacity_mix(det), tmp_path / "sub" / "cap.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["cap.png"]
    with pytest.raises(ValueError):
        plots.save(plots.capacity_mix(det), tmp_path / "bad.nosuchformat")
    assert not (tmp_path / "bad.nosuchformat").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---- `energysim plot` from a saved run -------------------------------------------------------

@pytest.fixture(scope="module")
def saved(tmp_path_factory, det, ens):
    from energysim.results import dataset as results

    d = tmp_path_factory.mktemp("runs")
    return (results.write_netcdf(det, d / "baseline.nc"),
            results.write_netcdf(ens, d / "accelerated.nc"))


def test_plot_command_from_results_file(saved, tmp_path, capsys):
    from energysim.cli import main

    out = tmp_path / "cap.png"
    assert main(["plot", str(saved[0]), "--chart", "capacity_mix", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG" and "wrote" in capsys.readouterr().out
    flow = tmp_path / "flow.pdf"
    assert main(["plot", str(saved[1]), "--chart", "energy_flow", "--year", "2035", "--lang",
                 "en", "-o", str(flow)]) == 0
    assert flow.read_bytes()[:5] == b"%PDF-"
    both = tmp_path / "cmp.png"
    assert main(["plot", *map(str, saved), "--chart", "scenario_comparison", "-o",
                 str(both)]) == 0
    assert both.exists()


def test_plot_command_reads_the_saved_data(saved):
    from energysim.cli.commands.plot import open_results

    ds = open_results(str(saved[1]))
    fig = plots.co2_by_sector(ds)
    ref = plots.co2_by_sector(run_scenario("accelerated", samples=24, seed=3))
    np.testing.assert_allclose(fig.axes[0].energysim_series["二氧化碳排放总量"],
                               ref.axes[0].energysim_series["二氧化碳排放总量"])
    assert ds.es.plot.capacity_mix(lang="en").axes[0].get_ylabel().endswith("[10⁴ kW]")


def test_plot_command_tornado_and_errors(tmp_path, saved, capsys):
    from energysim.cli import main

    table = tmp_path / "s.csv"
    table.write_text("parameter,ST\npower.coal.hours,0.6\neconomy.gdp_growth,0.3\n")
    assert main(["plot", "--chart", "tornado", "--table", str(table), "-o",
                 str(tmp_path / "t.png")]) == 0
    multi = tmp_path / "m.csv"
    multi.write_text("output,parameter,ST\nco2,a,0.6\nco2,b,0.3\ncoal,a,0.1\n")
    assert main(["plot", "--chart", "tornado", "--table", str(multi), "--indicator", "coal",
                 "-o", str(tmp_path / "t2.png")]) == 0
    assert main(["plot", "--chart", "tornado", "--table", str(multi), "--indicator", "gdp",
                 "-o", str(tmp_path / "t3.png")]) == 2
    capsys.readouterr()
    cases = [
        (["plot", str(tmp_path / "missing.nc"), "--chart", "storage"], "file not found"),
        (["plot", str(table), "--chart", "storage"], "not a NetCDF results file"),
        (["plot", *map(str, saved), "--chart", "storage"], "draws one run"),
        (["plot", "--chart", "tornado"], "needs a sensitivity table"),
        (["plot", "--chart", "storage"], "no results file"),
    ]
    for argv, message in cases:
        assert main(argv + ["-o", str(tmp_path / "never.png")]) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, (argv, err)
    assert not (tmp_path / "never.png").exists()


def test_accessor(det):
    assert set(dir(det.es.plot)) == set(plots.CHARTS)
    assert det.es.targets(lang="en")["status"].isin(["met", "at_risk", "missed"]).all()
    assert "stat" in det.es.summary().dims
    with pytest.raises(AttributeError, match="no chart 'pie'"):
        det.es.plot.pie  # noqa: B018
