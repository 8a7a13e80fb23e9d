"""Money in the reports (issue 16): run lines, comparison table, abatement costs, brief page."""

from __future__ import annotations

import numpy as np
import pytest

from energysim.analysis import money
from energysim.analysis.compare import central_params
from energysim.analysis.wedges import decompose
from energysim.briefing import money_pages
from energysim.cli import main
from energysim.execution import pipeline


@pytest.fixture(scope="module")
def runs():
    return {"baseline": pipeline.run("baseline"), "accelerated": pipeline.run("accelerated")}


def test_run_lines_name_investment_system_cost_and_levelised_costs(runs):
    ds = runs["baseline"]
    en = money.run_lines(ds, "en")
    zh = money.run_lines(ds, "zh")
    assert len(en) == len(zh) >= 4
    total = float(ds["investment_total"].sel(year=slice(2023, 2030)).sum())
    assert en[0].startswith(f"investment 2023–2030: {total * 10:,.0f} 10⁸ CNY")  # = 亿元
    assert zh[0].startswith(f"累计投资 2023–2030: {total * 10:,.0f} 亿元")
    assert any("system cost" in line for line in en)
    assert any("LCOE" in line and "LCOH" in line for line in en)


def test_money_table_is_the_cumulative_sum_and_the_difference_to_the_reference(runs):
    table = money.money_table(runs, "en")
    acc, base = runs["accelerated"], runs["baseline"]
    for a, b in money.WINDOWS:
        col = f"investment {a}–{b}"
        expect = float(acc["investment_total"].sel(year=slice(a, b)).sum())
        assert table.loc["accelerated", col] == pytest.approx(expect * 10)  # 10⁸ CNY
    d = float((acc["system_cost"].sel(year=2030) - base["system_cost"].sel(year=2030)).squeeze())
    assert table.loc["accelerated", "vs reference 2030"] == pytest.approx(d * 10)
    assert table.loc["baseline", "vs reference 2030"] == 0.0
    zh = money.money_table(runs, "zh")
    assert zh.iloc[1, 0] == pytest.approx(table.iloc[1, 0])  # 亿元 = 10⁸ CNY: same numbers


def test_abatement_costs_add_up_to_the_scenarios_difference():
    ac = money.abatement_costs("accelerated")
    w = decompose("accelerated", outputs=("co2_total", "system_cost"))
    years = np.asarray(w.years)
    r = float(central_params("baseline")["costs.discount_rate"][0, 0])
    disc = (1 + r) ** -(years - years[0]).astype(float)
    pick = years >= years[0] + 1
    s = w.outputs["system_cost"]
    total_cost = float(np.sum((disc * (s["child"] - s["parent"]))[pick]))
    assert sum(ac.cost.values()) == pytest.approx(total_cost, rel=1e-9)
    c = w.outputs["co2_total"]
    total_abated = float(np.sum((disc * (c["parent"] - c["child"]))[pick]))
    assert sum(ac.abated.values()) == pytest.approx(total_abated, rel=1e-9)
    for lv in ac.levers:
        if ac.abated[lv] > 1e-9:
            assert ac.aac[lv] == pytest.approx(ac.cost[lv] / ac.abated[lv] * 1e3)
        else:
            assert np.isnan(ac.aac[lv])
    order = [ac.aac[lv] for lv in ac.sorted_levers() if np.isfinite(ac.aac[lv])]
    assert order == sorted(order)
    text = money.format_abatement(ac, "en")
    assert "CNY/tCO2" in text and ac.child_name in text


def test_mac_chart_draws_one_bar_per_abating_lever():
    ac = money.abatement_costs("accelerated")
    fig = money_pages.mac_chart(ac, lang="en")
    ax = fig.axes[0]
    abating = [lv for lv in ac.levers if np.isfinite(ac.aac[lv])]
    assert len(ax.patches) == len(abating)
    widths = sorted(p.get_width() for p in ax.patches)
    # 万吨 (10⁴ t) in both languages: the report's unit (Mt × 100)
    assert widths == pytest.approx(sorted(100 * ac.abated[lv] for lv in abating))


def test_run_command_prints_money_lines(tmp_path, capsys):
    assert main(["run", "baseline", "-o", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "累计投资 2023–2030" in out and "investment 2023–2060" in out
    assert "system cost of energy supply" in out and "能源供应系统净成本" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_brief_has_a_money_page(lang):
    from energysim.briefing import report

    brief = report.build_brief(["baseline", "accelerated"], lang=lang)
    assert [ac.child_name for ac in brief.money] == ["accelerated"]
    pages = report.render_pages(brief)
    texts = [t.get_text() for t in pages[-2].findobj(lambda a: hasattr(a, "get_text"))]
    title = "投资与成本" if lang == "zh" else "Investment and cost"
    assert any(title in t for t in texts)
    html = report.render_html(brief)
    assert title in html


def test_cost_uncertainty_flows_through_an_ensemble():
    from energysim.scenario import loads_scenario

    s = loads_scenario(
        "name: uncertain_capex\nextends: baseline\nparameters:\n  costs:\n    capex:\n"
        "      solar: {dist: triangular, low: 2500 元/kW, mode: 3170 元/kW, high: 3600 元/kW}\n"
    )
    ds = pipeline.run(s, samples=40, seed=3)
    solar = ds["investment"].sel(asset="solar", year=2025)
    add = ds["power_add"].sel(tech="solar", year=2025)
    assert float(add.min()) > 0.0
    capex = (solar / add * 1e3).values  # bnCNY / GW → CNY/kW
    assert capex.min() >= 2500 - 1e-6 and capex.max() <= 3600 + 1e-6
    assert np.ptp(capex) > 100.0  # the draw varies between samples
    lcoe = ds["lcoe"].sel(tech="solar", year=2030).values
    assert np.ptp(lcoe) > 0.0 and np.isfinite(lcoe).all()


def test_the_baseline_samples_its_costs_and_the_run_lines_show_the_band():
    """The bundled baseline samples cost parameters (calibration/costs.md, "Ranges"): with every
    physical quantity the same, the cost of the energy supply still varies between samples,
    and the run lines carry the p5–p95 band of the totals."""
    import re

    from energysim.scenario import load_scenario

    base = load_scenario("baseline")
    sampled = {"costs.discount_rate", "costs.capex.wind", "costs.price.hydrogen"}
    assert sampled <= set(base.uncertain)
    ds = pipeline.run("baseline", samples=60, seed=5)
    lines = money.run_lines(ds, "en")
    got = re.search(r"investment 2023–2060: [\d,]+ \[([\d,]+)–([\d,]+)\]", lines[1])
    lo, hi = (float(x.replace(",", "")) for x in got.groups())
    total = ds["investment"].sel(year=slice(2023, 2060)).sum(["year", "asset"]) * 10
    assert lo == pytest.approx(float(total.quantile(0.05)), abs=0.5)
    assert hi == pytest.approx(float(total.quantile(0.95)), abs=0.5)
    assert lo < hi
    # cost parameters alone move the money: the LCOE of wind at the same hours differs
    crf_spread = np.ptp(ds["lcoe"].sel(tech="wind", year=2040).values)
    assert crf_spread > 0.01


def test_ensemble_run_prints_money_lines(tmp_path, capsys):
    assert main(["run", "baseline", "--samples", "20", "-o", str(tmp_path / "e")]) == 0
    out = capsys.readouterr().out
    assert "investment 2023–2030" in out and "system cost of energy supply" in out
    assert main(["run", "baseline", "--samples", "20", "--keep", "summary",
                 "-o", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "investment 2023–2030" in out


def test_run_lines_of_a_short_run_name_each_window_once():
    ds = pipeline.run("baseline", end_year=2030)
    lines = money.run_lines(ds, "en")
    assert sum(line.startswith("investment 2023–2030") for line in lines) == 1
    assert not any("2060" in line for line in lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_money_page_names_scenarios_by_their_titles(lang):
    """Table rows, the investment chart and the MAC chart use the brief's scenario labels
    (the titles in the brief's language, as on the other pages), never the ids (issue 14)."""
    from energysim.briefing import report

    brief = report.build_brief(["baseline", "accelerated"], lang=lang)
    labels = [brief.label(n) for n in brief.names]
    assert labels != ["baseline", "accelerated"] and all(labels)
    cols, rows = money_pages._money_rows(money.money_table(brief.comparison.datasets, lang),
                                         lang, brief.label)
    assert [r[0] for r in rows] == labels
    page = next(p for p in report.render_pages(brief)
                if any("投资与成本" in t.get_text() or "Investment and cost" in t.get_text()
                       for t in p.findobj(lambda a: hasattr(a, "get_text"))))
    texts = [t.get_text() for t in page.findobj(lambda a: hasattr(a, "get_text"))]
    for label in labels:
        assert any(t == label for t in texts), label  # a table cell
    assert not any(t in ("baseline", "accelerated") for t in texts)
    assert not any(("baseline" in t or "accelerated" in t) and ("投资" in t or "investment" in t
                   or "abatement" in t or "减排" in t) for t in texts)
    html = report.render_html(brief)
    section = html.split("投资与成本" if lang == "zh" else "Investment and cost", 1)[1]
    import html as html_lib

    table = section.split("</table>", 1)[0]
    for label in labels:
        assert f"<tr><td>{html_lib.escape(label)}</td>" in table, label
    assert "<tr><td>baseline</td>" not in table
