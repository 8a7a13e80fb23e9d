"""Target tracking: slack, probability of meeting, traffic-light status, the table and CLI."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from energysim.analysis import targets
from energysim.analysis.targets import Thresholds, classify, evaluate
from energysim.cli import main
from energysim.errors import ScenarioError
from energysim.scenario import load_scenario
from energysim.scenario.spec import Source, Target

YEARS = np.arange(2022, 2031)


def make_ds(samples: np.ndarray, *, var: str = "x", unit: str = "Mt/yr", year: int = 2025):
    """A results Dataset with one variable whose value in ``year`` is ``samples`` per sample."""
    samples = np.atleast_1d(np.asarray(samples, dtype=float))
    data = np.zeros((samples.size, YEARS.size))
    data[:, YEARS.tolist().index(year)] = samples
    ds = xr.Dataset(
        {var: (("sample", "year"), data, {"units": unit, "long_name": "test x",
                                          "long_name_zh": "测试量"})},
        coords={"sample": np.arange(samples.size), "year": YEARS},
    )
    return ds


def target(comp: str, value, *, tol=None, indicator: str = "x", year: int = 2025) -> Target:
    return Target(indicator=indicator, year=year, comparator=comp, value=value, tolerance=tol,
                  source="test", where=Source("test.yaml", 7))


def status_of(values, t: Target, **kw) -> str:
    table = evaluate(make_ds(values, **kw), [t])
    return table["status"].iloc[0]


# ---- the classification rule at, just above and just below each threshold --------------------

def below(x: float) -> float:
    return float(np.nextafter(x, -np.inf))


@pytest.mark.parametrize(("prob", "expected"), [
    (1.0, "met"), (0.9, "met"), (below(0.9), "at_risk"), (0.5, "at_risk"),
    (below(0.5), "missed"), (0.0, "missed"),
])
def test_probability_thresholds(prob, expected):
    assert classify(prob, median_slack=10.0, band=1.0) == expected


@pytest.mark.parametrize(("slack", "expected"), [
    (2.0, "met"), (below(2.0), "at_risk"), (0.0, "at_risk"),
])
def test_margin_band_threshold(slack, expected):
    assert classify(1.0, median_slack=slack, band=2.0) == expected


def test_thresholds_are_configurable():
    th = Thresholds(p_met=0.8, p_at_risk=0.3, margin=0.0)
    assert classify(0.8, 0.0, th.band(100.0, "Mt/yr"), th) == "met"
    assert classify(below(0.3), 5.0, 0.0, th) == "missed"
    assert Thresholds().band(-50.0, "Mt/yr") == pytest.approx(1.0)
    assert Thresholds().band(2030.0, "yr") == 1.0


# ---- single runs: the margin band decides met / at risk; missing the line is missed -------

@pytest.mark.parametrize(("value", "expected"), [
    (110.0, "met"), (102.0, "met"), (101.99, "at_risk"), (100.0, "at_risk"),
    (99.99, "missed"), (90.0, "missed"),
])
def test_single_run_at_least(value, expected):
    assert status_of([value], target(">=", "100 Mt")) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (98.0, "met"), (98.01, "at_risk"), (100.0, "at_risk"), (100.01, "missed"),
])
def test_single_run_at_most(value, expected):
    assert status_of([value], target("<=", "100 Mt")) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (100.0, "met"), (103.0, "met"), (97.0, "met"), (103.01, "at_risk"), (105.0, "at_risk"),
    (95.0, "at_risk"), (105.01, "missed"), (94.99, "missed"),
])
def test_single_run_about(value, expected):
    # ≈ 100 with 5 % tolerance: met within ±(5 − 2), at risk up to ±5, missed beyond
    assert status_of([value], target("≈", "100 Mt", tol="5%")) == expected


@pytest.mark.parametrize(("peak", "expected"), [
    (2028.0, "met"), (2029.0, "met"), (2030.0, "at_risk"), (2031.0, "missed"),
])
def test_carbon_peak_before_2030(peak, expected):
    ds = xr.Dataset(
        {"co2_peak_year": (("sample",), [peak], {"units": "yr", "long_name": "peak",
                                                 "long_name_zh": "达峰年份"})},
        coords={"sample": [0], "year": YEARS})
    t = target("<=", 2030, indicator="co2_peak_year", year=2030)
    row = evaluate(ds, [t]).iloc[0]
    assert row["status"] == expected
    assert row["p50"] == peak


def test_report_units_are_converted():
    # 3.2亿吨 = 320 Mt/yr: a value of 320 Mt is exactly on target (shown in 亿吨 in Chinese)
    row = evaluate(make_ds([320.0]), [target("≈", "3.2亿吨", tol="5%")], lang="zh").iloc[0]
    assert row["status"] == "met" and row["unit"] == "亿吨"
    assert row["target"] == pytest.approx(3.2) and row["p50"] == pytest.approx(3.2)
    assert row["tolerance"] == pytest.approx(0.16)
    en = evaluate(make_ds([320.0]), [target("≈", "3.2亿吨", tol="5%")], lang="en").iloc[0]
    assert en["unit"] == "10⁸ t" and en["target"] == pytest.approx(3.2)  # 亿吨 in English too


# ---- ensembles: P(meet) is the share of samples meeting the target ------------------------

@pytest.mark.parametrize(("n_meet", "expected"), [
    (10, "met"), (9, "met"), (8, "at_risk"), (5, "at_risk"), (4, "missed"), (0, "missed"),
])
def test_ensemble_probability(n_meet, expected):
    values = np.array([200.0] * n_meet + [50.0] * (10 - n_meet))
    row = evaluate(make_ds(values), [target(">=", "100 Mt")]).iloc[0]
    assert row["p_meet"] == pytest.approx(n_meet / 10)
    assert row["status"] == expected
    assert row["n_samples"] == 10
    assert row["mean"] == pytest.approx(values.mean())
    assert row["p5"] <= row["p50"] <= row["p95"]


def test_ensemble_close_to_the_line_is_at_risk():
    # every sample meets the target, but the median has less than 2 % to spare
    values = np.linspace(100.0, 101.5, 11)
    row = evaluate(make_ds(values), [target(">=", "100 Mt")]).iloc[0]
    assert row["p_meet"] == 1.0 and row["status"] == "at_risk"


# ---- indicators ---------------------------------------------------------------------------

def cat_ds():
    data = np.zeros((1, YEARS.size, 3))
    data[0, 1] = [1.0, 2.0, 3.0]
    return xr.Dataset(
        {"power_add": (("sample", "year", "tech"), data,
                       {"units": "GW/yr", "long_name": "Capacity added",
                        "long_name_zh": "新增装机"})},
        coords={"sample": [0], "year": YEARS, "tech": ["coal", "wind", "solar"]})


def test_selector_sums_the_listed_labels_and_no_selector_sums_all():
    ds = cat_ds()
    assert targets.indicator_samples(ds, "power_add[wind,solar]", 2023)[0] == 5.0
    assert targets.indicator_samples(ds, "power_add[coal]", 2023)[0] == 1.0
    assert targets.indicator_samples(ds, "power_add", 2023)[0] == 6.0
    assert targets.indicator_label(ds, "power_add[wind,solar]", "zh") == "新增装机(风电+光伏)"
    assert targets.parse_indicator("a_b[x, y]") == ("a_b", ("x", "y"))


def test_bad_indicators_are_one_line_errors():
    ds = cat_ds()
    with pytest.raises(ScenarioError, match=r"test\.yaml:7: .*unknown indicator.*power_ad"):
        evaluate(ds, [target(">=", "1 GW", indicator="power_ad", year=2023)])
    with pytest.raises(ScenarioError, match=r"unknown tech label\(s\) \['nuclear'\]"):
        evaluate(ds, [target(">=", "1 GW", indicator="power_add[nuclear]", year=2023)])
    with pytest.raises(ScenarioError, match=r"target year outside the simulated years"):
        evaluate(ds, [target(">=", "1 GW", indicator="power_add", year=2050)])
    with pytest.raises(ScenarioError, match=r"not an indicator"):
        targets.parse_indicator("power add")


# ---- the bundled targets on real runs -----------------------------------------------------

@pytest.fixture(scope="module")
def baseline():
    from energysim.analysis.compare import run_scenario

    return run_scenario("baseline")


def test_bundled_targets_file_matches_the_baseline_list():
    file_targets = targets.load_targets(None)
    base = load_scenario("baseline").targets
    key = [(t.indicator, t.year, t.comparator, t.value) for t in file_targets]
    assert key == [(t.indicator, t.year, t.comparator, t.value) for t in base]
    assert {"coal_output", "power_add[wind,solar]", "co2_peak_year",
            "energy_intensity_control"} <= {t.indicator for t in file_targets}
    assert [t.account for t in file_targets] == [t.account for t in base]


def test_every_emission_and_energy_target_names_its_account():
    """Issue 11: CO2 and energy targets are judged on the account they mean, and say which."""
    for t in targets.load_targets(None):
        if t.indicator.startswith(("co2", "energy")):
            assert t.account != "physical", t.indicator
        if t.indicator.startswith("energy_intensity"):
            assert t.account == "intensity_control" and t.indicator.endswith("_control")


def test_the_account_shows_in_the_table(baseline):
    table = evaluate(baseline, lang="zh")
    peak = table[table["indicator"] == "co2_peak_year"].iloc[0]
    assert peak["account"] == "territorial" and "属地口径" in peak["name"]


def test_unknown_account_is_one_line(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(
        "name: t\nextends: baseline\ntargets:\n  - indicator: co2_total\n    year: 2030\n"
        "    comparator: '<='\n    value: 100 Mt/yr\n    account: teritorial\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    text = str(exc.value)
    assert "\n" not in text and "t.yaml:8" in text and "account" in text
    assert "territorial" in text


def test_evaluate_the_report_targets(baseline):
    table = evaluate(baseline)
    assert len(table) == len(targets.load_targets(None))
    assert set(table["status"]) <= set(targets.STATUSES)
    assert table["p_meet"].isin([0.0, 1.0]).all()  # one run at central values
    coal = table[table["indicator"] == "coal_output"].iloc[0]
    expected = float(baseline["coal_output"].sel(year=2023).values[0]) / 100.0
    assert coal["unit"] == "亿吨" and coal["p50"] == pytest.approx(expected)
    assert (table["status"] == "met").sum() + (table["status"] != "met").sum() == len(table)


def test_track_applies_the_line_every_year(baseline):
    t = next(t for t in load_scenario("baseline").targets if t.indicator == "coal_output")
    tr = targets.track(baseline, t)
    assert list(tr.index) == [int(y) for y in baseline["year"].values]
    assert tr.loc[2023, "p50"] == pytest.approx(float(baseline["coal_output"].sel(year=2023)
                                                      .values[0]) / 100.0)


def test_format_table_words_and_emoji():
    table = evaluate(make_ds([120.0, 130.0]), [target(">=", "100 Mt")], lang="en")
    plain = targets.format_table(table, "en", emoji=False)
    assert "[met]" in plain and "🟢" not in plain and "P(meet)" in plain
    assert "🟢 met" in targets.format_table(table, "en", emoji=True)
    zh = targets.format_table(evaluate(make_ds([50.0]), [target(">=", "100 Mt")]), "zh",
                              emoji=False)
    assert "[未达标]" in zh and "达标概率" in zh


def test_targets_command(capsys):
    assert main(["targets", "baseline"]) == 0
    out = capsys.readouterr().out
    assert "原煤产量" in out and "碳排放达峰年份" in out
    assert any(w in out for w in ("[达标]", "[有风险]", "[未达标]"))  # not a terminal: words
    assert main(["targets", "accelerated", "--samples", "20", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "P(meet)" in out and "median [p5–p95] of 20 samples" in out


def test_targets_command_bad_input(capsys):
    assert main(["targets", "no_such_scenario"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such scenario" in err
