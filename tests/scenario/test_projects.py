"""The project register, the ``projects:`` scenario key, and project timing as uncertainty."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from energysim.core.catalogue import Param, catalogue
from energysim.core.model import chemicals
from energysim.errors import ScenarioError
from energysim.scenario import compile_scenario, load_scenario, loads_scenario
from energysim.scenario.projects import (
    DEFAULT_FIRST_YEAR_FRACTION,
    NEVER,
    first_year_fraction,
    load_register,
    project_arrays,
)

ROOT = Path(__file__).resolve().parents[2]
REPORT = (ROOT / "calibration" / "sources" / "zhungeer-2023-government-work-report.txt").read_text(
    encoding="utf-8"
)
YEARS = np.arange(2022, 2061)


def _scenario(body: str, tmp_path: Path, name: str = "s.yaml", cat=None):
    f = tmp_path / name
    f.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_scenario(f, catalogue=cat)


def _row(params, path, year):
    return np.asarray(params[path])[:, year - 2022]


# -- the register ------------------------------------------------------------------------------
def test_register_is_complete_and_consistent():
    reg = load_register()
    for prior in reg.priors.values():
        assert sum(prior.probs) == pytest.approx(1.0)
        assert prior.mode == 0 or prior.verb == "谋划"  # documented: only 谋划 is late by mode
    types = {p.type for p in reg.projects.values()}
    # every kind the report names is there: plants, mines, wind/solar, hydrogen, storage
    # (manufacturing), coal chemicals, CO2-to-aromatics, trucks and stations
    assert {"coal_power", "coal_mine", "wind", "solar", "electrolyser", "hydrogen",
            "coal_chemical", "manufacturing", "stations", "trucks"} <= types
    assert "chem-jiutai-co2aro" in reg.modelled
    for p in reg.projects.values():
        assert p.info["record"]["verified"] is False  # every later record is marked unverified
        if p.modelled:
            assert p.size > 0 and p.planned_year is not None


@pytest.mark.parametrize("pid", list(load_register().projects))
def test_every_sentence_is_quoted_from_the_report(pid):
    """Each quoted sentence (split at the annotations ' (2022)' / '; ') is in the report."""
    p = load_register().projects[pid]
    parts = [re.sub(r"\s*\((?:20\d\d)\)\s*$", "", x).strip()
             for x in re.split(r";\s+", p.sentence)]
    for part in parts:
        assert part and part in REPORT, part


def test_bundled_sizes_in_canonical_units():
    reg = load_register()
    assert reg.projects["coal-zhunda-2"].size == pytest.approx(2.0)  # 200万千瓦 → GW/yr
    assert reg.projects["chem-bk-sng"].size == pytest.approx(2.87)   # 287万吨 → Mt/yr
    assert reg.projects["h2-narisong"].size == pytest.approx(0.075)


# -- compiling projects into additions ---------------------------------------------------------
def test_flow_project_adds_in_its_year_only(tmp_path):
    base = _scenario("""
        parameters:
          power.coal.add: {values: {2022: 0.5 GW, 2030: 0 GW}, interpolation: step}
        projects: {include: [coal-jt-changtan, coal-zhunda-2], timing: planned}
        """, tmp_path)
    p = compile_scenario(base).params()
    add = np.asarray(p["power.coal.add"])[0]
    want = np.where(YEARS < 2030, 0.5, 0.0)
    want[YEARS == 2023] += 1.32
    want[YEARS == 2025] += 2.0
    np.testing.assert_allclose(add, want)


def test_stock_project_adds_from_its_year_on(tmp_path):
    s = _scenario("""
        parameters:
          chemicals.coal_to_gas.capacity: {values: {2022: 0.1 Mt/yr}, interpolation: step}
        projects: {include: [chem-bk-sng], timing: planned}
        """, tmp_path)
    cap = np.asarray(compile_scenario(s).params()["chemicals.coal_to_gas.capacity"])[0]
    np.testing.assert_allclose(cap, np.where(YEARS >= 2026, 0.1 + 2.87, 0.1))


def test_central_run_uses_the_modal_delay(tmp_path):
    s = _scenario("projects: [chem-sinopec-cto]\n", tmp_path)
    cap = np.asarray(compile_scenario(s, method="central").params()["chemicals.olefins.capacity"])
    default = catalogue()["chemicals.olefins.capacity"].default
    assert load_register().priors["谋划"].mode == 2
    jump = np.flatnonzero(np.diff(cap[0] - np.interp(YEARS, list(default), list(default.values()))))
    assert YEARS[jump[0] + 1] == 2024 + 2


def test_baseline_does_not_double_count_named_coal_units():
    s = load_scenario("baseline")
    p = compile_scenario(s, method="central").params()
    add = np.asarray(p["power.coal.add"])[0]
    # the generic series is zero: the coal additions are exactly the register's units
    reg = load_register()
    want = np.zeros(len(add))
    for pid in s.projects:
        q = reg.projects[pid]
        if q.parameter == "power.coal.add":
            want[q.planned_year + reg.priors[q.verb].mode - 2022] += q.size
    np.testing.assert_allclose(add, want)
    assert add[1] == pytest.approx(2.64)  # 2023: 国电建投长滩 + 京泰酸刺沟二期, as the report


# -- first-year fractions ----------------------------------------------------------------------
def test_first_year_fraction_from_month():
    assert first_year_fraction(None) == DEFAULT_FIRST_YEAR_FRACTION == 0.5
    assert first_year_fraction(1) == pytest.approx(11.5 / 12)
    assert first_year_fraction(12) == pytest.approx(0.5 / 12)


def test_fractions_are_capacity_weighted(tmp_path):
    """The lead's power.coal.first_year_fraction (a catalogue entry of the lead's engine) is
    set to the capacity-weighted fraction of the year's additions: a fixture catalogue adds it."""
    cat = dict(catalogue())
    cat["power.coal.first_year_fraction"] = Param(
        "power.coal.first_year_fraction", "", 0.5, (0.0, 1.0), "fraction", "比例", "power")
    s = _scenario("""
        parameters:
          power.coal.add: {values: {2022: 0 GW, 2023: 1 GW, 2024: 0 GW}, interpolation: step}
        projects: {include: [coal-jt-changtan, coal-jingtai-2], timing: planned}
        """, tmp_path, cat=cat)
    p = compile_scenario(s, catalogue=cat).params()
    f = np.asarray(p["power.coal.first_year_fraction"])[0]
    # 2023: 1 GW generic at 0.5, 1.32 GW (no month) at 0.5, 1.32 GW in August at 4.5/12
    want = (1 * 0.5 + 1.32 * 0.5 + 1.32 * 4.5 / 12) / (1 + 1.32 + 1.32)
    assert f[1] == pytest.approx(want)
    assert f[0] == 0.5 and f[2] == 0.5  # nothing added, or nothing named: the generic value


def test_project_arrays_late_projects_are_mid_year():
    reg = load_register()
    p = reg.projects["coal-jingtai-2"]  # month 8
    base = {"power.coal.add": np.zeros((1, 5))}
    frac = {"power.coal.first_year_fraction": np.full((1, 5), 0.5)}
    out = project_arrays([p], np.array([[0], [1], [NEVER]]), base, frac, 5, 2022)
    np.testing.assert_allclose(out["power.coal.add"], [[0, 1.32, 0, 0, 0], [0, 0, 1.32, 0, 0],
                                                       [0] * 5])
    np.testing.assert_allclose(out["power.coal.first_year_fraction"][:, 1:3],
                               [[4.5 / 12, 0.5], [0.5, 0.5], [0.5, 0.5]])


def test_chemical_capacity_operates_part_of_its_first_year():
    cap = np.array([1.0, 1.0, 3.0, 3.0, 2.0]).reshape(5, 1, 1)
    f = np.full((5, 1, 1), 0.25)
    got = chemicals.operating_capacity(cap, f).ravel()
    # the increase of 2 operates a quarter of its first year; decreases act at once
    np.testing.assert_allclose(got, [1.0, 1.0, 1.5, 3.0, 2.0])


# -- timing as uncertainty ---------------------------------------------------------------------
def test_delay_draws_follow_the_prior():
    c = compile_scenario("baseline", samples=40_000, seed=7)
    reg = load_register()
    u = c.design
    for pid in ("coal-zhunda-2", "chem-sinopec-cto", "re-400base-wind"):
        prior = reg.priors[reg.projects[pid].verb]
        d = prior.ppf(u[:, c.inputs.index(f"projects.{pid}")])
        for delay, prob in zip(prior.delays, prior.probs, strict=True):
            # binomial s.e. ≤ 0.0025 at n = 40,000: 5 s.e.
            assert np.mean(d == delay) == pytest.approx(prob, abs=0.0125), (pid, delay)


def test_sampled_additions_follow_the_draws():
    c = compile_scenario("baseline", samples=3000, seed=3)
    p = c.params()
    wind = np.asarray(p["power.wind.add"])
    d = c.delays(c.design)
    j = [q.id for q in c.projects].index("re-400base-wind")
    generic = np.asarray(c._fixed["power.wind.add"])[0]
    for delay in (0, 1, 2, NEVER):
        rows = np.flatnonzero(d[:, j] == delay)
        assert rows.size > 50
        extra = wind[rows] - generic
        want = np.zeros(len(generic))
        if delay != NEVER:
            want[2023 + delay - 2022] = 1.2
        np.testing.assert_allclose(extra, np.broadcast_to(want, extra.shape), atol=1e-12)


def test_chunks_and_a_single_sample_equal_the_ensemble():
    c = compile_scenario("baseline", samples=257, seed=11)
    whole = c.params(0, 257)
    paths = ["power.coal.add", "power.solar.add", "chemicals.olefins.capacity",
             "coal.mine_capacity", "hydrogen.electrolyser.add"]
    parts = [c.params(a, b) for a, b in ((0, 100), (100, 101), (101, 257))]
    for path in paths:
        joined = np.concatenate([np.broadcast_to(q[path], (q.n_samples, c.n_years))
                                 for q in parts])
        np.testing.assert_array_equal(joined, np.broadcast_to(whole[path], joined.shape))
        alone = compile_scenario("baseline", samples=1000, seed=11).params(150, 151)
        np.testing.assert_array_equal(np.broadcast_to(alone[path], (1, c.n_years)),
                                      np.asarray(whole[path])[150:151])


def test_timing_columns_are_design_inputs_for_lhs_and_sensitivity():
    c = compile_scenario("baseline", samples=64, seed=1, method="lhs")
    assert c.design.shape == (64, len(c.inputs))
    assert len(c.inputs) == len(c.uncertain) + len(c.timed)
    assert "projects.coal-huineng-ct1" not in c.inputs  # certain (建成投运): not sampled
    u = np.full((2, len(c.inputs)), 0.1)  # 0.1 < P(on time) of every verb
    u[1, c.inputs.index("projects.coal-zhunda-2")] = 0.999  # the "never" tail
    add = np.asarray(c.params_from_unit(u)["power.coal.add"])
    assert add[0, 2025 - 2022] == pytest.approx(2.0) and add[1, 2025 - 2022] == 0.0


def test_timing_planned_samples_nothing(tmp_path):
    s = _scenario("extends: baseline\nprojects: {timing: planned}\nparameters:\n"
                  "  chemicals.olefins.capacity: {values: {2022: 0.6 Mt/yr}, "
                  "interpolation: step}\n", tmp_path)
    assert s.projects == load_scenario("baseline").projects
    c = compile_scenario(s, samples=10, seed=1)
    assert c.timed == ()
    olefins = np.asarray(c.params()["chemicals.olefins.capacity"])
    assert olefins.shape[0] == 1 or np.all(olefins == olefins[:1])


# -- the scenario key --------------------------------------------------------------------------
def test_include_exclude_and_inheritance(tmp_path):
    _scenario("projects: {include: all, exclude: [chem-yitai-ctl]}\n", tmp_path, "parent.yaml")
    child = _scenario("extends: ./parent.yaml\nprojects: {exclude: [chem-bk-sng]}\n", tmp_path)
    reg = load_register()
    assert child.projects == tuple(i for i in reg.modelled
                                   if i not in ("chem-yitai-ctl", "chem-bk-sng"))
    none = _scenario("extends: ./parent.yaml\nprojects: []\n", tmp_path, "none.yaml")
    assert none.projects == ()


def test_round_trip_keeps_projects(tmp_path):
    s = load_scenario("baseline")
    again = loads_scenario(s.to_yaml(), file="again.yaml")
    assert again.projects == s.projects and again.project_timing == s.project_timing
    a = compile_scenario(s, samples=20, seed=2).params()
    b = compile_scenario(again, samples=20, seed=2).params()
    for path in ("power.solar.add", "chemicals.aromatics.capacity"):
        np.testing.assert_array_equal(a[path], b[path])


@pytest.mark.parametrize(("text", "line", "key", "what"), [
    ("projects: [coal-jt-changtan, coal-jt-changtn]\n", 1, "projects.include[1]",
     "unknown project"),
    ("projects:\n  include:\n    - h2-yousai\n", 3, "projects.include[0]",
     "project is not modelled"),
    ("projects: {timing: later}\n", 1, "projects.timing", "unknown timing"),
    ("projects: {includ: all}\n", 1, "projects.includ", "unknown key"),
    ("projects: {exclude: all}\n", 1, "projects.exclude", "exclude takes a list"),
])
def test_bad_projects_are_one_line(text, line, key, what, tmp_path):
    with pytest.raises(ScenarioError) as e:
        _scenario(text, tmp_path)
    msg = str(e.value)
    assert "\n" not in msg
    assert re.match(rf"^.*s\.yaml:{line}: {re.escape(key)}: {re.escape(what)}.*\(expected .+, "
                    rf"got .+\)", msg), msg
    if what == "unknown project":
        assert msg.endswith("did you mean 'coal-jt-changtan'?")


def test_register_errors_are_one_line(tmp_path):
    text = (ROOT / "src/energysim/data/projects/register.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "register.yaml"
    bad.write_text(text.replace("verb: 开工\n", "verb: 开公\n", 1), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"register\.yaml:\d+: projects\.coal-huineng-ct2"
                       r"\.verb: unknown verb \(expected .*, got '开公'\)"):
        load_register(bad)


def test_compiled_project_fields_are_frozen():
    c = compile_scenario("baseline")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.timed = ()


# -- the CLI and the language features added with the register ---------------------------------
def test_projects_command_lists_the_register(capsys):
    from energysim import cli

    assert cli.main(["projects"]) == 0
    out = capsys.readouterr().out
    assert "coal-zhunda-2" in out and "开工" in out and "h2-yousai" not in out
    assert cli.main(["projects", "--all"]) == 0
    assert "h2-yousai" in capsys.readouterr().out  # not modelled: shown with --all only
    assert cli.main(["projects", "accelerated"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accelerated: 17 projects, timing uncertain")
    assert "coal-zhunda-2" not in out


def test_multiplier_alone_scales_the_inherited_value(tmp_path):
    _scenario("parameters:\n  power.coal.capacity_initial: 8 GW\n", tmp_path, "parent.yaml")
    s = _scenario("extends: ./parent.yaml\nparameters:\n  power.coal.capacity_initial:\n"
                  "    multiplier: {dist: uniform, low: 0.5, high: 1.5}\n", tmp_path)
    leaf = s.parameters["power.coal.capacity_initial"]
    assert leaf.base.value == 8.0 and leaf.source.file.endswith("parent.yaml")
    x = np.asarray(compile_scenario(s, samples=500, seed=1).params()[
        "power.coal.capacity_initial"])[:, 0]
    assert 4.0 <= x.min() < 4.5 and 11.5 < x.max() <= 12.0
    # without a parent value it scales the catalogue default
    d = _scenario("parameters:\n  power.coal.hours: {multiplier: {dist: uniform, low: 0.9, "
                  "high: 1.1}}\n", tmp_path, "d.yaml")
    assert d.parameters["power.coal.hours"].base.value == catalogue()["power.coal.hours"].default


def test_fixing_a_correlated_parameter_drops_the_inherited_correlation(tmp_path):
    s = _scenario("extends: baseline\nparameters:\n  economy.gdp_growth: 5%\n", tmp_path)
    assert all("economy.gdp_growth" not in c.params for c in s.correlations)
    assert len(s.correlations) == len(load_scenario("baseline").correlations) - 1
    with pytest.raises(ScenarioError, match="correlated parameter is not uncertain"):
        _scenario("extends: baseline\nparameters:\n  economy.gdp_growth: 5%\ncorrelations:\n"
                  "  - {params: [economy.gdp_growth, coal.outbound_demand], rho: 0.3}\n",
                  tmp_path, "own.yaml")
