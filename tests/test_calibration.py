"""Calibration: data checks, parameter recovery, the calibrated baseline, hindcast, ensembles.

Synthetic data are made by the model itself from a scenario with known parameters (no
uncertain parameter, compiled and simulated by the engine directly), written as data files in
the report's units, and fitted back through the whole calibration path (files → config →
least squares). Tolerances are stated where they are used.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from energysim.analysis.calibration.config import load_config
from energysim.analysis.calibration.data import LAST_DATA_YEAR, read_data, to_unit
from energysim.analysis.calibration.fit import weigh_samples
from energysim.analysis.calibration.run import calibrate
from energysim.analysis.calibration.variables import parse_expr
from energysim.cli import main
from energysim.errors import DataError, ScenarioError
from energysim.execution import pipeline
from energysim.scenario import compile_scenario, load_scenario
from energysim.scenario.hindcast import with_base_year
from energysim.scenario.loader import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "calibration" / "baseline.yaml"
CALIBRATED = BUNDLED_DIR / "parts" / "calibrated.yaml"
HEADER = "indicator,year,value,unit,source,source_text\n"
ONE_LINE = re.compile(r"^[^\n]+:\d+: [a-z_.\[\]0-9]+: [^\n]+$")

#: Recovery tolerance on noise-free synthetic data (relative).
RECOVERY_RTOL = 1e-6

# A variant of the baseline (the fitted parameters fixed; the others at their central values), and
# the "truth" made from it with known values of the four parameters that are then fitted back.
BASE_YAML = """\
name: synthetic_base
extends: baseline
base_year: 2012          # history: synthetic data 2012–2022 (calibration data end in 2022)
parameters:
  economy:
    gdp_growth: 5%
  power:
    # the fixed-hours mode (power.dispatch: 0): these tests recover a fleet and its hours from
    # synthetic data, which needs hours as an input; the calibration machinery is the same
    dispatch: 0
    coal: {hours: 5000 h, min_hours: 2600 h, max_hours: 7000 h}
    wind: {hours: 2400 h}
    solar: {hours: 1550 h}
    export: {grid_capacity: 1000万千瓦}
  hydrogen:
    electrolyser: {hours: 4000 h, kwh_per_kg: 58 kWh/kg}
"""
TRUTH = {
    "economy.gdp_base": 117.3,  # bnCNY
    "economy.gdp_growth": 0.8,  # × the base's 5 %/yr
    "power.coal.capacity_initial": 7.7,  # GW
    "power.coal.hours": 1.07,  # × 5000 h
}
TRUTH_YAML = """\
name: synthetic_truth
extends: synthetic_base.yaml
parameters:
  economy: {gdp_base: 1173亿元, gdp_growth: 4%}
  power:
    coal: {capacity_initial: 770万千瓦, hours: 5350 h}
"""
FIT_PARAMS = """\
parameters:
  economy.gdp_base: {bounds: [1000亿元, 1500亿元], start: 1300亿元}
  economy.gdp_growth: {kind: multiplier, bounds: [0.5, 1.5]}
  power.coal.capacity_initial: {bounds: [500万千瓦, 1200万千瓦]}
  power.coal.hours: {kind: multiplier, bounds: [0.8, 1.2]}
"""
YEARS = list(range(2012, 2023))


def _truth_outputs(tmp: Path, end_year: int = 2022):
    from energysim.core.engine import simulate

    # the baseline's other uncertain parameters (and project timing) at their central values,
    # as the calibration's Problem uses them
    compiled = compile_scenario(tmp / "synthetic_truth.yaml", end_year=end_year, method="central")
    return simulate(compiled.params())


def _write_data(path: Path, rows) -> Path:
    text = HEADER + "".join(
        f"{ind},{y},{v!r},{u},synthetic (energysim run),model output\n" for ind, y, v, u in rows
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Scenario files, synthetic data in report units (亿元, 万千瓦, 亿千瓦时) and a config."""
    tmp = tmp_path_factory.mktemp("synthetic")
    (tmp / "synthetic_base.yaml").write_text(BASE_YAML, encoding="utf-8")
    (tmp / "synthetic_truth.yaml").write_text(TRUTH_YAML, encoding="utf-8")
    out = _truth_outputs(tmp)
    t = [y - YEARS[0] for y in YEARS]
    gdp = out["gdp"][0, t] * 10.0  # bnCNY → 亿元
    cap = out["power_cap"][0, t, 0] * 100.0  # GW → 万千瓦 (coal)
    gen = out["power_gen"][0, t, 0] * 10.0  # TWh → 亿千瓦时 (coal)
    rows = [("gdp", y, float(v), "亿元") for y, v in zip(YEARS, gdp, strict=True)]
    rows += [("coal_capacity", y, float(v), "万千瓦") for y, v in zip(YEARS, cap, strict=True)]
    rows += [("coal_generation", y, float(v), "亿千瓦时") for y, v in zip(YEARS, gen, strict=True)]
    _write_data(tmp / "synthetic.csv", rows)
    return tmp


def _config(tmp: Path, data: str = "synthetic.csv", extra: str = "", name="fit.yaml",
            obs: str | None = None) -> Path:
    obs = obs or f"""\
observations:
  - {{variable: gdp, file: {data}, indicator: gdp}}
  - {{variable: "power_cap[coal]", file: {data}, indicator: coal_capacity}}
  - {{variable: "power_gen[coal]", file: {data}, indicator: coal_generation}}
"""
    text = f"scenario: synthetic_base.yaml\n{FIT_PARAMS}{obs}{extra}"
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


# --- parameter recovery ---------------------------------------------------------------------


def test_recovers_known_parameters_from_synthetic_data(synthetic):
    cal = calibrate(_config(synthetic), write=False)
    assert cal.result.success
    for path, truth in TRUTH.items():
        assert cal.fitted[path] == pytest.approx(truth, rel=RECOVERY_RTOL), path
    for s in cal.stats:
        assert s.mape < 1e-4  # [%]: the data are reproduced to ~1e-6


def test_recovery_with_noise_is_within_the_reported_standard_errors(synthetic, tmp_path):
    rng = np.random.default_rng(11)
    rows = []
    for r in read_data(synthetic / "synthetic.csv").records:
        rows.append((r.indicator, r.year, r.value * (1 + 0.01 * rng.standard_normal()), r.unit))
    for name in ("synthetic_base.yaml", "synthetic_truth.yaml"):
        (tmp_path / name).write_text((synthetic / name).read_text("utf-8"), encoding="utf-8")
    _write_data(tmp_path / "noisy.csv", rows)
    cal = calibrate(_config(tmp_path, data="noisy.csv"), write=False)
    for (path, truth), se in zip(TRUTH.items(), cal.result.stderr, strict=True):
        assert np.isfinite(se) and se > 0
        assert abs(cal.fitted[path] - truth) < 4.0 * se, (path, cal.fitted[path], truth, se)
        assert cal.fitted[path] == pytest.approx(truth, rel=0.03)


def test_holdout_predicts_left_out_years_of_synthetic_data(synthetic):
    cfg = _config(synthetic, extra="hindcast: {from_year: 2012}\n", name="hold.yaml")
    cal = calibrate(cfg, holdout=3, write=False)
    hc = cal.hindcast
    assert hc.held_out == (2020, 2021, 2022) and hc.fit_years == tuple(range(2012, 2020))
    held = [s for s in hc.stats if s.points == "holdout"]
    assert len(held) == 3 and all(s.n == 3 for s in held)
    assert all(s.mape < 1e-4 for s in held)  # exact model: the future is predicted exactly


def test_hindcast_starting_earlier_refits_base_year_parameters(synthetic):
    cfg = _config(synthetic, extra="hindcast: {from_year: 2011}\n", name="h11.yaml")
    cal = calibrate(cfg, holdout=2, write=False)
    hc = cal.hindcast
    assert int(hc.problem.years[0]) == 2011 and hc.held_out == (2021, 2022)
    fitted = dict(zip((p.path for p in hc.problem.fit_params), hc.result.x, strict=True))
    # GDP of 2011 and the stock at the end of 2010 fit the same data one year earlier: GDP is
    # coal value added + the rest (docs/model.md "Economy"); the coal output of 2011 is 2012's
    # (capacity-bound, series held flat before their first year), so GDP 2011 is the same coal
    # value added plus the rest of 2012 less its 4% growth
    truth = _truth_outputs(synthetic)
    assert truth["coal_output"][0, 0] == truth["coal_output"][0, 1]
    coal_va, rest = truth["gdp_coal"][0, 0], truth["gdp_rest"][0, 0]
    assert coal_va + rest == pytest.approx(TRUTH["economy.gdp_base"], rel=1e-12)
    assert fitted["economy.gdp_base"] == pytest.approx(coal_va + rest / 1.04, rel=1e-5)
    assert all(s.mape < 0.1 for s in hc.stats)


def test_importance_weights_and_abc_favour_samples_near_the_truth(synthetic, tmp_path):
    """An uncertain parameter of the scenario is weighted by the fit of its samples."""
    for name in ("synthetic_truth.yaml", "synthetic.csv"):
        (tmp_path / name).write_text((synthetic / name).read_text("utf-8"), encoding="utf-8")
    base = BASE_YAML.replace("coal: {hours: 5000 h,",  # the true fleet, hours uncertain
                             "coal: {capacity_initial: 770万千瓦, "
                             "hours: {dist: uniform, low: 4500 h, high: 6000 h},")
    (tmp_path / "synthetic_base.yaml").write_text(base, encoding="utf-8")
    text = """\
scenario: synthetic_base.yaml
parameters:
  economy.gdp_base: {bounds: [1000亿元, 1500亿元]}
  economy.gdp_growth: {kind: multiplier, bounds: [0.5, 1.5]}
observations:
  - {variable: gdp, file: synthetic.csv, indicator: gdp}
  - {variable: "power_gen[coal]", file: synthetic.csv, indicator: coal_generation}
ensemble: {sigma: 1%, tolerance: 1%, method: lhs, seed: 3}
"""
    cfg = tmp_path / "abc.yaml"
    cfg.write_text(text, encoding="utf-8")
    cal = calibrate(cfg, samples=512, write=False)
    e = cal.ensemble
    w = e.weights
    (row,) = [p for p in e.prior_posterior if p[0] == "power.coal.hours"]
    _, _, prior_mean, prior_sd, post_mean, post_sd = row
    assert prior_mean == pytest.approx(5250, rel=0.01)
    assert post_mean == pytest.approx(5350, rel=0.01)  # the truth
    assert post_sd < 0.3 * prior_sd
    assert 1 < w.ess_importance < 0.3 * e.n
    assert 0 < w.ess_rejection < e.n
    assert np.isclose(w.importance.sum(), 1.0)


def test_weigh_samples_formulas():
    rel = np.array([[0.0, 0.0], [0.01, 0.0], [0.03, 0.04], [np.nan, 0.0]])
    w = weigh_samples(rel, 2.0, sigma=0.01, tolerance=0.02)
    assert np.allclose(w.ssr[:3], [0.0, 1e-4, 0.0025])
    assert np.allclose(w.rms[:3], np.sqrt(np.array([0.0, 1e-4, 0.0025]) / 2))
    raw = np.exp(-np.array([0.0, 1e-4, 0.0025]) / (2 * 1e-4))
    assert np.allclose(w.importance[:3], raw / raw.sum())
    assert w.importance[3] == 0.0  # a failed sample has no weight
    assert w.ess_importance == pytest.approx(1.0 / np.sum((raw / raw.sum()) ** 2))
    assert w.accepted.tolist() == [True, True, False, False] and w.ess_rejection == 2


# --- the calibrated baseline ----------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline_calibration(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline-cal")
    return calibrate(CONFIG, output_dir=out, holdout=1, figures=False), out


def _param_values(path: Path) -> dict[str, float]:
    s = load_scenario(path)
    return {p: leaf.base.value for p, leaf in s.parameters.items()}


def test_bundled_calibrated_file_is_up_to_date(baseline_calibration):
    cal, out = baseline_calibration
    fresh = _param_values(out / "calibrated.yaml")
    bundled = _param_values(CALIBRATED)
    assert fresh.keys() == bundled.keys() == set(cal.fitted)
    for p in fresh:
        assert bundled[p] == pytest.approx(fresh[p], rel=1e-7), (
            f"{p}: rerun `energysim calibrate calibration/baseline.yaml`")


def test_baseline_uses_the_calibrated_file():
    s = load_scenario("baseline")
    assert any(Path(f).name == "calibrated.yaml" for f in s.chain)
    for path in _param_values(CALIBRATED):
        assert Path(s.parameters[path].source.file).name == "calibrated.yaml", path


def test_calibrated_baseline_reproduces_the_data_within_its_reported_error(
        baseline_calibration):
    """The bundled baseline, run at its central values, is as close to every fitted or
    monitored series as the fit report says (RMSE and MAPE from fit-statistics.csv)."""
    from energysim.analysis.calibration.problem import Problem

    cal, out = baseline_calibration
    with (out / "fit-statistics.csv").open(encoding="utf-8") as f:
        reported = {r["series"]: r for r in csv.DictReader(f) if r["set"] == "main"}
    problem = Problem(load_scenario("baseline"), (), cal.problem.observations, end_year=2022)
    model = problem.model_values(problem.simulate(np.empty(0)))
    checked = 0
    for o, m, col in zip(problem.observations, model, problem.cols, strict=True):
        inside = col >= 0
        if not inside.any():
            continue
        err = m[0, inside] - o.values[inside]
        rep = reported[o.name]
        rmse = float(np.sqrt(np.mean(err**2)))
        mape = float(100 * np.mean(np.abs(err / o.values[inside])))
        assert rmse <= float(rep["rmse"]) * (1 + 1e-6) + 1e-9 * abs(o.values[inside]).max()
        assert mape <= float(rep["mape_pct"]) * (1 + 1e-6) + 1e-7
        assert mape < 0.01  # and that error is small: < 0.01 % for every series
        checked += 1
    assert checked >= 4


def test_baseline_calibration_report_and_hindcast(baseline_calibration):
    cal, out = baseline_calibration
    report = (out / "fit-report.md").read_text(encoding="utf-8")
    for name in ("GDP (report)", "generation growth (report)", "Hindcast: from 2021"):
        assert name in report
    held = {s.name: s for s in cal.hindcast.stats if s.points == "holdout"}
    assert set(held) == {"GDP (report)", "GDP (China Daily)", "generation growth (report)"}
    # with dispatch, 2022's growth comes from the exports: the 2021 outlets (2022 less the line
    # of 汇能长滩) give +15.9% against the report's +14.1%; the hindcast says so (~13%), and
    # the report carries the number (a validation, not tuned)
    assert 5 < held["generation growth (report)"].mape < 20
    header = (out / "calibrated.yaml").read_text(encoding="utf-8")
    assert header.startswith("# Calibrated parameters") and "sha256" in header
    assert "zhungeer_gov_work_report_2023.csv" in header


def test_cli_calibrate_end_to_end_with_figures(tmp_path, capsys):
    rc = main(["calibrate", str(CONFIG), "-o", str(tmp_path), "--samples", "64"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "economy.gdp_base" in text and "ESS" in text
    for name in ("calibrated.yaml", "fit-report.md", "fit-statistics.csv", "fit-points.csv",
                 "ensemble-weights.csv", "fit-gdp.png", "fit-growth-generation.png"):
        assert (tmp_path / name).is_file(), name
    assert (tmp_path / "fit-gdp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*tmp*"))  # no temporary files left


# --- bad data: one line, exit status 2, nothing written ------------------------------------


def _bad_case(tmp: Path, csv_text: str, obs_extra: str = "") -> Path:
    (tmp / "bad.csv").write_text(csv_text, encoding="utf-8")
    (tmp / "synthetic_base.yaml").write_text(BASE_YAML, encoding="utf-8")
    return _config(tmp, obs=f"""\
observations:
  - {{variable: gdp, file: bad.csv, indicator: gdp{obs_extra}}}
""", name="bad.yaml")


SRC = "report,sentence"
BAD = {
    "missing year": (HEADER + f"gdp,2022,1300,亿元,{SRC}\n", ", years: [2021, 2022]",
                     r"bad\.csv:2: year: missing year 2021 for 'gdp' \(expected rows for 2021, "
                     r"2022, got 2022\)"),
    "wrong unit": (HEADER + f"gdp,2022,3.2,亿吨,{SRC}\n", "",
                   r"bad\.csv:2: unit: wrong unit for gdp \(expected currency \[bnCNY\], got "
                   r"mass \[亿吨\]\)"),
    "unknown unit": (HEADER + f"gdp,2022,1300,亿块,{SRC}\n", "",
                     r"bad\.csv:2: unit: unknown unit"),
    "duplicate year": (HEADER + f"gdp,2022,1300,亿元,{SRC}\ngdp,2021,1234,亿元,{SRC}\n"
                       f"gdp,2022,1301,亿元,{SRC}\n", "",
                       r"bad\.csv:4: year: duplicate row for \(gdp, 2022\) \(expected one row "
                       r"per indicator and year, got a second one; the first is on line 2\)"),
    "year after 2022": (HEADER + f"gdp,2022,1300,亿元,{SRC}\ngdp,2023,1391,亿元,{SRC}\n", "",
                        r"bad\.csv:3: year: year after 2022 is kept aside for validation "
                        r"\(expected ≤ 2022 for fitting, got 2023\)"),
    "not a year": (HEADER + f"gdp,2022a,1300,亿元,{SRC}\n", "",
                   r"bad\.csv:2: year: not a year \(expected an integer year, got '2022a'\)"),
    "not a number": (HEADER + f"gdp,2022,\"1,300\",亿元,{SRC}\n", "",
                     r"bad\.csv:2: value: not a number"),
    "missing column": ("indicator,year,value,source,source_text\ngdp,2022,1300,r,s\n", "",
                       r"bad\.csv:1: header: missing column unit"),
    "no source": (HEADER + "gdp,2022,1300,亿元,,sentence\n", "",
                  r"bad\.csv:2: source: empty source"),
    "zero observed": (HEADER + f"gdp,2022,0,亿元,{SRC}\n", "",
                      r"bad\.csv:2: value: observed value 0 in a fitted series"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_data_is_one_line_and_exit_2(case, tmp_path, capsys):
    csv_text, extra, pattern = BAD[case]
    cfg = _bad_case(tmp_path, csv_text, extra)
    out = tmp_path / "out"
    with pytest.raises(DataError, match=pattern):
        calibrate(cfg, output_dir=out)
    assert main(["calibrate", str(cfg), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert re.search(pattern, err) and ONE_LINE.match(err.strip())
    assert not out.exists()  # nothing written


def test_bundled_data_files_all_read():
    files = sorted((ROOT / "calibration" / "data").glob("*.csv"))
    assert files
    for f in files:
        d = read_data(f)
        assert d.records and all(r.year <= LAST_DATA_YEAR for r in d.records)


def test_late_years_are_accepted_for_validation(synthetic, tmp_path):
    for name in ("synthetic_base.yaml", "synthetic_truth.yaml"):
        (tmp_path / name).write_text((synthetic / name).read_text("utf-8"), encoding="utf-8")
    rows = [(r.indicator, r.year, r.value, r.unit)
            for r in read_data(synthetic / "synthetic.csv").records]
    later = _truth_outputs(tmp_path, end_year=2030)["gdp"][0, -8:] * 10.0  # 亿元, 2023–2030
    _write_data(tmp_path / "d.csv", rows)
    _write_data(tmp_path / "later.csv",
                [("gdp", 2023 + i, float(v), "亿元") for i, v in enumerate(later)])
    obs = """\
observations:
  - {variable: gdp, file: d.csv, indicator: gdp}
  - {variable: "power_cap[coal]", file: d.csv, indicator: coal_capacity}
  - {variable: "power_gen[coal]", file: d.csv, indicator: coal_generation}
  - {variable: gdp, file: later.csv, indicator: gdp, role: validate, name: GDP after 2022}
"""
    text = _config(tmp_path, obs=obs).read_text("utf-8")
    cfg = tmp_path / "v.yaml"
    cfg.write_text(text.replace("  economy.gdp_growth: {kind: multiplier, bounds: [0.5, 1.5]}\n",
                                ""), encoding="utf-8")
    cal = calibrate(cfg, write=False)
    (val,) = [s for s in cal.stats if s.points == "validate"]
    assert val.n == 8  # 2023–2030 compared out of sample, not fitted
    assert val.mape > 1.0  # the growth rate was not fitted: the projection misses


def test_unit_conversion_reads_annual_amounts():
    d = read_data(ROOT / "calibration" / "data" / "zhungeer_gov_work_report_2023.csv")
    (coal,) = d.series("coal_output", years=[2022])
    assert to_unit(coal, "Mt/yr") == pytest.approx(320.0)
    (growth,) = d.series("generation_growth")
    assert to_unit(growth, "") == pytest.approx(0.141)


# --- configuration errors -------------------------------------------------------------------


CONFIG_ERRORS = {
    "unknown parameter": ("economy.gdp_bse: {bounds: [1000亿元, 1500亿元]}",
                          r"fit\.yaml:3: parameters\.economy\.gdp_bse: unknown parameter .*"
                          r"did you mean 'economy\.gdp_base'\?"),
    "bounds outside catalogue": ("power.coal.hours: {bounds: [4000 h, 9000 h]}",
                                 r"fit\.yaml:3: parameters\.power\.coal\.hours\.bounds: bounds "
                                 r"outside the catalogue's"),
    "wrong bound unit": ("economy.gdp_base: {bounds: [1000亿吨, 1500亿元]}",
                         r"fit\.yaml:3: parameters\.economy\.gdp_base\.bounds: wrong dimension"),
    "start outside": ("economy.gdp_base: {bounds: [1000亿元, 1500亿元], start: 2000亿元}",
                      r"fit\.yaml:3: parameters\.economy\.gdp_base\.start: start outside the "
                      r"bounds"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_configuration_errors_are_one_line(case, synthetic, tmp_path):
    entry, pattern = CONFIG_ERRORS[case]
    (tmp_path / "synthetic_base.yaml").write_text(BASE_YAML, encoding="utf-8")
    (tmp_path / "synthetic.csv").write_text((synthetic / "synthetic.csv").read_text("utf-8"),
                                            encoding="utf-8")
    text = (f"scenario: synthetic_base.yaml\nparameters:\n  {entry}\nobservations:\n"
            "  - {variable: gdp, file: synthetic.csv, indicator: gdp}\n")
    (tmp_path / "fit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=pattern) as exc:
        load_config(tmp_path / "fit.yaml")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("text, pattern", [
    ("gdpp", r"unknown result variable .*did you mean 'gdp'\?"),
    ("gdp[coal]", r"gdp has no category dimension"),
    ("power_cap[coal,nuclear]", r"unknown tech label \(expected some of coal, wind, solar, "
                                r"got nuclear\)"),
    ("growth(power_cap[coal]", r"malformed variable"),
])
def test_variable_expression_errors(text, pattern):
    with pytest.raises(ScenarioError, match=pattern):
        parse_expr(text, file="c.yaml", line=7)


def test_holdout_needs_a_hindcast_start(synthetic):
    with pytest.raises(ScenarioError, match=r"--holdout needs a hindcast start year"):
        calibrate(_config(synthetic, name="nohc.yaml"), holdout=1, write=False)


def test_holdout_cannot_leave_nothing_to_fit(synthetic):
    cfg = _config(synthetic, extra="hindcast: {from_year: 2012}\n", name="all.yaml")
    with pytest.raises(ScenarioError, match=r"nothing left to fit \(expected --holdout below "
                                            r"the 11 years"):
        calibrate(cfg, holdout=11, write=False)


# --- hindcast: the scenario from an earlier base year ---------------------------------------


def test_with_base_year_moves_the_start_and_keeps_calendar_series(synthetic):
    from energysim.core.engine import simulate

    s = load_scenario(synthetic / "synthetic_truth.yaml")
    h = with_base_year(s, 2009)
    assert h.base_year == 2009 and with_base_year(s, s.base_year) is s
    c = compile_scenario(h, end_year=2024)
    assert c.years.tolist() == list(range(2009, 2025))
    add = c.params()["power.coal.add"][0]
    base_add = compile_scenario(s, end_year=2024).params()["power.coal.add"][0]
    assert np.array_equal(add[3:], base_add)  # the same calendar years carry the same values
    out = simulate(c.params())
    # initial stocks are the end of 2008; GDP is the base-year GDP of 2009
    assert out["power_cap"][0, 0, 0] == pytest.approx(7.7 + add[0])
    assert out["gdp"][0, 0] == pytest.approx(117.3)


@pytest.mark.parametrize("year", [2013, 1950, "2010", True])
def test_with_base_year_rejects_bad_years(year, synthetic):
    s = load_scenario(synthetic / "synthetic_truth.yaml")
    with pytest.raises(ScenarioError, match=r"from_year: invalid start year \(expected 1962 ≤ "
                                            r"from_year ≤ 2012"):
        with_base_year(s, year)


def test_run_from_year_api_and_cli(tmp_path, capsys):

    ds = pipeline.run("baseline", from_year=2021, end_year=2022)
    assert ds["year"].values.tolist() == [2021, 2022]
    s = load_scenario("baseline")
    assert float(ds["gdp"].sel(year=2021).squeeze()) == pytest.approx(
        s.parameters["economy.gdp_base"].base.value)  # base-year GDP now means 2021's
    same = pipeline.run("baseline", end_year=2023)
    assert same["year"].values.tolist() == [2022, 2023]  # without from_year: unchanged
    assert main(["run", "baseline", "--from-year", "2030", "-o", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("from_year: invalid start year (expected 1972 ≤ from_year ≤ 2022, "
                           "the scenario's base year, got 2030)")
    assert not (tmp_path / "r").exists()
